// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the role of a VRRP group, from two sources, the first that
 * knows wins:
 *
 * - vrrpd-track publishes every VRRP state transition as a zebra opaque
 *   message (common/rbp_common.h), and dumps all states when it connects
 *   and when asked: this file listens on an auxiliary zclient of its own.
 *   A dump is the whole set; a gap in the sequence numbers asks for a new
 *   dump; vrrpd's death (zebra's client-close notification) forgets every
 *   state at once.
 * - vrrpd runs each virtual router on a macvlan over the VRRP interface,
 *   with the virtual MAC 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID
 *   (IPv6), held in protodown while it is not master.  The macvlan being
 *   operative says "master"; this works without vrrpd-track.  A dead
 *   vrrpd leaves its macvlans as they were, so after its death a macvlan
 *   counts as master only once it has changed state again.
 *
 * This file knows VRRP only; what a role means for forwarding is the
 * coordinator's and the gate's business.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "vty.h"
#include "json.h"
#include "frrevent.h"
#include "stream.h"
#include "zclient.h"

#include "pimd.h"

#include "rbp.h"
#include "rbp_role.h"

DEFINE_MTYPE_STATIC(RBP, RBP_VRRP_STATE, "remote-backup VRRP state");

/* how long after start the macvlan fallback waits for vrrpd-track */
#define RBP_MACVLAN_HOLD_MS 3000
/* requests for a dump are coalesced over this time */
#define RBP_DUMP_REQUEST_MS 100

static struct event_loop *rbp_loop;
static rbp_role_notify_fn rbp_role_notify;
static struct zclient *rbp_zclient;
static struct event *t_macvlan_hold;
static struct event *t_dump_request;
static int64_t rbp_macvlan_trusted_ms;

/* VRRP states heard from vrrpd-track */
PREDECL_RBTREE_UNIQ(rbp_vrrp_states);
struct rbp_vrrp_state {
	struct rbp_vrrp_states_item item;
	char ifname[IFNAMSIZ];
	uint8_t family;
	uint8_t vrid;
	uint8_t state;
	uint8_t priority;
	uint16_t et_flags; /* E-Trunk (family RBP_FAMILY_ETRUNK): RBP_ET_F_* */
	uint32_t gen;	   /* dump generation that last confirmed it */
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

static struct {
	struct rbp_vrrp_states_head states;
	uint32_t gen;
	bool in_dump;	  /* between a dump's first and last message */
	bool dump_broken; /* a message of the current dump was missed */
	bool seq_valid;
	uint32_t seq; /* last sequence number seen */
	/* vrrpd died: macvlans left up are not trusted until they change */
	bool vrrpd_gone;
	/* counters for show */
	uint64_t msgs, bad_msgs, dumps, gaps, requests, closes;
} rv;

static struct rbp_vrrp_state *rbp_vrrp_state_find(const char *ifname, uint8_t family, uint8_t vrid)
{
	struct rbp_vrrp_state ref = { .family = family, .vrid = vrid };

	strlcpy(ref.ifname, ifname, sizeof(ref.ifname));
	return rbp_vrrp_states_find(&rv.states, &ref);
}

static void rbp_vrrp_state_del(struct rbp_vrrp_state *st)
{
	rbp_vrrp_states_del(&rv.states, st);
	XFREE(MTYPE_RBP_VRRP_STATE, st);
}

static void rbp_vrrp_states_clear(void)
{
	struct rbp_vrrp_state *st;

	while ((st = rbp_vrrp_states_pop(&rv.states)))
		XFREE(MTYPE_RBP_VRRP_STATE, st);
	rv.in_dump = false;
}

/* --- the macvlan fallback ---------------------------------------------- */

static bool rbp_is_vrrp_vmac(const struct interface *ifp, uint8_t family, uint8_t vrid)
{
	return ifp->hw_addr_len == 6 && ifp->hw_addr[0] == 0x00 && ifp->hw_addr[1] == 0x00 &&
	       ifp->hw_addr[2] == 0x5e && ifp->hw_addr[3] == 0x00 &&
	       ifp->hw_addr[4] == (family == 4 ? 0x01 : 0x02) && (!vrid || ifp->hw_addr[5] == vrid);
}

/* The macvlan vrrpd uses for a group, if it exists */
static struct interface *rbp_role_macvlan(const struct rbp_vrrp_ref *ref)
{
	struct vrf *vrf = vrf_lookup_by_id(VRF_DEFAULT);
	struct interface *parent, *ifp;

	parent = if_lookup_by_name(ref->ifname, VRF_DEFAULT);
	if (!vrf || !parent || parent->ifindex == IFINDEX_INTERNAL)
		return NULL;
	FOR_ALL_INTERFACES (vrf, ifp)
		if (ifp->link_ifindex == parent->ifindex &&
		    rbp_is_vrrp_vmac(ifp, ref->family, ref->vrid))
			return ifp;
	return NULL;
}

static bool rbp_if_name_operative(const char *ifname)
{
	struct interface *ifp = if_lookup_by_name(ifname, VRF_DEFAULT);

	return ifp && if_is_operative(ifp);
}

/* --- roles ------------------------------------------------------------- */

enum rbp_role_why {
	RBP_WHY_NONE,
	RBP_WHY_TRACK,
	RBP_WHY_LAN_DOWN,
	RBP_WHY_IGNORE_DOWN,
	RBP_WHY_HOLD,
	RBP_WHY_NO_MACVLAN,
	RBP_WHY_STALE,
	RBP_WHY_MACVLAN,
	RBP_WHY_ETRUNK,
	RBP_WHY_ETRUNK_WAIT,
};

static enum msync_role rbp_role_eval(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope,
				     enum rbp_role_why *why, struct interface **mvp)
{
	const struct rbp_vrrp_state *st;
	struct interface *mv;

	*mvp = NULL;
	if (!ref || !ref->family) {
		*why = RBP_WHY_NONE;
		return MSYNC_ROLE_UNKNOWN;
	}
	if (!rbp_if_name_operative(ref->ifname)) {
		if (scope.lan) {
			*why = RBP_WHY_LAN_DOWN;
			return MSYNC_ROLE_BACKUP;
		}
		if (scope.ignore_if_down) {
			*why = RBP_WHY_IGNORE_DOWN;
			return MSYNC_ROLE_MASTER;
		}
	}
	st = rbp_vrrp_state_find(ref->ifname, ref->family, ref->vrid);
	if (st) {
		*why = ref->family == RBP_FAMILY_ETRUNK ? RBP_WHY_ETRUNK : RBP_WHY_TRACK;
		return st->state == RBP_VRRP_STATE_MASTER ? MSYNC_ROLE_MASTER : MSYNC_ROLE_BACKUP;
	}
	/* an Eth-Trunk has no other source than vrrpd-track's E-Trunk */
	if (ref->family == RBP_FAMILY_ETRUNK) {
		*why = RBP_WHY_ETRUNK_WAIT;
		return MSYNC_ROLE_BACKUP;
	}
	/* vrrpd-track answers the request sent at start at once; until it had
	 * the time to, a macvlan that vrrpd has not yet put in protodown must
	 * not make this router master
	 */
	if (rbp_now_ms() < rbp_macvlan_trusted_ms) {
		*why = RBP_WHY_HOLD;
		return MSYNC_ROLE_UNKNOWN;
	}
	mv = rbp_role_macvlan(ref);
	*mvp = mv;
	if (!mv) {
		/* no group (yet): not master, so the LAN stays muted */
		*why = RBP_WHY_NO_MACVLAN;
		return MSYNC_ROLE_BACKUP;
	}
	if (rv.vrrpd_gone && if_is_operative(mv)) {
		*why = RBP_WHY_STALE;
		return MSYNC_ROLE_BACKUP;
	}
	*why = RBP_WHY_MACVLAN;
	return if_is_operative(mv) ? MSYNC_ROLE_MASTER : MSYNC_ROLE_BACKUP;
}

enum msync_role rbp_role_of(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope)
{
	enum rbp_role_why why;
	struct interface *mv;

	return rbp_role_eval(ref, scope, &why, &mv);
}

void rbp_role_view(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope,
		   struct rbp_role_view *v)
{
	enum rbp_role_why why;
	struct interface *mv;
	const struct rbp_vrrp_state *st;

	v->role = rbp_role_eval(ref, scope, &why, &mv);
	/* its LAN down, or its vrrpd dead with the macvlan left up: this
	 * router cannot (or must not) forward, the twin should */
	v->able = why != RBP_WHY_LAN_DOWN && why != RBP_WHY_STALE && why != RBP_WHY_ETRUNK_WAIT;
	st = ref && ref->family ? rbp_vrrp_state_find(ref->ifname, ref->family, ref->vrid) : NULL;
	v->priority = st && st->state != RBP_VRRP_STATE_INITIALIZE ? st->priority : 0;
	/* E-Trunk: the smaller priority wins, the handover weighs the higher;
	 * a down Eth-Trunk cannot forward */
	v->force_master = false;
	if (st && ref->family == RBP_FAMILY_ETRUNK) {
		v->priority = v->priority ? 255 - v->priority : 0;
		v->force_master = st->et_flags & RBP_ET_F_FORCE;
		if (st->state == RBP_VRRP_STATE_INITIALIZE)
			v->able = false;
	}
	/* VRRP's own word, whatever the interface: vrrpd stays Master with
	 * its link down */
	if (st)
		v->vrrp_master = st->state == RBP_VRRP_STATE_MASTER;
	else
		v->vrrp_master = v->role == MSYNC_ROLE_MASTER;
}

bool rbp_role_if_operative(const char *ifname)
{
	return rbp_if_name_operative(ifname);
}

const char *rbp_role_source(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope)
{
	enum rbp_role_why why;
	struct interface *mv;

	rbp_role_eval(ref, scope, &why, &mv);
	switch (why) {
	case RBP_WHY_NONE:
		return "none";
	case RBP_WHY_TRACK:
		return "vrrpd-track";
	case RBP_WHY_LAN_DOWN:
		return "VRRP interface down";
	case RBP_WHY_IGNORE_DOWN:
		return "VRRP interface down, ignored";
	case RBP_WHY_HOLD:
		return "waiting for vrrpd-track";
	case RBP_WHY_NO_MACVLAN:
		return "VRRP macvlan not found";
	case RBP_WHY_STALE:
		return "vrrpd gone, macvlan not trusted";
	case RBP_WHY_MACVLAN:
		return mv->name;
	case RBP_WHY_ETRUNK:
		return "e-trunk";
	case RBP_WHY_ETRUNK_WAIT:
		return "waiting for the E-Trunk state";
	}
	return "none";
}

bool rbp_role_balance(const struct rbp_vrrp_ref *ref, bool *share1)
{
	const struct rbp_vrrp_state *st;
	const uint16_t need = RBP_ET_F_FORCE | RBP_ET_F_PEER | RBP_ET_F_PEER_FORCE |
			      RBP_ET_F_PEER_MASTER;

	*share1 = false;
	if (!ref || ref->family != RBP_FAMILY_ETRUNK)
		return false;
	st = rbp_vrrp_state_find(ref->ifname, ref->family, ref->vrid);
	if (!st || st->state != RBP_VRRP_STATE_MASTER || (st->et_flags & need) != need)
		return false;
	*share1 = st->et_flags & RBP_ET_F_SHARE1;
	return true;
}

/* --- vrrpd-track's messages -------------------------------------------- */

static void rbp_role_request_dump_event(struct event *t)
{
	if (!rbp_zclient || rbp_zclient->sock < 0)
		return;
	rv.requests++;
	DEBUGD(&rbp_dbg_role, "vrrpd-track: asking for a dump of all VRRP states");
	zclient_send_opaque(rbp_zclient, RBP_OPAQUE_VRRP_REQUEST, NULL, 0);
}

static void rbp_role_request_dump(void)
{
	event_add_timer_msec(rbp_loop, rbp_role_request_dump_event, NULL, RBP_DUMP_REQUEST_MS,
			     &t_dump_request);
}

/* Returns whether the message may have changed a role */
static bool rbp_vrrp_state_msg(const struct rbp_vrrp_state_msg *m)
{
	uint32_t seq = ntohl(m->seq);
	bool dump = m->flags & RBP_VRRP_F_DUMP;
	bool end = m->flags & RBP_VRRP_F_DUMP_END;
	struct rbp_vrrp_state ref = { .family = m->family, .vrid = m->vrid };
	struct rbp_vrrp_state *st;
	bool changed = false;

	if (m->version != RBP_VRRP_MSG_VERSION ||
	    (m->family != 4 && m->family != 6 && m->family != RBP_FAMILY_ETRUNK &&
	     !(dump && end && m->family == 0)) ||
	    (m->family && m->vrid == 0)) {
		rv.bad_msgs++;
		DEBUGD(&rbp_dbg_role, "vrrpd-track: message dropped (version %u family %u vrid %u)",
		       m->version, m->family, m->vrid);
		return false;
	}

	/* a gap: something was lost, the whole set is needed again (a dump
	 * from a restarted sender starts over at 1 and needs nothing)
	 */
	if (rv.seq_valid && seq != rv.seq + 1 && !(dump && seq == 1)) {
		rv.gaps++;
		DEBUGD(&rbp_dbg_role, "vrrpd-track: sequence %u after %u", seq, rv.seq);
		if (rv.in_dump)
			rv.dump_broken = true;
		rbp_role_request_dump();
	}
	rv.seq = seq;
	rv.seq_valid = true;
	rv.vrrpd_gone = false;

	if (dump && !rv.in_dump) {
		rv.in_dump = true;
		rv.dump_broken = false;
		rv.gen++;
	}

	if (m->family) {
		memcpy(ref.ifname, m->ifname, sizeof(m->ifname));
		ref.ifname[sizeof(ref.ifname) - 1] = '\0';
		st = rbp_vrrp_states_find(&rv.states, &ref);
		if (m->flags & RBP_VRRP_F_DELETED) {
			if (st) {
				rbp_vrrp_state_del(st);
				changed = true;
			}
		} else {
			if (!st) {
				st = XCALLOC(MTYPE_RBP_VRRP_STATE, sizeof(*st));
				*st = ref;
				rbp_vrrp_states_add(&rv.states, st);
				changed = true;
			}
			/* the twins compare priorities (rbp_handover.c) */
			changed |= st->state != m->state || st->priority != m->priority ||
				   st->et_flags != ntohs(m->reserved);
			st->state = m->state;
			st->priority = m->priority;
			st->et_flags = ntohs(m->reserved);
			st->gen = rv.gen;
		}
		DEBUGD(&rbp_dbg_role,
		       "vrrpd-track: %s %s %u state %u prio %u flags 0x%04x seq %u%s%s", ref.ifname,
		       m->family == RBP_FAMILY_ETRUNK ? "e-trunk"
		       : m->family == 6		      ? "VRRP6"
						      : "VRRP",
		       m->vrid, m->state, m->priority, ntohs(m->reserved), seq,
		       dump ? " (dump)" : "", m->flags & RBP_VRRP_F_DELETED ? " (deleted)" : "");
	}

	if (end && rv.in_dump) {
		rv.in_dump = false;
		if (rv.dump_broken) {
			DEBUGD(&rbp_dbg_role, "vrrpd-track: dump incomplete, states kept");
			return true;
		}
		rv.dumps++;
		/* the dump is the whole set */
		frr_each_safe (rbp_vrrp_states, &rv.states, st) {
			if (st->gen == rv.gen)
				continue;
			DEBUGD(&rbp_dbg_role, "vrrpd-track: %s %s %u not in the dump, forgotten",
			       st->ifname,
			       st->family == RBP_FAMILY_ETRUNK ? "e-trunk"
			       : st->family == 6	       ? "VRRP6"
							       : "VRRP",
			       st->vrid);
			rbp_vrrp_state_del(st);
			changed = true;
		}
		return true;
	}
	/* during a dump, roles are evaluated once, at its end */
	return changed && !rv.in_dump;
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
		rv.bad_msgs++;
		zlog_warn("vrrpd-track: state message of %u bytes, expected %zu (vrrpd-track of another version?)",
			  info.len, sizeof(m));
		return 0;
	}
	STREAM_GET(&m, zclient->ibuf, sizeof(m));
	rv.msgs++;
	/* at once: this is where a switchover starts */
	if (rbp_vrrp_state_msg(&m))
		rbp_role_notify(true);
	return 0;
stream_failure:
	return -1;
}

/* zebra tells every client when another closes: vrrpd died or stopped */
static int rbp_role_client_close(ZAPI_CALLBACK_ARGS)
{
	struct zapi_client_close_info info;

	if (zapi_client_close_notify_decode(zclient->ibuf, &info) < 0)
		return -1;
	if (info.proto != ZEBRA_ROUTE_VRRP)
		return 0;
	rv.closes++;
	if (!rv.vrrpd_gone || rbp_vrrp_states_count(&rv.states))
		zlog_warn("vrrpd closed its zebra connection: VRRP states forgotten, VRRP macvlans left up are not trusted until they change");
	rbp_vrrp_states_clear();
	rv.seq_valid = false;
	/* a macvlan changing state from now on has a live vrrpd behind it */
	rv.vrrpd_gone = true;
	rbp_role_notify(true);
	return 0;
}

static void rbp_role_zebra_connected(struct zclient *zc)
{
	zclient_register_opaque(zc, RBP_OPAQUE_VRRP_STATE);
	/* a restarted pimd (or zebra) learns the current states at once */
	rv.requests++;
	zclient_send_opaque(zc, RBP_OPAQUE_VRRP_REQUEST, NULL, 0);
}

/* --- resync states to vrrpd-track ------------------------------------- */

bool rbp_role_send_sync(const char *profile, const struct rbp_vrrp_ref *ref, bool synced,
			bool deleted)
{
	struct rbp_sync_state_msg m = {
		.version = RBP_SYNC_MSG_VERSION,
		.sender = PIM_IPV,
		.vrrp_family = ref->family,
		.vrid = ref->vrid,
		.synced = synced,
		.flags = deleted ? RBP_SYNC_F_DELETED : 0,
	};

	if (!rbp_zclient || rbp_zclient->sock < 0 || !ref->family)
		return false;
	strlcpy(m.ifname, ref->ifname, sizeof(m.ifname));
	strlcpy(m.profile, profile, sizeof(m.profile));
	return zclient_send_opaque(rbp_zclient, RBP_OPAQUE_SYNC_STATE, (uint8_t *)&m, sizeof(m)) !=
	       ZCLIENT_SEND_FAILURE;
}

uint32_t rbp_role_dumps(void)
{
	/* a restarted vrrpd dumps its states: it knows no resync state */
	return rv.dumps;
}

static zclient_handler *const rbp_role_handlers[] = {
	[ZEBRA_OPAQUE_MESSAGE] = rbp_role_opaque,
	[ZEBRA_CLIENT_CLOSE_NOTIFY] = rbp_role_client_close,
};

/* --- interface events -------------------------------------------------- */

static void rbp_role_macvlan_seen(struct interface *ifp)
{
	/* a VRRP macvlan changing state has a live vrrpd behind it */
	if (rv.vrrpd_gone && (rbp_is_vrrp_vmac(ifp, 4, 0) || rbp_is_vrrp_vmac(ifp, 6, 0))) {
		zlog_info("VRRP macvlan %s changed state: vrrpd is back, macvlans trusted again",
			  ifp->name);
		rv.vrrpd_gone = false;
	}
}

/* The switchover gap starts ticking here: evaluate at once */
static int rbp_role_if_up(struct interface *ifp)
{
	rbp_role_macvlan_seen(ifp);
	rbp_role_notify(true);
	return 0;
}

/* if_down runs modules first: evaluate after pimd's own handling */
static int rbp_role_if_down(struct interface *ifp)
{
	rbp_role_macvlan_seen(ifp);
	rbp_role_notify(false);
	return 0;
}

static void rbp_role_hold_over(struct event *t)
{
	rbp_role_notify(true);
}

/* --- show -------------------------------------------------------------- */

static const char *rbp_vrrp_state_name(uint8_t state)
{
	switch (state) {
	case RBP_VRRP_STATE_INITIALIZE:
		return "Initialize";
	case RBP_VRRP_STATE_MASTER:
		return "Master";
	case RBP_VRRP_STATE_BACKUP:
		return "Backup";
	}
	return "?";
}

void rbp_role_show(struct vty *vty, struct json_object *js)
{
	const struct rbp_vrrp_state *st;
	json_object *jarr = NULL;

	if (js) {
		jarr = json_object_new_array();
		json_object_boolean_add(js, "vrrpdGone", rv.vrrpd_gone);
		json_object_boolean_add(js, "dumpInProgress", rv.in_dump);
		json_object_int_add(js, "lastSequence", rv.seq_valid ? rv.seq : 0);
		json_object_int_add(js, "messages", rv.msgs);
		json_object_int_add(js, "badMessages", rv.bad_msgs);
		json_object_int_add(js, "dumps", rv.dumps);
		json_object_int_add(js, "sequenceGaps", rv.gaps);
		json_object_int_add(js, "dumpRequests", rv.requests);
		json_object_int_add(js, "vrrpdCloses", rv.closes);
		json_object_object_add(js, "states", jarr);
	} else {
		vty_out(vty, "VRRP states from vrrpd-track: %zu%s\n",
			rbp_vrrp_states_count(&rv.states),
			rv.vrrpd_gone ? " (vrrpd gone: macvlans left up not trusted)" : "");
		vty_out(vty,
			"Messages %" PRIu64 " (bad %" PRIu64 "), dumps %" PRIu64
			", sequence gaps %" PRIu64 ", dump requests %" PRIu64 ", vrrpd closes %" PRIu64
			"\n",
			rv.msgs, rv.bad_msgs, rv.dumps, rv.gaps, rv.requests, rv.closes);
		vty_out(vty, "%-16s %-6s %-4s %-10s %s\n", "Interface", "Family", "VRID", "State",
			"Priority");
	}
	frr_each (rbp_vrrp_states_const, &rv.states, st) {
		if (jarr) {
			json_object *jo = json_object_new_object();

			json_object_string_add(jo, "interface", st->ifname);
			if (st->family == RBP_FAMILY_ETRUNK) {
				json_object_string_add(jo, "source", "e-trunk");
				json_object_int_add(jo, "etrunkId", st->vrid);
				json_object_int_add(jo, "etrunkFlags", st->et_flags);
			} else {
				json_object_int_add(jo, "family", st->family);
				json_object_int_add(jo, "vrid", st->vrid);
			}
			json_object_string_add(jo, "state", rbp_vrrp_state_name(st->state));
			json_object_int_add(jo, "priority", st->priority);
			json_object_array_add(jarr, jo);
		} else
			vty_out(vty, "%-16s %-6s %-4u %-10s %u\n", st->ifname,
				st->family == RBP_FAMILY_ETRUNK ? "E-Trunk"
				: st->family == 4		? "IPv4"
								: "IPv6",
				st->vrid, rbp_vrrp_state_name(st->state), st->priority);
	}
}

/* --- init -------------------------------------------------------------- */

void rbp_role_init(struct event_loop *loop, rbp_role_notify_fn notify)
{
	rbp_loop = loop;
	rbp_role_notify = notify;
	rbp_vrrp_states_init(&rv.states);
	rbp_macvlan_trusted_ms = rbp_now_ms() + RBP_MACVLAN_HOLD_MS;
	event_add_timer_msec(loop, rbp_role_hold_over, NULL, RBP_MACVLAN_HOLD_MS, &t_macvlan_hold);
	rbp_zclient = zclient_new(loop, &zclient_options_auxiliary, rbp_role_handlers,
				  array_size(rbp_role_handlers));
	/* zebra tells opaque receivers apart by (proto, instance, session):
	 * pimd and pim6d both are PIM/0/0, so our session id must differ
	 */
	rbp_zclient->session_id = (uint32_t)getpid();
	rbp_zclient->zebra_connected = rbp_role_zebra_connected;
	zclient_init(rbp_zclient, ZEBRA_ROUTE_PIM, 0, &pimd_privs);
	hook_register_prio(if_up, 1001, rbp_role_if_up);
	hook_register_prio(if_down, 1001, rbp_role_if_down);
	hook_register_prio(if_real, 1001, rbp_role_if_up);
	hook_register_prio(if_unreal, 1001, rbp_role_if_down);
}

void rbp_role_fini(void)
{
	EVENT_OFF(t_macvlan_hold);
	EVENT_OFF(t_dump_request);
	if (rbp_zclient) {
		zclient_stop(rbp_zclient);
		zclient_free(rbp_zclient);
		rbp_zclient = NULL;
	}
	rbp_vrrp_states_clear();
	rbp_vrrp_states_fini(&rv.states);
	hook_unregister(if_up, rbp_role_if_up);
	hook_unregister(if_down, rbp_role_if_down);
	hook_unregister(if_real, rbp_role_if_up);
	hook_unregister(if_unreal, rbp_role_if_down);
}
