// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync: the remote backup service (RBS) channel and the membership
 * replication protocol between two twin routers.
 *
 * One msync_session is one RBS channel: a TCP connection to the twin
 * (connect and accept, one survives), a handshake that authenticates the
 * twin (with a key chain: HMAC-SHA-256 challenge-response, then a MAC on
 * every frame) and checks both ends agree on the service, its profiles
 * (backup-ids) and their service types, then a full resync in both
 * directions and incremental updates.  doc/protocol.md is the protocol.
 *
 * Each side publishes its *local* table (what its own IGMP/MLD learned)
 * and keeps a *peer* table (the twin's local table as replicated here).
 * The owner (pimd-rbp) feeds the local table and is told about every
 * change of the peer table through callbacks.
 *
 * This library does not depend on pimd.  It uses libfrr (typesafe
 * containers, memory types, zlog) and runs on FRR's event loop through
 * msync_io (msync_frr.c), or under a fake transport and clock in tests.
 */
#ifndef _MSYNC_H
#define _MSYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "sockunion.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSYNC_PROTOCOL_VERSION 2
#define MSYNC_NAME_MAX	       32 /* service and interface names, with NUL */
#define MSYNC_TCP_KEY_MAX      80 /* TCP-MD5 and TCP-AO key length (Linux) */
#define MSYNC_TCP_AO_KEYS      8  /* TCP-AO master keys per connection */
/* The twin's entries held per backup-id when the offer gives no bound
 * (doc/protocol.md 6.5 and 8) */
#define MSYNC_PEER_ENTRIES_DEFAULT 65536

enum msync_svc {
	MSYNC_SVC_NONE = 0,
	MSYNC_SVC_IGMP = 1, /* IPv4 entries */
	MSYNC_SVC_MLD = 2,  /* IPv6 entries */
};

enum msync_filter {
	MSYNC_FILTER_INCLUDE = 1,
	MSYNC_FILTER_EXCLUDE = 2,
};

enum msync_role {
	MSYNC_ROLE_UNKNOWN = 0,
	MSYNC_ROLE_MASTER = 1,
	MSYNC_ROLE_BACKUP = 2,
};

/* An address of the entry's family; IPv4 uses the first 4 bytes. */
union msync_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* Identity of a replicated membership: (backup-id, interface, S, G). */
struct msync_key {
	uint32_t backup_id;
	char ifname[MSYNC_NAME_MAX]; /* interface as the profile names it */
	uint8_t family;		     /* AF_INET or AF_INET6 */
	union msync_addr group;
	union msync_addr source; /* all-zero: any source, (*,G) */
};

struct msync_entry {
	struct msync_key key;
	int64_t expires_ms;	     /* peer table: expiry, msync_now_ms() clock */
	uint32_t timer_ms;	     /* remaining membership time at origin */
	enum msync_filter filter;
	enum msync_role origin_role; /* role of the router that learned it */
	/* IGMP 1..3, MLD 1..2 (msync_entry_check); pimd-rbp gives what pimd
	 * records: IGMP 2 or 3 (FRR 10.3 keeps no IGMPv1 state), MLD 1 or 2 */
	uint8_t version;
	bool restored; /* echoed back to its restarted origin */
};

enum msync_state {
	MSYNC_ST_IDLE = 0, /* not configured or administratively down */
	MSYNC_ST_CONNECT,  /* connecting / waiting for the twin */
	MSYNC_ST_HELLO,	   /* TCP up, Hello exchange in progress */
	MSYNC_ST_RESYNC,   /* Hello agreed, full resync in progress */
	MSYNC_ST_ESTABLISHED,
	MSYNC_ST_REFUSED, /* Hello disagreed; retried with backoff */
};

/* Why a peer entry went away. */
enum msync_del_reason {
	MSYNC_DEL_PEER = 0, /* the twin deleted it */
	MSYNC_DEL_EXPIRED,  /* its replicated timer ran out */
	MSYNC_DEL_RESYNC,   /* not in the twin's last full resync */
	MSYNC_DEL_CONFIG,   /* profile removed locally */
	MSYNC_DEL_LIMIT,    /* beyond a max_entries lowered here */
};

/* Error classes, each counted; see doc/protocol.md. */
enum msync_err {
	MSYNC_ERR_TRUNCATED = 0,
	MSYNC_ERR_OVERSIZE,
	MSYNC_ERR_ZERO_LENGTH,
	MSYNC_ERR_UNKNOWN_TYPE,
	MSYNC_ERR_DECODE,
	MSYNC_ERR_MISSING_FIELD,
	MSYNC_ERR_VERSION,
	MSYNC_ERR_HELLO_MISMATCH,
	MSYNC_ERR_UNKNOWN_BACKUP_ID,
	MSYNC_ERR_BAD_GROUP,
	MSYNC_ERR_BAD_FAMILY,
	MSYNC_ERR_HOLD_EXPIRED,
	MSYNC_ERR_SOCKET,
	MSYNC_ERR_BAD_VALUE,	     /* a field out of range (filter, version, role..) */
	MSYNC_ERR_SEQUENCE,	     /* frame sequence or ack out of order */
	MSYNC_ERR_UNEXPECTED,	     /* message not valid in the current state */
	MSYNC_ERR_AUTH,		     /* authentication failed: see msync_auth_fail */
	MSYNC_ERR_HANDSHAKE_TIMEOUT, /* no agreed handshake within the hold time */
	MSYNC_ERR_WRITE_STALLED,     /* the twin took no byte for the hold time */
	MSYNC_ERR_MAX,
};

/* How the twins authenticate (the service's configuration, both equal). */
enum msync_auth {
	MSYNC_AUTH_NONE = 0,
	MSYNC_AUTH_HMAC_SHA256 = 1, /* key chain, HMAC-SHA-256/128 per frame */
};

/* Why a connection failed authentication (counted, error class auth). */
enum msync_auth_fail {
	MSYNC_AUTH_FAIL_MODE = 0,     /* authentication on one twin only */
	MSYNC_AUTH_FAIL_NO_SEND_KEY,  /* no key valid for sending here */
	MSYNC_AUTH_FAIL_KEY_REJECTED, /* twin's key id not accepted here */
	MSYNC_AUTH_FAIL_BAD_MAC,      /* the MAC does not verify */
	MSYNC_AUTH_FAIL_MAX,
};

struct msync_counters {
	uint64_t tx_msgs, rx_msgs, tx_bytes, rx_bytes;
	uint64_t tx_updates, rx_updates, tx_deletes, rx_deletes;
	uint64_t resyncs_sent, resyncs_received, digest_mismatches;
	uint64_t sessions_up, sessions_down;
	uint64_t errors[MSYNC_ERR_MAX];
	uint64_t auth_failures[MSYNC_AUTH_FAIL_MAX];
	/* the live connection probed because another one completed its
	 * handshake; it answered (the other closed); it did not (replaced) */
	uint64_t probes_sent, takeovers_refused, probe_timeouts;
	/* the twin's entries not stored: their backup-id's peer table held
	 * its max_entries already (every backup-id; msync_peer_limit() has
	 * them per backup-id) */
	uint64_t peer_limit_drops;
	uint64_t resync_requests_sent; /* ResyncRequests we sent the twin */
};

/* A profile this side replicates on the session, offered to the twin. */
struct msync_offer {
	uint32_t backup_id;
	enum msync_svc svc;
	/* Local only, not sent: at most this many of the twin's entries of the
	 * backup-id are held in the peer table; an Update of a new key beyond
	 * is not stored (nor given to peer_update) and counted, the digest
	 * then waits for room (doc/protocol.md 6.5).  0: the default,
	 * MSYNC_PEER_ENTRIES_DEFAULT.  Changing it needs no reset: lowered,
	 * the entries beyond the new bound go (peer_delete, MSYNC_DEL_LIMIT),
	 * the last keys first. */
	uint32_t max_entries;
};

/* A TCP-AO master key (RFC 5925): send id = receive id = id. */
struct msync_tcp_ao_key {
	uint8_t id;
	bool current; /* the one to send with */
	uint8_t len;
	uint8_t secret[MSYNC_TCP_KEY_MAX];
};

/* Options of the channel's TCP sockets (doc/protocol.md 1.1); the io
 * applies them to the listening, connecting and accepted sockets. */
struct msync_transport {
	char md5_password[MSYNC_TCP_KEY_MAX + 1]; /* TCP-MD5, "": none */
	bool gtsm;				  /* send TTL 255, require 255 */
	bool tcp_ao;				  /* TCP-AO wanted (if the kernel has it) */
	uint8_t n_ao;
	struct msync_tcp_ao_key ao[MSYNC_TCP_AO_KEYS];
};

/* Timer defaults and floors (doc/protocol.md 5.3). */
#define MSYNC_KEEPALIVE_DEFAULT 1000
#define MSYNC_KEEPALIVE_MIN	100
#define MSYNC_HOLD_MIN		300 /* a twin asking for less is ignored */
#define MSYNC_DIGEST_DEFAULT	10000

struct msync_session_config {
	char name[MSYNC_NAME_MAX]; /* the service name, carried in Hello */
	union sockunion peer;	   /* twin address (IPv4 or IPv6) */
	union sockunion source;	   /* local address, bound before connect */
	uint16_t port;		   /* TCP port, the same on both twins */
	/* Timers (doc/protocol.md 5.3), 0: the default.  keepalive and hold
	 * are raised to their floor; the hold of a connection is the lower
	 * of ours and the twin's (Hello hold_ms). */
	uint32_t keepalive_ms; /* 0: MSYNC_KEEPALIVE_DEFAULT */
	uint32_t hold_ms;      /* 0: 3 * keepalive */
	uint32_t digest_ms;    /* 0: MSYNC_DIGEST_DEFAULT */
	/* MSYNC_AUTH_HMAC_SHA256: keys come from the callbacks send_key and
	 * accept_key */
	enum msync_auth auth;
	struct msync_transport tp;
};

/* A key of the service's key chain, as the owner's callbacks give it.
 * secret is read before the next call into the owner. */
struct msync_authkey {
	uint32_t id;
	const uint8_t *secret;
	size_t len;
};

struct msync_session;

/* Upcalls to the session's owner.  All run on the owner's event loop.
 * They may call the msync_* functions, but must not free the session. */
struct msync_callbacks {
	void (*state_change)(struct msync_session *s, enum msync_state old, enum msync_state new,
			     const char *reason, void *arg);
	/* a peer entry was added or changed (filter, version, timer, role) */
	void (*peer_update)(struct msync_session *s, const struct msync_entry *e, void *arg);
	/* a peer entry is about to be removed from the peer table */
	void (*peer_delete)(struct msync_session *s, const struct msync_entry *e,
			    enum msync_del_reason why, void *arg);
	/* the twin reported its role for a backup-id (changed or not: a
	 * report that answers msync_session_ask_roles() repeats it), or it
	 * became unknown (the session went down) */
	void (*peer_role)(struct msync_session *s, uint32_t backup_id, enum msync_role role,
			  void *arg);
	/* the twin finished sending its full resync */
	void (*resync_done)(struct msync_session *s, void *arg);
	/* Authentication keys (cfg.auth != MSYNC_AUTH_NONE), asked for every
	 * frame so that keys roll over on a live connection: send_key fills k
	 * with the key to send with now, accept_key the key of that id if it
	 * may be accepted now; each returns 0, or -1 if there is none. */
	int (*send_key)(struct msync_session *s, struct msync_authkey *k, void *arg);
	int (*accept_key)(struct msync_session *s, uint32_t id, struct msync_authkey *k, void *arg);
	void *arg;
};

struct msync_io;

/* Sessions run on FRR's event loop (msync_frr.c). */
struct event_loop;
struct msync_io *msync_io_frr_new(struct event_loop *loop);
void msync_io_frr_free(struct msync_io **io);

struct msync_session *msync_session_new(struct msync_io *io, const struct msync_session_config *cfg,
					const struct msync_callbacks *cb);
/* Drops the connection; the peer table is freed without callbacks. */
void msync_session_free(struct msync_session **s);
/* Name, address, port, authentication mode or TCP options (but TCP-AO
 * keys, which apply to the next connection) changed: resets the
 * connection.  Otherwise nothing is reset: keepalive and digest interval
 * apply at once (their timers are re-armed), the hold time to the next
 * connection (it is negotiated in the Hello), TCP-AO keys too. */
void msync_session_reconfigure(struct msync_session *s, const struct msync_session_config *cfg);
/* The profiles replicated on this session.  A change while up sends a new
 * Hello; a disagreement found then takes the session down. */
void msync_session_set_offers(struct msync_session *s, const struct msync_offer *offers, size_t n);
/* This router's role for a backup-id, sent to the twin (the other
 * fields of msync_role_info false and 0). */
void msync_session_set_role(struct msync_session *s, uint32_t backup_id, enum msync_role role);

/* What a router tells its twin about a backup-id: the role of its VRRP
 * group and where it stands on forwarding (doc/protocol.md 6.6).  Sent
 * whenever a field changes. */
struct msync_role_info {
	enum msync_role role; /* of its VRRP group */
	bool able;	      /* could forward: its interfaces up, VRRP source alive */
	bool forwarding;      /* forwards now */
	bool released;	      /* hands the forwarding over to the twin */
	bool synced;	      /* holds the twin's full table installed */
	uint8_t priority;     /* VRRP effective priority, 0 unknown */
};
void msync_session_set_role_info(struct msync_session *s, uint32_t backup_id,
				 const struct msync_role_info *ri);
/* The twin's last report for a backup-id; false (and *ri zeroed) while
 * none is known: the session is down or the twin has not said. */
bool msync_session_peer_role_info(const struct msync_session *s, uint32_t backup_id,
				  struct msync_role_info *ri);
/* Send every role with a request that the twin answers with all of its
 * own at once (its last report may be stale). */
void msync_session_ask_roles(struct msync_session *s);
/* The daemon is going away: tell the twin (a Bye with "stopping") and
 * flush, best effort.  Call before msync_session_free(). */
void msync_session_goodbye(struct msync_session *s, const char *reason);

/* How the twin's end of the last live connection went */
enum msync_peer_gone {
	/* the session is up, never was, or went down otherwise (hold
	 * expired, an error, a Bye without "stopping") */
	MSYNC_GONE_NO = 0,
	/* the twin's end closed or reset the connection without a Bye: its
	 * process died (its kernel closed the socket) */
	MSYNC_GONE_CLOSED,
	/* a Bye with "stopping": the twin's daemon is going away */
	MSYNC_GONE_STOPPING,
};
enum msync_peer_gone msync_session_peer_gone(const struct msync_session *s);
const char *msync_peer_gone_name(enum msync_peer_gone g);
/* Drop and re-establish the connection (operator "clear"). */
void msync_session_reset(struct msync_session *s, const char *reason);

/* Local table: what this router learned and publishes to its twin.
 * Updates with unchanged content and an unchanged timer are not sent.
 * "Unchanged timer" means the same expiry: now + timer_ms equal to what
 * was given last (or both 0, no expiry); giving the same timer_ms again
 * later is a refresh and is sent.  Return 0, or -1 (errno EINVAL) for an
 * invalid entry (see msync_entry_check) or one whose family is not the
 * service type of its offered backup-id; msync_local_delete returns -1
 * (errno ENOENT) if the key is not in the table.
 */
int msync_local_update(struct msync_session *s, const struct msync_entry *e);
int msync_local_delete(struct msync_session *s, const struct msync_key *k);
/* Delete every local entry of a backup-id (profile unbound/removed). */
void msync_local_flush(struct msync_session *s, uint32_t backup_id);

/* Lookups and walks for show commands and for the owner's installer. */
const struct msync_entry *msync_local_find(struct msync_session *s, const struct msync_key *k);
const struct msync_entry *msync_peer_find(struct msync_session *s, const struct msync_key *k);
/* When a local entry expires at its origin, by the last update's timer
 * (ms on the msync_now_ms() clock); INT64_MAX if it does not expire, -1 if
 * there is no such entry.
 */
int64_t msync_local_expiry(struct msync_session *s, const struct msync_key *k);
typedef int (*msync_walk_cb)(const struct msync_entry *e, void *arg);
/* 0 after every entry; stops early when cb returns non-zero and returns
 * that value. */
int msync_local_walk(struct msync_session *s, msync_walk_cb cb, void *arg);
/* The same from the first entry after the key `after` (NULL: the first):
 * a walk resumed where an earlier one stopped. */
int msync_local_walk_from(struct msync_session *s, const struct msync_key *after, msync_walk_cb cb,
			  void *arg);
int msync_peer_walk(struct msync_session *s, msync_walk_cb cb, void *arg);
size_t msync_local_count(struct msync_session *s);
size_t msync_peer_count(struct msync_session *s);
/* Drop peer entries of a backup-id (profile removed here). */
void msync_peer_flush(struct msync_session *s, uint32_t backup_id);
/* Let no peer entry of a backup-id expire within min_ms from now (the
 * twin died and this router forwards its entries: its own queries get
 * the receivers' reports in that time); entries without expiry stay so. */
void msync_peer_extend(struct msync_session *s, uint32_t backup_id, uint32_t min_ms);

/* The bound of a backup-id's peer table (struct msync_offer.max_entries)
 * and what it did. */
struct msync_peer_limit {
	uint32_t max_entries; /* in force */
	size_t held;	      /* the twin's entries of the backup-id held here */
	uint64_t dropped;     /* new keys not stored, or removed when lowered */
	/* entries were dropped and not recovered since: the digest of the
	 * backup-id is not acted on until there is room again (6.5) */
	bool full;
};
/* 0, or -1 if the backup-id is not offered on the session. */
int msync_peer_limit(const struct msync_session *s, uint32_t backup_id, struct msync_peer_limit *pl);

/* State and statistics. */
enum msync_state msync_session_state(const struct msync_session *s);
const char *msync_state_name(enum msync_state st);
/* "igmp", "mld" or "none" */
const char *msync_svc_name(enum msync_svc svc);
const char *msync_err_name(enum msync_err err);
const char *msync_auth_fail_name(enum msync_auth_fail f);
const char *msync_auth_name(enum msync_auth a);
const struct msync_counters *msync_session_counters(const struct msync_session *s);
/* Key ids of the live connection: the one the last frame was sent with
 * and the last one a frame was accepted with; false when not known. */
bool msync_session_tx_key(const struct msync_session *s, uint32_t *id);
bool msync_session_rx_key(const struct msync_session *s, uint32_t *id);
/* The timers of the session: in force (configured or default, at their
 * floor) and, while the session is up (state resync or established:
 * live), what the twin said
 * in its Hello (0: nothing) and the hold time of that connection. */
struct msync_timers {
	uint32_t keepalive_ms, hold_ms, digest_ms;
	bool live;
	uint32_t peer_keepalive_ms, peer_hold_ms;
	uint32_t conn_hold_ms;
	/* keepalives are sent every min(keepalive_ms, conn_hold_ms / 3) */
	uint32_t conn_keepalive_ms;
};
void msync_session_timers(const struct msync_session *s, struct msync_timers *t);
/* Whether this kernel has TCP-AO (checked once; msync_frr.c). */
bool msync_tcp_ao_available(void);
/* Last reason the session went down or was refused ("" if none). */
const char *msync_session_last_reason(const struct msync_session *s);
/* Time of the last state change to ESTABLISHED (msync_now_ms() clock),
 * 0 if never. */
int64_t msync_session_up_since(const struct msync_session *s);
/* Now, in ms on the clock of every time this library returns or stores
 * (msync_entry.expires_ms, msync_local_expiry(), msync_session_up_since()):
 * the session's io clock, monotonic.  The owner turns those times into
 * durations with this, never with a clock of its own. */
int64_t msync_now_ms(const struct msync_session *s);
enum msync_role msync_session_peer_role(const struct msync_session *s, uint32_t backup_id);
/* Up (RESYNC or ESTABLISHED) and a full resync, ours or the twin's, has
 * not completed yet. */
bool msync_session_resync_pending(const struct msync_session *s);

/* Entry helpers. */
int msync_key_cmp(const struct msync_key *a, const struct msync_key *b);
/* Checks a received or local entry: returns 0 if it is valid, else -1 with
 * its error class in *err (err may be NULL; *err is left alone on 0). */
int msync_entry_check(const struct msync_entry *e, enum msync_err *err);

/* Debug flags, set by the owner's "debug remote-backup ..." commands. */
#define MSYNC_DEBUG_SESSION 0x01
#define MSYNC_DEBUG_PACKET  0x02
#define MSYNC_DEBUG_ENTRY   0x04
#define MSYNC_DEBUG_AUTH    0x08
extern uint32_t msync_debug;

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_H */
