// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: follow vrrpd's configuration of its virtual routers.
 *
 * vrrpd applies its configuration in northbound callbacks and tells no
 * one: no hook for a router deleted, none for a new priority.  The module
 * wraps three of those callbacks (the nb_node of each is looked up by its
 * schema path once vrrpd has registered them) and calls vrrpd's own:
 *
 * - vrrp-group destroy: publish the deletion, drop the router's tracking;
 * - priority modify: vrrp_set_priority() has reset the effective priority
 *   to the new base, apply the tracked objects again;
 * - shutdown modify: while the module holds the router in Initialize,
 *   record the setting instead of letting vrrpd start the router.
 */
#include <zebra.h>

#include "northbound.h"
#include "yang.h"

#include "vrrpd/vrrp.h"

#include "track.h"

#define TRACK_XP_GROUP	  VRRP_XPATH_FULL
#define TRACK_XP_PRIORITY VRRP_XPATH_FULL "/priority"
#define TRACK_XP_SHUTDOWN VRRP_XPATH_FULL "/shutdown"

static int (*vrrp_group_destroy)(struct nb_cb_destroy_args *args);
static int (*vrrp_priority_modify)(struct nb_cb_modify_args *args);
static int (*vrrp_shutdown_modify)(struct nb_cb_modify_args *args);

static int track_nb_group_destroy(struct nb_cb_destroy_args *args)
{
	struct vrrp_vrouter *vr = NULL;
	char ifname[IFNAMSIZ] = "";
	uint8_t vrid = 0;
	int ret;

	if (args->event == NB_EV_APPLY)
		vr = nb_running_get_entry(args->dnode, NULL, false);
	if (vr && vr->ifp) {
		strlcpy(ifname, vr->ifp->name, sizeof(ifname));
		vrid = vr->vrid;
	}
	/* vrrpd shuts the router down first: Initialize is published */
	ret = vrrp_group_destroy(args);
	if (vrid && ret == NB_OK) {
		track_pub_deleted(ifname, vrid);
		track_vr_deleted(ifname, vrid);
	}
	return ret;
}

static int track_nb_priority_modify(struct nb_cb_modify_args *args)
{
	int ret = vrrp_priority_modify(args);

	if (args->event == NB_EV_APPLY && ret == NB_OK)
		track_vr_base_changed(nb_running_get_entry(args->dnode, NULL, false));
	return ret;
}

static int track_nb_shutdown_modify(struct nb_cb_modify_args *args)
{
	if (args->event == NB_EV_APPLY &&
	    track_vr_shutdown_config(nb_running_get_entry(args->dnode, NULL, false),
				     yang_dnode_get_bool(args->dnode, NULL)))
		return NB_OK;
	return vrrp_shutdown_modify(args);
}

static struct nb_node *track_nb_node(const char *xpath)
{
	struct nb_node *nn = nb_node_find(xpath);

	/* vrrpd 10.3 registers all three */
	assert(nn);
	return nn;
}

void track_nb_init(void)
{
	struct nb_node *nn;

	nn = track_nb_node(TRACK_XP_GROUP);
	vrrp_group_destroy = nn->cbs.destroy;
	assert(vrrp_group_destroy);
	nn->cbs.destroy = track_nb_group_destroy;

	nn = track_nb_node(TRACK_XP_PRIORITY);
	vrrp_priority_modify = nn->cbs.modify;
	assert(vrrp_priority_modify);
	nn->cbs.modify = track_nb_priority_modify;

	nn = track_nb_node(TRACK_XP_SHUTDOWN);
	vrrp_shutdown_modify = nn->cbs.modify;
	assert(vrrp_shutdown_modify);
	nn->cbs.modify = track_nb_shutdown_modify;
}

void track_nb_fini(void)
{
	struct nb_node *nn;

	nn = nb_node_find(TRACK_XP_GROUP);
	if (nn && vrrp_group_destroy)
		nn->cbs.destroy = vrrp_group_destroy;
	nn = nb_node_find(TRACK_XP_PRIORITY);
	if (nn && vrrp_priority_modify)
		nn->cbs.modify = vrrp_priority_modify;
	nn = nb_node_find(TRACK_XP_SHUTDOWN);
	if (nn && vrrp_shutdown_modify)
		nn->cbs.modify = vrrp_shutdown_modify;
}
