// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync internals shared by the library's files, the unit tests and
 * the fuzzer.  Not part of the API: pimd-rbp uses msync.h only.
 */
#ifndef _MSYNC_PRIVATE_H
#define _MSYNC_PRIVATE_H

#include "memory.h"
#include "typesafe.h"

#include "mldsync/msync.h"
#include "mldsync/msync_frame.h"
#include "mldsync/msync_io.h"
#include "mldsync/msync_table.h"

#ifdef __cplusplus
extern "C" {
#endif

DECLARE_MGROUP(MSYNC);

/* Defaults and limits; see doc/protocol.md "Limits". */
#define MSYNC_KEEPALIVE_DEFAULT 1000
#define MSYNC_DIGEST_DEFAULT	10000
#define MSYNC_HOLD_MIN		300 /* a peer asking for less is ignored */
#define MSYNC_BACKOFF_MIN	500
#define MSYNC_BACKOFF_MAX	10000
#define MSYNC_REFUSED_MIN	2000
#define MSYNC_REFUSED_MAX	60000
#define MSYNC_WQ_HIGH		(256 * 1024)
#define MSYNC_WQ_LOW		(64 * 1024)
#define MSYNC_BATCH		128 /* entries per Update/Delete frame */
/*
 * Bytes read (and handled) per read event: ~1000 entries, so that a large
 * resync does not hold the daemon's event loop for long (pimd's own cost
 * per installed entry grows with the number of groups it has).
 */
#define MSYNC_READ_BUDGET  (32 * 1024)
#define MSYNC_OFFERS_MAX   1024
#define MSYNC_LINKS_MAX	   4  /* TCP connections per session */
#define MSYNC_ERRLOG_BURST 20 /* error log lines per second */

PREDECL_RBTREE_UNIQ(mdirty);

/* A key changed locally and not yet sent: the latest state is sent. */
struct msync_dirty {
	struct mdirty_item item;
	struct msync_key key;
};

/* Per backup-id state. */
struct msync_bid {
	uint32_t backup_id;
	enum msync_svc svc; /* offered here; MSYNC_SVC_NONE: not offered */
	enum msync_role role;
	enum msync_role peer_role;
};

/* One TCP connection to the twin; a session holds up to MSYNC_LINKS_MAX
 * while connect/accept races are resolved, and one of them is active. */
struct msync_link {
	struct msync_session *s;
	struct msync_conn *conn;
	bool outbound;
	bool connected; /* TCP up; Hello sent */
	bool hello_rx;	/* a valid, agreeing Hello was received */
	bool dead;	/* closed; freed when the callback unwinds */
	int in_cb;
	uint64_t serial; /* creation order */
	union sockunion local, remote;
	struct msync_rbuf rb;
	struct msync_wq wq;
	bool write_armed;
	struct msync_timer t_hold;
	int64_t last_rx_ms;
	uint32_t hold_ms; /* negotiated */
	uint64_t peer_inc;
	struct msync_offer *peer_offers; /* from its Hello, sorted */
	size_t npeer_offers;
	uint32_t peer_hold_ms, peer_keepalive_ms;
	/* data message sequence numbers on this connection */
	uint64_t tx_seq, tx_acked, rx_seq, rx_acked;
};

struct msync_session {
	struct msync_io *io;
	struct msync_session_config cfg;
	struct msync_callbacks cb;
	enum msync_state state;
	char last_reason[192];
	struct msync_counters ctr;
	uint64_t incarnation;
	uint64_t rng;

	struct msync_bid *bids; /* sorted by backup_id */
	size_t nbids, bids_cap;

	struct msync_table local, peer;
	struct mdirty_head dirty;

	struct msync_link *links[MSYNC_LINKS_MAX];
	struct msync_link *active;
	uint64_t link_serial;
	bool closing; /* closing every link: no session may come up */
	struct msync_lreg *lreg;

	struct msync_timer t_connect, t_keepalive, t_digest, t_expire, t_pump;
	int64_t expire_at; /* when t_expire fires, MSYNC_NEVER if off */
	uint32_t backoff_ms;

	/* the twin */
	uint64_t peer_inc; /* incarnation of the last agreed Hello, 0: none */
	struct msync_offer *peer_offers;
	size_t npeer_offers;
	char peer_id[INET6_ADDRSTRLEN];

	/* our full resync towards the twin */
	struct {
		bool active;
		bool end_sent;
		bool done; /* End acknowledged */
		int phase;
		bool has_cursor;
		struct msync_key cursor;
		uint64_t generation;
		uint64_t count;
		bool restore; /* then echo entries of the twin's old lives */
		uint64_t end_seq;
	} tx;
	/* the twin's full resync towards us */
	struct {
		bool active; /* Begin seen, End not yet */
		bool done;   /* an End was received since the session came up */
		bool requested;
		unsigned int mismatches; /* consecutive digests that differed */
		uint64_t generation;
		uint64_t count;
		uint32_t mark;
	} rx;

	int64_t up_since;
	size_t wq_high, wq_low; /* tunable by tests */

	/* error log rate limit */
	int64_t errlog_sec;
	unsigned int errlog_n, errlog_dropped;
};

enum { MSYNC_TX_LOCAL = 0, MSYNC_TX_RESTORED, MSYNC_TX_END };

/* msync_entry.c */
size_t msync_addr_len(uint8_t family);
enum msync_svc msync_family_svc(uint8_t family);
uint8_t msync_svc_family(enum msync_svc svc);
/* zeroes what the family does not use so keys compare and hash bytewise */
void msync_key_normalize(struct msync_key *k);
/* Like msync_entry_check, with a human readable reason: 0 if valid, else
 * -1 with the error class in *err and the reason in why. */
int msync_entry_check_why(const struct msync_entry *e, enum msync_err *err, char *why,
			  size_t whylen);
int msync_key_check_why(const struct msync_key *k, enum msync_err *err, char *why, size_t whylen);
char *msync_key_str(const struct msync_key *k, char *buf, size_t len);

/* msync_session.c */
struct msync_bid *msync_bid_find(struct msync_session *s, uint32_t backup_id);
bool msync_bid_sendable(struct msync_session *s, const struct msync_key *k);
void msync_session_error(struct msync_session *s, int err, const char *fmt, ...) PRINTFRR(3, 4);
void msync_link_fail(struct msync_link *l, int err, const char *fmt, ...) PRINTFRR(3, 4);
/* encodes one message onto the link's queue (pb is a ProtobufCMessage) */
void msync_link_send(struct msync_link *l, uint8_t type, const void *pb);
bool msync_session_up(const struct msync_session *s);
void msync_session_check_established(struct msync_session *s);
void msync_session_accept(struct msync_session *s, struct msync_conn *c);

/* msync_sync.c: replication */
void msync_sync_init(struct msync_session *s);
void msync_sync_fini(struct msync_session *s);
void msync_sync_start(struct msync_session *s, bool restore);
void msync_sync_stop(struct msync_session *s);
void msync_sync_kick(struct msync_session *s);
size_t msync_sync_dirty_count(struct msync_session *s);
void msync_sync_pump(struct msync_session *s);
void msync_sync_send_digest(struct msync_session *s);
void msync_sync_expire_rearm(struct msync_session *s);
void msync_sync_peer_inc_changed(struct msync_session *s);
/* handlers of data and table messages from the active link */
void msync_rx_begin(struct msync_link *l, const void *pb);
void msync_rx_end(struct msync_link *l, const void *pb);
void msync_rx_update(struct msync_link *l, const void *pb);
void msync_rx_delete(struct msync_link *l, const void *pb);
void msync_rx_ack(struct msync_link *l, const void *pb);
void msync_rx_digest(struct msync_link *l, const void *pb);
void msync_rx_resync_request(struct msync_link *l, const void *pb);

/* msync_listen.c: one listening socket per (address, port) and io */
/* 0, or -1 (errno set, logged) if the address cannot be listened on */
int msync_lreg_join(struct msync_session *s);
void msync_lreg_leave(struct msync_session *s);

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_PRIVATE_H */
