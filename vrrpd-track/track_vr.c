// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: the tracked objects of each VRRP router and what they do
 * to it: effective priority, hold in Initialize, takeover now.
 *
 * vrrpd keeps two priorities: vr->priority, the configured one, and
 * r->priority per address family, the one the router advertises and
 * elects with ("current-priority" in vrrpd's YANG model, "effective" in
 * its show output).  vrrpd derives the latter from the former, and asks
 * vrrp_effective_priority_hook what to add; the module answers
 *
 *   effective = clamp(base - sum(reduced) + sum(increased), 1, 254)
 *
 * for the objects that are down, and base again when none is; 1 while a
 * preempt delay runs (a backup at priority 1 preempts nobody, and still
 * takes over when no master is heard at all).  When its answer changes it
 * has vrrpd derive the priority again (vrrp_recalculate_priority(), which
 * leaves an owner at 255).  None of this reaches the running config.
 */
#include <zebra.h>

#include "frrevent.h"
#include "hook.h"
#include "if.h"
#include "monotime.h"
#include "vrf.h"
#include "vty.h"

#include "vrrpd/vrrp.h"

#include "track.h"

DEFINE_MTYPE_STATIC(TRACK, TRACK_VR, "tracking of a VRRP router");
DEFINE_MTYPE_STATIC(TRACK, TRACK_OBJ, "tracked object");


struct track_vrs_head track_vrs;

struct track_vr *track_vr_find(const char *ifname, uint8_t vrid)
{
	struct track_vr key = { .vrid = vrid };

	strlcpy(key.ifname, ifname, sizeof(key.ifname));
	return track_vrs_find(&track_vrs, &key);
}

struct vrrp_vrouter *track_vr_vrouter(const struct track_vr *tvr)
{
	struct interface *ifp = if_lookup_by_name(tvr->ifname, VRF_DEFAULT);

	return ifp ? vrrp_lookup(ifp, tvr->vrid) : NULL;
}

struct track_vr *track_vr_of(const struct vrrp_vrouter *vr)
{
	if (!vr || !vr->ifp || vr->ifp->vrf->vrf_id != VRF_DEFAULT)
		return NULL;
	return track_vr_find(vr->ifp->name, vr->vrid);
}

static struct track_vr *track_vr_get(const char *ifname, uint8_t vrid)
{
	struct track_vr *tvr = track_vr_find(ifname, vrid);

	if (tvr)
		return tvr;
	tvr = XCALLOC(MTYPE_TRACK_VR, sizeof(*tvr));
	strlcpy(tvr->ifname, ifname, sizeof(tvr->ifname));
	tvr->vrid = vrid;
	track_objs_init(&tvr->objs);
	track_vrs_add(&track_vrs, tvr);
	return tvr;
}

static void track_obj_free(struct track_obj *obj)
{
	track_objs_del(&obj->tvr->objs, obj);
	if (obj->bfd) {
		track_bfd_users_del(&obj->bfd->users, obj);
		track_bfd_put(obj->bfd);
	}
	XFREE(MTYPE_TRACK_OBJ, obj);
}

static void track_vr_free(struct track_vr *tvr)
{
	struct track_obj *obj;

	EVENT_OFF(tvr->t_preempt);
	while ((obj = track_objs_first(&tvr->objs)))
		track_obj_free(obj);
	track_objs_fini(&tvr->objs);
	track_vrs_del(&track_vrs, tvr);
	XFREE(MTYPE_TRACK_VR, tvr);
}

/* --- effects ------------------------------------------------------------ */

bool track_vr_link_down(const struct track_vr *tvr)
{
	const struct track_obj *obj;

	frr_each (track_objs_const, &tvr->objs, obj)
		if (obj->type == TRACK_T_BFD && obj->mode == TRACK_M_LINK && obj->down)
			return true;
	return false;
}

/* What the tracked objects make of the base priority */
static int track_vr_effective(const struct track_vr *tvr, int base)
{
	const struct track_obj *obj;
	bool floor = tvr->t_preempt != NULL;
	int delta = 0, eff;

	frr_each (track_objs_const, &tvr->objs, obj) {
		if (!obj->down)
			continue;
		switch (obj->mode) {
		case TRACK_M_REDUCED:
			if (obj->value)
				delta -= obj->value;
			else
				floor = true;
			break;
		case TRACK_M_INCREASED:
			delta += obj->value;
			break;
		case TRACK_M_LINK:
		case TRACK_M_PEER:
			break;
		}
	}
	eff = floor ? 1 : base + delta;
	eff = MAX(eff, 1);
	return MIN(eff, VRRP_PRIO_MASTER - 1);
}

/* A `link` monitor group that failed holds the router in Initialize */
static bool track_vr_wants_hold(const struct track_vr *tvr)
{
	const struct track_obj *obj;

	frr_each (track_objs_const, &tvr->objs, obj)
		if (obj->down && obj->mode == TRACK_M_LINK && obj->type == TRACK_T_MGROUP)
			return true;
	return false;
}

/* vrrp_effective_priority_hook: what to add to the configured priority */
static int track_vr_priority_hook(const struct vrrp_router *r)
{
	const struct track_vr *tvr = track_vr_of(r->vr);

	/* asked whenever vrrpd derives the priority again: publish it */
	track_pub_priority_changed();
	if (!tvr)
		return 0;
	return track_vr_effective(tvr, r->vr->priority) - r->vr->priority;
}

/* vrrp_check_start_hook: vrrpd starts no router the module holds */
static int track_vr_check_start_hook(const struct vrrp_vrouter *vr)
{
	const struct track_vr *tvr = track_vr_of(vr);

	return tvr && tvr->held;
}

/*
 * Hold the virtual router in Initialize, or let it go.  vrrpd (re)starts
 * a router only through vrrp_check_start(), which asks
 * vrrp_check_start_hook; so the hold shuts the routers down as `vrrp N
 * shutdown` does, and answers no until released.  The operator's own
 * shutdown setting stays vrrpd's: vrrp_check_start() on release honours
 * it.
 */
static void track_vr_hold(struct track_vr *tvr, struct vrrp_vrouter *vr, bool hold)
{
	if (hold == tvr->held)
		return;
	tvr->held = hold;
	if (hold) {
		zlog_info("track: VRRP %u on %s: holding in Initialize", tvr->vrid, tvr->ifname);
		vrrp_event(vr->v4, VRRP_EVENT_SHUTDOWN);
		vrrp_event(vr->v6, VRRP_EVENT_SHUTDOWN);
		return;
	}
	zlog_info("track: VRRP %u on %s: released from Initialize", tvr->vrid, tvr->ifname);
	vrrp_check_start(vr);
}

static void track_router_priority_log(const struct vrrp_router *r, uint8_t before)
{
	if (r->priority == before)
		return;
	zlog_info("track: VRRP %u on %s IPv%d: effective priority %u -> %u (base %u)", r->vr->vrid,
		  r->vr->ifp->name, r->family == AF_INET ? 4 : 6, before, r->priority,
		  r->vr->priority);
}

/* Bring the virtual router in line with its tracked objects */
static void track_vr_apply(struct track_vr *tvr)
{
	struct vrrp_vrouter *vr = track_vr_vrouter(tvr);
	uint8_t prio4, prio6;

	if (!vr)
		return;
	prio4 = vr->v4->priority;
	prio6 = vr->v6->priority;
	vrrp_recalculate_priority(vr);
	track_router_priority_log(vr->v4, prio4);
	track_router_priority_log(vr->v6, prio6);
	track_vr_hold(tvr, vr, track_vr_wants_hold(tvr));
}

/*
 * Take over now, as if the master had been silent for the whole
 * Master_Down_Interval: vrrpd fires the Backup's Master_Down_Timer at
 * once, and an advertisement or a shutdown processed first still cancels
 * it.
 */
static bool track_takeover_now(struct vrrp_router *r)
{
	return vrrp_master_down_now(r) == 0;
}

static void track_obj_set_down(struct track_obj *obj, bool down)
{
	if (obj->down == down)
		return;
	obj->down = down;
	obj->last_change = monotime(NULL);
	if (down)
		obj->down_events++;
}

void track_vr_bfd_changed(struct track_bfd *tb, enum bfd_session_state previous)
{
	struct track_obj *obj;
	bool failed = previous == BSS_UP && tb->state == BSS_DOWN;

	/* an administratively disabled session is not a failure (RFC 5882) */
	frr_each (track_bfd_users, &tb->users, obj)
		track_obj_set_down(obj, tb->state == BSS_DOWN);

	frr_each (track_bfd_users, &tb->users, obj) {
		struct vrrp_vrouter *vr;
		bool took = false;

		if (!obj->tvr || obj->mode != TRACK_M_PEER || !failed)
			continue;
		vr = track_vr_vrouter(obj->tvr);
		if (!vr)
			continue;
		if (track_vr_link_down(obj->tvr)) {
			obj->takeovers_suppressed++;
			zlog_info("track: VRRP %u on %s: BFD peer %pIA down, own link down: no takeover",
				  obj->tvr->vrid, obj->tvr->ifname, &tb->peer);
			continue;
		}
		took |= track_takeover_now(vr->v4);
		took |= track_takeover_now(vr->v6);
		if (took) {
			obj->takeovers++;
			zlog_info("track: VRRP %u on %s: BFD peer %pIA down: taking over",
				  obj->tvr->vrid, obj->tvr->ifname, &tb->peer);
		}
	}

	frr_each (track_bfd_users, &tb->users, obj)
		if (obj->tvr)
			track_vr_apply(obj->tvr);
}

static bool track_obj_mgroup_down(const struct track_obj *obj)
{
	uint32_t down, total;

	track_mgroup_weights(obj->mg, &down, &total);
	return total && (uint64_t)down * 100 >= (uint64_t)obj->ratio * total;
}

void track_vr_mgroups_changed(void)
{
	struct track_vr *tvr;
	struct track_obj *obj;

	frr_each (track_vrs, &track_vrs, tvr) {
		frr_each (track_objs, &tvr->objs, obj)
			if (obj->type == TRACK_T_MGROUP)
				track_obj_set_down(obj, track_obj_mgroup_down(obj));
		track_vr_apply(tvr);
	}
}

/* The router's tracking goes with it, as its other vrrp lines do */
void track_vr_destroyed(const struct vrrp_vrouter *vr)
{
	struct track_vr *tvr = track_vr_of(vr);

	if (tvr) {
		zlog_info("track: VRRP %u on %s destroyed: its tracking too", tvr->vrid,
			  tvr->ifname);
		track_vr_free(tvr);
	}
}

/* --- preempt delay -------------------------------------------------------- */

/*
 * vrrp VRID preempt delay SECONDS: a router that starts (vrrpd starting,
 * its interface coming up, a shutdown lifted) stays at priority 1 for that
 * long, so it does not preempt the master before it has what it needs to
 * forward: with pimd-rbp, the channel up and the twin's entries installed.
 * FRR's vrrpd preempts at once.
 */
static void track_vr_preempt_expire(struct event *e)
{
	struct track_vr *tvr = EVENT_ARG(e);

	zlog_info("track: VRRP %u on %s: preempt delay over, priority restored", tvr->vrid,
		  tvr->ifname);
	track_vr_apply(tvr);
}

static void track_vr_preempt_stop(struct track_vr *tvr, const char *why);

static void track_vr_preempt_start(struct track_vr *tvr)
{
	/* wait-sync: nothing to wait for when the profiles are synced (vrrpd
	 * alone restarted) */
	if (tvr->wait_sync && track_sync_done(tvr->ifname, tvr->vrid)) {
		zlog_info("track: VRRP %u on %s: no preempt delay, the profiles are synced",
			  tvr->vrid, tvr->ifname);
		return;
	}
	EVENT_OFF(tvr->t_preempt);
	event_add_timer(master, track_vr_preempt_expire, tvr, tvr->preempt_delay, &tvr->t_preempt);
	tvr->preempt_delays++;
	zlog_info("track: VRRP %u on %s: preempt delay %u s: priority 1 until then", tvr->vrid,
		  tvr->ifname, tvr->preempt_delay);
	track_vr_apply(tvr);
}

static void track_vr_preempt_stop(struct track_vr *tvr, const char *why)
{
	if (!tvr->t_preempt)
		return;
	EVENT_OFF(tvr->t_preempt);
	zlog_info("track: VRRP %u on %s: preempt delay ended early: %s", tvr->vrid, tvr->ifname,
		  why);
	track_vr_apply(tvr);
}

void track_vr_sync_changed(const char *ifname, uint8_t vrid)
{
	struct track_vr *tvr = track_vr_find(ifname, vrid);

	if (tvr && tvr->wait_sync && tvr->t_preempt && track_sync_done(ifname, vrid))
		track_vr_preempt_stop(tvr, "the profiles' resync is done");
}

long track_vr_preempt_remain(const struct track_vr *tvr)
{
	return tvr->t_preempt ? (long)event_timer_remain_second(tvr->t_preempt) : -1;
}

/* Called before vrrpd stores the new state */
void track_vr_state_change(struct vrrp_router *r, int to)
{
	struct track_vr *tvr = track_vr_of(r->vr);

	if (!tvr || !tvr->preempt_delay)
		return;
	if (r->fsm.state == VRRP_STATE_INITIALIZE && to == VRRP_STATE_BACKUP) {
		/* the router's other family may have started it already */
		if (!tvr->t_preempt)
			track_vr_preempt_start(tvr);
	} else if (to == VRRP_STATE_MASTER) {
		/* no master was heard: the delay has nothing left to protect */
		track_vr_preempt_stop(tvr, "became Master");
	}
}

static bool track_vr_in_backup(const struct vrrp_vrouter *vr)
{
	return vr->v4->fsm.state == VRRP_STATE_BACKUP || vr->v6->fsm.state == VRRP_STATE_BACKUP;
}

/* --- configuration ------------------------------------------------------ */

static const char *track_vr_check(const char *ifname, uint8_t vrid)
{
	static char err[160];
	struct interface *ifp = if_lookup_by_name(ifname, VRF_DEFAULT);

	if (ifp && vrrp_lookup(ifp, vrid))
		return NULL;
	snprintf(err, sizeof(err), "VRRP %u does not exist on interface %s", vrid, ifname);
	return err;
}

/* The names a tracking line gives fit where they are kept, or why not */
static const char *track_vr_names_check(const char *bfd_ifname, const char *profile,
					const char *group)
{
	const char *err = NULL;

	if (bfd_ifname)
		err = track_name_check("interface", bfd_ifname, IFNAMSIZ);
	if (!err && profile)
		err = track_name_check("BFD profile", profile, BFD_PROFILE_NAME_LEN);
	if (!err && group)
		err = track_name_check("monitor-group", group, TRACK_NAME_MAX);
	return err;
}

static struct track_obj *track_obj_find(struct track_vr *tvr, struct track_obj *key)
{
	return tvr ? track_objs_find(&tvr->objs, key) : NULL;
}

/* After a change: act on it, and forget a router left with nothing */
static void track_vr_changed(struct track_vr *tvr)
{
	track_vr_apply(tvr);
	if (!track_objs_count(&tvr->objs) && !tvr->preempt_delay) {
		/* the apply above restored the base priority and released
		 * any hold
		 */
		track_vr_free(tvr);
	}
}

const char *track_vr_set_bfd(const char *ifname, uint8_t vrid, const struct ipaddr *peer,
			     const struct ipaddr *local, const char *bfd_ifname,
			     const char *profile, enum track_mode mode, uint8_t value)
{
	static char errbuf[200];
	struct track_bfd bkey = {};
	struct track_obj key = { .type = TRACK_T_BFD, .bfd = &bkey }, *obj;
	struct track_vr *tvr;
	const char *err = track_vr_names_check(bfd_ifname, profile, NULL);

	if (!err)
		err = track_vr_check(ifname, vrid);
	if (err)
		return err;

	bkey.peer = *peer;
	bkey.local = *local;
	strlcpy(bkey.ifname, bfd_ifname ? bfd_ifname : "", sizeof(bkey.ifname));
	tvr = track_vr_find(ifname, vrid);
	obj = track_obj_find(tvr, &key);

	if (obj && strcmp(obj->bfd->profile, profile ? profile : "")) {
		if (track_bfd_users_count(&obj->bfd->users) > 1) {
			snprintf(errbuf, sizeof(errbuf),
				 "BFD session to %pIA is also tracked by other VRRP routers, with %s%s",
				 peer, obj->bfd->profile[0] ? "profile " : "no profile",
				 obj->bfd->profile);
			return errbuf;
		}
		/* its only user: register it again with the new profile */
		track_bfd_users_del(&obj->bfd->users, obj);
		track_bfd_put(obj->bfd);
		obj->bfd = track_bfd_get(peer, local, bfd_ifname, profile, &err);
		assert(obj->bfd);
		track_bfd_users_add_tail(&obj->bfd->users, obj);
	} else if (!obj) {
		struct track_bfd *tb = track_bfd_get(peer, local, bfd_ifname, profile, &err);

		if (!tb)
			return err;
		tvr = track_vr_get(ifname, vrid);
		obj = XCALLOC(MTYPE_TRACK_OBJ, sizeof(*obj));
		obj->tvr = tvr;
		obj->type = TRACK_T_BFD;
		obj->bfd = tb;
		track_objs_add(&tvr->objs, obj);
		track_bfd_users_add_tail(&tb->users, obj);
	}
	obj->mode = mode;
	obj->value = value;
	track_obj_set_down(obj, obj->bfd->state == BSS_DOWN);
	track_vr_changed(tvr);
	return NULL;
}

const char *track_vr_unset_bfd(const char *ifname, uint8_t vrid, const struct ipaddr *peer,
			       const struct ipaddr *local, const char *bfd_ifname)
{
	static char err[200];
	struct track_bfd bkey = {};
	struct track_obj key = { .type = TRACK_T_BFD, .bfd = &bkey }, *obj;
	struct track_vr *tvr = track_vr_find(ifname, vrid);
	const char *nerr = track_vr_names_check(bfd_ifname, NULL, NULL);

	if (nerr)
		return nerr;
	bkey.peer = *peer;
	bkey.local = *local;
	strlcpy(bkey.ifname, bfd_ifname ? bfd_ifname : "", sizeof(bkey.ifname));
	obj = track_obj_find(tvr, &key);
	if (!obj) {
		snprintf(err, sizeof(err),
			 "VRRP %u on interface %s does not track this BFD session to %pIA", vrid,
			 ifname, peer);
		return err;
	}
	track_obj_free(obj);
	track_vr_changed(tvr);
	return NULL;
}

const char *track_vr_set_mgroup(const char *ifname, uint8_t vrid, const char *group, uint8_t ratio,
				enum track_mode mode, uint8_t value)
{
	static char errbuf[160];
	struct track_mgroup *mg = track_mgroup_find(group);
	struct track_obj key = { .type = TRACK_T_MGROUP }, *obj;
	struct track_vr *tvr;
	const char *err = track_vr_names_check(NULL, NULL, group);

	if (!err)
		err = track_vr_check(ifname, vrid);
	if (err)
		return err;
	if (!mg) {
		snprintf(errbuf, sizeof(errbuf), "monitor-group %s does not exist", group);
		return errbuf;
	}
	if (ratio < 1 || ratio > 100)
		return "failure-ratio must be 1-100 (percent)";

	key.mg = mg;
	tvr = track_vr_get(ifname, vrid);
	obj = track_objs_find(&tvr->objs, &key);
	if (!obj) {
		obj = XCALLOC(MTYPE_TRACK_OBJ, sizeof(*obj));
		obj->tvr = tvr;
		obj->type = TRACK_T_MGROUP;
		obj->mg = mg;
		track_objs_add(&tvr->objs, obj);
	}
	obj->ratio = ratio;
	obj->mode = mode;
	obj->value = value;
	track_obj_set_down(obj, track_obj_mgroup_down(obj));
	track_vr_changed(tvr);
	return NULL;
}

const char *track_vr_unset_mgroup(const char *ifname, uint8_t vrid, const char *group)
{
	static char err[160];
	struct track_mgroup mkey = {};
	struct track_obj key = { .type = TRACK_T_MGROUP, .mg = &mkey }, *obj;
	struct track_vr *tvr = track_vr_find(ifname, vrid);
	const char *nerr = track_vr_names_check(NULL, NULL, group);

	if (nerr)
		return nerr;
	strlcpy(mkey.name, group, sizeof(mkey.name));
	obj = track_obj_find(tvr, &key);
	if (!obj) {
		snprintf(err, sizeof(err), "VRRP %u on interface %s does not track monitor-group %s",
			 vrid, ifname, group);
		return err;
	}
	track_obj_free(obj);
	track_vr_changed(tvr);
	return NULL;
}

const char *track_vr_set_preempt_delay(const char *ifname, uint8_t vrid, uint16_t seconds,
				       bool wait_sync)
{
	static char errbuf[160];
	struct track_vr *tvr = track_vr_find(ifname, vrid);
	struct vrrp_vrouter *vr;
	const char *err;

	if (!seconds) {
		if (!tvr || !tvr->preempt_delay) {
			snprintf(errbuf, sizeof(errbuf),
				 "VRRP %u on interface %s has no preempt delay", vrid, ifname);
			return errbuf;
		}
		tvr->preempt_delay = 0;
		tvr->wait_sync = false;
		track_vr_preempt_stop(tvr, "unconfigured");
		track_vr_changed(tvr);
		return NULL;
	}
	err = track_vr_check(ifname, vrid);
	if (err)
		return err;
	tvr = track_vr_get(ifname, vrid);
	if (tvr->preempt_delay == seconds && tvr->wait_sync == wait_sync)
		return NULL;
	tvr->preempt_delay = seconds;
	tvr->wait_sync = wait_sync;
	vr = track_vr_vrouter(tvr);
	/*
	 * Reading its configuration at start, vrrpd may have started the
	 * router before this line: a backup takes the delay from now.  A
	 * master has nothing to wait for.
	 */
	if (tvr->t_preempt || (vr && track_vr_in_backup(vr)))
		track_vr_preempt_start(tvr);
	track_vr_changed(tvr);
	return NULL;
}

const struct track_obj *track_vr_mgroup_user(const struct track_mgroup *mg)
{
	const struct track_vr *tvr;
	const struct track_obj *obj;

	frr_each (track_vrs_const, &track_vrs, tvr)
		frr_each (track_objs_const, &tvr->objs, obj)
			if (obj->type == TRACK_T_MGROUP && obj->mg == mg)
				return obj;
	return NULL;
}

const char *track_mode_name(enum track_mode mode)
{
	switch (mode) {
	case TRACK_M_REDUCED:
		return "reduced";
	case TRACK_M_INCREASED:
		return "increased";
	case TRACK_M_PEER:
		return "peer";
	case TRACK_M_LINK:
		return "link";
	}
	return "?";
}

const char *track_obj_effect(const struct track_obj *obj, char *buf, size_t len)
{
	switch (obj->mode) {
	case TRACK_M_REDUCED:
		if (!obj->down)
			return "none";
		if (!obj->value)
			return "priority 1";
		snprintf(buf, len, "priority -%u", obj->value);
		return buf;
	case TRACK_M_INCREASED:
		if (!obj->down)
			return "none";
		snprintf(buf, len, "priority +%u", obj->value);
		return buf;
	case TRACK_M_PEER:
		return track_vr_link_down(obj->tvr) ? "takeover suppressed" : "takeover on failure";
	case TRACK_M_LINK:
		if (!obj->down)
			return "none";
		return obj->type == TRACK_T_MGROUP ? "held in Initialize" : "suppresses takeover";
	}
	return "none";
}

static void track_obj_config_write(struct vty *vty, const struct track_obj *obj)
{
	vty_out(vty, " vrrp %u track ", obj->tvr->vrid);
	if (obj->type == TRACK_T_BFD) {
		vty_out(vty, "bfd peer %pIA", &obj->bfd->peer);
		if (!IS_IPADDR_NONE(&obj->bfd->local))
			vty_out(vty, " local-address %pIA", &obj->bfd->local);
		if (obj->bfd->ifname[0])
			vty_out(vty, " interface %s", obj->bfd->ifname);
		if (obj->bfd->profile[0])
			vty_out(vty, " profile %s", obj->bfd->profile);
	} else
		vty_out(vty, "monitor-group %s failure-ratio %u", obj->mg->name, obj->ratio);

	switch (obj->mode) {
	case TRACK_M_REDUCED:
		if (obj->value)
			vty_out(vty, " reduced %u", obj->value);
		break;
	case TRACK_M_INCREASED:
		vty_out(vty, " increased %u", obj->value);
		break;
	case TRACK_M_PEER:
		vty_out(vty, " peer");
		break;
	case TRACK_M_LINK:
		vty_out(vty, " link");
		break;
	}
	vty_out(vty, "\n");
}

/* One interface block per interface (vtysh merges it with the others) */
int track_vr_config_write(struct vty *vty)
{
	const struct track_vr *tvr;
	const struct track_obj *obj;
	const char *open = NULL;
	int n = 0;

	frr_each (track_vrs_const, &track_vrs, tvr) {
		if (!open || strcmp(open, tvr->ifname)) {
			if (open)
				vty_out(vty, "exit\n!\n");
			vty_out(vty, "interface %s\n", tvr->ifname);
			open = tvr->ifname;
			n++;
		}
		if (tvr->preempt_delay)
			vty_out(vty, " vrrp %u preempt delay %u%s\n", tvr->vrid, tvr->preempt_delay,
				tvr->wait_sync ? " wait-sync" : "");
		frr_each (track_objs_const, &tvr->objs, obj)
			track_obj_config_write(vty, obj);
	}
	if (open)
		vty_out(vty, "exit\n!\n");
	return n;
}

void track_vr_init(void)
{
	track_vrs_init(&track_vrs);
	hook_register(vrrp_effective_priority_hook, track_vr_priority_hook);
	hook_register(vrrp_check_start_hook, track_vr_check_start_hook);
}

void track_vr_fini(void)
{
	struct track_vr *tvr;

	hook_unregister(vrrp_effective_priority_hook, track_vr_priority_hook);
	hook_unregister(vrrp_check_start_hook, track_vr_check_start_hook);
	while ((tvr = track_vrs_first(&track_vrs)))
		track_vr_free(tvr);
	track_vrs_fini(&track_vrs);
}
