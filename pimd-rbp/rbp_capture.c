// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: local memberships on bound interfaces become the channel's
 * local table.  Changes arrive through pimd's pim_if_gm_membership hook as
 * they happen; the coordinator's periodic pass (rbp_capture_reconcile)
 * re-reads the membership timers (refreshes reset them without a hook
 * call) and repairs anything a hook missed.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "lib_errors.h"

#include "pimd.h"
#include "pim_iface.h"
#include "pim_tib.h"

#include "rbp.h"
#include "rbp_gm.h"
#include "rbp_capture.h"

DEFINE_MTYPE_STATIC(RBP, RBP_STALE_KEYS, "remote-backup stale entry keys");

/* a timer counts as refreshed when it moved later by more than this */
#define RBP_REFRESH_SLACK_MS 2000

/* The profile of ours bound to ifp with a running channel */
static struct rbp_profile *rbp_capture_profile(const struct interface *ifp,
					       struct msync_session **sp)
{
	struct rbp_if *rif;
	struct rbp_profile *prf;

	if (ifp->vrf->vrf_id != VRF_DEFAULT)
		return NULL;
	rif = rbp_if_find(ifp->name);
	prf = rif ? rbp_if_profile(rif) : NULL;
	*sp = prf ? rbp_profile_session(prf) : NULL;
	return *sp ? prf : NULL;
}

static void rbp_capture_key(const struct rbp_profile *prf, const struct interface *ifp,
			    pim_sgaddr sg, struct msync_key *k)
{
	memset(k, 0, sizeof(*k));
	k->backup_id = prf->backup_id;
	strlcpy(k->ifname, ifp->name, sizeof(k->ifname));
	rbp_sg_to_key(sg, k);
}

/* From a report (the hook) an estimated timer counts as refreshed; a
 * periodic pass only sends timers it reads off a running timer.
 */
static void rbp_capture_publish(struct msync_session *s, const struct rbp_profile *prf,
				struct interface *ifp, pim_sgaddr sg,
				const struct rbp_gm_info *info, bool report)
{
	struct msync_entry e = {};
	const struct msync_entry *old;
	int64_t expires = msync_now_ms(s) + info->timer_ms;

	rbp_capture_key(prf, ifp, sg, &e.key);
	e.filter = info->filter;
	e.version = info->version;
	e.timer_ms = info->timer_ms;
	e.origin_role = prf->role;

	old = msync_local_find(s, &e.key);
	if (old && old->filter == e.filter && old->version == e.version &&
	    old->origin_role == e.origin_role &&
	    (expires <= msync_local_expiry(s, &e.key) + RBP_REFRESH_SLACK_MS ||
	     (!report && !info->timer_exact)))
		return;
	DEBUGD(&rbp_dbg_entry, "%s %pSG: publish %s v%u %ums (%s)", ifp->name, &sg,
	       e.filter == MSYNC_FILTER_EXCLUDE ? "exclude" : "include", e.version, e.timer_ms,
	       old ? "refresh" : "new");
	if (msync_local_update(s, &e) < 0)
		flog_err(EC_LIB_DEVELOPMENT,
			 "remote-backup-profile %s: %s %pSG not published: the channel refused the entry (%s)",
			 prf->name, ifp->name, &sg, safe_strerror(errno));
}

static void rbp_capture_withdraw(struct msync_session *s, const struct rbp_profile *prf,
				 struct interface *ifp, pim_sgaddr sg)
{
	struct msync_key k;

	rbp_capture_key(prf, ifp, sg, &k);
	if (!msync_local_find(s, &k))
		return;
	DEBUGD(&rbp_dbg_entry, "%s %pSG: withdraw", ifp->name, &sg);
	msync_local_delete(s, &k);
}

/* pimd's pim_if_gm_membership hook */
static int rbp_capture_membership(struct interface *ifp, pim_sgaddr sg, bool join)
{
	struct msync_session *s;
	struct rbp_profile *prf;
	struct rbp_gm_info info;

	prf = rbp_capture_profile(ifp, &s);
	if (!prf || !rbp_gm_group_replicated(sg.grp))
		return 0;
	if (join && rbp_gm_lookup(ifp, sg, &info))
		rbp_capture_publish(s, prf, ifp, sg, &info, true);
	else if (!join && if_is_operative(ifp))
		rbp_capture_withdraw(s, prf, ifp, sg);
	/* An interface going down takes its memberships with it, but the
	 * receivers are still there, reachable through the twin: the twin
	 * keeps the entries until their timers run out.
	 */
	return 0;
}

/* --- full passes ------------------------------------------------------ */

struct rbp_capture_walk {
	struct msync_session *s;
	const struct rbp_profile *prf;
};

static void rbp_capture_walk_one(struct interface *ifp, pim_sgaddr sg,
				 const struct rbp_gm_info *info, void *arg)
{
	struct rbp_capture_walk *w = arg;

	if (!rbp_gm_group_replicated(sg.grp))
		return;
	rbp_capture_publish(w->s, w->prf, ifp, sg, info, false);
}

struct rbp_capture_stale {
	struct msync_key *keys;
	size_t n, max;
};

/* A local entry no longer backed by a bound interface's membership */
static int rbp_capture_find_stale(const struct msync_entry *e, void *arg)
{
	struct rbp_capture_stale *st = arg;
	struct interface *ifp = if_lookup_by_name(e->key.ifname, VRF_DEFAULT);
	struct msync_session *s = NULL;
	struct rbp_profile *prf = ifp ? rbp_capture_profile(ifp, &s) : NULL;
	struct rbp_gm_info info;

	if (prf && prf->backup_id == e->key.backup_id &&
	    (!if_is_operative(ifp) || rbp_gm_lookup(ifp, rbp_key_to_sg(&e->key), &info)))
		return 0;
	if (st->n == st->max) {
		st->max = st->max ? st->max * 2 : 64;
		st->keys = XREALLOC(MTYPE_RBP_STALE_KEYS, st->keys, st->max * sizeof(*st->keys));
	}
	st->keys[st->n++] = e->key;
	return 0;
}

static void rbp_capture_sync(struct rbp_service *svc)
{
	struct rbp_capture_stale st = {};
	struct rbp_profile *prf;
	struct rbp_if *rif;

	/* collect first: the walk must not see its table change */
	msync_local_walk(svc->session, rbp_capture_find_stale, &st);
	for (size_t i = 0; i < st.n; i++) {
		DEBUGD(&rbp_dbg_entry, "%s: withdraw stale entry (backup-id %u)", st.keys[i].ifname,
		       st.keys[i].backup_id);
		msync_local_delete(svc->session, &st.keys[i]);
	}
	XFREE(MTYPE_RBP_STALE_KEYS, st.keys);

	frr_each (rbp_ifs, &rbp_ifs, rif) {
		struct interface *ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
		struct rbp_capture_walk w;

		prf = rbp_if_profile(rif);
		if (!ifp || !prf || prf->service != svc || !rbp_profile_is_ours(prf))
			continue;
		w.s = svc->session;
		w.prf = prf;
		rbp_gm_walk(ifp, rbp_capture_walk_one, &w);
	}
}

void rbp_capture_reconcile(void)
{
	struct rbp_service *svc;

	frr_each (rbp_services, &rbp_services, svc)
		if (svc->session)
			rbp_capture_sync(svc);
}

void rbp_capture_init(void)
{
	hook_register(pim_if_gm_membership, rbp_capture_membership);
}

void rbp_capture_fini(void)
{
	hook_unregister(pim_if_gm_membership, rbp_capture_membership);
}
