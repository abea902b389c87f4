// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the mldsync unit tests: log capture, entry builders,
 * recording callbacks and a pair of twin sessions on a fake network.
 */
#ifndef _TEST_UTIL_H
#define _TEST_UTIL_H

#include "mldsync/msync.h"
#include "mldsync/msync_private.h"
#include "tests/unit/fake_io.h"

#define TU_PORT 7000

/* tcase_add_test, or nothing when MSYNC_TEST_ONLY names another test */
#define TU_ADD(tc, tf)                                                                             \
	do {                                                                                       \
		const char *only_ = getenv("MSYNC_TEST_ONLY");                                     \
		if (!only_ || strstr(#tf, only_))                                                  \
			tcase_add_test(tc, tf);                                                    \
	} while (0)

/* Captures every log line (all priorities) for tu_log_has(). */
void tu_init(void);
void tu_log_clear(void);
bool tu_log_has(const char *needle);

struct tu_rec {
	int state_changes;
	enum msync_state last_old, last_new;
	char last_reason[256];
	unsigned int entered[MSYNC_ST_REFUSED + 1]; /* times each state */
	int updates, deletes, roles, resync_done;
	int del_by[MSYNC_DEL_CONFIG + 1];
	struct msync_entry last_update, last_delete;
	uint32_t last_role_bid;
	enum msync_role last_role;
};

void tu_callbacks(struct tu_rec *r, struct msync_callbacks *cb);

void tu_cfg(struct msync_session_config *c, const char *name, const char *peer, const char *src,
	    uint16_t port);
void tu_key(struct msync_key *k, uint32_t bid, const char *ifname, const char *group,
	    const char *source);
void tu_entry(struct msync_entry *e, uint32_t bid, const char *ifname, const char *group,
	      const char *source, enum msync_filter f, uint8_t version, uint32_t timer_ms);

/* Two twins: A 10.0.0.1 and B 10.0.0.2, service "rbs1", offering
 * backup-id 10 igmp and 11 mld. */
struct tu_twins {
	struct fake_net *net;
	struct msync_io *ioa, *iob;
	struct msync_session *a, *b;
	struct tu_rec ra, rb;
	struct msync_session_config ca, cb;
};

extern const struct msync_offer tu_offers[2];

void tu_twins_new(struct tu_twins *t, uint64_t seed);
void tu_twins_free(struct tu_twins *t);
/* A new process on A's host: a fresh session (new incarnation). */
void tu_twins_restart(struct tu_twins *t, bool a);
bool tu_both_established(void *arg);
/* both established, resyncs done, nothing queued or pending */
bool tu_both_settled(void *arg);

/* expiry in a replica may be this much later than at the source (queueing
 * delay on a throttled link) */
extern int64_t tu_expiry_slack;

/* Does dst's peer table (entries of src's current life) equal src's local
 * table: keys, filter, version, role and expiry time? */
bool tu_replica_equal(struct msync_session *src, struct msync_session *dst, char *why,
		      size_t whylen);

#endif /* _TEST_UTIL_H */
