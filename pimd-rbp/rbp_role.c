// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the role of a profile follows its VRRP group.
 *
 * vrrpd runs each virtual router on a macvlan over the VRRP interface,
 * with the virtual MAC 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID
 * (IPv6), and holds it in protodown while it is not master.  The macvlan
 * being operative therefore says "master", and zebra tells pimd about it
 * like any interface change.
 */
#include <zebra.h>

#include "if.h"
#include "vrf.h"
#include "frrevent.h"

#include "rbp.h"
#include "rbp_role.h"
#include "rbp_install.h"
#include "rbp_session.h"

static struct event_loop *rbp_loop;
static struct event *t_rbp_role;

/* The macvlan vrrpd uses for the profile's group, if it exists */
static struct interface *rbp_role_macvlan(const struct rbp_profile *prf)
{
	struct vrf *vrf = vrf_lookup_by_id(VRF_DEFAULT);
	struct interface *parent, *ifp;
	const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00,
				  prf->vrrp_family == 4 ? 0x01 : 0x02,
				  prf->vrrp_id };

	parent = if_lookup_by_name(prf->vrrp_ifname, VRF_DEFAULT);
	if (!vrf || !parent || parent->ifindex == IFINDEX_INTERNAL)
		return NULL;
	FOR_ALL_INTERFACES (vrf, ifp)
		if (ifp->link_ifindex == parent->ifindex &&
		    ifp->hw_addr_len == 6 && !memcmp(ifp->hw_addr, vmac, 6))
			return ifp;
	return NULL;
}

const char *rbp_role_source(const struct rbp_profile *prf)
{
	struct interface *mv;

	if (!prf->vrrp_family)
		return "none";
	mv = rbp_role_macvlan(prf);
	return mv ? mv->name : "VRRP macvlan not found";
}

static enum msync_role rbp_role_derive(const struct rbp_profile *prf)
{
	struct interface *mv;

	if (!prf->vrrp_family)
		return MSYNC_ROLE_UNKNOWN;
	mv = rbp_role_macvlan(prf);
	/* no group (yet): not master, so the LAN stays muted */
	if (!mv)
		return MSYNC_ROLE_BACKUP;
	return if_is_operative(mv) ? MSYNC_ROLE_MASTER : MSYNC_ROLE_BACKUP;
}

void rbp_role_reconcile(void)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf) {
		enum msync_role role;

		if (prf->type != RBP_SVC_SELF)
			continue;
		role = rbp_role_derive(prf);
		if (role == prf->role)
			continue;
		zlog_info("remote-backup-profile %s: role %s -> %s (%s)",
			  prf->name, rbp_role_name(prf->role),
			  rbp_role_name(role), rbp_role_source(prf));
		prf->role = role;
		rbp_session_role_changed(prf);
		rbp_install_role_changed(prf);
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
	const struct rbp_profile *prf;

	frr_each (rbp_profiles_const, &rbp_profiles, prf)
		if (prf->vrrp_family && prf->type == RBP_SVC_SELF) {
			rbp_role_reconcile();
			break;
		}
	return 0;
}

/* if_down runs modules first; defer past pimd's own handling */
static int rbp_role_if_down(struct interface *ifp)
{
	event_add_event(rbp_loop, rbp_role_event, NULL, 0, &t_rbp_role);
	return 0;
}

void rbp_role_init(struct event_loop *loop)
{
	rbp_loop = loop;
	hook_register_prio(if_up, 1001, rbp_role_if_change);
	hook_register_prio(if_down, 1001, rbp_role_if_down);
	hook_register_prio(if_real, 1001, rbp_role_if_change);
	hook_register_prio(if_unreal, 1001, rbp_role_if_down);
}

void rbp_role_fini(void)
{
	EVENT_OFF(t_rbp_role);
	hook_unregister(if_up, rbp_role_if_change);
	hook_unregister(if_down, rbp_role_if_down);
	hook_unregister(if_real, rbp_role_if_change);
	hook_unregister(if_unreal, rbp_role_if_down);
}
