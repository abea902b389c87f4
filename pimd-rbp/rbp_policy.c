// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: acceptance rules for the twin's entries, the same as pimd's
 * for its own reports: the group is routable (not link-local scope), an
 * any-source (EXCLUDE) membership is not in the SSM range (RFC 4604
 * 2.2.1: pimd ignores such records), the interface's multicast boundary
 * lets the (S,G) in (pim_is_group_filtered(), as IGMP does), and a source
 * is one a receiver can ask for (unicast, not this router's).
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"

#include "pimd.h"
#include "pim_instance.h"
#include "pim_iface.h"
#include "pim_ssm.h"
#include "pim_util.h"

#include "rbp_gm.h"
#include "rbp_policy.h"

static const char *const rbp_refusal_keys[RBP_REFUSE_MAX] = {
	[RBP_REFUSE_SCOPE] = "linkLocalScope",
	[RBP_REFUSE_SSM_EXCLUDE] = "ssmAnySource",
	[RBP_REFUSE_SOURCE] = "badSource",
	[RBP_REFUSE_BOUNDARY] = "multicastBoundary",
	[RBP_REFUSE_NO_INTERFACE] = "noBoundInterface",
	[RBP_REFUSE_LIMIT] = "maxEntries",
};

static const char *const rbp_refusal_texts[RBP_REFUSE_MAX] = {
	[RBP_REFUSE_SCOPE] = "link-local scope group",
	[RBP_REFUSE_SSM_EXCLUDE] = "any-source membership in the SSM range",
	[RBP_REFUSE_SOURCE] = "source not unicast or this router's",
	[RBP_REFUSE_BOUNDARY] = "multicast boundary of the interface",
	[RBP_REFUSE_NO_INTERFACE] = "no interface bound to the profile",
	[RBP_REFUSE_LIMIT] = "max-entries reached",
};

const char *rbp_refusal_key(enum rbp_refusal r)
{
	return r < RBP_REFUSE_MAX ? rbp_refusal_keys[r] : "?";
}

const char *rbp_refusal_text(enum rbp_refusal r)
{
	return r < RBP_REFUSE_MAX ? rbp_refusal_texts[r] : "?";
}

/* A source a receiver can name in INCLUDE {S}: unicast, routable, and
 * not an address of this router
 */
static bool rbp_policy_source_ok(pim_addr src)
{
#if PIM_IPV == 4
	uint32_t a = ntohl(src.s_addr);

	if (a == INADDR_ANY || a == INADDR_BROADCAST || IN_MULTICAST(a) || IN_EXPERIMENTAL(a) ||
	    (a >> 24) == IN_LOOPBACKNET || (a >> 24) == 0)
		return false;
#else
	if (IN6_IS_ADDR_UNSPECIFIED(&src) || IN6_IS_ADDR_MULTICAST(&src) ||
	    IN6_IS_ADDR_LOOPBACK(&src) || IN6_IS_ADDR_V4MAPPED(&src) || IN6_IS_ADDR_LINKLOCAL(&src))
		return false;
#endif
	return !if_address_is_local(&src, PIM_AF, VRF_DEFAULT);
}

enum rbp_refusal rbp_policy_entry(pim_sgaddr sg, enum msync_filter filter)
{
	struct vrf *vrf = vrf_lookup_by_id(VRF_DEFAULT);
	struct pim_instance *pim = vrf ? vrf->info : NULL;

	if (!rbp_gm_group_replicated(sg.grp))
		return RBP_REFUSE_SCOPE;
	if (pim_addr_is_any(sg.src)) {
		if (pim && pim_is_grp_ssm(pim, sg.grp))
			return RBP_REFUSE_SSM_EXCLUDE;
		return RBP_REFUSE_MAX;
	}
	if (filter == MSYNC_FILTER_EXCLUDE || !rbp_policy_source_ok(sg.src))
		return RBP_REFUSE_SOURCE;
	return RBP_REFUSE_MAX;
}

bool rbp_policy_interface(struct interface *ifp, pim_sgaddr sg)
{
	struct pim_interface *pim_ifp = ifp->info;

	return !pim_ifp || !pim_is_group_filtered(pim_ifp, &sg.grp, &sg.src);
}
