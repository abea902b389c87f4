// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: CLI.  The monitor-group node, the interface commands
 * `vrrp (1-255) track ...` and `vrrp (1-255) preempt delay`, their config
 * output, and the show commands.
 */
#include <zebra.h>

#include "command.h"
#include "hash.h"
#include "json.h"
#include "monotime.h"
#include "sockunion.h"
#include "vrf.h"
#include "vty.h"
#include "zclient.h"

#include "vrrpd/vrrp.h"

#include "track.h"
#include "etrunk.h"

struct debug track_dbg = { 0, "debug vrrp track", "VRRP state publication and tracking" };

static struct cmd_node track_mgroup_node = {
	.name = "monitor-group",
	.node = TRACK_MGROUP_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-monitor-group)# ",
	/* written by track_if_config_write(), see there */
	.no_xpath = true,
};

#define MGROUP_STR    "Interface monitor group\n"
#define MGROUP_NAME   "Monitor group name\n"
#define VRRP_STR      "Virtual Router Redundancy Protocol\n"
#define VRID_STR      "Virtual Router ID\n"
#define TRACK_STR     "Track an object: change priority or take over on its state\n"
#define TRACK_BFD_STR "BFD session (through bfdd)\n"

static int track_cli_err(struct vty *vty, const char *err)
{
	if (!err)
		return CMD_SUCCESS;
	vty_out(vty, "%% %s\n", err);
	return CMD_WARNING_CONFIG_FAILED;
}

static void track_su2ip(const union sockunion *su, struct ipaddr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!su)
		SET_IPADDR_NONE(ip);
	else if (sockunion_family(su) == AF_INET) {
		ip->ipa_type = IPADDR_V4;
		ip->ipaddr_v4 = su->sin.sin_addr;
	} else {
		ip->ipa_type = IPADDR_V6;
		ip->ipaddr_v6 = su->sin6.sin6_addr;
	}
}

/* Tracking is per default-VRF interface, like the BFD sessions it uses */
static const char *track_cli_ifp(const struct interface *ifp)
{
	if (ifp->vrf->vrf_id != VRF_DEFAULT)
		return "VRRP tracking works in the default VRF only";
	return NULL;
}

#include "vrrpd-track/track_vty_clippy.c"

/* --- monitor-group ---------------------------------------------------- */

DEFPY_NOSH(mgroup_enter, mgroup_enter_cmd, "monitor-group WORD$name",
	   MGROUP_STR MGROUP_NAME)
{
	const char *err = NULL;
	struct track_mgroup *mg = track_mgroup_get(name, &err);

	if (!mg)
		return track_cli_err(vty, err);
	VTY_PUSH_CONTEXT(TRACK_MGROUP_NODE, mg);
	return CMD_SUCCESS;
}

DEFPY(mgroup_delete, mgroup_delete_cmd, "no monitor-group WORD$name",
      NO_STR MGROUP_STR MGROUP_NAME)
{
	const char *err = track_name_check("monitor-group", name, TRACK_NAME_MAX);
	struct track_mgroup *mg;

	if (err)
		return track_cli_err(vty, err);
	mg = track_mgroup_find(name);
	if (!mg) {
		vty_out(vty, "%% monitor-group %s does not exist\n", name);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return track_cli_err(vty, track_mgroup_del(mg));
}

DEFPY(mgroup_binding, mgroup_binding_cmd,
      "binding interface IFNAME$ifname [down-weight (1-1000)$weight]",
      "Bind an interface to the group\n"
      "Interface to monitor\n"
      "Interface name\n"
      "Weight of the interface when it is down (default 10)\n"
      "Weight\n")
{
	VTY_DECLVAR_CONTEXT(track_mgroup, mg);

	return track_cli_err(vty,
			     track_mgroup_bind(mg, ifname, weight ? weight : TRACK_DEFAULT_WEIGHT));
}

DEFPY(no_mgroup_binding, no_mgroup_binding_cmd,
      "no binding interface IFNAME$ifname [down-weight (1-1000)]",
      NO_STR
      "Bind an interface to the group\n"
      "Interface to monitor\n"
      "Interface name\n"
      "Weight of the interface when it is down\n"
      "Weight\n")
{
	VTY_DECLVAR_CONTEXT(track_mgroup, mg);

	return track_cli_err(vty, track_mgroup_unbind(mg, ifname));
}

/* --- vrrp (1-255) track bfd ------------------------------------------- */

DEFPY(vrrp_track_bfd, vrrp_track_bfd_cmd,
      "vrrp (1-255)$vrid track bfd peer <A.B.C.D|X:X::X:X>$peer [local-address <A.B.C.D|X:X::X:X>$local] [interface IFNAME$bfd_ifname] [profile BFDPROF$profile] <reduced (1-254)$reduced|increased (1-254)$increased|peer$takeover|link$own_link>",
      VRRP_STR VRID_STR TRACK_STR TRACK_BFD_STR
      "Address of the BFD peer\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Local address of the session\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Interface of the session\n"
      "Interface name\n"
      "BFD profile (bfdd)\n"
      "Profile name\n"
      "While the session is down, lower the priority\n"
      "Priority decrement\n"
      "While the session is down, raise the priority\n"
      "Priority increment\n"
      "Session to the master (on a backup): its failure makes this router take over at once\n"
      "Session over this router's own link: while down, a peer session failing is no takeover\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	struct ipaddr p, l;
	enum track_mode mode = TRACK_M_REDUCED;
	uint8_t value = 0;
	const char *err = track_cli_ifp(ifp);

	if (err)
		return track_cli_err(vty, err);
	track_su2ip(peer, &p);
	track_su2ip(local, &l);
	if (local && ipaddr_family(&l) != ipaddr_family(&p)) {
		vty_out(vty, "%% local-address %s is not of the same address family as peer %s\n",
			local_str, peer_str);
		return CMD_WARNING_CONFIG_FAILED;
	}
	if (IS_IPADDR_V6(&p) && IN6_IS_ADDR_LINKLOCAL(&p.ipaddr_v6) && !bfd_ifname) {
		vty_out(vty, "%% BFD peer %s is link-local: give its interface\n", peer_str);
		return CMD_WARNING_CONFIG_FAILED;
	}
	if (reduced_str) {
		mode = TRACK_M_REDUCED;
		value = reduced;
	} else if (increased_str) {
		mode = TRACK_M_INCREASED;
		value = increased;
	} else if (takeover)
		mode = TRACK_M_PEER;
	else if (own_link)
		mode = TRACK_M_LINK;

	return track_cli_err(vty, track_vr_set_bfd(ifp->name, vrid, &p, &l, bfd_ifname, profile,
						   mode, value));
}

DEFPY(no_vrrp_track_bfd, no_vrrp_track_bfd_cmd,
      "no vrrp (1-255)$vrid track bfd peer <A.B.C.D|X:X::X:X>$peer [local-address <A.B.C.D|X:X::X:X>$local] [interface IFNAME$bfd_ifname] [profile BFDPROF] [<reduced (1-254)|increased (1-254)|peer|link>]",
      NO_STR VRRP_STR VRID_STR TRACK_STR TRACK_BFD_STR
      "Address of the BFD peer\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Local address of the session\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Interface of the session\n"
      "Interface name\n"
      "BFD profile (bfdd)\n"
      "Profile name\n"
      "Lower the priority\n"
      "Priority decrement\n"
      "Raise the priority\n"
      "Priority increment\n"
      "Session to the master\n"
      "Session over this router's own link\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	struct ipaddr p, l;

	track_su2ip(peer, &p);
	track_su2ip(local, &l);
	return track_cli_err(vty, track_vr_unset_bfd(ifp->name, vrid, &p, &l, bfd_ifname));
}

/* --- vrrp (1-255) track monitor-group ---------------------------------- */

DEFPY(vrrp_track_mgroup, vrrp_track_mgroup_cmd,
      "vrrp (1-255)$vrid track monitor-group WORD$name failure-ratio (1-100)$ratio [<link$hold|reduced (1-254)$reduced>]",
      VRRP_STR VRID_STR TRACK_STR MGROUP_STR MGROUP_NAME
      "Weighted share of the group's interfaces down that counts as a failure\n"
      "Percent\n"
      "On failure, hold the virtual router in Initialize\n"
      "On failure, lower the priority (default: to 1)\n"
      "Priority decrement\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	const char *err = track_cli_ifp(ifp);

	if (err)
		return track_cli_err(vty, err);
	return track_cli_err(vty, track_vr_set_mgroup(ifp->name, vrid, name, ratio,
						      hold ? TRACK_M_LINK : TRACK_M_REDUCED,
						      reduced_str ? reduced : 0));
}

/* The parser would call an out-of-range number an unknown command: catch
 * those here to say which one is wrong.
 */
DEFPY_HIDDEN(vrrp_track_mgroup_bad, vrrp_track_mgroup_bad_cmd,
	     "vrrp (1-255)$vrid track monitor-group WORD$name failure-ratio WORD$ratio [<link|reduced WORD$reduced>]",
	     VRRP_STR VRID_STR TRACK_STR MGROUP_STR MGROUP_NAME
	     "Weighted share of the group's interfaces down that counts as a failure\n"
	     "Percent\n"
	     "On failure, hold the virtual router in Initialize\n"
	     "On failure, lower the priority\n"
	     "Priority decrement\n")
{
	char *end;
	long v = strtol(ratio, &end, 10);

	if (*end || v < 1 || v > 100) {
		vty_out(vty, "%% failure-ratio %s is not valid: use 1-100 (percent)\n", ratio);
		return CMD_WARNING_CONFIG_FAILED;
	}
	vty_out(vty, "%% reduced %s is not valid: use 1-254\n", reduced ? reduced : "?");
	return CMD_WARNING_CONFIG_FAILED;
}

DEFPY(no_vrrp_track_mgroup, no_vrrp_track_mgroup_cmd,
      "no vrrp (1-255)$vrid track monitor-group WORD$name [failure-ratio (1-100) [<link|reduced (1-254)>]]",
      NO_STR VRRP_STR VRID_STR TRACK_STR MGROUP_STR MGROUP_NAME
      "Failure ratio\n"
      "Percent\n"
      "Hold in Initialize\n"
      "Lower the priority\n"
      "Priority decrement\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	return track_cli_err(vty, track_vr_unset_mgroup(ifp->name, vrid, name));
}

/* --- vrrp (1-255) preempt delay -------------------------------------- */

DEFPY(vrrp_preempt_delay, vrrp_preempt_delay_cmd,
      "vrrp (1-255)$vrid preempt delay (1-3600)$seconds [wait-sync$wait_sync]",
      VRRP_STR VRID_STR
      "Preempt mode\n"
      "After the router starts, wait before preempting a master (priority 1 meanwhile)\n"
      "Seconds (with wait-sync: at most)\n"
      "End the delay once the remote backup profiles of the group have resynced\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	const char *err = track_cli_ifp(ifp);

	if (err)
		return track_cli_err(vty, err);
	return track_cli_err(vty, track_vr_set_preempt_delay(ifp->name, vrid, seconds, !!wait_sync));
}

DEFPY(no_vrrp_preempt_delay, no_vrrp_preempt_delay_cmd,
      "no vrrp (1-255)$vrid preempt delay [(1-3600) [wait-sync]]",
      NO_STR VRRP_STR VRID_STR
      "Preempt mode\n"
      "Wait before preempting a master\n"
      "Seconds\n"
      "End the delay once the remote backup profiles of the group have resynced\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	return track_cli_err(vty, track_vr_set_preempt_delay(ifp->name, vrid, 0, false));
}

/* --- config output ------------------------------------------------------ */

/*
 * vrrpd's interface writer prints what its northbound tree holds.  The
 * module prints its monitor groups before it, because interface lines
 * refer to them and a daemon reading its own config file takes blocks in
 * order; and its interface blocks after it, which vtysh merges by name.
 */
static int (*track_if_config_write_orig)(struct vty *vty);

static int track_if_config_write(struct vty *vty)
{
	int n = track_mgroup_config_write(vty);

	if (track_if_config_write_orig)
		n += track_if_config_write_orig(vty);
	n += track_vr_config_write(vty);
	return n + etrunk_members_config_write(vty);
}

/* --- show --------------------------------------------------------------- */

struct track_show {
	struct vty *vty;
	json_object *jarr;
	const char *ifname;
	long vrid;
};

static void track_show_obj(struct vty *vty, const struct track_obj *obj, json_object *jarr)
{
	char ebuf[32];
	const char *effect = track_obj_effect(obj, ebuf, sizeof(ebuf));
	const char *state;
	uint32_t down = 0, total = 0;
	json_object *jo = NULL;

	if (obj->type == TRACK_T_BFD)
		state = track_bfd_state_name(obj->bfd->state);
	else {
		track_mgroup_weights(obj->mg, &down, &total);
		state = obj->down ? "down" : "up";
	}

	if (jarr) {
		jo = json_object_new_object();
		json_object_string_add(jo, "type",
				       obj->type == TRACK_T_BFD ? "bfd" : "monitor-group");
		if (obj->type == TRACK_T_BFD) {
			json_object_string_addf(jo, "peer", "%pIA", &obj->bfd->peer);
			if (!IS_IPADDR_NONE(&obj->bfd->local))
				json_object_string_addf(jo, "localAddress", "%pIA",
							&obj->bfd->local);
			if (obj->bfd->ifname[0])
				json_object_string_add(jo, "interface", obj->bfd->ifname);
			if (obj->bfd->profile[0])
				json_object_string_add(jo, "profile", obj->bfd->profile);
			json_object_int_add(jo, "sessionUpToDown", obj->bfd->up_to_down);
		} else {
			json_object_string_add(jo, "group", obj->mg->name);
			json_object_int_add(jo, "failureRatio", obj->ratio);
			json_object_int_add(jo, "downWeight", down);
			json_object_int_add(jo, "totalWeight", total);
			json_object_int_add(jo, "downPercent", total ? down * 100 / total : 0);
		}
		json_object_string_add(jo, "mode", track_mode_name(obj->mode));
		if (obj->mode == TRACK_M_REDUCED || obj->mode == TRACK_M_INCREASED)
			json_object_int_add(jo, "value", obj->value);
		json_object_string_add(jo, "state", state);
		json_object_string_add(jo, "effect", effect);
		json_object_int_add(jo, "downEvents", obj->down_events);
		if (obj->mode == TRACK_M_PEER) {
			json_object_int_add(jo, "takeovers", obj->takeovers);
			json_object_int_add(jo, "takeoversSuppressed", obj->takeovers_suppressed);
		}
		if (obj->last_change)
			json_object_int_add(jo, "lastChangeSecondsAgo",
					    monotime(NULL) - obj->last_change);
		json_object_array_add(jarr, jo);
		return;
	}

	if (obj->type == TRACK_T_BFD) {
		vty_out(vty, "    bfd peer %pIA", &obj->bfd->peer);
		if (!IS_IPADDR_NONE(&obj->bfd->local))
			vty_out(vty, " local-address %pIA", &obj->bfd->local);
		if (obj->bfd->ifname[0])
			vty_out(vty, " interface %s", obj->bfd->ifname);
		if (obj->bfd->profile[0])
			vty_out(vty, " profile %s", obj->bfd->profile);
	} else
		vty_out(vty, "    monitor-group %s failure-ratio %u%% (%u of %u down)",
			obj->mg->name, obj->ratio, down, total);
	vty_out(vty, "\n      mode %s", track_mode_name(obj->mode));
	if (obj->mode == TRACK_M_REDUCED || obj->mode == TRACK_M_INCREASED)
		vty_out(vty, " %u", obj->value);
	vty_out(vty, ", state %s, effect: %s, down %u times", state, effect, obj->down_events);
	if (obj->mode == TRACK_M_PEER)
		vty_out(vty, ", %u takeovers (%u suppressed)", obj->takeovers,
			obj->takeovers_suppressed);
	vty_out(vty, "\n");
}

static void track_show_router(struct track_show *ts, const struct vrrp_vrouter *vr,
			      const struct vrrp_router *r)
{
	const struct track_vr *tvr = track_vr_of(vr);
	const struct track_obj *obj;
	int fam = r->family == AF_INET ? 4 : 6;

	if (ts->jarr) {
		json_object *jo = json_object_new_object();
		json_object *jt = json_object_new_array();

		json_object_int_add(jo, "vrid", vr->vrid);
		json_object_string_add(jo, "interface", vr->ifp->name);
		json_object_int_add(jo, "family", fam);
		json_object_string_add(jo, "state", track_state_name(r->fsm.state));
		json_object_int_add(jo, "basePriority", vr->priority);
		json_object_int_add(jo, "effectivePriority", r->priority);
		json_object_int_add(jo, "transitions", r->stats.trans_cnt);
		json_object_boolean_add(jo, "heldInInitialize", tvr && tvr->held);
		if (tvr && tvr->preempt_delay) {
			json_object_int_add(jo, "preemptDelay", tvr->preempt_delay);
			json_object_int_add(jo, "preemptDelays", tvr->preempt_delays);
			if (tvr->t_preempt)
				json_object_int_add(jo, "preemptDelayRemaining",
						    track_vr_preempt_remain(tvr));
			json_object_boolean_add(jo, "preemptWaitSync", tvr->wait_sync);
			if (tvr->wait_sync) {
				json_object *js = json_object_new_array();

				track_sync_show(ts->vty, vr->ifp->name, vr->vrid, js);
				json_object_object_add(jo, "syncStates", js);
			}
		}
		if (tvr)
			frr_each (track_objs_const, &tvr->objs, obj)
				track_show_obj(ts->vty, obj, jt);
		json_object_object_add(jo, "tracked", jt);
		json_object_array_add(ts->jarr, jo);
		return;
	}
	vty_out(ts->vty, "VRRP %u on %s IPv%d: %s, priority %u (base %u), %u transitions%s\n",
		vr->vrid, vr->ifp->name, fam, track_state_name(r->fsm.state), r->priority,
		vr->priority, r->stats.trans_cnt, tvr && tvr->held ? ", held in Initialize" : "");
	if (tvr && tvr->preempt_delay) {
		vty_out(ts->vty, "  preempt delay %u s%s, started %u times", tvr->preempt_delay,
			tvr->wait_sync ? " at most, until the profiles have resynced" : "",
			tvr->preempt_delays);
		if (tvr->t_preempt)
			vty_out(ts->vty, ", running: %ld s left (priority 1)",
				track_vr_preempt_remain(tvr));
		vty_out(ts->vty, "\n");
		if (tvr->wait_sync) {
			vty_out(ts->vty, "  waits for:%s\n",
				track_sync_done(vr->ifp->name, vr->vrid) ? " (all synced)" : "");
			track_sync_show(ts->vty, vr->ifp->name, vr->vrid, NULL);
		}
	}
	if (!tvr || !track_objs_count(&tvr->objs)) {
		vty_out(ts->vty, "  no tracked objects\n");
		return;
	}
	vty_out(ts->vty, "  tracked objects:\n");
	frr_each (track_objs_const, &tvr->objs, obj)
		track_show_obj(ts->vty, obj, NULL);
}

static int track_show_walk(struct hash_bucket *b, void *arg)
{
	struct track_show *ts = arg;
	const struct vrrp_vrouter *vr = b->data;

	if (!vr->ifp)
		return HASHWALK_CONTINUE;
	if (ts->ifname && strcmp(ts->ifname, vr->ifp->name))
		return HASHWALK_CONTINUE;
	if (ts->vrid && ts->vrid != vr->vrid)
		return HASHWALK_CONTINUE;
	track_show_router(ts, vr, vr->v4);
	track_show_router(ts, vr, vr->v6);
	return HASHWALK_CONTINUE;
}

static void track_show_publication(struct vty *vty, json_object *js)
{
	struct zclient *zc = track_zclient();
	uint32_t session = zc ? zc->session_id : 0;

	if (js) {
		json_object *jp = json_object_new_object();

		json_object_boolean_add(jp, "zebraConnected", track_zebra_connected());
		json_object_int_add(jp, "zebraConnects", track_zebra_connects());
		json_object_int_add(jp, "sessionId", session);
		json_object_int_add(jp, "sent", track_pub.sent);
		json_object_int_add(jp, "sendFailures", track_pub.send_failures);
		json_object_int_add(jp, "transitions", track_pub.transitions);
		json_object_int_add(jp, "deletions", track_pub.deletions);
		json_object_int_add(jp, "dumps", track_pub.dumps);
		json_object_int_add(jp, "requestsReceived", track_pub.requests);
		json_object_int_add(jp, "requestsAnswered", track_pub.requests_answered);
		json_object_int_add(jp, "lastSeq", track_pub.seq);
		json_object_object_add(js, "publication", jp);
		return;
	}
	vty_out(vty, "Publication to pimd/pim6d: zebra %s (session %u, %u connects)\n",
		track_zebra_connected() ? "connected" : "not connected", session,
		track_zebra_connects());
	vty_out(vty,
		"  %" PRIu64 " messages sent (%" PRIu64 " transitions, %" PRIu64 " dumps, %" PRIu64
		" deletions), %" PRIu64 " not sent\n",
		track_pub.sent, track_pub.transitions, track_pub.dumps, track_pub.deletions,
		track_pub.send_failures);
	vty_out(vty, "  %" PRIu64 " requests received, %" PRIu64 " answered\n", track_pub.requests,
		track_pub.requests_answered);
}

DEFPY(show_vrrp_track, show_vrrp_track_cmd,
      "show vrrp [interface INTERFACE$ifn] [(1-255)$vrid] track [json$json]",
      SHOW_STR
      "VRRP information\n"
      "Interface\n"
      "Interface name\n"
      "Virtual Router ID\n"
      "Priorities, tracked objects and state publication\n" JSON_STR)
{
	struct track_show ts = { .vty = vty, .ifname = ifn, .vrid = vrid };
	json_object *js = NULL;

	if (json) {
		js = json_object_new_object();
		ts.jarr = json_object_new_array();
		json_object_object_add(js, "routers", ts.jarr);
	}
	hash_walk(vrrp_vrouters_hash, track_show_walk, &ts);
	track_show_publication(vty, js);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

DEFPY(show_vrrp_mgroup, show_vrrp_mgroup_cmd,
      "show vrrp monitor-group [WORD$name] [json$json]",
      SHOW_STR
      "VRRP information\n" MGROUP_STR MGROUP_NAME JSON_STR)
{
	const struct track_mgroup *mg;
	const struct track_bind *b;
	const struct track_vr *tvr;
	const struct track_obj *obj;
	json_object *js = NULL, *jgroups = NULL;

	if (name && !track_mgroup_find(name)) {
		if (json)
			vty_out(vty, "{}\n");
		else
			vty_out(vty, "%% monitor-group %s does not exist\n", name);
		return CMD_WARNING;
	}
	if (json) {
		js = json_object_new_object();
		jgroups = json_object_new_object();
		json_object_object_add(js, "groups", jgroups);
	}
	frr_each (track_mgroups_const, &track_mgroups, mg) {
		uint32_t down, total;
		json_object *jg = NULL, *jifs = NULL, *jusers = NULL;

		if (name && strcmp(name, mg->name))
			continue;
		track_mgroup_weights(mg, &down, &total);
		if (js) {
			jg = json_object_new_object();
			jifs = json_object_new_array();
			jusers = json_object_new_array();
			json_object_int_add(jg, "downWeight", down);
			json_object_int_add(jg, "totalWeight", total);
			json_object_int_add(jg, "downPercent", total ? down * 100 / total : 0);
			json_object_object_add(jg, "interfaces", jifs);
			json_object_object_add(jg, "trackedBy", jusers);
			json_object_object_add(jgroups, mg->name, jg);
		} else
			vty_out(vty, "Monitor group %s: %u of %u down-weight down (%u%%)\n",
				mg->name, down, total, total ? down * 100 / total : 0);
		frr_each (track_binds_const, &mg->binds, b) {
			bool bdown = track_bind_down(b);

			if (jifs) {
				json_object *jb = json_object_new_object();

				json_object_string_add(jb, "interface", b->ifname);
				json_object_int_add(jb, "downWeight", b->weight);
				json_object_string_add(jb, "state", bdown ? "down" : "up");
				json_object_array_add(jifs, jb);
			} else
				vty_out(vty, "  interface %-16s down-weight %-4u %s\n", b->ifname,
					b->weight, bdown ? "down" : "up");
		}
		frr_each (track_vrs_const, &track_vrs, tvr)
			frr_each (track_objs_const, &tvr->objs, obj) {
				if (obj->type != TRACK_T_MGROUP || obj->mg != mg)
					continue;
				if (jusers) {
					json_object *ju = json_object_new_object();

					json_object_string_add(ju, "interface", tvr->ifname);
					json_object_int_add(ju, "vrid", tvr->vrid);
					json_object_boolean_add(ju, "failed", obj->down);
					json_object_array_add(jusers, ju);
				} else
					vty_out(vty, "  tracked by VRRP %u on %s: %s\n", tvr->vrid,
						tvr->ifname, obj->down ? "failed" : "ok");
			}
	}
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
	/* lib/bfd's own messages about our sessions */
	bfd_protocol_integration_set_debug(DEBUG_MODE_CHECK(&track_dbg, DEBUG_MODE_ALL));
	return CMD_SUCCESS;
}

void track_vty_init(void)
{
	struct cmd_node *ifnode;

	install_node(&track_mgroup_node);
	install_default(TRACK_MGROUP_NODE);
	install_element(CONFIG_NODE, &mgroup_enter_cmd);
	install_element(CONFIG_NODE, &mgroup_delete_cmd);
	install_element(TRACK_MGROUP_NODE, &mgroup_binding_cmd);
	install_element(TRACK_MGROUP_NODE, &no_mgroup_binding_cmd);

	install_element(INTERFACE_NODE, &vrrp_track_bfd_cmd);
	install_element(INTERFACE_NODE, &no_vrrp_track_bfd_cmd);
	install_element(INTERFACE_NODE, &vrrp_track_mgroup_cmd);
	install_element(INTERFACE_NODE, &vrrp_track_mgroup_bad_cmd);
	install_element(INTERFACE_NODE, &no_vrrp_track_mgroup_cmd);
	install_element(INTERFACE_NODE, &vrrp_preempt_delay_cmd);
	install_element(INTERFACE_NODE, &no_vrrp_preempt_delay_cmd);

	install_element(VIEW_NODE, &show_vrrp_track_cmd);
	install_element(VIEW_NODE, &show_vrrp_mgroup_cmd);
	install_element(ENABLE_NODE, &debug_vrrp_track_cmd);
	install_element(CONFIG_NODE, &debug_vrrp_track_cmd);

	ifnode = vector_lookup(cmdvec, INTERFACE_NODE);
	assert(ifnode);
	track_if_config_write_orig = ifnode->config_write;
	ifnode->config_write = track_if_config_write;
}
