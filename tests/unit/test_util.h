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
/* lines holding needle among the last 256; every line since the clear */
unsigned int tu_log_count(const char *needle);
unsigned int tu_log_lines(void);

/* A key chain for tests: lifetimes on the fake clock (ms), like FRR's
 * key_lookup_for_send/accept on the wall clock.  send/accept 0..0: always. */
struct tu_key {
	uint32_t id;
	char secret[64];
	int64_t send_from, send_to, accept_from, accept_to;
};

struct tu_keyring {
	struct fake_net *net;
	struct tu_key keys[8];
	size_t n;
	unsigned int send_calls, accept_calls;
};

void tu_keyring_init(struct tu_keyring *kr, struct fake_net *net);
/* send and accept windows [from, to) on the fake clock; to 0: no end */
struct tu_key *tu_keyring_add(struct tu_keyring *kr, uint32_t id, const char *secret);
void tu_keyring_del(struct tu_keyring *kr, uint32_t id);

struct tu_rec {
	int state_changes;
	enum msync_state last_old, last_new;
	char last_reason[256];
	/* when it last went down: msync_session_peer_gone() and the reason */
	enum msync_peer_gone last_gone;
	char down_reason[256];
	unsigned int entered[MSYNC_ST_REFUSED + 1]; /* times each state */
	int updates, deletes, roles, resync_done;
	int del_by[MSYNC_DEL_LIMIT + 1];
	struct msync_entry last_update, last_delete;
	uint32_t last_role_bid;
	enum msync_role last_role;
	struct tu_keyring *keys; /* send_key/accept_key, when set */
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
	struct tu_keyring ka, kb;
};

extern const struct msync_offer tu_offers[2];

void tu_twins_new(struct tu_twins *t, uint64_t seed);
/* The same, authenticating: both key chains hold key 1 "key-one" */
void tu_twins_new_auth(struct tu_twins *t, uint64_t seed);
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

/* A hand-made twin on a raw connection to a session: speaks the protocol
 * frame by frame (Hello, sealed Envelopes), so that tests can send what a
 * session never would, and reads what the session sends back. */
struct tu_raw {
	struct fake_net *net;
	struct msync_conn *c;
	bool outbound; /* it connected: it is the initiator */
	enum msync_auth auth;
	uint32_t key_id;
	char key[64];
	uint8_t nonce[32];
	uint8_t hello[512];
	size_t hello_len;
	uint8_t peer_hello[512];
	size_t peer_hello_len;
	uint8_t transcript[32];
	uint64_t tx_seq, rx_seq;
	struct msync_rbuf rb;
	/* what the session sent */
	bool hello_rx, auth_rx, offers_rx, end_rx, eof;
	uint32_t peer_version;
	uint64_t end_seq, data_seq;
	uint64_t last_probe_id;
	int acks, probes, resync_requests, keepalives, frames;
	uint32_t rx_key_id;
	bool bad; /* a frame from the session failed our checks */
};

/* r connects from host io to addr:port (TU_PORT if 0) */
void tu_raw_connect(struct tu_raw *r, struct fake_net *net, struct msync_io *io, const char *addr);
void tu_raw_close(struct tu_raw *r);
void tu_raw_key(struct tu_raw *r, uint32_t id, const char *key);
/* sends a Hello (version, service; nonce fresh; auth as set) */
void tu_raw_hello(struct tu_raw *r, uint32_t version, const char *service, uint64_t incarnation);
/* an Envelope with the next seq / a given seq, sealed if a key is set */
void tu_raw_send(struct tu_raw *r, uint8_t type, const void *pb);
void tu_raw_send_seq(struct tu_raw *r, uint8_t type, const void *pb, uint64_t seq);
size_t tu_raw_pack(struct tu_raw *r, uint8_t *buf, size_t len, uint8_t type, const void *pb,
		   uint64_t seq);
void tu_raw_bytes(struct tu_raw *r, const void *p, size_t len);
void tu_raw_offers(struct tu_raw *r, const struct msync_offer *o, size_t n);
/* Hello (v2, "rbs1"), Auth, Offers tu_offers: the session agrees */
void tu_raw_handshake(struct tu_raw *r, uint64_t incarnation);
/* reads and checks what the session sent */
void tu_raw_drain(struct tu_raw *r);
/* ResyncBegin and End (generation 1) */
void tu_raw_begin_end(struct tu_raw *r);
void tu_raw_ack(struct tu_raw *r, uint64_t seq);

#endif /* _TEST_UTIL_H */
