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
/* MSYNC_KEEPALIVE_DEFAULT, _MIN, MSYNC_HOLD_MIN, MSYNC_DIGEST_DEFAULT: msync.h */
#define MSYNC_BACKOFF_MIN	500
#define MSYNC_BACKOFF_MAX	10000
#define MSYNC_REFUSED_MIN	2000
#define MSYNC_REFUSED_MAX	60000
#define MSYNC_WQ_HIGH		(256 * 1024)
#define MSYNC_WQ_LOW		(64 * 1024)
#define MSYNC_BATCH		128 /* entries per Update/Delete frame, sent and received */
/*
 * Bytes read (and handled) per read event: ~1000 entries, so that a large
 * resync does not hold the daemon's event loop for long (pimd's own cost
 * per installed entry grows with the number of groups it has).
 */
#define MSYNC_READ_BUDGET (32 * 1024)
#define MSYNC_OFFERS_MAX  1024 /* offers, digest and role items */
#define MSYNC_REASON_MAX  128  /* ResyncRequest reason */
#define MSYNC_LINKS_MAX	  4    /* TCP connections per session */
/* log lines a peer can cause: per session (errors), per listener */
#define MSYNC_LOG_BURST	    20
#define MSYNC_LOG_WINDOW_MS 10000
#define MSYNC_LSNLOG_BURST  5
/* waiting for a colliding connection's handshake before going up */
#define MSYNC_COLLIDE_WAIT_MS 250

#define MSYNC_NONCE_LEN	  32
#define MSYNC_MAC_LEN	  16		      /* HMAC-SHA-256 truncated (RFC 4868 style) */
#define MSYNC_TRAILER_LEN (4 + MSYNC_MAC_LEN) /* key id, MAC */
#define MSYNC_HASH_LEN	  32

/* At most burst lines per window; then one line with the number not
 * logged.  For every log line a twin or a stranger can trigger. */
struct msync_ratelimit {
	int64_t window_start;
	unsigned int n, dropped;
};

/* true: log now; *dropped (if not NULL) is the number of lines dropped
 * in the window that just ended, to be said first */
bool msync_ratelimit_ok(struct msync_ratelimit *rl, int64_t now, unsigned int burst,
			unsigned int *dropped);
/* A line was dropped: fn(arg) runs when the window ends, to say how many
 * (not with the next line logged, which may come much later, or never);
 * t is left alone while armed */
void msync_ratelimit_flush_at_end(struct msync_io *io, const struct msync_ratelimit *rl,
				  struct msync_timer *t, void (*fn)(void *), void *arg);
/* Peer bytes for a log line: printable ASCII, others as \xNN, at most
 * max input bytes ("..." when cut).  Returns out. */
char *msync_sanitize(char *out, size_t outlen, const void *in, size_t inlen, size_t max);

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
	struct msync_role_info role;	  /* ours, sent */
	struct msync_role_info peer_role; /* the twin's last report */
	bool peer_role_known;
	/* the bound of the peer table (6.5): the offer's, never 0 */
	uint32_t max_entries;
	uint64_t limit_drops;
	/* entries dropped at the bound since the last full resync, and the
	 * twin's digest has not matched since: its mismatches are expected */
	bool full;
	struct msync_ratelimit rl_limit; /* "peer table full" lines */
};

/* One TCP connection to the twin; a session holds up to MSYNC_LINKS_MAX
 * while connect/accept races are resolved, and one of them is active.
 * Handshake (doc/protocol.md 4): Hello both ways (hello_rx), Auth both
 * ways (authed: the twin's verified), Offers (agreed). */
struct msync_link {
	struct msync_session *s;
	struct msync_conn *conn;
	bool outbound;
	bool connected; /* TCP up; Hello sent */
	bool hello_rx;	/* the twin's Hello received and checked */
	bool authed;	/* the twin's Auth verified; our Offers sent */
	bool agreed;	/* the twin's Offers agree: handshake complete */
	bool held;	/* agreed while the session was up elsewhere: waits
			 * for the live connection's probe (5.2) */
	bool held_data; /* the twin sent more than keepalives while held */
	bool disagree;	/* its offers disagree (weighed when released) */
	bool dead;	/* closed; freed from the session's graveyard */
	struct msync_link *next_dead;
	uint64_t serial;		 /* creation order */
	int64_t up_ms;			 /* TCP up */
	char peer_rid[INET6_ADDRSTRLEN]; /* router id of its Hello */
	union sockunion local, remote;
	struct msync_rbuf rb;
	struct msync_wq wq;
	bool write_armed;
	struct msync_timer t_hold, t_handshake;
	int64_t last_rx_ms;	/* last complete, checked frame */
	int64_t tx_progress_ms; /* last byte written, or queue non-empty since */
	uint32_t hold_ms;	/* negotiated */
	uint64_t peer_inc;
	struct msync_offer *peer_offers; /* from its Offers, sorted */
	size_t npeer_offers;
	uint32_t peer_hold_ms, peer_keepalive_ms;
	/* our nonce, our Hello as sent, the transcript hash (4.2) */
	uint8_t nonce[MSYNC_NONCE_LEN];
	uint8_t *hello_tx;
	size_t hello_tx_len;
	uint8_t transcript[MSYNC_HASH_LEN];
	uint32_t rx_key_id; /* of the last frame accepted */
	bool rx_key_valid;
	/* Envelope sequence numbers on this connection */
	uint64_t tx_seq, tx_acked, rx_seq, rx_acked;
	bool rx_data; /* data messages since the last Ack */
	/* control messages deferred while the write queue is full (4.5) */
	bool ack_due, roles_due, roles_ask, probe_reply_due;
	/* how it ended: the twin's end closed or reset it (peer_eof), the
	 * twin said Bye (bye_rx, bye_stopping), we said Bye (bye_tx) */
	bool peer_eof, bye_rx, bye_stopping, bye_tx;
	uint64_t probe_reply_id;
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
	bool stopping;			/* the owner said goodbye: Byes say "stopping" */
	enum msync_peer_gone peer_gone; /* how the last live connection ended */
	struct msync_lreg *lreg;

	struct msync_timer t_connect, t_keepalive, t_digest, t_expire, t_pump;
	struct msync_timer t_collide; /* bounded wait for a colliding handshake */
	/* probe of the live connection (5.2) */
	struct msync_timer t_probe;
	bool probing;
	uint64_t probe_id;
	/* closed links, freed by t_reap once no caller can hold them */
	struct msync_link *graveyard;
	struct msync_timer t_reap;
	/* key ids in use on the live connection, for show */
	uint32_t tx_key_id;
	bool tx_key_valid;
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
		int64_t request_ms;	 /* last ResyncRequest sent, 0: none */
		uint64_t generation;
		uint64_t count;
		uint32_t mark;
	} rx;

	int64_t up_since;
	size_t wq_high, wq_low; /* tunable by tests */
	/* set when the twin's incarnation changed while we held its entries:
	 * the digest includes what we restore until none is left (6.4) */
	bool old_lives;

	/* log rate limits: errors, and other lines a peer causes; the
	 * timer says how many were not logged when their window ends */
	struct msync_ratelimit rl_err, rl_info;
	struct msync_timer t_rl;
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

/* msync_auth.c: transcript and frame MACs (doc/protocol.md 4.2) */
/* T = SHA-256("mldsync-v2 hello" || len || H_I || len || H_R) */
void msync_transcript(uint8_t out[MSYNC_HASH_LEN], const uint8_t *hi, size_t hilen,
		      const uint8_t *hr, size_t hrlen);
/* the first MSYNC_MAC_LEN bytes of HMAC-SHA-256(key, "mldsync-v2 frame" ||
 * dir || T || key_id || env) */
void msync_frame_mac(uint8_t out[MSYNC_MAC_LEN], const uint8_t *key, size_t keylen, uint8_t dir,
		     const uint8_t transcript[MSYNC_HASH_LEN], uint32_t key_id, const uint8_t *env,
		     size_t envlen);
/* constant time */
bool msync_mac_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* msync_session.c */
struct msync_bid *msync_bid_find(struct msync_session *s, uint32_t backup_id);
bool msync_bid_sendable(struct msync_session *s, const struct msync_key *k);
void msync_session_error(struct msync_session *s, int err, const char *fmt, ...) PRINTFRR(3, 4);
/* a line a peer caused, not an error: rate-limited like errors */
void msync_session_info(struct msync_session *s, const char *fmt, ...) PRINTFRR(2, 3);
void msync_link_fail(struct msync_link *l, int err, const char *fmt, ...) PRINTFRR(3, 4);
/* Seals one message (an Envelope body, pb is a ProtobufCMessage) onto the
 * link's queue: next seq, and the MAC when authenticating.  false if it
 * could not (the link failed: no key to send with). */
bool msync_link_send(struct msync_link *l, uint8_t type, const void *pb);
/* Control messages (4.5): queued only under the high watermark; true if
 * queued now, false if deferred (the caller keeps the state to send). */
bool msync_link_ctrl_room(const struct msync_link *l);
void msync_link_send_ack(struct msync_link *l);
bool msync_session_up(const struct msync_session *s);
void msync_session_check_established(struct msync_session *s);
void msync_session_accept(struct msync_session *s, struct msync_conn *c);

/* msync_sync.c: replication */
void msync_sync_init(struct msync_session *s);
void msync_sync_fini(struct msync_session *s);
void msync_sync_start(struct msync_session *s);
void msync_sync_stop(struct msync_session *s);
void msync_sync_kick(struct msync_session *s);
size_t msync_sync_dirty_count(struct msync_session *s);
void msync_sync_pump(struct msync_session *s);
void msync_sync_send_digest(struct msync_session *s);
/* the digest interval in force; a change re-arms a running digest timer */
uint32_t msync_digest_interval(const struct msync_session *s);
void msync_sync_digest_rearm(struct msync_session *s);
void msync_sync_expire_rearm(struct msync_session *s);
void msync_sync_peer_inc_changed(struct msync_session *s);
/* the bound of a backup-id changed: entries beyond a lower one go */
void msync_sync_limit_changed(struct msync_session *s, uint32_t backup_id);
/* handlers of data and table messages from the active link */
void msync_rx_begin(struct msync_link *l, const void *pb);
void msync_rx_end(struct msync_link *l, const void *pb);
void msync_rx_update(struct msync_link *l, const void *pb);
void msync_rx_delete(struct msync_link *l, const void *pb);
void msync_rx_ack(struct msync_link *l, const void *pb);
void msync_rx_digest(struct msync_link *l, const void *pb);
void msync_rx_resync_request(struct msync_link *l, const void *pb);

/* msync_frr.c: TCP-AO (RFC 5925) as Linux 6.7+ has it; the uapi header
 * of this build host may predate it, so its layout is here. */
#define MSYNC_TCP_AO_ADD_KEY 38
#define MSYNC_TCP_AO_INFO    40
#define MSYNC_TCP_AO_ALG     "hmac(sha256)"

struct msync_tcp_ao_add {	      /* = struct tcp_ao_add, setsockopt(TCP_AO_ADD_KEY) */
	struct sockaddr_storage addr; /* peer's address for the key */
	char alg_name[64];
	int32_t ifindex;
	uint32_t set_current : 1, set_rnext : 1, reserved : 30;
	uint16_t reserved2;
	uint8_t prefix;
	uint8_t sndid;
	uint8_t rcvid;
	uint8_t maclen;
	uint8_t keyflags;
	uint8_t keylen;
	uint8_t key[MSYNC_TCP_KEY_MAX];
} __attribute__((aligned(8)));

/* The option adding master key k for connections with peer (the whole
 * address): 0, or -1 if the key or the address cannot be used. */
int msync_tcp_ao_build(struct msync_tcp_ao_add *out, const union sockunion *peer,
		       const struct msync_tcp_ao_key *k);

/* msync_listen.c: one listening socket per (address, port) and io */
/* 0, or -1 (errno set, logged) if the address cannot be listened on */
int msync_lreg_join(struct msync_session *s);
void msync_lreg_leave(struct msync_session *s);

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_PRIVATE_H */
