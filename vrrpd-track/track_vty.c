// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: CLI.
 */
#include <zebra.h>

#include "command.h"
#include "hash.h"
#include "json.h"
#include "vty.h"

#include "vrrpd/vrrp.h"

#include "track.h"

struct debug track_dbg = { 0, "debug vrrp track",
			   "VRRP state publication and tracking" };

#include "vrrpd-track/track_vty_clippy.c"

struct track_show {
	struct vty *vty;
	json_object *jarr;
	const char *ifname;
	long vrid;
};

static void track_show_router(struct track_show *ts,
			      const struct vrrp_vrouter *vr,
			      const struct vrrp_router *r)
{
	int fam = r->family == AF_INET ? 4 : 6;

	if (ts->jarr) {
		json_object *jo = json_object_new_object();

		json_object_int_add(jo, "vrid", vr->vrid);
		json_object_string_add(jo, "interface", vr->ifp->name);
		json_object_int_add(jo, "family", fam);
		json_object_string_add(jo, "state",
				       track_state_name(r->fsm.state));
		json_object_int_add(jo, "basePriority", vr->priority);
		json_object_int_add(jo, "effectivePriority", r->priority);
		json_object_int_add(jo, "transitions", r->stats.trans_cnt);
		json_object_array_add(ts->jarr, jo);
		return;
	}
	vty_out(ts->vty, "%-16s %-5u IPv%d  %-10s %-5u %-5u %u\n",
		vr->ifp->name, vr->vrid, fam, track_state_name(r->fsm.state),
		vr->priority, r->priority, r->stats.trans_cnt);
}

static int track_show_walk(struct hash_bucket *b, void *arg)
{
	struct track_show *ts = arg;
	const struct vrrp_vrouter *vr = b->data;

	if (ts->ifname && strcmp(ts->ifname, vr->ifp->name))
		return HASHWALK_CONTINUE;
	if (ts->vrid && ts->vrid != vr->vrid)
		return HASHWALK_CONTINUE;
	track_show_router(ts, vr, vr->v4);
	track_show_router(ts, vr, vr->v6);
	return HASHWALK_CONTINUE;
}

DEFPY(show_vrrp_track, show_vrrp_track_cmd,
      "show vrrp [interface INTERFACE$ifn] [(1-255)$vrid] track [json$json]",
      SHOW_STR
      "VRRP information\n"
      "Interface\n"
      "Interface name\n"
      "Virtual Router ID\n"
      "Priorities and tracked objects\n" JSON_STR)
{
	struct track_show ts = { .vty = vty, .ifname = ifn, .vrid = vrid };
	json_object *js = NULL;

	if (json) {
		js = json_object_new_object();
		ts.jarr = json_object_new_array();
		json_object_object_add(js, "routers", ts.jarr);
	} else
		vty_out(vty, "%-16s %-5s %-5s %-10s %-5s %-5s %s\n",
			"Interface", "VRID", "AF", "State", "Base", "Eff",
			"Transitions");
	hash_walk(vrrp_vrouters_hash, track_show_walk, &ts);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

DEFPY(debug_vrrp_track, debug_vrrp_track_cmd, "[no] debug vrrp track",
      NO_STR DEBUG_STR
      "VRRP information\n"
      "State publication and tracking\n")
{
	DEBUG_MODE_SET(&track_dbg, DEBUG_NODE2MODE(vty->node), !no);
	return CMD_SUCCESS;
}

void track_vty_init(void)
{
	install_element(VIEW_NODE, &show_vrrp_track_cmd);
	install_element(ENABLE_NODE, &debug_vrrp_track_cmd);
	install_element(CONFIG_NODE, &debug_vrrp_track_cmd);
}
