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
 *
 * Several of the twin's entries may map to one record (the twin's
 * interfaces are named differently, and the profile has one interface
 * here): the record stays until the last of them goes.
 *
 * The twin's entries pass pimd's own acceptance rules first
 * (rbp_policy.c), and a profile holds at most max-entries records; what is
 * refused is counted by reason and reported at most once per
 * RBP_REFUSE_LOG_MS per profile.
 *
 * pimd's part (tib_sg_gm_join/prune) is the costly one: a resync or an
 * expiry can bring tens of thousands of entries in one read or one timer.
 * So the channel's callbacks only keep the records (cheap, in place) and
 * queue them; the queue is worked in slices of the event loop's yield time
 * (event_should_yield: 10 ms), so pimd's timers, its sockets and the
 * channel's keepalives run between two slices.  A record whose twin's entry
 * is gone stays, as an orphan, until its slice withdraws it; the twin
 * sending the entry again before then takes it back; a removed profile's
 * records become orphans the same way.  Only what must be done before
 * pimd acts is done at once: local membership taking over an
 * (S,G,interface), an interface going down.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "vty.h"
#include "json.h"
#include "frrevent.h"

#include "pimd.h"
#include "pim_instance.h"
#include "pim_iface.h"
#include "pim_oil.h"
#include "pim_tib.h"

#include "rbp.h"
#include "rbp_gm.h"
#include "rbp_install.h"
#include "rbp_policy.h"

DEFINE_MTYPE_STATIC(RBP, RBP_INST, "remote-backup installed entry");
DEFINE_MTYPE_STATIC(RBP, RBP_INST_KEYS, "remote-backup installed entry, more keys");

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
PREDECL_DLIST(rbp_inst_queue);

/* A twin's entry, by the local (interface, S, G) it maps to */
struct rbp_inst {
	struct rbp_insts_item item;
	struct rbp_inst_queue_item qitem; /* waiting for a slice */
	char ifname[IFNAMSIZ];
	pim_sgaddr sg;

	const struct rbp_profile *prf;
	/* the twin's key, less what sg and the family give (one record per
	 * membership: every byte counts at 50 000 of them)
	 */
	uint32_t peer_bid;
	char peer_ifname[MSYNC_NAME_MAX];
	/* the twin's other entries that map here (rare) */
	struct msync_key *more_keys;
	uint16_t n_more;
	/* the twin's entry or the profile is gone: withdrawn by the queue
	 * (prf is NULL once the profile went)
	 */
	bool orphan;
	enum rbp_inst_state state;

	struct channel_oil *oil; /* a reference of ours, or NULL */
	const char *why;	 /* for pending */
};

static int rbp_inst_cmp(const struct rbp_inst *a, const struct rbp_inst *b)
{
	int r = strcmp(a->ifname, b->ifname);

	if (r)
		return r;
	return pim_sgaddr_cmp(a->sg, b->sg);
}
DECLARE_RBTREE_UNIQ(rbp_insts, struct rbp_inst, item, rbp_inst_cmp);
DECLARE_DLIST(rbp_inst_queue, struct rbp_inst, qitem);

/* how often a profile's refusals are reported in the log */
#define RBP_REFUSE_LOG_MS 10000

static struct rbp_insts_head rbp_insts;
static struct rbp_inst_queue_head rbp_queue;
static struct event_loop *rbp_loop;
/* the coordinator's: a profile's queue became empty */
static void (*rbp_install_drained)(void);
/* local membership went away: take over after pimd's own prune */
static struct event *t_handoff;
/* the next slice of the queue */
static struct event *t_slice;

static struct rbp_inst *rbp_inst_find(const char *ifname, pim_sgaddr sg)
{
	struct rbp_inst ref = { .sg = sg };

	strlcpy(ref.ifname, ifname, sizeof(ref.ifname));
	return rbp_insts_find(&rbp_insts, &ref);
}

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

/* Our OIF is still in the OIL: pimd did not drop it behind our back */
static bool rbp_inst_oif_held(const struct rbp_inst *inst, const struct interface *ifp)
{
	const struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;

	return inst->oil && pim_ifp && pim_ifp->mroute_vif_index >= 0 &&
	       (inst->oil->oif_flags[pim_ifp->mroute_vif_index] & PIM_OIF_FLAG_PROTO_GM);
}

/* Give back our join and our OIL reference */
static void rbp_inst_release(struct rbp_inst *inst, struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;

	if (inst->state == RBP_INST_INSTALLED && rbp_inst_oif_held(inst, ifp)) {
		/* releases the OIF and our reference */
		tib_sg_gm_prune(pim_ifp->pim, inst->sg, ifp, &inst->oil);
	} else if (inst->oil) {
		/* a failed join, or pimd dropped the OIF (interface down, PIM
		 * disabled): only the reference is left
		 */
		pim_channel_oil_del(inst->oil, __func__);
	}
	inst->oil = NULL;
	if (inst->state == RBP_INST_INSTALLED)
		rbp_inst_set_state(inst, RBP_INST_PENDING, "withdrawn");
}

static void rbp_inst_eval(struct rbp_inst *inst)
{
	const char *why = NULL;
	struct interface *ifp = rbp_inst_ifp(inst, &why);
	struct pim_interface *pim_ifp;
	const struct rbp_profile *prf = inst->prf;
	enum rbp_inst_state want;

	if (ifp && !rbp_policy_interface(ifp, inst->sg)) {
		why = rbp_refusal_text(RBP_REFUSE_BOUNDARY);
		if (inst->why != why)
			((struct rbp_profile *)prf)->refused[RBP_REFUSE_BOUNDARY]++;
		ifp = NULL;
	}
	if (!ifp)
		want = RBP_INST_PENDING;
	else if (inst->state != RBP_INST_INSTALLED && rbp_gm_local_joined(ifp, inst->sg))
		want = RBP_INST_LOCAL;
	else if (!prf->hot && !rbp_profile_forwards(prf))
		want = RBP_INST_WARM;
	else
		want = RBP_INST_INSTALLED;

	if (inst->state == RBP_INST_INSTALLED) {
		if (want == RBP_INST_INSTALLED && rbp_inst_oif_held(inst, ifp))
			return;
		rbp_inst_release(inst, ifp ?: if_lookup_by_name(inst->ifname, VRF_DEFAULT));
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
			   pim_if_is_gm_forwarder(ifp)
				   ? "TIB join failed (no RPF, or a looped entry)"
				   : "not the forwarder (not DR, role not tracked)");
}

/* A profile counts its records (orphans are no longer the twin's) and,
 * of those, the ones waiting in the queue
 */
static void rbp_inst_count(struct rbp_inst *inst, int dir)
{
	struct rbp_profile *prf = (struct rbp_profile *)inst->prf;

	if (!prf)
		return;
	if (!inst->orphan)
		prf->n_entries += dir;
	if (rbp_inst_queue_anywhere(inst)) {
		prf->n_queued += dir;
		/* the twin's table is installed: the handover may go on */
		if (!prf->n_queued && rbp_install_drained)
			rbp_install_drained();
	}
}

static void rbp_inst_set_profile(struct rbp_inst *inst, const struct rbp_profile *prf)
{
	rbp_inst_count(inst, -1);
	inst->prf = prf;
	rbp_inst_count(inst, 1);
}

static void rbp_inst_set_orphan(struct rbp_inst *inst, bool orphan)
{
	rbp_inst_count(inst, -1);
	inst->orphan = orphan;
	rbp_inst_count(inst, 1);
}

static void rbp_install_slice(struct event *t);

/* Evaluated (or, an orphan, withdrawn) by the next slice */
static void rbp_inst_queue(struct rbp_inst *inst)
{
	if (rbp_inst_queue_anywhere(inst))
		return;
	rbp_inst_count(inst, -1);
	rbp_inst_queue_add_tail(&rbp_queue, inst);
	rbp_inst_count(inst, 1);
	event_add_event(rbp_loop, rbp_install_slice, NULL, 0, &t_slice);
}

static void rbp_inst_unqueue(struct rbp_inst *inst)
{
	if (!rbp_inst_queue_anywhere(inst))
		return;
	rbp_inst_count(inst, -1);
	rbp_inst_queue_del(&rbp_queue, inst);
	rbp_inst_count(inst, 1);
}

static void rbp_inst_free(struct rbp_inst *inst)
{
	rbp_inst_unqueue(inst);
	rbp_inst_set_profile(inst, NULL);
	rbp_inst_release(inst, if_lookup_by_name(inst->ifname, VRF_DEFAULT));
	rbp_insts_del(&rbp_insts, inst);
	XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
	XFREE(MTYPE_RBP_INST, inst);
}

/* The twin no longer holds the record: pimd's prune waits for a slice */
static void rbp_inst_orphan(struct rbp_inst *inst)
{
	inst->n_more = 0;
	XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
	rbp_inst_set_orphan(inst, true);
	rbp_inst_queue(inst);
}

static void rbp_install_slice(struct event *t)
{
	struct rbp_inst *inst;

	while ((inst = rbp_inst_queue_first(&rbp_queue))) {
		rbp_inst_unqueue(inst);
		if (inst->orphan)
			rbp_inst_free(inst);
		else
			rbp_inst_eval(inst);
		if (event_should_yield(t))
			break;
	}
	if (rbp_inst_queue_count(&rbp_queue))
		event_add_event(rbp_loop, rbp_install_slice, NULL, 0, &t_slice);
}

/* --- the twin's keys of a record --------------------------------------- */

/* The twin's key of the record (the first, if several map here) */
static void rbp_inst_peer_key(const struct rbp_inst *inst, struct msync_key *k)
{
	memset(k, 0, sizeof(*k));
	k->backup_id = inst->peer_bid;
	strlcpy(k->ifname, inst->peer_ifname, sizeof(k->ifname));
	rbp_sg_to_key(inst->sg, k);
}

static void rbp_inst_set_peer_key(struct rbp_inst *inst, const struct msync_key *k)
{
	inst->peer_bid = k->backup_id;
	strlcpy(inst->peer_ifname, k->ifname, sizeof(inst->peer_ifname));
}

static bool rbp_inst_is_peer_key(const struct rbp_inst *inst, const struct msync_key *k)
{
	struct msync_key pk;

	rbp_inst_peer_key(inst, &pk);
	return !msync_key_cmp(&pk, k);
}

static bool rbp_inst_has_key(const struct rbp_inst *inst, const struct msync_key *k)
{
	if (rbp_inst_is_peer_key(inst, k))
		return true;
	for (uint16_t i = 0; i < inst->n_more; i++)
		if (!msync_key_cmp(&inst->more_keys[i], k))
			return true;
	return false;
}

static void rbp_inst_add_key(struct rbp_inst *inst, const struct msync_key *k)
{
	if (inst->n_more == UINT16_MAX)
		return;
	inst->more_keys = XREALLOC(MTYPE_RBP_INST_KEYS, inst->more_keys,
				   (inst->n_more + 1) * sizeof(*inst->more_keys));
	inst->more_keys[inst->n_more++] = *k;
}

/* Returns whether a key is left */
static bool rbp_inst_del_key(struct rbp_inst *inst, const struct msync_key *k)
{
	uint16_t i;

	if (rbp_inst_is_peer_key(inst, k)) {
		if (!inst->n_more)
			return false;
		rbp_inst_set_peer_key(inst, &inst->more_keys[--inst->n_more]);
	} else {
		for (i = 0; i < inst->n_more; i++)
			if (!msync_key_cmp(&inst->more_keys[i], k))
				break;
		if (i < inst->n_more)
			inst->more_keys[i] = inst->more_keys[--inst->n_more];
	}
	if (!inst->n_more)
		XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
	return true;
}

/* --- the twin's entries ------------------------------------------------ */

/* Count a refusal; say so in the log now and then, with how many were
 * refused since (a twin, or a stranger, can send them by the thousand)
 */
static void rbp_install_refuse(struct rbp_profile *prf, enum rbp_refusal why,
			       const struct msync_entry *e, pim_sgaddr sg)
{
	int64_t now = rbp_now_ms();

	prf->refused[why]++;
	DEBUGD(&rbp_dbg_install, "profile %s: the twin's %s %pSG refused: %s", prf->name,
	       e->key.ifname, &sg, rbp_refusal_text(why));
	if (prf->refused_logged_ms && now - prf->refused_logged_ms < RBP_REFUSE_LOG_MS) {
		prf->refused_unlogged++;
		return;
	}
	zlog_warn("remote-backup-profile %s: the twin's entry %s %pSG not installed: %s (%u more refused since the last report; show remote-backup-profile %s)",
		  prf->name, e->key.ifname, &sg, rbp_refusal_text(why), prf->refused_unlogged,
		  prf->name);
	prf->refused_logged_ms = now;
	prf->refused_unlogged = 0;
}

/* The twin's entry is refused now: whatever it held goes */
static void rbp_install_drop_key(struct rbp_profile *prf, const struct msync_entry *e)
{
	rbp_install_peer_delete(prf, e, MSYNC_DEL_CONFIG);
}

void rbp_install_peer_update(struct rbp_profile *prf, const struct msync_entry *e)
{
	const char *ifname = rbp_inst_map_ifname(prf, e->key.ifname);
	pim_sgaddr sg = rbp_key_to_sg(&e->key);
	enum rbp_refusal why = rbp_policy_entry(sg, e->filter);
	struct rbp_inst *inst;

	if (why == RBP_REFUSE_MAX && !ifname)
		why = RBP_REFUSE_NO_INTERFACE;
	if (why != RBP_REFUSE_MAX) {
		rbp_install_refuse(prf, why, e, sg);
		rbp_install_drop_key(prf, e);
		return;
	}
	inst = rbp_inst_find(ifname, sg);
	if (!inst || inst->prf != prf || inst->orphan) {
		if (prf->n_entries >= prf->max_entries) {
			rbp_install_refuse(prf, RBP_REFUSE_LIMIT, e, sg);
			return;
		}
	}
	if (!inst) {
		inst = XCALLOC(MTYPE_RBP_INST, sizeof(*inst));
		strlcpy(inst->ifname, ifname, sizeof(inst->ifname));
		inst->sg = sg;
		inst->why = "queued for installation";
		rbp_inst_set_profile(inst, prf);
		rbp_inst_set_peer_key(inst, &e->key);
		rbp_insts_add(&rbp_insts, inst);
	} else if (inst->prf != prf || inst->orphan) {
		/* another profile's entry takes the slot over, or the twin's
		 * entry is back before its record was withdrawn
		 */
		DEBUGD(&rbp_dbg_install, "%s %pSG: now held for %s (backup-id %u) from %s", ifname,
		       &sg, prf->name, prf->backup_id, e->key.ifname);
		rbp_inst_set_orphan(inst, false);
		rbp_inst_set_profile(inst, prf);
		rbp_inst_set_peer_key(inst, &e->key);
		inst->n_more = 0;
		XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
	} else if (!rbp_inst_has_key(inst, &e->key)) {
		DEBUGD(&rbp_dbg_install, "%s %pSG: also held by the twin's %s", ifname, &sg,
		       e->key.ifname);
		rbp_inst_add_key(inst, &e->key);
	}
	rbp_inst_queue(inst);
}

void rbp_install_peer_delete(struct rbp_profile *prf, const struct msync_entry *e,
			     enum msync_del_reason why)
{
	const char *ifname = rbp_inst_map_ifname(prf, e->key.ifname);
	struct rbp_inst *inst;

	if (!ifname)
		return;
	inst = rbp_inst_find(ifname, rbp_key_to_sg(&e->key));
	if (!inst || inst->prf != prf || inst->orphan || !rbp_inst_has_key(inst, &e->key))
		return;
	if (rbp_inst_del_key(inst, &e->key)) {
		DEBUGD(&rbp_dbg_install, "%s %pSG: the twin's %s gone, still held by its %s",
		       inst->ifname, &inst->sg, e->key.ifname, inst->peer_ifname);
		return;
	}
	DEBUGD(&rbp_dbg_install, "%s %pSG: twin's entry gone (%s)", inst->ifname, &inst->sg,
	       why == MSYNC_DEL_EXPIRED	 ? "expired"
	       : why == MSYNC_DEL_RESYNC ? "not in resync"
	       : why == MSYNC_DEL_CONFIG ? "configuration"
	       : why == MSYNC_DEL_LIMIT	 ? "beyond max-entries"
					 : "deleted by twin");
	rbp_inst_orphan(inst);
}

void rbp_install_twin_gone(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);
	const struct rbp_if *rif;
	uint32_t keep = 0;

	if (!s)
		return;
	frr_each (rbp_ifs_const, &rbp_ifs, rif) {
		struct interface *ifp;

		if (!rbp_if_bound(rif, prf))
			continue;
		ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
		if (ifp)
			keep = MAX(keep, rbp_gm_membership_interval_ms(ifp));
	}
	if (keep)
		msync_peer_extend(s, prf->backup_id, keep);
}

void rbp_install_flush(const struct rbp_profile *prf)
{
	struct rbp_inst *inst;

	/* the profile goes now, its records with it; pimd's prunes follow
	 * in slices (tens of thousands would hold pimd for seconds)
	 */
	frr_each (rbp_insts, &rbp_insts, inst)
		if (inst->prf == prf) {
			rbp_inst_orphan(inst);
			rbp_inst_set_profile(inst, NULL);
		}
}

/* The record still maps: its profile is ours, the twin's entry is in the
 * profile's channel, and it maps to the record's interface
 */
static bool rbp_inst_valid(const struct rbp_inst *inst)
{
	struct msync_session *s = rbp_profile_session(inst->prf);
	struct msync_key pk;
	const char *ifname;

	rbp_inst_peer_key(inst, &pk);
	if (!s || inst->prf->backup_id != inst->peer_bid || !msync_peer_find(s, &pk))
		return false;
	ifname = rbp_inst_map_ifname(inst->prf, inst->peer_ifname);
	return ifname && !strcmp(ifname, inst->ifname);
}

static int rbp_install_resync_one(const struct msync_entry *e, void *arg)
{
	const struct rbp_service *svc = arg;
	struct rbp_profile *prf = rbp_profile_by_id(svc, e->key.backup_id);

	if (prf && rbp_profile_is_ours(prf))
		rbp_install_peer_update(prf, e);
	return 0;
}

void rbp_install_reconcile(void)
{
	struct rbp_inst *inst;
	struct rbp_service *svc;

	frr_each (rbp_insts, &rbp_insts, inst) {
		if (inst->orphan)
			continue;
		/* the twin's other keys are re-added by the walk below */
		inst->n_more = 0;
		XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
		if (!rbp_inst_valid(inst))
			rbp_inst_orphan(inst);
	}
	frr_each (rbp_services, &rbp_services, svc)
		if (svc->session)
			msync_peer_walk(svc->session, rbp_install_resync_one, svc);
}

void rbp_install_retry(void)
{
	struct rbp_inst *inst;

	frr_each (rbp_insts, &rbp_insts, inst)
		if (!inst->orphan && rbp_profile_is_ours(inst->prf))
			rbp_inst_queue(inst);
}

void rbp_install_profile_changed(const struct rbp_profile *prf)
{
	struct rbp_inst *inst;

	frr_each (rbp_insts, &rbp_insts, inst)
		if (inst->prf == prf && !inst->orphan)
			rbp_inst_queue(inst);
}

/* --- one owner per (S,G,interface) ------------------------------------- */

static void rbp_install_handoff(struct event *t)
{
	struct rbp_inst *inst;

	frr_each (rbp_insts, &rbp_insts, inst)
		if (!inst->orphan &&
		    (inst->state == RBP_INST_LOCAL || inst->state == RBP_INST_PENDING))
			rbp_inst_queue(inst);
}

/* pimd's pim_if_gm_membership hook: local IGMP/MLD (re)asserts or
 * withdraws (S,G) on ifp, before pimd updates the TIB
 */
static int rbp_install_local_membership(struct interface *ifp, pim_sgaddr sg, bool join)
{
	struct rbp_inst *inst = rbp_inst_find(ifp->name, sg);

	if (!inst)
		return 0;
	if (join) {
		if (inst->state == RBP_INST_LOCAL)
			return 0;
		/* local IGMP/MLD joins right after this returns */
		rbp_inst_release(inst, ifp);
		rbp_inst_set_state(inst, RBP_INST_LOCAL, NULL);
		return 0;
	}
	/* local prunes right after this returns: take over after it */
	if (inst->state == RBP_INST_LOCAL)
		event_add_event(rbp_loop, rbp_install_handoff, NULL, 0, &t_handoff);
	return 0;
}

static int rbp_install_if_down(struct interface *ifp)
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
			rbp_inst_release(inst, ifp);
			rbp_inst_set_state(inst, RBP_INST_PENDING, "interface is down");
		}
	}
	return 0;
}

static int rbp_install_if_up(struct interface *ifp)
{
	struct rbp_inst *inst;

	/* after pimd added the VIF.  Queued now, not on the next pass: the
	 * profile is not synced (rbp_handover.c) until they are installed */
	if (!rbp_if_find(ifp->name))
		return 0;
	frr_each (rbp_insts, &rbp_insts, inst)
		if (!inst->orphan && !strcmp(inst->ifname, ifp->name) &&
		    (inst->state == RBP_INST_LOCAL || inst->state == RBP_INST_PENDING))
			rbp_inst_queue(inst);
	return 0;
}

/* --- show -------------------------------------------------------------- */

void rbp_install_show(struct vty *vty, struct json_object *jarr)
{
	const struct rbp_inst *inst;

	frr_each (rbp_insts_const, &rbp_insts, inst) {
		const struct msync_entry *e = NULL;
		struct msync_session *s;
		int64_t left = -1;

		if (inst->orphan)
			continue;
		s = rbp_profile_session(inst->prf);
		if (s) {
			struct msync_key pk;

			rbp_inst_peer_key(inst, &pk);
			e = msync_peer_find(s, &pk);
		}
		if (e && e->expires_ms != INT64_MAX)
			left = MAX(e->expires_ms - msync_now_ms(s), 0) / 1000;

		if (jarr) {
			json_object *jo = json_object_new_object();

			json_object_string_add(jo, "interface", inst->ifname);
			json_object_string_addf(jo, "group", "%pPA", &inst->sg.grp);
			json_object_string_addf(jo, "source", "%pPA", &inst->sg.src);
			json_object_string_add(jo, "origin", "peer");
			json_object_string_add(jo, "profile", inst->prf->name);
			if (inst->prf->balance)
				json_object_string_add(jo, "forwarder",
						       rbp_profile_twins_group(inst->prf,
									       inst->sg.grp)
							       ? "twin"
							       : "local");
			json_object_string_add(jo, "peerInterface", inst->peer_ifname);
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

/* --- init -------------------------------------------------------------- */

void rbp_install_init(struct event_loop *loop, void (*drained)(void))
{
	rbp_loop = loop;
	rbp_install_drained = drained;
	rbp_insts_init(&rbp_insts);
	rbp_inst_queue_init(&rbp_queue);
	hook_register(pim_if_gm_membership, rbp_install_local_membership);
	/* modules run after pimd on if_up and, if_down being reversed,
	 * before it
	 */
	hook_register_prio(if_down, 1000, rbp_install_if_down);
	hook_register_prio(if_up, 1000, rbp_install_if_up);
}

/* Everything has been flushed by the coordinator; what is left goes
 * without touching pimd, which is going down too
 */
void rbp_install_fini(void)
{
	struct rbp_inst *inst;

	EVENT_OFF(t_handoff);
	EVENT_OFF(t_slice);
	hook_unregister(pim_if_gm_membership, rbp_install_local_membership);
	hook_unregister(if_down, rbp_install_if_down);
	hook_unregister(if_up, rbp_install_if_up);
	while (rbp_inst_queue_pop(&rbp_queue))
		;
	rbp_inst_queue_fini(&rbp_queue);
	while ((inst = rbp_insts_pop(&rbp_insts))) {
		XFREE(MTYPE_RBP_INST_KEYS, inst->more_keys);
		XFREE(MTYPE_RBP_INST, inst);
	}
	rbp_insts_fini(&rbp_insts);
}
