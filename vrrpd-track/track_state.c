// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: follows every VRRP state transition through vrrpd's
 * vrrp_change_state_hook, and every virtual router destroyed through
 * vrrp_vrouter_destroy_hook, and publishes them.
 */
#include <zebra.h>

#include "hook.h"
#include "frrevent.h"

#include "vrrpd/vrrp.h"

#include "track.h"

const char *track_state_name(int state)
{
	switch (state) {
	case VRRP_STATE_INITIALIZE:
		return "Initialize";
	case VRRP_STATE_MASTER:
		return "Master";
	case VRRP_STATE_BACKUP:
		return "Backup";
	}
	return "Unknown";
}

/* Called before vrrpd stores the new state */
static int track_state_change(struct vrrp_router *r, int to)
{
	DEBUGD(&track_dbg, "VRRP %u (%s, IPv%d): %s -> %s", r->vr->vrid,
	       r->vr->ifp ? r->vr->ifp->name : "?", r->family == AF_INET ? 4 : 6,
	       track_state_name(r->fsm.state), track_state_name(to));
	track_pub_transition(r, to);
	track_vr_state_change(r, to);
	return 0;
}

/*
 * Called before vrrpd shuts the virtual router's routers down and frees
 * it: `no vrrp N`, autoconfiguration, vrrpd stopping.  Its tracking goes
 * with it, as its other vrrp lines do.
 */
static int track_vrouter_destroy(struct vrrp_vrouter *vr)
{
	DEBUGD(&track_dbg, "VRRP %u (%s) destroyed", vr->vrid, vr->ifp ? vr->ifp->name : "?");
	track_vr_destroyed(vr);
	track_pub_deleted(vr);
	return 0;
}

void track_state_init(struct event_loop *loop)
{
	hook_register(vrrp_change_state_hook, track_state_change);
	hook_register(vrrp_vrouter_destroy_hook, track_vrouter_destroy);
}

void track_state_fini(void)
{
	hook_unregister(vrrp_change_state_hook, track_state_change);
	hook_unregister(vrrp_vrouter_destroy_hook, track_vrouter_destroy);
}
