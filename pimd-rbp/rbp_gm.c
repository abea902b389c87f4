// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the module's only reader of IGMP (pimd) and MLD (pim6d)
 * internals.  Which memberships want traffic follows the same rules as
 * pim_gm_tib_retry() in the patch series.
 */
#include <zebra.h>

#include "if.h"
#include "hash.h"
#include "linklist.h"
#include "frrevent.h"

#include "pimd.h"
#include "pim_instance.h"
#include "pim_iface.h"
#if PIM_IPV == 4
#include "pim_igmp.h"
#include "pim_igmpv3.h"
#else
#include "pim6_mld.h"
#endif

#include "rbp_gm.h"

void rbp_sg_to_key(pim_sgaddr sg, struct msync_key *k)
{
	k->family = PIM_AF;
	memset(&k->group, 0, sizeof(k->group));
	memset(&k->source, 0, sizeof(k->source));
	memcpy(&k->group, &sg.grp, sizeof(sg.grp));
	memcpy(&k->source, &sg.src, sizeof(sg.src));
}

pim_sgaddr rbp_key_to_sg(const struct msync_key *k)
{
	pim_sgaddr sg;

	memcpy(&sg.grp, &k->group, sizeof(sg.grp));
	memcpy(&sg.src, &k->source, sizeof(sg.src));
	return sg;
}

bool rbp_gm_group_replicated(pim_addr grp)
{
#if PIM_IPV == 4
	return (ntohl(grp.s_addr) & 0xffffff00) != 0xe0000000;
#else
	return !in6_multicast_nofwd(&grp);
#endif
}

/* The remaining membership time the twin ages its copy by.  Never 0,
 * which the channel reads as "never expires": a timer that is due (its
 * event not run yet) or under a millisecond has 0 left by
 * event_timer_remain_msec(), and is 1 ms here, so that a copy whose
 * Delete is lost still goes (doc/protocol.md 6.1). */
static uint32_t rbp_remain_ms(struct event *t, uint32_t dflt, struct rbp_gm_info *info)
{
	uint32_t ms;

	info->timer_exact = t != NULL;
	ms = t ? event_timer_remain_msec(t) : dflt;
	return MAX(ms, 1);
}

#if PIM_IPV == 4

/* RFC 3376 8.4: group membership interval */
static uint32_t rbp_igmp_gmi_ms(const struct pim_interface *pim_ifp)
{
	return pim_ifp->gm_default_robustness_variable * pim_ifp->gm_default_query_interval * 1000 +
	       pim_ifp->gm_query_max_response_time_dsec * 100;
}

static struct gm_group *rbp_igmp_group(struct pim_interface *pim_ifp, pim_addr grp)
{
	struct gm_group lookup = { .group_addr = grp };

	if (!pim_ifp->gm_group_hash)
		return NULL;
	return hash_lookup(pim_ifp->gm_group_hash, &lookup);
}

/* RFC 3376 6.3: sources with a running timer, and any source in EXCLUDE */
static bool rbp_igmp_wanted(const struct gm_group *grp, const struct gm_source *src)
{
	return src->t_source_timer ||
	       (grp->group_filtermode_isexcl && pim_addr_is_any(src->source_addr));
}

static void rbp_igmp_info(struct pim_interface *pim_ifp, const struct gm_group *grp,
			  const struct gm_source *src, struct rbp_gm_info *info)
{
	uint32_t gmi = rbp_igmp_gmi_ms(pim_ifp);

	info->filter = grp->group_filtermode_isexcl ? MSYNC_FILTER_EXCLUDE : MSYNC_FILTER_INCLUDE;
	info->version = grp->igmp_version;
	/* a source timer runs for INCLUDE sources, the group timer for
	 * EXCLUDE mode
	 */
	if (src->t_source_timer)
		info->timer_ms = rbp_remain_ms(src->t_source_timer, gmi, info);
	else
		info->timer_ms = rbp_remain_ms(grp->t_group_timer, gmi, info);
}

/* The IGMP source record of (S,G) on ifp, with its group */
static struct gm_source *rbp_igmp_source(struct interface *ifp, pim_sgaddr sg,
					 struct gm_group **grpp)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct gm_group *grp;

	if (!pim_ifp)
		return NULL;
	grp = rbp_igmp_group(pim_ifp, sg.grp);
	if (!grp)
		return NULL;
	*grpp = grp;
	return igmp_find_source_by_addr(grp, sg.src);
}

bool rbp_gm_lookup(struct interface *ifp, pim_sgaddr sg, struct rbp_gm_info *info)
{
	struct gm_group *grp;
	struct gm_source *src = rbp_igmp_source(ifp, sg, &grp);

	if (!src || !rbp_igmp_wanted(grp, src))
		return false;
	rbp_igmp_info(ifp->info, grp, src, info);
	return true;
}

bool rbp_gm_local_joined(struct interface *ifp, pim_sgaddr sg)
{
	struct gm_group *grp;
	struct gm_source *src = rbp_igmp_source(ifp, sg, &grp);

	return src && IGMP_SOURCE_TEST_FORWARDING(src->source_flags);
}

void rbp_gm_walk(struct interface *ifp, rbp_gm_walk_fn fn, void *arg)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct listnode *gnode, *snode;
	struct gm_group *grp;
	struct gm_source *src;
	struct rbp_gm_info info;

	if (!pim_ifp || !pim_ifp->gm_group_list)
		return;
	for (ALL_LIST_ELEMENTS_RO(pim_ifp->gm_group_list, gnode, grp))
		for (ALL_LIST_ELEMENTS_RO(grp->group_source_list, snode, src)) {
			pim_sgaddr sg = { .src = src->source_addr, .grp = grp->group_addr };

			if (!rbp_igmp_wanted(grp, src))
				continue;
			rbp_igmp_info(pim_ifp, grp, src, &info);
			fn(ifp, sg, &info, arg);
		}
}

uint32_t rbp_gm_membership_interval_ms(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;

	return pim_ifp && pim_ifp->gm_socket_list ? rbp_igmp_gmi_ms(pim_ifp) : 0;
}

void rbp_gm_become_querier(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct listnode *node;
	struct gm_sock *igmp;

	if (!pim_ifp || !pim_ifp->gm_socket_list)
		return;
	/* as if the other querier's timer had expired (RFC 3376 6.6):
	 * query at the startup interval so receivers report to us soon
	 */
	for (ALL_LIST_ELEMENTS_RO(pim_ifp->gm_socket_list, node, igmp)) {
		pim_igmp_other_querier_timer_off(igmp);
		igmp->querier_addr = igmp->ifaddr;
		igmp_startup_mode_on(igmp);
		pim_igmp_general_query_on(igmp);
	}
}

#else /* PIM_IPV == 6 */

/* RFC 3810 9.4: multicast address listening interval */
static uint32_t rbp_mld_mali_ms(const struct gm_if *gm_ifp)
{
	return gm_ifp->cur_qrv * gm_ifp->cur_query_intv + gm_ifp->cur_max_resp;
}

static struct gm_sg *rbp_mld_sg(struct interface *ifp, pim_sgaddr sg)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct gm_sg ref = { .sgaddr = sg };

	if (!pim_ifp || !pim_ifp->mld)
		return NULL;
	return gm_sgs_find(pim_ifp->mld->sgs, &ref);
}

static void rbp_mld_info(const struct gm_sg *sg, struct rbp_gm_info *info)
{
	const struct gm_if *gm_ifp = sg->iface;

	/* FRR's MLD keeps no EXCLUDE (S,G) state: (*,G) is EXCLUDE {} */
	info->filter = pim_addr_is_any(sg->sgaddr.src) ? MSYNC_FILTER_EXCLUDE : MSYNC_FILTER_INCLUDE;
	info->version = gm_ifp->cur_version == GM_MLDV1 ? 1 : 2;
	/* joined state has no timer of its own (its reports' do) */
	info->timer_ms = rbp_remain_ms(sg->t_sg_expire, rbp_mld_mali_ms(gm_ifp), info);
}

bool rbp_gm_lookup(struct interface *ifp, pim_sgaddr sgaddr, struct rbp_gm_info *info)
{
	struct gm_sg *sg = rbp_mld_sg(ifp, sgaddr);

	if (!sg || !gm_sg_state_want_join(sg->state))
		return false;
	rbp_mld_info(sg, info);
	return true;
}

bool rbp_gm_local_joined(struct interface *ifp, pim_sgaddr sgaddr)
{
	struct gm_sg *sg = rbp_mld_sg(ifp, sgaddr);

	return sg && sg->tib_joined;
}

void rbp_gm_walk(struct interface *ifp, rbp_gm_walk_fn fn, void *arg)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct gm_sg *sg;
	struct rbp_gm_info info;

	if (!pim_ifp || !pim_ifp->mld)
		return;
	frr_each (gm_sgs, pim_ifp->mld->sgs, sg) {
		if (!gm_sg_state_want_join(sg->state))
			continue;
		rbp_mld_info(sg, &info);
		fn(ifp, sg->sgaddr, &info, arg);
	}
}

uint32_t rbp_gm_membership_interval_ms(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;

	return pim_ifp && pim_ifp->mld ? rbp_mld_mali_ms(pim_ifp->mld) : 0;
}

void rbp_gm_become_querier(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct gm_if *gm_ifp = pim_ifp ? pim_ifp->mld : NULL;
	void (*expire)(struct event *e);

	/* no other querier: this router queries already */
	if (!gm_ifp || !gm_ifp->t_other_querier)
		return;
	/*
	 * pim6_mld.c keeps its querier election to itself; run its own
	 * other-querier expiry now (RFC 3810 7.6.2): it takes the querier
	 * role and queries at the startup interval, so the receivers report
	 * to us before the twin's replicated entries run out.
	 */
	expire = gm_ifp->t_other_querier->func;
	EVENT_OFF(gm_ifp->t_other_querier);
	event_execute(router->master, expire, gm_ifp, 0, NULL);
}

#endif
