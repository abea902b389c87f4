// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the RBS channels (mldsync sessions) of the configured services.
 */
#ifndef _RBP_SESSION_H
#define _RBP_SESSION_H

#include "rbp.h"

struct event_loop;

/* What show commands print of a service's channel */
struct rbp_session_info {
	const char *state; /* "idle (...)" when this daemon runs none */
	const char *resync;
	int64_t up_since_s; /* seconds up, -1 if down */
	const char *last_reason;
	size_t local_entries, peer_entries;
	struct msync_counters c;
};

void rbp_session_init(struct event_loop *loop);
void rbp_session_fini(void);
void rbp_session_info(const struct rbp_service *svc, struct rbp_session_info *si);
enum msync_role rbp_session_peer_role(const struct rbp_profile *prf);
/* The channel carrying a profile's entries, if it runs */
struct msync_session *rbp_profile_session(const struct rbp_profile *prf);
/* Tell the twin about a role change of a profile */
void rbp_session_role_changed(struct rbp_profile *prf);

#endif /* _RBP_SESSION_H */
