// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the role of a profile follows its VRRP group.
 *
 * Two sources, the first that knows wins:
 * - vrrpd-track publishes every VRRP state transition as a zebra opaque
 *   message (vrrpd-track/track_msg.h), and dumps all states when asked:
 *   this module listens on an auxiliary zclient of its own;
 * - vrrpd runs each virtual router on a macvlan over the VRRP interface,
 *   with the virtual MAC 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID
 *   (IPv6), held in protodown while it is not master.  The macvlan being
 *   operative says "master"; this works without vrrpd-track.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "frrevent.h"
#include "stream.h"
#include "zclient.h"

#include "pimd.h"

#include "rbp.h"
#include "rbp_role.h"
#include "rbp_install.h"
#include "rbp_session.h"
#include "vrrpd-track/track_msg.h"

DEFINE_MTYPE_STATIC(RBP, RBP_VRRP_STATE, "remote-backup VRRP state");

static struct event_loop *rbp_loop;
static struct event *t_rbp_role;

/* how long after start the macvlan fallback waits for vrrpd-track */
#define RBP_MACVLAN_HOLD_MS 3000
static int64_t rbp_macvlan_trusted_ms;
static struct event *t_rbp_macvlan_hold;
static struct zclient *rbp_zclient;

/* VRRP states heard from vrrpd-track */
PREDECL_RBTREE_UNIQ(rbp_vrrp_states);
struct rbp_vrrp_state {
	struct rbp_vrrp_states_item item;
	char ifname[IFNAMSIZ];
	uint8_t family;
	uint8_t vrid;
	uint8_t state;
	uint8_t priority;
};

static int rbp_vrrp_state_cmp(const struct rbp_vrrp_state *a, const struct rbp_vrrp_state *b)
{
	int r = strcmp(a->ifname, b->ifname);

	if (r)
		return r;
	if (a->family != b->family)
		return a->family - b->family;
	return a->vrid - b->vrid;
}
DECLARE_RBTREE_UNIQ(rbp_vrrp_states, struct rbp_vrrp_state, item, rbp_vrrp_state_cmp);
static struct rbp_vrrp_states_head rbp_vrrp_states;
static uint64_t rbp_vrrp_msgs;

static struct rbp_vrrp_state *rbp_vrrp_state_find(const char *ifname, uint8_t family, uint8_t vrid)
{
	struct rbp_vrrp_state ref = { .family = family, .vrid = vrid };

	strlcpy(ref.ifname, ifname, sizeof(ref.ifname));
	return rbp_vrrp_states_find(&rbp_vrrp_states, &ref);
}

/* The macvlan vrrpd uses for a group, if it exists */
static struct interface *rbp_role_macvlan(const struct rbp_vrrp_ref *ref)
{
	struct vrf *vrf = vrf_lookup_by_id(VRF_DEFAULT);
	struct interface *parent, *ifp;
	const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, ref->family == 4 ? 0x01 : 0x02, ref->vrid };

	parent = if_lookup_by_name(ref->ifname, VRF_DEFAULT);
	if (!vrf || !parent || parent->ifindex == IFINDEX_INTERNAL)
		return NULL;
	FOR_ALL_INTERFACES (vrf, ifp)
		if (ifp->link_ifindex == parent->ifindex && ifp->hw_addr_len == 6 &&
		    !memcmp(ifp->hw_addr, vmac, 6))
			return ifp;
	return NULL;
}

/* The VRRP group's interface is up (the LAN is reachable) */
static bool rbp_role_if_operative(const struct rbp_vrrp_ref *ref)
{
	struct interface *ifp = if_lookup_by_name(ref->ifname, VRF_DEFAULT);

	return ifp && if_is_operative(ifp);
}

const char *rbp_role_source(const struct rbp_vrrp_ref *ref)
{
	struct interface *mv;

	if (!ref->family)
		return "none";
	if (rbp_vrrp_state_find(ref->ifname, ref->family, ref->vrid))
		return rbp_role_if_operative(ref) ? "vrrpd-track"
						  : "vrrpd-track, VRRP interface down";
	mv = rbp_role_macvlan(ref);
	return mv ? mv->name : "VRRP macvlan not found";
}

enum msync_role rbp_role_of(const struct rbp_vrrp_ref *ref)
{
	const struct rbp_vrrp_state *st;
	struct interface *mv;

	if (!ref->family)
		return MSYNC_ROLE_UNKNOWN;
	st = rbp_vrrp_state_find(ref->ifname, ref->family, ref->vrid);
	/*
	 * FRR's vrrpd stays Master while its interface is down (it only
	 * fails to send advertisements): such a master cannot forward onto
	 * the LAN, and must not tell the twin it does, or the split-brain
	 * guard would mute the twin that took over.
	 */
	if (st)
		return st->state == 1 /* VRRP_STATE_MASTER */ && rbp_role_if_operative(ref)
			       ? MSYNC_ROLE_MASTER
			       : MSYNC_ROLE_BACKUP;
	/* vrrpd-track answers the request pimd sends at start at once; until
	 * it had the time to, a macvlan that vrrpd has not yet put in
	 * protodown must not make this router master
	 */
	if (rbp_now_ms() < rbp_macvlan_trusted_ms)
		return MSYNC_ROLE_UNKNOWN;
	mv = rbp_role_macvlan(ref);
	/* no group (yet): not master, so the LAN stays muted */
	if (!mv)
		return MSYNC_ROLE_BACKUP;
	return if_is_operative(mv) ? MSYNC_ROLE_MASTER : MSYNC_ROLE_BACKUP;
}

/* --- split brain -------------------------------------------------------
 *
 * Both twins master of a profile's VRRP group (their VRRP link cut, the
 * RBS channel still up) would both forward onto the LAN, and with assert
 * state ignored nothing else stops the duplicates.  Each tells the other
 * its role over the channel; when both say master for longer than a
 * grace time, the twin with the higher channel address yields: it keeps
 * its state hot but mutes, until either is no longer master.
 */
#define RBP_SPLIT_GRACE_MS 1500

static bool rbp_role_both_master(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	return s && prf->role == MSYNC_ROLE_MASTER &&
	       msync_session_peer_role(s, prf->backup_id) == MSYNC_ROLE_MASTER;
}

static void rbp_role_split_set(struct rbp_profile *prf, bool yield)
{
	if (prf->yield == yield)
		return;
	prf->yield = yield;
	if (yield)
		zlog_warn("remote-backup-profile %s: split brain, both twins are VRRP master for more than %d ms; this router (%pSU) yields to %pSU and stops forwarding",
			  prf->name, RBP_SPLIT_GRACE_MS, &prf->service->source, &prf->service->peer);
	else
		zlog_info("remote-backup-profile %s: split brain over", prf->name);
	rbp_install_role_changed(prf);
}

static void rbp_role_split_timer(struct event *t)
{
	struct rbp_profile *prf = EVENT_ARG(t);

	if (rbp_role_both_master(prf) &&
	    sockunion_cmp(&prf->service->source, &prf->service->peer) > 0)
		rbp_role_split_set(prf, true);
}

static void rbp_role_split_eval(struct rbp_profile *prf)
{
	if (!rbp_role_both_master(prf)) {
		EVENT_OFF(prf->t_split);
		rbp_role_split_set(prf, false);
		return;
	}
	if (!prf->yield && !prf->t_split)
		event_add_timer_msec(rbp_loop, rbp_role_split_timer, prf, RBP_SPLIT_GRACE_MS,
				     &prf->t_split);
}

bool rbp_profile_forwards(const struct rbp_profile *prf)
{
	return prf->role == MSYNC_ROLE_MASTER && !prf->yield;
}

void rbp_role_profile_gone(struct rbp_profile *prf)
{
	EVENT_OFF(prf->t_split);
}

void rbp_role_reconcile(void)
{
	struct rbp_profile *prf;
	struct rbp_if *rif;

	frr_each (rbp_profiles, &rbp_profiles, prf) {
		enum msync_role role;

		if (prf->type != RBP_SVC_SELF)
			continue;
		role = rbp_role_of(&prf->vrrp);
		if (role != prf->role) {
			zlog_info("remote-backup-profile %s: role %s -> %s (%s)", prf->name,
				  rbp_role_name(prf->role), rbp_role_name(role),
				  rbp_role_source(&prf->vrrp));
			prf->role = role;
			rbp_session_role_changed(prf);
			rbp_install_role_changed(prf);
		}
		rbp_role_split_eval(prf);
	}

	frr_each (rbp_ifs, &rbp_ifs, rif) {
		enum msync_role role = rbp_role_of(&rif->track);

		if (role == rif->track_role)
			continue;
		zlog_info("interface %s: multicast forwarding follows %s %u on %s: %s -> %s",
			  rif->name, rif->track.family == 4 ? "VRRP" : "VRRP6", rif->track.vrid,
			  rif->track.ifname, rbp_role_name(rif->track_role), rbp_role_name(role));
		rif->track_role = role;
		rbp_install_if_role_changed(rif);
	}
}

static void rbp_role_event(struct event *t)
{
	rbp_role_reconcile();
}

/* Interface changes that may move a role: evaluate at once, since the
 * switchover gap starts ticking here.
 */
static int rbp_role_if_change(struct interface *ifp)
{
	rbp_role_reconcile();
	return 0;
}

/* if_down runs modules first; defer past pimd's own handling */
static int rbp_role_if_down(struct interface *ifp)
{
	event_add_event(rbp_loop, rbp_role_event, NULL, 0, &t_rbp_role);
	return 0;
}

/* --- vrrpd-track's messages ------------------------------------------- */

static void rbp_vrrp_state_msg(const struct rbp_vrrp_state_msg *m)
{
	struct rbp_vrrp_state ref = { .family = m->family, .vrid = m->vrid };
	struct rbp_vrrp_state *st;

	if (m->version != RBP_VRRP_MSG_VERSION || (m->family != 4 && m->family != 6))
		return;
	if (m->flags & RBP_VRRP_F_DUMP && m->vrid == 0)
		return; /* an empty dump */
	memcpy(ref.ifname, m->ifname, sizeof(m->ifname));
	ref.ifname[sizeof(ref.ifname) - 1] = '\0';
	st = rbp_vrrp_states_find(&rbp_vrrp_states, &ref);
	if (m->flags & RBP_VRRP_F_DELETED) {
		if (st) {
			rbp_vrrp_states_del(&rbp_vrrp_states, st);
			XFREE(MTYPE_RBP_VRRP_STATE, st);
		}
		return;
	}
	if (!st) {
		st = XCALLOC(MTYPE_RBP_VRRP_STATE, sizeof(*st));
		*st = ref;
		rbp_vrrp_states_add(&rbp_vrrp_states, st);
	}
	st->state = m->state;
	st->priority = m->priority;
	DEBUGD(&rbp_dbg_role, "vrrpd-track: %s VRRP%s %u state %u prio %u%s", st->ifname,
	       st->family == 6 ? "6" : "", st->vrid, st->state, st->priority,
	       m->flags & RBP_VRRP_F_DUMP ? " (dump)" : "");
}

static int rbp_role_opaque(ZAPI_CALLBACK_ARGS)
{
	struct zapi_opaque_msg info;
	struct rbp_vrrp_state_msg m;

	if (zclient_opaque_decode(zclient->ibuf, &info) != 0)
		return -1;
	if (info.type != RBP_OPAQUE_VRRP_STATE)
		return 0;
	if (info.len != sizeof(m)) {
		zlog_warn("vrrpd-track: state message of %u bytes, expected %zu", info.len,
			  sizeof(m));
		return 0;
	}
	STREAM_GET(&m, zclient->ibuf, sizeof(m));
	rbp_vrrp_msgs++;
	rbp_vrrp_state_msg(&m);
	/* at once: this is where a switchover starts */
	rbp_role_reconcile();
	return 0;
stream_failure:
	return -1;
}

static void rbp_role_zebra_connected(struct zclient *zc)
{
	zclient_register_opaque(zc, RBP_OPAQUE_VRRP_STATE);
	/* a restarted pimd learns the current states at once */
	zclient_send_opaque(zc, RBP_OPAQUE_VRRP_REQUEST, NULL, 0);
}

static zclient_handler *const rbp_role_handlers[] = {
	[ZEBRA_OPAQUE_MESSAGE] = rbp_role_opaque,
};

uint64_t rbp_role_vrrp_messages(void)
{
	return rbp_vrrp_msgs;
}

void rbp_role_init(struct event_loop *loop)
{
	rbp_loop = loop;
	rbp_macvlan_trusted_ms = rbp_now_ms() + RBP_MACVLAN_HOLD_MS;
	event_add_timer_msec(loop, rbp_role_event, NULL, RBP_MACVLAN_HOLD_MS,
			     &t_rbp_macvlan_hold);
	rbp_vrrp_states_init(&rbp_vrrp_states);
	rbp_zclient = zclient_new(loop, &zclient_options_auxiliary, rbp_role_handlers,
				  array_size(rbp_role_handlers));
	/* zebra tells opaque receivers apart by (proto, instance, session):
	 * pimd and pim6d both are PIM/0/0, so our session id must differ
	 */
	rbp_zclient->session_id = (uint32_t)getpid();
	rbp_zclient->zebra_connected = rbp_role_zebra_connected;
	zclient_init(rbp_zclient, ZEBRA_ROUTE_PIM, 0, &pimd_privs);
	hook_register_prio(if_up, 1001, rbp_role_if_change);
	hook_register_prio(if_down, 1001, rbp_role_if_down);
	hook_register_prio(if_real, 1001, rbp_role_if_change);
	hook_register_prio(if_unreal, 1001, rbp_role_if_down);
}

void rbp_role_fini(void)
{
	struct rbp_vrrp_state *st;

	EVENT_OFF(t_rbp_role);
	EVENT_OFF(t_rbp_macvlan_hold);
	if (rbp_zclient) {
		zclient_stop(rbp_zclient);
		zclient_free(rbp_zclient);
		rbp_zclient = NULL;
	}
	while ((st = rbp_vrrp_states_pop(&rbp_vrrp_states)))
		XFREE(MTYPE_RBP_VRRP_STATE, st);
	rbp_vrrp_states_fini(&rbp_vrrp_states);
	hook_unregister(if_up, rbp_role_if_change);
	hook_unregister(if_down, rbp_role_if_down);
	hook_unregister(if_real, rbp_role_if_change);
	hook_unregister(if_unreal, rbp_role_if_down);
}
