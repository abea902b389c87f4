// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: local memberships on bound interfaces become the channel's
 * local table.  Changes arrive through pimd's pim_if_gm_membership hook as
 * they happen; the coordinator's passes repair anything a hook missed
 * (rbp_capture_reconcile, at every configuration pass) and re-read the
 * membership timers, which refreshes reset without a hook call
 * (rbp_capture_refresh, periodic).  The refresh walks the channels' local
 * tables in slices of the event loop: at 50 000 memberships one walk with
 * its lookups in pimd is ~100 ms of CPU.
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

/* the periodic refresh in progress: the service whose local table is
 * walked (by name: it may go meanwhile) and the last key done
 */
static struct {
	bool active;
	char svc[RBP_NAME_MAX];
	struct msync_key after;
	bool has_after;
} rbp_refresh;
static struct event_loop *rbp_capture_loop;
static struct event *t_refresh;

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
	/* the refresh: its slice, and the last key it did */
	struct event *slice;
	struct msync_key last;
};

static void rbp_capture_stale_add(struct rbp_capture_stale *st, const struct msync_key *k)
{
	if (st->n == st->max) {
		st->max = st->max ? st->max * 2 : 64;
		st->keys = XREALLOC(MTYPE_RBP_STALE_KEYS, st->keys, st->max * sizeof(*st->keys));
	}
	st->keys[st->n++] = *k;
}

static void rbp_capture_stale_del(struct msync_session *s, struct rbp_capture_stale *st)
{
	for (size_t i = 0; i < st->n; i++) {
		DEBUGD(&rbp_dbg_entry, "%s: withdraw stale entry (backup-id %u)", st->keys[i].ifname,
		       st->keys[i].backup_id);
		msync_local_delete(s, &st->keys[i]);
	}
	XFREE(MTYPE_RBP_STALE_KEYS, st->keys);
	st->n = st->max = 0;
}

/* A local entry no longer backed by a bound interface's membership goes
 * to st (withdrawn after the walk); with refresh, one that is backed gets
 * its timer again if a report moved it
 */
static void rbp_capture_check(const struct msync_entry *e, struct rbp_capture_stale *st,
			      bool refresh)
{
	struct interface *ifp = if_lookup_by_name(e->key.ifname, VRF_DEFAULT);
	struct msync_session *s = NULL;
	struct rbp_profile *prf = ifp ? rbp_capture_profile(ifp, &s) : NULL;
	pim_sgaddr sg = rbp_key_to_sg(&e->key);
	struct rbp_gm_info info;

	if (!prf || prf->backup_id != e->key.backup_id) {
		rbp_capture_stale_add(st, &e->key);
		return;
	}
	/* a down interface's entries stay with the twin (see above) */
	if (!if_is_operative(ifp))
		return;
	if (!rbp_gm_lookup(ifp, sg, &info)) {
		rbp_capture_stale_add(st, &e->key);
		return;
	}
	if (refresh)
		rbp_capture_publish(s, prf, ifp, sg, &info, false);
}

static int rbp_capture_find_stale(const struct msync_entry *e, void *arg)
{
	rbp_capture_check(e, arg, false);
	return 0;
}

static int rbp_capture_refresh_one(const struct msync_entry *e, void *arg)
{
	struct rbp_capture_stale *st = arg;

	/* updates the entry in place: the walk goes on after it */
	rbp_capture_check(e, st, true);
	st->last = e->key;
	return event_should_yield(st->slice) ? 1 : 0;
}

static void rbp_capture_refresh_slice(struct event *t)
{
	struct rbp_service *svc, ref = {};

	strlcpy(ref.name, rbp_refresh.svc, sizeof(ref.name));
	for (svc = rbp_services_find_gteq(&rbp_services, &ref); svc;
	     svc = rbp_services_next(&rbp_services, svc)) {
		struct rbp_capture_stale st = { .slice = t };
		int stopped;

		if (strcmp(svc->name, rbp_refresh.svc)) {
			/* the next service, or the one walked went away */
			strlcpy(rbp_refresh.svc, svc->name, sizeof(rbp_refresh.svc));
			rbp_refresh.has_after = false;
		}
		if (!svc->session)
			continue;
		stopped = msync_local_walk_from(svc->session,
						rbp_refresh.has_after ? &rbp_refresh.after : NULL,
						rbp_capture_refresh_one, &st);
		/* behind the walk: it resumes after the last key done */
		rbp_capture_stale_del(svc->session, &st);
		if (stopped) {
			rbp_refresh.after = st.last;
			rbp_refresh.has_after = true;
			event_add_event(rbp_capture_loop, rbp_capture_refresh_slice, NULL, 0,
					&t_refresh);
			return;
		}
		rbp_refresh.has_after = false;
	}
	rbp_refresh.active = false;
}

void rbp_capture_refresh(void)
{
	if (rbp_refresh.active)
		return;
	rbp_refresh.active = true;
	rbp_refresh.svc[0] = '\0';
	rbp_refresh.has_after = false;
	event_add_event(rbp_capture_loop, rbp_capture_refresh_slice, NULL, 0, &t_refresh);
}

static void rbp_capture_sync(struct rbp_service *svc)
{
	struct rbp_capture_stale st = {};
	struct rbp_profile *prf;
	struct rbp_if *rif;

	/* collect first: the walk must not see its table change */
	msync_local_walk(svc->session, rbp_capture_find_stale, &st);
	rbp_capture_stale_del(svc->session, &st);

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

void rbp_capture_init(struct event_loop *loop)
{
	rbp_capture_loop = loop;
	hook_register(pim_if_gm_membership, rbp_capture_membership);
}

void rbp_capture_fini(void)
{
	EVENT_OFF(t_refresh);
	rbp_refresh.active = false;
	hook_unregister(pim_if_gm_membership, rbp_capture_membership);
}
