// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: E-Trunk, the role source of seeds 002 and 004
 * (doc/etrunk.md).  Two routers present one link aggregation (an
 * Eth-Trunk, a Linux 802.3ad bond) to a CE; one election per router
 * decides whose Eth-Trunks the CE aggregates.  It runs in vrrpd next to
 * the VRRP publication because that is where pimd and pim6d already
 * take roles from: one process per router (not one per pimd and pim6d),
 * one stream of state messages through zebra, the BFD sessions of
 * track_bfd.c.
 *
 * etrunk.c: configuration, the hello socket and timers, the election and
 * each Eth-Trunk's state; etrunk_pkt.c: the hello and the election rule
 * (pure); etrunk_bond.c: the bond's LACP actor system; etrunk_vty.c: CLI.
 */
#ifndef _VRRP_ETRUNK_H
#define _VRRP_ETRUNK_H

#include "typesafe.h"
#include "sockunion.h"
#include "debug.h"

#include "etrunk_pkt.h"

struct vty;
struct event;
struct event_loop;
struct track_bfd;
struct json_object;

#define ETRUNK_ID_MAX		 16
#define ETRUNK_TRUNK_ID_MAX	 4096
#define ETRUNK_PRIO_DEFAULT	 100
#define ETRUNK_PORT_DEFAULT	 1025
#define ETRUNK_HELLO_DEFAULT	 10 /* x 100 ms */
#define ETRUNK_MULT_DEFAULT	 3
#define ETRUNK_LACP_PRIO_DEFAULT 32768

extern struct debug etrunk_dbg;

PREDECL_RBTREE_UNIQ(etrunks);
PREDECL_RBTREE_UNIQ(etrunk_members);

/* Why the election or an Eth-Trunk last changed, for show and logs */
enum etrunk_why {
	ETRUNK_WHY_NONE = 0,
	ETRUNK_WHY_CONFIG,	 /* configuration */
	ETRUNK_WHY_NO_PEER,	 /* no peer configured, or never heard */
	ETRUNK_WHY_PEER_UP,	 /* the peer's first hello */
	ETRUNK_WHY_PEER_HOLD,	 /* the peer's hold time expired */
	ETRUNK_WHY_PEER_BFD,	 /* the BFD session to the peer went down */
	ETRUNK_WHY_PEER_CHANGED, /* the peer's priority, system ID or trunks */
	ETRUNK_WHY_TRUNK,	 /* an Eth-Trunk went up or down */
};

/* e-trunk (1-16) */
struct etrunk {
	struct etrunks_item item;
	uint8_t id;

	/* configuration */
	uint8_t priority;
	bool system_id_set;
	uint8_t system_id[6]; /* system-id: own, for the election */
	bool lacp_set;
	uint8_t lacp_system[6]; /* lacp system-id: shared by the twins */
	uint16_t lacp_prio;
	bool peer_set;
	union sockunion peer, source;
	uint16_t port;
	char key[ETRUNK_KEY_MAX + 1]; /* security-key simple WORD; "" none */
	uint8_t hello_100ms;
	uint8_t multiplier;
	/* track bfd peer ... : its failure is the peer's */
	struct track_bfd *bfd;
	bool bfd_up;   /* the session is up */
	bool bfd_down; /* it failed (up -> down): the peer is down until up */

	/* runtime */
	enum etrunk_state state;
	enum etrunk_why why;
	int64_t changed_ms;   /* monotime of the last change of state */
	uint8_t own_sysid[6]; /* system_id, or the source interface's MAC */
	int sock;
	struct event *t_read, *t_hello, *t_hold, *t_retry;
	bool first_hello; /* the new socket's first hello is pending */
	uint32_t boot, seq;
	bool peer_alive;
	struct etrunk_hello peer_hello; /* the last one accepted */
	bool have_last;
	uint32_t last_boot, last_seq;
	int64_t peer_heard_ms;
	char sock_err[80]; /* why the socket is not open, for show */

	/* counters */
	uint64_t tx, tx_err, rx, rx_bad, rx_auth, rx_stale, rx_stranger;
	uint64_t peer_ups, peer_downs, elections;
	int64_t rx_logged_ms; /* rate limit of the logs of refused hellos */

	QOBJ_FIELDS;
};
DECLARE_QOBJ_TYPE(etrunk);

/* interface IFNAME: e-trunk (1-16) trunk-id (1-4096), e-trunk mode
 * force-master.  Kept by name: the interface may not exist. */
struct etrunk_member {
	struct etrunk_members_item item;
	char ifname[IFNAMSIZ];
	uint8_t etrunk_id; /* 0: not in an E-Trunk */
	uint16_t trunk_id;
	bool force_master;

	/* runtime */
	uint8_t state;	/* RBP_VRRP_STATE_*: what is published */
	uint16_t flags; /* RBP_ET_F_* */
	bool published; /* state and flags were sent */
	uint32_t changes;
	int64_t changed_ms;
	/* the bond's actor system: own (kept out) or the shared one */
	int bond_err; /* last etrunk_bond_set_actor() result */
	bool bond_tried, bond_shared;
};

static inline int etrunk_cmp(const struct etrunk *a, const struct etrunk *b)
{
	return numcmp(a->id, b->id);
}
DECLARE_RBTREE_UNIQ(etrunks, struct etrunk, item, etrunk_cmp);

static inline int etrunk_member_cmp(const struct etrunk_member *a, const struct etrunk_member *b)
{
	return strcmp(a->ifname, b->ifname);
}
DECLARE_RBTREE_UNIQ(etrunk_members, struct etrunk_member, item, etrunk_member_cmp);

extern struct etrunks_head etrunks;
extern struct etrunk_members_head etrunk_members;

void etrunk_init(struct event_loop *loop);
void etrunk_fini(void);

/* configuration: NULL or why not (nothing changed then) */
struct etrunk *etrunk_find(long id);
struct etrunk *etrunk_get(long id, const char **err);
const char *etrunk_del(struct etrunk *et);
const char *etrunk_set_priority(struct etrunk *et, long prio);
const char *etrunk_set_system_id(struct etrunk *et, const uint8_t *mac);
const char *etrunk_set_lacp(struct etrunk *et, const uint8_t *mac, long prio);
const char *etrunk_set_peer(struct etrunk *et, const union sockunion *peer,
			    const union sockunion *source, long port);
const char *etrunk_set_key(struct etrunk *et, const char *key);
const char *etrunk_set_timers(struct etrunk *et, long hello_100ms, long multiplier);
const char *etrunk_set_bfd(struct etrunk *et, const union sockunion *peer,
			   const union sockunion *local, const char *ifname, const char *profile);
const char *etrunk_member_set(const char *ifname, long etrunk_id, long trunk_id);
const char *etrunk_member_set_force(const char *ifname, bool force);
struct etrunk_member *etrunk_member_find(const char *ifname);

/* events */
void etrunk_bfd_changed(struct etrunk *et, bool up, bool down);

/* what is published for pimd-rbp's profiles (track_pub.c's dumps) */
typedef void (*etrunk_pub_fn)(const struct etrunk_member *m, bool deleted, void *arg);
void etrunk_pub_each(etrunk_pub_fn fn, void *arg);
/* where every change goes (track_pub.c registers) */
void etrunk_set_pub(etrunk_pub_fn fn, void *arg);

const char *etrunk_state_name(enum etrunk_state st);
const char *etrunk_why_name(enum etrunk_why why);
const char *etrunk_member_state_name(uint8_t state);
int etrunk_config_write(struct vty *vty);
/* interface blocks with the members' lines */
int etrunk_members_config_write(struct vty *vty);
void etrunk_show(struct vty *vty, long id, struct json_object *js);

/* etrunk_vty.c */
void etrunk_vty_init(void);

#endif /* _VRRP_ETRUNK_H */
