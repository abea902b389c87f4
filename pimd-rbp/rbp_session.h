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
	const char *problem; /* a configuration problem, or NULL */
	size_t local_entries, peer_entries;
	struct msync_counters c;

	/* authentication: what is configured, what is in use, what is wrong
	 * with it ("" if nothing); TCP-AO's state */
	bool auth;
	bool tx_key_valid, rx_key_valid;
	uint32_t tx_key, rx_key;
	char auth_problem[160];
	const char *tcp_ao; /* "off", "on", "not available on this kernel" */

	/* keepalive, hold, digest in force; the live connection's */
	struct msync_timers timers;
};

/* The callbacks every channel gets (cb->arg is set to the service) */
void rbp_session_init(struct event_loop *loop, const struct msync_callbacks *cb);
/* Every channel must have been stopped */
void rbp_session_fini(void);

/* Whether the service needs a channel in this daemon */
bool rbp_session_needed(const struct rbp_service *svc);
/* Start the channel, or bring it in line with the configuration: address
 * and port, the profiles offered in Hello, the twin's entries of
 * backup-ids that are no longer a profile of ours here
 */
void rbp_session_sync(struct rbp_service *svc);
/* Stop the channel; its tables go without callbacks, so whatever was
 * built from the twin's entries must have been removed first
 */
void rbp_session_stop(struct rbp_service *svc);
/* Tell the twin this router's role for a profile */
/* The profile's role and handover state (prf->role, able, forwarding,
 * released, synced, priority) to the twin, if changed */
void rbp_session_send_role(const struct rbp_profile *prf);
enum msync_role rbp_session_peer_role(const struct rbp_profile *prf);
/* The twin's last report for the profile; false if none is known */
bool rbp_session_peer_report(const struct rbp_profile *prf, struct msync_role_info *ri);
/* Both full resyncs of the profile's channel are done */
bool rbp_session_synced(const struct rbp_profile *prf);
/* Ask the twin for its reports again (ours may have made its stale) */
void rbp_session_ask_roles(const struct rbp_service *svc);
/* The daemon stops: the twin hears it (a Bye saying so) and takes over */
void rbp_session_goodbye(struct rbp_service *svc, const char *reason);

void rbp_session_info(const struct rbp_service *svc, struct rbp_session_info *si);

#endif /* _RBP_SESSION_H */
