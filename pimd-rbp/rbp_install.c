// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: installs the twin's entries as forwarding state.
 *
 * An installed entry is a TIB join (tib_sg_gm_join) with a channel OIL the
 * module owns, the way pimd installs static groups.  pimd does not count
 * owners of a local (S,G,interface) membership (PIM_OIF_FLAG_PROTO_GM and
 * the ifchannel's local membership), so there is one owner at a time: when
 * local IGMP/MLD wants an (S,G) on the interface, the module withdraws its
 * join just before pimd makes its own, and re-installs after local
 * membership is gone if the twin still holds the entry.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "vty.h"
#include "json.h"
#include "frrevent.h"
#include "monotime.h"

#include "pimd.h"
#include "pim_instance.h"
#include "pim_iface.h"
#include "pim_oil.h"
#include "pim_tib.h"
#include "pim_ifchannel.h"

#include "rbp.h"
#include "rbp_gm.h"
#include "rbp_install.h"
#include "rbp_role.h"
#include "rbp_session.h"

DEFINE_MTYPE_STATIC(RBP, RBP_INST, "remote-backup installed entry");

enum rbp_inst_state {
	RBP_INST_PENDING = 0, /* cannot install now, see why */
	RBP_INST_INSTALLED,   /* our TIB join is in place */
	RBP_INST_LOCAL,	      /* local IGMP/MLD owns the (S,G,if) */
	RBP_INST_WARM,	      /* kept, installed at takeover (no hot) */
};

static const char *const rbp_inst_state_names[] = {
	[RBP_INST_PENDING] = "pending",
	[RBP_INST_INSTALLED] = "installed",
	[RBP_INST_LOCAL] = "local",
	[RBP_INST_WARM] = "warm",
};

PREDECL_RBTREE_UNIQ(rbp_insts);

/* A twin's entry, by the local (interface, S, G) it maps to */
struct rbp_inst {
	struct rbp_insts_item item;
	char ifname[IFNAMSIZ];
	pim_sgaddr sg;

	struct rbp_profile *prf;
	struct msync_key peer_key; /* as the twin sent it */
	struct channel_oil *oil;
	enum rbp_inst_state state;
	const char *why; /* for pending */
	int64_t since;	 /* rbp_now_ms() of the last state change */
};

static int rbp_inst_cmp(const struct rbp_inst *a, const struct rbp_inst *b)
{
	int r = strcmp(a->ifname, b->ifname);

	if (r)
		return r;
	return pim_sgaddr_cmp(a->sg, b->sg);
}
DECLARE_RBTREE_UNIQ(rbp_insts, struct rbp_inst, item, rbp_inst_cmp);

static struct rbp_insts_head rbp_insts;
static struct event_loop *rbp_loop;
static struct event *t_rbp_recheck;
static struct event *t_rbp_retry;

static struct rbp_inst *rbp_inst_find(const char *ifname, pim_sgaddr sg)
{
	struct rbp_inst ref = { .sg = sg };

	strlcpy(ref.ifname, ifname, sizeof(ref.ifname));
	return rbp_insts_find(&rbp_insts, &ref);
}

/* --- forwarding decisions on tracked interfaces -----------------------
 *
 * What decides forwarding on an interface: its own "multicast track vrrp"
 * if configured, else the VRRP group of the profile bound to it.  A
 * profile with a VRRP group also makes this router build joins for local
 * and replicated members whatever the DR election says (that is what hot
 * means); elsewhere "ip pim ignore dr-state" does.
 */

static struct rbp_if *rbp_if_of(const struct interface *ifp)
{
	if (ifp->vrf->vrf_id != VRF_DEFAULT)
		return NULL;
	return rbp_if_find(ifp->name);
}

static struct rbp_profile *rbp_if_tracking_profile(const struct rbp_if *rif)
{
	struct rbp_profile *prf = rbp_if_profile(rif);

	return prf && prf->vrrp.family ? prf : NULL;
}

bool rbp_if_tracks_role(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_if_of(ifp);

	return rif && (rif->track.family || rbp_if_tracking_profile(rif));
}

bool rbp_if_gm_forwarder(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_if_of(ifp);

	return rif && (rif->ignore_dr || rbp_if_tracking_profile(rif));
}

bool rbp_if_muted(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_if_of(ifp);
	const struct rbp_profile *prf;

	if (!rif)
		return false;
	if (rif->track.family)
		return rif->track_role != MSYNC_ROLE_MASTER;
	prf = rbp_if_tracking_profile(rif);
	return prf && !rbp_profile_forwards(prf);
}

bool rbp_if_assert_ignored(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_if_of(ifp);

	return rif && rif->ignore_assert;
}

/* --- the state machine of one entry ----------------------------------- */

/* The local interface a twin's entry belongs to: the bound interface of
 * the same name, else the profile's only bound interface (the twins may
 * name their LAN interfaces differently).
 */
static const char *rbp_inst_map_ifname(const struct rbp_profile *prf, const char *peer_ifname)
{
	const struct rbp_if *rif, *only = NULL;
	size_t n = 0;

	rif = rbp_if_find(peer_ifname);
	if (rif && rbp_if_bound(rif, prf))
		return rif->name;
	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf)) {
			only = rif;
			n++;
		}
	return n == 1 ? only->name : NULL;
}

static void rbp_inst_set_state(struct rbp_inst *inst, enum rbp_inst_state state, const char *why)
{
	if (inst->state != state) {
		DEBUGD(&rbp_dbg_install, "%s %pSG: %s -> %s%s%s", inst->ifname, &inst->sg,
		       rbp_inst_state_names[inst->state], rbp_inst_state_names[state],
		       why ? ": " : "", why ? why : "");
		inst->since = rbp_now_ms();
	}
	inst->state = state;
	inst->why = why;
}

/* Usable for a TIB join: PIM on, a VIF, up */
static struct interface *rbp_inst_ifp(const struct rbp_inst *inst, const char **why)
{
	struct interface *ifp = if_lookup_by_name(inst->ifname, VRF_DEFAULT);
	struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;

	if (!ifp) {
		*why = "interface does not exist";
		return NULL;
	}
	if (!pim_ifp || !pim_ifp->pim_enable) {
		*why = "PIM is not enabled on the interface";
		return NULL;
	}
	if (pim_ifp->mroute_vif_index < 0 || !if_is_operative(ifp)) {
		*why = "interface is down";
		return NULL;
	}
	return ifp;
}

static void rbp_inst_uninstall(struct rbp_inst *inst, struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;

	if (inst->state != RBP_INST_INSTALLED)
		return;
	if (pim_ifp && pim_ifp->mroute_vif_index >= 0)
		tib_sg_gm_prune(pim_ifp->pim, inst->sg, ifp, &inst->oil);
	else if (inst->oil)
		/* pimd already dropped the VIF; just let go of the OIL */
		inst->oil = pim_channel_oil_del(inst->oil, __func__);
	inst->oil = NULL;
	rbp_inst_set_state(inst, RBP_INST_PENDING, "withdrawn");
}

static void rbp_inst_eval(struct rbp_inst *inst)
{
	const char *why = NULL;
	struct interface *ifp = rbp_inst_ifp(inst, &why);
	struct pim_interface *pim_ifp;
	const struct rbp_profile *prf = inst->prf;
	enum rbp_inst_state want;

	if (!ifp)
		want = RBP_INST_PENDING;
	else if (inst->state != RBP_INST_INSTALLED && rbp_gm_local_joined(ifp, inst->sg))
		want = RBP_INST_LOCAL;
	else if (!prf->hot && !rbp_profile_forwards(prf))
		want = RBP_INST_WARM;
	else
		want = RBP_INST_INSTALLED;

	if (inst->state == RBP_INST_INSTALLED) {
		if (want == RBP_INST_INSTALLED)
			return;
		if (!ifp)
			ifp = if_lookup_by_name(inst->ifname, VRF_DEFAULT);
		rbp_inst_uninstall(inst, ifp);
	}
	if (want != RBP_INST_INSTALLED) {
		rbp_inst_set_state(inst, want, why);
		return;
	}

	pim_ifp = ifp->info;
	if (tib_sg_gm_join(pim_ifp->pim, inst->sg, ifp, &inst->oil)) {
		rbp_inst_set_state(inst, RBP_INST_INSTALLED, NULL);
		return;
	}
	/* tib_sg_gm_join() keeps a created OIL on failure; retried later */
	rbp_inst_set_state(inst, RBP_INST_PENDING,
			   pim_if_gm_forwarder(pim_ifp)
				   ? "TIB join failed (no RPF, or a looped entry)"
				   : "not the forwarder (not DR, role not tracked)");
}

static void rbp_inst_free(struct rbp_inst *inst)
{
	if (inst->state == RBP_INST_INSTALLED)
		rbp_inst_uninstall(inst, if_lookup_by_name(inst->ifname, VRF_DEFAULT));
	if (inst->oil)
		inst->oil = pim_channel_oil_del(inst->oil, __func__);
	rbp_insts_del(&rbp_insts, inst);
	XFREE(MTYPE_RBP_INST, inst);
}

/* --- twin's entries --------------------------------------------------- */

void rbp_install_peer_update(struct rbp_profile *prf, const struct msync_entry *e)
{
	const char *ifname = rbp_inst_map_ifname(prf, e->key.ifname);
	pim_sgaddr sg = rbp_key_to_sg(&e->key);
	struct rbp_inst *inst;

	if (!ifname) {
		DEBUGD(&rbp_dbg_install,
		       "profile %s: entry %s %pSG kept but not installed: no local interface bound",
		       prf->name, e->key.ifname, &sg);
		return;
	}
	inst = rbp_inst_find(ifname, sg);
	if (!inst) {
		inst = XCALLOC(MTYPE_RBP_INST, sizeof(*inst));
		strlcpy(inst->ifname, ifname, sizeof(inst->ifname));
		inst->sg = sg;
		inst->since = rbp_now_ms();
		rbp_insts_add(&rbp_insts, inst);
	} else if (inst->prf != prf || msync_key_cmp(&inst->peer_key, &e->key))
		DEBUGD(&rbp_dbg_install, "%s %pSG: now held for %s (backup-id %u) from %s", ifname,
		       &sg, prf->name, prf->backup_id, e->key.ifname);
	inst->prf = prf;
	inst->peer_key = e->key;
	rbp_inst_eval(inst);
}

void rbp_install_peer_delete(struct rbp_profile *prf, const struct msync_entry *e,
			     enum msync_del_reason why)
{
	const char *ifname = rbp_inst_map_ifname(prf, e->key.ifname);
	struct rbp_inst *inst;

	if (!ifname)
		return;
	inst = rbp_inst_find(ifname, rbp_key_to_sg(&e->key));
	/* another of the twin's entries may have taken the slot over */
	if (!inst || msync_key_cmp(&inst->peer_key, &e->key))
		return;
	DEBUGD(&rbp_dbg_install, "%s %pSG: twin's entry gone (%s)", inst->ifname, &inst->sg,
	       why == MSYNC_DEL_EXPIRED	 ? "expired"
	       : why == MSYNC_DEL_RESYNC ? "not in resync"
	       : why == MSYNC_DEL_CONFIG ? "configuration"
					 : "deleted by twin");
	rbp_inst_free(inst);
}

void rbp_install_flush(struct rbp_profile *prf)
{
	struct rbp_inst *inst;

	frr_each_safe (rbp_insts, &rbp_insts, inst)
		if (inst->prf == prf)
			rbp_inst_free(inst);
}

static int rbp_install_resync_one(const struct msync_entry *e, void *arg)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (prf->service && prf->service->session == arg &&
		    prf->backup_id == e->key.backup_id) {
			if (rbp_profile_is_ours(prf))
				rbp_install_peer_update(prf, e);
			break;
		}
	return 0;
}

void rbp_install_reconcile(void)
{
	struct rbp_inst *inst;
	struct rbp_service *svc;

	/* drop what no longer maps: profile gone from us, binding moved */
	frr_each_safe (rbp_insts, &rbp_insts, inst) {
		const char *ifname;

		if (!rbp_profile_is_ours(inst->prf) || !rbp_profile_session(inst->prf) ||
		    inst->prf->backup_id != inst->peer_key.backup_id) {
			rbp_inst_free(inst);
			continue;
		}
		ifname = rbp_inst_map_ifname(inst->prf, inst->peer_key.ifname);
		if (!ifname || strcmp(ifname, inst->ifname))
			rbp_inst_free(inst);
	}
	/* and (re)install what the peer tables hold */
	frr_each (rbp_services, &rbp_services, svc)
		if (svc->session)
			msync_peer_walk(svc->session, rbp_install_resync_one, svc->session);
}

/* --- one owner per (S,G,interface) ------------------------------------ */

static void rbp_install_recheck(struct event *t)
{
	struct rbp_inst *inst;

	frr_each_safe (rbp_insts, &rbp_insts, inst)
		if (inst->state != RBP_INST_INSTALLED)
			rbp_inst_eval(inst);
}

/* What failed for a reason no event reports (no route to the source or
 * RP yet) is tried again now and then.
 */
#define RBP_RETRY_MS 5000

static void rbp_install_retry(struct event *t)
{
	rbp_install_recheck(t);
	event_add_timer_msec(rbp_loop, rbp_install_retry, NULL, RBP_RETRY_MS, &t_rbp_retry);
}

void rbp_install_local_membership(struct interface *ifp, pim_sgaddr sg, bool join)
{
	struct rbp_inst *inst = rbp_inst_find(ifp->name, sg);

	if (!inst)
		return;
	if (join) {
		if (inst->state == RBP_INST_LOCAL)
			return;
		/* local IGMP/MLD joins right after this returns */
		if (inst->state == RBP_INST_INSTALLED)
			rbp_inst_uninstall(inst, ifp);
		rbp_inst_set_state(inst, RBP_INST_LOCAL, NULL);
		return;
	}
	/* local prunes right after this returns: take over after it */
	if (inst->state == RBP_INST_LOCAL)
		event_add_event(rbp_loop, rbp_install_recheck, NULL, 0, &t_rbp_recheck);
}

/* --- role changes ----------------------------------------------------- */

static void rbp_if_update_mute(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct channel_oil *c_oil;

	if (!pim_ifp || pim_ifp->mroute_vif_index < 0)
		return;
	/* one pass over the MFC entries with this outgoing interface */
	frr_each (rb_pim_oil, &pim_ifp->pim->channel_oil_head, c_oil)
		if (oil_if_has(c_oil, pim_ifp->mroute_vif_index))
			pim_channel_update_oif_mute(c_oil, pim_ifp);
}

/* Forwarding decisions of the interface may have changed */
static struct interface *rbp_if_refresh(const struct rbp_if *rif)
{
	struct interface *ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
	struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;
	struct pim_ifchannel *ch;

	if (!pim_ifp)
		return NULL;
	/* memberships whose join failed while the DR election decided */
	pim_gm_tib_retry(ifp);
	rbp_if_update_mute(ifp);
	/* assert state follows "ignore assert-state" */
	RB_FOREACH (ch, pim_ifchannel_rb, &pim_ifp->ifchannel_rb) {
		if (rif->ignore_assert)
			reset_ifassert_state(ch);
		pim_ifchannel_update_could_assert(ch);
		pim_ifchannel_update_assert_tracking_desired(ch);
	}
	return ifp;
}

void rbp_install_if_role_changed(struct rbp_if *rif)
{
	struct interface *ifp = rbp_if_refresh(rif);

	/* a new forwarder asks receivers to report to it */
	if (ifp && !rbp_if_muted(ifp))
		rbp_gm_become_querier(ifp);
}

void rbp_install_if_reconcile(void)
{
	const struct rbp_if *rif;

	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		rbp_if_refresh(rif);
}

void rbp_install_role_changed(struct rbp_profile *prf)
{
	struct rbp_inst *inst;
	struct rbp_if *rif;

	/* entries first, so that the unmute pass covers them */
	frr_each_safe (rbp_insts, &rbp_insts, inst)
		if (inst->prf == prf)
			rbp_inst_eval(inst);

	frr_each (rbp_ifs, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf) && !rif->track.family)
			rbp_install_if_role_changed(rif);
}

/* --- hooks into pimd -------------------------------------------------- */

static int rbp_hook_forwarder(const struct pim_interface *pim_ifp)
{
	struct interface *ifp = pim_if_find_by_vif_index(pim_ifp->pim, pim_ifp->mroute_vif_index);

	return ifp && rbp_if_gm_forwarder(ifp);
}

static int rbp_hook_assert_ignore(const struct interface *ifp)
{
	return rbp_if_assert_ignored(ifp);
}

static int rbp_hook_oif_mute(struct channel_oil *c_oil, struct pim_interface *pim_ifp)
{
	struct interface *ifp = pim_if_find_by_vif_index(c_oil->pim, pim_ifp->mroute_vif_index);

	return ifp && rbp_if_muted(ifp);
}

static int rbp_hook_if_down(struct interface *ifp)
{
	struct rbp_inst *inst, *from;
	struct rbp_inst ref = {};

	/* before pimd drops the VIF */
	strlcpy(ref.ifname, ifp->name, sizeof(ref.ifname));
	from = rbp_insts_find_gteq(&rbp_insts, &ref);
	frr_each_from (rbp_insts, &rbp_insts, inst, from) {
		if (strcmp(inst->ifname, ifp->name))
			break;
		if (inst->state == RBP_INST_INSTALLED) {
			rbp_inst_uninstall(inst, ifp);
			rbp_inst_set_state(inst, RBP_INST_PENDING, "interface is down");
		}
	}
	return 0;
}

static int rbp_hook_if_up(struct interface *ifp)
{
	/* after pimd added the VIF */
	if (rbp_if_find(ifp->name))
		event_add_event(rbp_loop, rbp_install_recheck, NULL, 0, &t_rbp_recheck);
	return 0;
}

/* --- show ------------------------------------------------------------- */

void rbp_install_show(struct vty *vty, struct json_object *jarr)
{
	const struct rbp_inst *inst;

	frr_each (rbp_insts_const, &rbp_insts, inst) {
		const struct msync_entry *e = NULL;
		struct msync_session *s = rbp_profile_session(inst->prf);
		int64_t left = -1;

		if (s)
			e = msync_peer_find(s, &inst->peer_key);
		if (e && e->expires_ms != INT64_MAX)
			left = (e->expires_ms - rbp_now_ms()) / 1000;

		if (jarr) {
			json_object *jo = json_object_new_object();

			json_object_string_add(jo, "interface", inst->ifname);
			json_object_string_addf(jo, "group", "%pPA", &inst->sg.grp);
			json_object_string_addf(jo, "source", "%pPA", &inst->sg.src);
			json_object_string_add(jo, "origin", "peer");
			json_object_string_add(jo, "profile", inst->prf->name);
			json_object_string_add(jo, "peerInterface", inst->peer_key.ifname);
			json_object_string_add(jo, "state", rbp_inst_state_names[inst->state]);
			if (inst->why)
				json_object_string_add(jo, "reason", inst->why);
			if (e) {
				json_object_string_add(jo, "filterMode",
						       e->filter == MSYNC_FILTER_EXCLUDE
							       ? "exclude"
							       : "include");
				json_object_int_add(jo, "version", e->version);
				json_object_boolean_add(jo, "restored", e->restored);
			}
			if (left >= 0)
				json_object_int_add(jo, "remainingSeconds", left);
			json_object_array_add(jarr, jo);
			continue;
		}
		vty_out(vty, "%-16s %-18pPAs %-18pPA %-6s %-12s %-9s ", inst->ifname, &inst->sg.src,
			&inst->sg.grp, "peer", inst->prf->name, rbp_inst_state_names[inst->state]);
		if (left >= 0)
			vty_out(vty, "%llds\n", (long long)left);
		else
			vty_out(vty, "-\n");
	}
}

/* --- init ------------------------------------------------------------- */

void rbp_install_init(struct event_loop *loop)
{
	rbp_loop = loop;
	rbp_insts_init(&rbp_insts);
	event_add_timer_msec(loop, rbp_install_retry, NULL, RBP_RETRY_MS, &t_rbp_retry);
	hook_register(pim_gm_forwarder, rbp_hook_forwarder);
	hook_register(pim_channel_oif_mute, rbp_hook_oif_mute);
	hook_register(pim_if_assert_ignore, rbp_hook_assert_ignore);
	/* modules run after pimd on if_up and, if_down being reversed,
	 * before it
	 */
	hook_register_prio(if_down, 1000, rbp_hook_if_down);
	hook_register_prio(if_up, 1000, rbp_hook_if_up);
}

void rbp_install_fini(void)
{
	struct rbp_inst *inst;

	EVENT_OFF(t_rbp_recheck);
	EVENT_OFF(t_rbp_retry);
	hook_unregister(pim_gm_forwarder, rbp_hook_forwarder);
	hook_unregister(pim_channel_oif_mute, rbp_hook_oif_mute);
	hook_unregister(pim_if_assert_ignore, rbp_hook_assert_ignore);
	hook_unregister(if_down, rbp_hook_if_down);
	hook_unregister(if_up, rbp_hook_if_up);
	while ((inst = rbp_insts_pop(&rbp_insts)))
		XFREE(MTYPE_RBP_INST, inst);
	rbp_insts_fini(&rbp_insts);
}
