// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the forwarding gate.
 *
 * What decides forwarding on an interface: its own "multicast track vrrp"
 * (or admin-vrrp) if configured, else the VRRP group of the profile bound
 * to it; a profile that yields in a split brain mutes its interfaces
 * whatever decides them, and one that released the forwarding to its
 * twin mutes those whose tracked group is its own.  A profile with a
 * VRRP group also makes this router build joins for local and
 * replicated members whatever the DR election says (that is what hot
 * means); elsewhere "ip pim ignore dr-state" does.  A profile load
 * balanced with its twin (E-Trunk active-active) mutes the groups of the
 * twin's share (rbp_group_share()) on its interfaces.  The roles themselves are the coordinator's (prf->role,
 * prf->yield, rif->track_role).
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"

#include "pimd.h"
#include "pim_instance.h"
#include "pim_iface.h"
#include "pim_oil.h"
#include "pim_tib.h"
#include "pim_ifchannel.h"

#include "rbp.h"
#include "rbp_gate.h"
#include "rbp_gm.h"

static const struct rbp_if *rbp_gate_rif(const struct interface *ifp)
{
	if (ifp->vrf->vrf_id != VRF_DEFAULT)
		return NULL;
	return rbp_if_find(ifp->name);
}

/* The bound profile whose VRRP group makes this router a hot forwarder */
static const struct rbp_profile *rbp_gate_tracking_profile(const struct rbp_if *rif)
{
	const struct rbp_profile *prf = rbp_if_profile(rif);

	return prf && prf->vrrp.family ? prf : NULL;
}

bool rbp_gate_tracked(const struct rbp_if *rif)
{
	return rif->track.family || rbp_gate_tracking_profile(rif);
}

static bool rbp_gate_same_group(const struct rbp_vrrp_ref *a, const struct rbp_vrrp_ref *b)
{
	return a->family == b->family && a->vrid == b->vrid && !strcmp(a->ifname, b->ifname);
}

bool rbp_gate_if_muted(const struct rbp_if *rif)
{
	const struct rbp_profile *prf = rbp_if_profile(rif);

	if (prf && prf->yield)
		return true;
	if (rif->track.family) {
		/* the twins handed that very group's forwarding to the other
		 * over the channel (a split brain of different priorities) */
		if (prf && prf->released && rbp_gate_same_group(&rif->track, &prf->vrrp))
			return true;
		return rif->track_role != MSYNC_ROLE_MASTER;
	}
	prf = rbp_gate_tracking_profile(rif);
	return prf && !rbp_profile_forwards(prf);
}

bool rbp_gate_forwarder(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_gate_rif(ifp);

	return rif && (rif->ignore_dr || rbp_gate_tracking_profile(rif));
}

bool rbp_gate_muted(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_gate_rif(ifp);

	return rif && rbp_gate_if_muted(rif);
}

bool rbp_gate_assert_ignored(const struct interface *ifp)
{
	const struct rbp_if *rif = rbp_gate_rif(ifp);

	return rif && rif->ignore_assert;
}

/* --- pushing a decision into pimd ------------------------------------- */

static void rbp_gate_update_mute(struct interface *ifp)
{
	struct pim_interface *pim_ifp = ifp->info;
	struct channel_oil *c_oil;

	if (!pim_ifp || pim_ifp->mroute_vif_index < 0)
		return;
	/* one pass over the MFC entries with this outgoing interface */
	frr_each (rb_pim_oil, &pim_ifp->pim->channel_oil_head, c_oil)
		if (oil_if_has(c_oil, pim_ifp->mroute_vif_index))
			pim_channel_update_oif_mute(c_oil, ifp);
}

void rbp_gate_apply(const struct rbp_if *rif, bool role_changed)
{
	struct interface *ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
	struct pim_interface *pim_ifp = ifp ? ifp->info : NULL;
	struct pim_ifchannel *ch;

	if (!pim_ifp)
		return;
	/* memberships whose join failed while the DR election decided */
	if (rbp_gate_forwarder(ifp))
		pim_gm_tib_retry(ifp);
	rbp_gate_update_mute(ifp);
	/* assert state follows "ignore assert-state" */
	RB_FOREACH (ch, pim_ifchannel_rb, &pim_ifp->ifchannel_rb) {
		if (rif->ignore_assert)
			reset_ifassert_state(ch);
		pim_ifchannel_update_could_assert(ch);
		pim_ifchannel_update_assert_tracking_desired(ch);
	}
	/* a new forwarder asks receivers to report to it */
	if (role_changed && rbp_gate_tracked(rif) && !rbp_gate_if_muted(rif))
		rbp_gm_become_querier(ifp);
}

void rbp_gate_apply_all(void)
{
	const struct rbp_if *rif;

	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		rbp_gate_apply(rif, false);
}

/* --- pimd's hooks ------------------------------------------------------ */

static int rbp_gate_hook_forwarder(const struct interface *ifp)
{
	return rbp_gate_forwarder(ifp);
}

/* Muted on the interface; or, load balanced with the twin, the group is
 * the twin's share */
static int rbp_gate_hook_oif_mute(struct channel_oil *c_oil, struct interface *ifp)
{
	const struct rbp_if *rif = rbp_gate_rif(ifp);

	if (!rif)
		return false;
	if (rbp_gate_if_muted(rif))
		return true;
	return !rif->track.family &&
	       rbp_profile_twins_group(rbp_gate_tracking_profile(rif), *oil_mcastgrp(c_oil));
}

static int rbp_gate_hook_assert_ignore(const struct interface *ifp)
{
	return rbp_gate_assert_ignored(ifp);
}

void rbp_gate_init(void)
{
	hook_register(pim_if_gm_forwarder, rbp_gate_hook_forwarder);
	hook_register(pim_if_oif_mute, rbp_gate_hook_oif_mute);
	hook_register(pim_if_assert_ignore, rbp_gate_hook_assert_ignore);
}

void rbp_gate_fini(void)
{
	hook_unregister(pim_if_gm_forwarder, rbp_gate_hook_forwarder);
	hook_unregister(pim_if_oif_mute, rbp_gate_hook_oif_mute);
	hook_unregister(pim_if_assert_ignore, rbp_gate_hook_assert_ignore);
}
