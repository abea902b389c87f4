// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: VRRP state publication and object tracking for vrrpd.
 *
 * Tracking configuration is kept by (interface name, VRID), not by
 * vrrpd's struct vrrp_vrouter: vrrpd creates and destroys those as its
 * configuration changes, and tells the module of a destroyed one through
 * vrrp_vrouter_destroy_hook (track_state.c).
 */
#ifndef _VRRP_TRACK_H
#define _VRRP_TRACK_H

#include "typesafe.h"
#include "memory.h"
#include "qobj.h"
#include "if.h"
#include "ipaddr.h"
#include "debug.h"
#include "bfd.h"

struct event;
struct event_loop;
struct vrrp_vrouter;
struct vrrp_router;
struct vty;
struct zclient;
struct zapi_opaque_msg;

DECLARE_MGROUP(TRACK);

/* TRACK_MGROUP_NODE, the CLI node of monitor-group */
#include "common/rbp_common.h"

#define TRACK_NAME_MAX	     64
#define TRACK_DEFAULT_WEIGHT 10

extern struct debug track_dbg;

/* NULL if name fits a buffer of size bytes, else why not ("interface name
 * ... is too long: ..."): names are refused, never cut short
 */
const char *track_name_check(const char *what, const char *name, size_t size);

/* --- monitor groups (track_mgroup.c) ---------------------------------- */

PREDECL_RBTREE_UNIQ(track_mgroups);
PREDECL_RBTREE_UNIQ(track_binds);

/* binding interface IFNAME [down-weight W] */
struct track_bind {
	struct track_binds_item item;
	char ifname[IFNAMSIZ];
	uint16_t weight;
};

/* monitor-group NAME */
struct track_mgroup {
	struct track_mgroups_item item;
	char name[TRACK_NAME_MAX];
	struct track_binds_head binds;

	QOBJ_FIELDS;
};
DECLARE_QOBJ_TYPE(track_mgroup);

static inline int track_mgroup_cmp(const struct track_mgroup *a, const struct track_mgroup *b)
{
	return strcmp(a->name, b->name);
}
DECLARE_RBTREE_UNIQ(track_mgroups, struct track_mgroup, item, track_mgroup_cmp);

static inline int track_bind_cmp(const struct track_bind *a, const struct track_bind *b)
{
	return strcmp(a->ifname, b->ifname);
}
DECLARE_RBTREE_UNIQ(track_binds, struct track_bind, item, track_bind_cmp);

extern struct track_mgroups_head track_mgroups;

void track_mgroup_init(struct event_loop *loop);
void track_mgroup_fini(void);
struct track_mgroup *track_mgroup_find(const char *name);
struct track_mgroup *track_mgroup_get(const char *name, const char **err);
const char *track_mgroup_del(struct track_mgroup *mg);
const char *track_mgroup_bind(struct track_mgroup *mg, const char *ifname, long weight);
const char *track_mgroup_unbind(struct track_mgroup *mg, const char *ifname);
/* a bound interface is down unless it exists and is operative */
bool track_bind_down(const struct track_bind *b);
/* sums of the down-weights of the down and of all bound interfaces */
void track_mgroup_weights(const struct track_mgroup *mg, uint32_t *down, uint32_t *total);
int track_mgroup_config_write(struct vty *vty);

/* --- BFD sessions (track_bfd.c) --------------------------------------- */

PREDECL_RBTREE_UNIQ(track_bfds);
PREDECL_DLIST(track_bfd_users);

/* One lib/bfd session per (peer, local address, interface), shared by
 * every tracked object that names it: bfdd keeps one registration per
 * client and session, so a second registration of the same session from
 * vrrpd would be dropped with the first one.
 */
struct track_bfd {
	struct track_bfds_item item;
	struct ipaddr peer;
	struct ipaddr local; /* IPADDR_NONE: not set */
	char ifname[IFNAMSIZ];
	char profile[BFD_PROFILE_NAME_LEN];

	struct bfd_session_params *bsp;
	struct track_bfd_users_head users;

	/* as bfdd last reported it */
	enum bfd_session_state state;
	uint32_t up_to_down; /* Up -> Down transitions */
};

static inline int track_bfd_cmp(const struct track_bfd *a, const struct track_bfd *b)
{
	int ret = ipaddr_cmp(&a->peer, &b->peer);

	if (ret)
		return ret;
	ret = ipaddr_cmp(&a->local, &b->local);
	if (ret)
		return ret;
	return strcmp(a->ifname, b->ifname);
}
DECLARE_RBTREE_UNIQ(track_bfds, struct track_bfd, item, track_bfd_cmp);

extern struct track_bfds_head track_bfds;

void track_bfd_init(void);
void track_bfd_fini(void);
struct track_bfd *track_bfd_get(const struct ipaddr *peer, const struct ipaddr *local,
				const char *ifname, const char *profile, const char **err);
void track_bfd_put(struct track_bfd *tb);
const char *track_bfd_state_name(enum bfd_session_state state);

/* --- tracked objects of a VRRP router (track_vr.c) -------------------- */

PREDECL_RBTREE_UNIQ(track_vrs);
PREDECL_RBTREE_UNIQ(track_objs);

enum track_type {
	TRACK_T_BFD,
	TRACK_T_MGROUP,
};

enum track_mode {
	/* lower the priority while down (value 0: to priority 1) */
	TRACK_M_REDUCED,
	/* raise the priority while down */
	TRACK_M_INCREASED,
	/* BFD to the master (on the backup): its failure is a takeover now */
	TRACK_M_PEER,
	/* BFD: the backup's own link, down: no takeover by `peer` sessions;
	 * monitor group: the VRRP router is held in Initialize
	 */
	TRACK_M_LINK,
};

struct track_vr;
struct etrunk;

struct track_obj {
	struct track_objs_item item;
	struct track_vr *tvr;
	enum track_type type;
	enum track_mode mode;
	uint8_t value;

	/* TRACK_T_BFD */
	struct track_bfd *bfd;
	struct track_bfd_users_item bfd_item;

	/* TRACK_T_BFD of another owner than a VRRP router (tvr NULL): an
	 * E-Trunk, told of every state change */
	struct etrunk *etrunk;
	void (*notify)(struct track_obj *obj, enum bfd_session_state state);

	/* TRACK_T_MGROUP: a group cannot be deleted while tracked */
	struct track_mgroup *mg;
	uint8_t ratio;

	/* runtime */
	bool down;
	uint32_t down_events;
	uint32_t takeovers;	       /* peer: takeovers triggered */
	uint32_t takeovers_suppressed; /* peer: not, a link session was down */
	time_t last_change;	       /* monotime seconds */
};

DECLARE_DLIST(track_bfd_users, struct track_obj, bfd_item);

/* The tracking configuration of one virtual router (interface, VRID) */
struct track_vr {
	struct track_vrs_item item;
	char ifname[IFNAMSIZ];
	uint8_t vrid;
	struct track_objs_head objs;

	/* vrrp VRID preempt delay SECONDS [wait-sync] (0: none) */
	uint16_t preempt_delay;
	bool wait_sync; /* the delay ends when the profiles are synced */

	/* runtime: a `link` monitor group holds the router in Initialize */
	bool held;
	/* runtime: preemption delayed (priority 1) until this fires */
	struct event *t_preempt;
	uint32_t preempt_delays; /* delays started */
};

static inline int track_vr_cmp(const struct track_vr *a, const struct track_vr *b)
{
	int ret = strcmp(a->ifname, b->ifname);

	if (ret)
		return ret;
	return numcmp(a->vrid, b->vrid);
}
DECLARE_RBTREE_UNIQ(track_vrs, struct track_vr, item, track_vr_cmp);

/* config order: BFD sessions by address, then monitor groups by name */
static inline int track_obj_cmp(const struct track_obj *a, const struct track_obj *b)
{
	int ret;

	if (a->type != b->type)
		return numcmp(a->type, b->type);
	if (a->type == TRACK_T_MGROUP)
		return strcmp(a->mg->name, b->mg->name);
	ret = ipaddr_cmp(&a->bfd->peer, &b->bfd->peer);
	if (ret)
		return ret;
	ret = ipaddr_cmp(&a->bfd->local, &b->bfd->local);
	if (ret)
		return ret;
	return strcmp(a->bfd->ifname, b->bfd->ifname);
}
DECLARE_RBTREE_UNIQ(track_objs, struct track_obj, item, track_obj_cmp);

extern struct track_vrs_head track_vrs;

void track_vr_init(void);
void track_vr_fini(void);
struct track_vr *track_vr_find(const char *ifname, uint8_t vrid);
struct vrrp_vrouter *track_vr_vrouter(const struct track_vr *tvr);
struct track_vr *track_vr_of(const struct vrrp_vrouter *vr);

const char *track_vr_set_bfd(const char *ifname, uint8_t vrid, const struct ipaddr *peer,
			     const struct ipaddr *local, const char *bfd_ifname,
			     const char *profile, enum track_mode mode, uint8_t value);
const char *track_vr_unset_bfd(const char *ifname, uint8_t vrid, const struct ipaddr *peer,
			       const struct ipaddr *local, const char *bfd_ifname);
const char *track_vr_set_mgroup(const char *ifname, uint8_t vrid, const char *group, uint8_t ratio,
				enum track_mode mode, uint8_t value);
const char *track_vr_unset_mgroup(const char *ifname, uint8_t vrid, const char *group);
/* 0 removes the delay; wait_sync: end it once the profiles of the VRRP
 * router report their resync done (track_sync.c) */
const char *track_vr_set_preempt_delay(const char *ifname, uint8_t vrid, uint16_t seconds,
				       bool wait_sync);
/* A profile's resync state for the VRRP router changed */
void track_vr_sync_changed(const char *ifname, uint8_t vrid);
/* seconds left of a running preempt delay, or -1 */
long track_vr_preempt_remain(const struct track_vr *tvr);
/* the first tracked object naming the group, if any */
const struct track_obj *track_vr_mgroup_user(const struct track_mgroup *mg);

/* events */
void track_vr_bfd_changed(struct track_bfd *tb, enum bfd_session_state previous);
void track_vr_mgroups_changed(void);
/* vrrpd is about to destroy the virtual router */
void track_vr_destroyed(const struct vrrp_vrouter *vr);
/* a VRRP router is about to go from its state to `to` */
void track_vr_state_change(struct vrrp_router *r, int to);

/* what an object does right now, for show */
const char *track_obj_effect(const struct track_obj *obj, char *buf, size_t len);
const char *track_mode_name(enum track_mode mode);
bool track_vr_link_down(const struct track_vr *tvr);
int track_vr_config_write(struct vty *vty);

/* --- the module's zebra client (track_zebra.c) ------------------------ */

void track_zebra_init(struct event_loop *loop);
void track_zebra_fini(void);
struct zclient *track_zclient(void);
bool track_zebra_connected(void);
uint32_t track_zebra_connects(void);

/* --- state publication (track_pub.c) ---------------------------------- */

struct track_pub_counters {
	uint64_t sent;		    /* messages sent to zebra */
	uint64_t send_failures;	    /* not sent: no zebra connection */
	uint64_t transitions;	    /* state transitions published */
	uint64_t deletions;	    /* DELETED messages */
	uint64_t dumps;		    /* full dumps sent */
	uint64_t requests;	    /* RBP_OPAQUE_VRRP_REQUEST received */
	uint64_t requests_answered; /* ... answered by a dump */
	uint32_t seq;		    /* last sequence number used */
};

extern struct track_pub_counters track_pub;

void track_pub_init(struct event_loop *loop);
void track_pub_fini(void);
void track_pub_transition(const struct vrrp_router *r, int to);
/* vrrpd is about to destroy the virtual router */
void track_pub_deleted(const struct vrrp_vrouter *vr);
void track_pub_request(const struct zapi_opaque_msg *info);
void track_pub_zebra_connected(void);
void track_pub_priority_changed(void);

/* track_sync.c: resync states of pimd-rbp's profiles */
void track_sync_init(void);
void track_sync_fini(void);
void track_sync_msg(const struct zapi_opaque_msg *info, struct stream *s);
void track_sync_sender_gone(uint32_t session);
/* every profile of the VRRP router reported synced (and one at least) */
bool track_sync_done(const char *ifname, uint8_t vrid);
/* the states of the VRRP router's profiles: lines, or objects into jarr */
void track_sync_show(struct vty *vty, const char *ifname, uint8_t vrid, struct json_object *jarr);
void track_sync_counters(uint64_t *msgs, uint64_t *bad);

/* --- state changes (track_state.c) ------------------------------------ */

void track_state_init(struct event_loop *loop);
void track_state_fini(void);
const char *track_state_name(int state);

/* --- CLI (track_vty.c) ------------------------------------------------ */

void track_vty_init(void);

#endif /* _VRRP_TRACK_H */
