// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: CLI.  Configuration nodes remote-backup-service and
 * remote-backup-profile, the interface binding, their config output, and
 * the show commands of services and profiles.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "json.h"
#include "if.h"
#include "vrf.h"
#include "monotime.h"

#include "rbp.h"
#include "rbp_gm.h"
#include "rbp_install.h"
#include "rbp_role.h"
#include "rbp_session.h"

static int rbp_service_config_write(struct vty *vty);
static int rbp_profile_config_write(struct vty *vty);

static struct cmd_node rbp_service_node = {
	.name = "remote-backup-service",
	.node = RBP_SERVICE_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-rb-service)# ",
	.config_write = rbp_service_config_write,
	.no_xpath = true,
};

static struct cmd_node rbp_profile_node = {
	.name = "remote-backup-profile",
	.node = RBP_PROFILE_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-rb-profile)# ",
	.config_write = rbp_profile_config_write,
	.no_xpath = true,
};

#define RBS_STR	     "Remote backup service (RBS): the channel to the twin router\n"
#define RBS_NAME_STR "Service name\n"
#define RBP_STR	     "Remote backup profile (RBP): what is backed up and how\n"
#define RBP_NAME_STR "Profile name\n"
#define RB_SHOW_STR  "Remote backup (IGMP/MLD dual-device hot backup)\n"

static int rbp_cli_err(struct vty *vty, const char *err)
{
	if (!err)
		return CMD_SUCCESS;
	vty_out(vty, "%% %s\n", err);
	return CMD_WARNING_CONFIG_FAILED;
}

#include "pimd-rbp/rbp_vty_clippy.c"

/* --- remote-backup-service -------------------------------------------- */

DEFPY_NOSH(rbp_service, rbp_service_cmd, "remote-backup-service WORD$name",
	   RBS_STR RBS_NAME_STR)
{
	const char *err;
	struct rbp_service *svc = rbp_service_get(name, &err);

	if (!svc)
		return rbp_cli_err(vty, err);
	VTY_PUSH_CONTEXT(RBP_SERVICE_NODE, svc);
	return CMD_SUCCESS;
}

DEFPY(no_rbp_service, no_rbp_service_cmd, "no remote-backup-service WORD$name",
      NO_STR RBS_STR RBS_NAME_STR)
{
	struct rbp_service *svc = rbp_service_find(name);

	if (!svc) {
		vty_out(vty, "%% remote-backup-service %s does not exist\n", name);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return rbp_cli_err(vty, rbp_service_del(svc));
}

DEFPY(rbp_service_peer, rbp_service_peer_cmd,
      "peer <A.B.C.D|X:X::X:X>$peer source <A.B.C.D|X:X::X:X>$source port (0-65535)$port",
      "Twin router's address\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Local address the channel uses\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "TCP port, the same on both routers (IGMP uses it, MLD port + 1)\n"
      "Port number (1-65534)\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_err(vty, rbp_service_set_peer(svc, peer, source, port));
}

DEFPY(no_rbp_service_peer, no_rbp_service_peer_cmd,
      "no peer [<A.B.C.D|X:X::X:X> source <A.B.C.D|X:X::X:X> port (0-65535)]",
      NO_STR
      "Twin router's address\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Local address the channel uses\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "TCP port\n"
      "Port number\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	rbp_service_unset_peer(svc);
	return CMD_SUCCESS;
}

static int rbp_service_config_write(struct vty *vty)
{
	const struct rbp_service *svc;
	int n = 0;

	frr_each (rbp_services_const, &rbp_services, svc) {
		vty_out(vty, "remote-backup-service %s\n", svc->name);
		if (svc->peer_set)
			vty_out(vty, " peer %pSU source %pSU port %u\n", &svc->peer, &svc->source,
				svc->port);
		vty_out(vty, "exit\n!\n");
		n++;
	}
	return n;
}

/* --- remote-backup-profile -------------------------------------------- */

DEFPY_NOSH(rbp_profile, rbp_profile_cmd, "remote-backup-profile WORD$name",
	   RBP_STR RBP_NAME_STR)
{
	const char *err;
	struct rbp_profile *prf = rbp_profile_get(name, &err);

	if (!prf)
		return rbp_cli_err(vty, err);
	VTY_PUSH_CONTEXT(RBP_PROFILE_NODE, prf);
	return CMD_SUCCESS;
}

DEFPY(no_rbp_profile, no_rbp_profile_cmd, "no remote-backup-profile WORD$name",
      NO_STR RBP_STR RBP_NAME_STR)
{
	struct rbp_profile *prf = rbp_profile_find(name);

	if (!prf) {
		vty_out(vty, "%% remote-backup-profile %s does not exist\n", name);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return rbp_cli_err(vty, rbp_profile_del(prf));
}

DEFPY(rbp_profile_backup_id, rbp_profile_backup_id_cmd,
      "backup-id (1-65535)$id remote-backup-service WORD$service",
      "Backup ID, the same on both routers and unique per service\n"
      "Backup ID\n" RBS_STR RBS_NAME_STR)
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_err(vty, rbp_profile_set_backup_id(prf, id, service));
}

DEFPY(no_rbp_profile_backup_id, no_rbp_profile_backup_id_cmd,
      "no backup-id [(1-65535) remote-backup-service WORD]",
      NO_STR
      "Backup ID\n"
      "Backup ID\n" RBS_STR RBS_NAME_STR)
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	rbp_profile_unset_backup_id(prf);
	return CMD_SUCCESS;
}

DEFPY(rbp_profile_type, rbp_profile_type_cmd,
      "service-type <igmp$igmp|mld$mld>",
      "Service whose membership the profile backs up\n"
      "IGMP (IPv4, handled by pimd)\n"
      "MLD (IPv6, handled by pim6d)\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_err(vty, rbp_profile_set_type(prf, igmp ? MSYNC_SVC_IGMP : MSYNC_SVC_MLD));
}

/* Catches anything but igmp|mld, which the parser would only call an
 * unknown command, to say what is wrong.
 */
DEFPY_HIDDEN(rbp_profile_type_bad, rbp_profile_type_bad_cmd,
	     "service-type WORD$type",
	     "Service whose membership the profile backs up\n"
	     "Service type\n")
{
	vty_out(vty, "%% Unknown service-type %s: use igmp or mld\n", type);
	return CMD_WARNING_CONFIG_FAILED;
}

DEFPY(no_rbp_profile_type, no_rbp_profile_type_cmd,
      "no service-type [<igmp|mld>]",
      NO_STR
      "Service whose membership the profile backs up\n"
      "IGMP\n"
      "MLD\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_err(vty, rbp_profile_set_type(prf, MSYNC_SVC_NONE));
}

DEFPY(rbp_profile_hot, rbp_profile_hot_cmd, "[no] peer-backup hot",
      NO_STR
      "How the twin backs up this router's entries\n"
      "Install them at once, upstream joins built, outgoing interface muted until takeover\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	if (prf->hot != !no) {
		prf->hot = !no;
		rbp_config_changed();
	}
	return CMD_SUCCESS;
}

DEFPY(rbp_profile_vrrp, rbp_profile_vrrp_cmd,
      "<vrrp-id$v4|vrrp6-id$v6> (1-255)$vrid interface IFNAME$ifname",
      "Take the role from a VRRP (IPv4) group\n"
      "Take the role from a VRRPv3 IPv6 group\n"
      "Virtual router ID\n"
      "Interface of the VRRP group\n"
      "Interface name\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_err(vty, rbp_profile_set_vrrp(prf, v4 ? 4 : 6, vrid, ifname));
}

DEFPY(no_rbp_profile_vrrp, no_rbp_profile_vrrp_cmd,
      "no <vrrp-id|vrrp6-id> [(1-255) interface IFNAME]",
      NO_STR
      "VRRP (IPv4) group\n"
      "VRRPv3 IPv6 group\n"
      "Virtual router ID\n"
      "Interface of the VRRP group\n"
      "Interface name\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	rbp_profile_unset_vrrp(prf);
	return CMD_SUCCESS;
}

static int rbp_profile_config_write(struct vty *vty)
{
	const struct rbp_profile *prf;
	int n = 0;

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		vty_out(vty, "remote-backup-profile %s\n", prf->name);
		if (prf->service)
			vty_out(vty, " backup-id %u remote-backup-service %s\n", prf->backup_id,
				prf->service->name);
		if (prf->type != MSYNC_SVC_NONE)
			vty_out(vty, " service-type %s\n", msync_svc_name(prf->type));
		if (prf->hot)
			vty_out(vty, " peer-backup hot\n");
		if (prf->vrrp.family)
			vty_out(vty, " %s %u interface %s\n",
				prf->vrrp.family == 4 ? "vrrp-id" : "vrrp6-id", prf->vrrp.vrid,
				prf->vrrp.ifname);
		vty_out(vty, "exit\n!\n");
		n++;
	}
	return n;
}

/* --- interface binding ------------------------------------------------ */

DEFPY(rbp_if_bind_profile, rbp_if_bind_profile_cmd,
      "[no] remote-backup-profile WORD$name",
      NO_STR RBP_STR RBP_NAME_STR)
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (ifp->vrf->vrf_id != VRF_DEFAULT) {
		vty_out(vty, "%% remote backup works in the default VRF only\n");
		return CMD_WARNING_CONFIG_FAILED;
	}
	return rbp_cli_err(vty, no ? rbp_if_unbind(ifp->name, name) : rbp_if_bind(ifp->name, name));
}

/* --- forwarding by VRRP, DR and assert state -------------------------- */

#define MCAST_TRACK_HELP                                                                           \
	"Multicast forwarding on this interface\n"                                                 \
	"Follow the mastership of a VRRP group\n"

static int rbp_if_track_cmd(struct vty *vty, long vrid, const char *other)
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (ifp->vrf->vrf_id != VRF_DEFAULT) {
		vty_out(vty, "%% remote backup works in the default VRF only\n");
		return CMD_WARNING_CONFIG_FAILED;
	}
	return rbp_cli_err(vty, rbp_if_set_track(ifp->name, PIM_IPV, vrid, other));
}

static int rbp_if_ignore_cmd(struct vty *vty, bool no, bool dr)
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (!no && ifp->vrf->vrf_id != VRF_DEFAULT) {
		vty_out(vty, "%% remote backup works in the default VRF only\n");
		return CMD_WARNING_CONFIG_FAILED;
	}
	return rbp_cli_err(vty, rbp_if_set_ignore(ifp->name, dr, !no));
}

#if PIM_IPV == 4
DEFPY(rbp_if_track, rbp_if_track_ip_cmd,
      "ip multicast track vrrp vrid (1-255)$vrid",
      IP_STR MCAST_TRACK_HELP
      "A VRRP group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#else
DEFPY(rbp_if_track, rbp_if_track_ipv6_cmd,
      "ipv6 multicast track vrrp6 vrid (1-255)$vrid",
      IPV6_STR MCAST_TRACK_HELP
      "A VRRPv3 IPv6 group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#endif
{
	return rbp_if_track_cmd(vty, vrid, NULL);
}

#if PIM_IPV == 4
DEFPY(rbp_if_track_admin, rbp_if_track_admin_ip_cmd,
      "ip multicast track admin-vrrp interface IFNAME$other vrid (1-255)$vrid",
      IP_STR MCAST_TRACK_HELP
      "A VRRP group of another interface (mVRRP)\n"
      "Interface of the VRRP group\n"
      "Interface name\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#else
DEFPY(rbp_if_track_admin, rbp_if_track_admin_ipv6_cmd,
      "ipv6 multicast track admin-vrrp6 interface IFNAME$other vrid (1-255)$vrid",
      IPV6_STR MCAST_TRACK_HELP
      "A VRRPv3 IPv6 group of another interface (mVRRP)\n"
      "Interface of the VRRP group\n"
      "Interface name\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#endif
{
	return rbp_if_track_cmd(vty, vrid, other);
}

#if PIM_IPV == 4
DEFPY(no_rbp_if_track, no_rbp_if_track_ip_cmd,
      "no ip multicast track [<vrrp vrid (1-255)|admin-vrrp interface IFNAME vrid (1-255)>]",
      NO_STR IP_STR MCAST_TRACK_HELP
      "A VRRP group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n"
      "A VRRP group of another interface (mVRRP)\n"
      "Interface of the VRRP group\n"
      "Interface name\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#else
DEFPY(no_rbp_if_track, no_rbp_if_track_ipv6_cmd,
      "no ipv6 multicast track [<vrrp6 vrid (1-255)|admin-vrrp6 interface IFNAME vrid (1-255)>]",
      NO_STR IPV6_STR MCAST_TRACK_HELP
      "A VRRPv3 IPv6 group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n"
      "A VRRPv3 IPv6 group of another interface (mVRRP)\n"
      "Interface of the VRRP group\n"
      "Interface name\n"
      "Virtual router ID\n"
      "Virtual router ID\n")
#endif
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	rbp_if_unset_track(ifp->name);
	return CMD_SUCCESS;
}

#define PIM_IGNORE_HELP                                                                            \
	"PIM interface commands\n"                                                                 \
	"Let VRRP, not PIM state, choose the forwarder\n"                                          \
	"Build joins for local members even when not the DR\n"                                     \
	"Neither send nor act on PIM asserts\n"

#if PIM_IPV == 4
DEFPY(rbp_if_ignore, rbp_if_ignore_ip_cmd,
      "[no] ip pim ignore <dr-state$dr|assert-state$as>",
      NO_STR IP_STR PIM_IGNORE_HELP)
#else
DEFPY(rbp_if_ignore, rbp_if_ignore_ipv6_cmd,
      "[no] ipv6 pim ignore <dr-state$dr|assert-state$as>",
      NO_STR IPV6_STR PIM_IGNORE_HELP)
#endif
{
	return rbp_if_ignore_cmd(vty, !!no, !!dr);
}

/* pimd's interface writer prints what pimd holds; the module appends
 * blocks of its own, which vtysh merges by interface name.
 */
static int (*rbp_if_config_write_orig)(struct vty *vty);

static int rbp_if_config_write(struct vty *vty)
{
	int n = rbp_if_config_write_orig ? rbp_if_config_write_orig(vty) : 0;
	const struct rbp_if *rif;

	frr_each (rbp_ifs_const, &rbp_ifs, rif) {
		vty_out(vty, "interface %s\n", rif->name);
		for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
			if (rif->profiles[i])
				vty_out(vty, " remote-backup-profile %s\n", rif->profiles[i]->name);
		if (rif->track.family && rif->track_admin)
			vty_out(vty, " " RBP_IP_STR " multicast track %s interface %s vrid %u\n",
				PIM_IPV == 4 ? "admin-vrrp" : "admin-vrrp6", rif->track.ifname,
				rif->track.vrid);
		else if (rif->track.family)
			vty_out(vty, " " RBP_IP_STR " multicast track %s vrid %u\n",
				PIM_IPV == 4 ? "vrrp" : "vrrp6", rif->track.vrid);
		if (rif->ignore_dr)
			vty_out(vty, " " RBP_IP_STR " pim ignore dr-state\n");
		if (rif->ignore_assert)
			vty_out(vty, " " RBP_IP_STR " pim ignore assert-state\n");
		vty_out(vty, "exit\n!\n");
		n++;
	}
	return n;
}

/* --- show ------------------------------------------------------------- */

static void rbp_show_service(struct vty *vty, const struct rbp_service *svc, json_object *js)
{
	struct rbp_session_info si;
	const struct rbp_profile *prf;
	json_object *jprf = NULL, *jerr = NULL;
	char profiles[256] = "";

	rbp_session_info(svc, &si);

	if (js) {
		json_object_string_add(js, "name", svc->name);
		json_object_string_add(js, "serviceType", msync_svc_name(RBP_SVC_SELF));
		if (svc->peer_set) {
			json_object_string_addf(js, "peer", "%pSU", &svc->peer);
			json_object_string_addf(js, "source", "%pSU", &svc->source);
			json_object_int_add(js, "port", svc->port);
			json_object_int_add(js, "channelPort", svc->port + RBP_PORT_OFFSET);
		}
		json_object_string_add(js, "tcpState", si.state);
		json_object_string_add(js, "resyncState", si.resync);
		if (si.up_since_s >= 0)
			json_object_int_add(js, "upSeconds", si.up_since_s);
		json_object_string_add(js, "lastReason", si.last_reason);
		json_object_int_add(js, "entriesSent", si.local_entries);
		json_object_int_add(js, "entriesReceived", si.peer_entries);
		json_object_int_add(js, "updatesSent", si.c.tx_updates);
		json_object_int_add(js, "updatesReceived", si.c.rx_updates);
		json_object_int_add(js, "deletesSent", si.c.tx_deletes);
		json_object_int_add(js, "deletesReceived", si.c.rx_deletes);
		json_object_int_add(js, "messagesSent", si.c.tx_msgs);
		json_object_int_add(js, "messagesReceived", si.c.rx_msgs);
		json_object_int_add(js, "resyncsSent", si.c.resyncs_sent);
		json_object_int_add(js, "resyncsReceived", si.c.resyncs_received);
		json_object_int_add(js, "digestMismatches", si.c.digest_mismatches);
		json_object_int_add(js, "sessionsUp", si.c.sessions_up);
		jerr = json_object_new_object();
		for (int e = 0; e < MSYNC_ERR_MAX; e++)
			json_object_int_add(jerr, msync_err_name(e), si.c.errors[e]);
		json_object_object_add(js, "errors", jerr);
		jprf = json_object_new_array();
	}

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		if (prf->service != svc)
			continue;
		if (jprf)
			json_object_array_add(jprf, json_object_new_string(prf->name));
		else
			snprintf(profiles + strlen(profiles), sizeof(profiles) - strlen(profiles),
				 "%s%s(%s)", profiles[0] ? " " : "", prf->name,
				 msync_svc_name(prf->type));
	}
	if (js) {
		json_object_object_add(js, "profiles", jprf);
		return;
	}

	vty_out(vty, "Remote backup service %s\n", svc->name);
	if (svc->peer_set) {
		vty_out(vty, "  Peer             : %pSU\n", &svc->peer);
		vty_out(vty, "  Source           : %pSU\n", &svc->source);
		vty_out(vty, "  TCP port         : %u (%s channel on %u)\n", svc->port,
			msync_svc_name(RBP_SVC_SELF), svc->port + RBP_PORT_OFFSET);
	} else
		vty_out(vty, "  Peer             : not configured\n");
	vty_out(vty, "  TCP state        : %s\n", si.state);
	if (si.up_since_s >= 0)
		vty_out(vty, "  Up for           : %llds\n", (long long)si.up_since_s);
	vty_out(vty, "  Resync           : %s\n", si.resync);
	if (si.last_reason[0])
		vty_out(vty, "  Last reason      : %s\n", si.last_reason);
	vty_out(vty, "  Profiles         : %s\n", profiles[0] ? profiles : "-");
	vty_out(vty, "  Entries          : %zu sent, %zu received\n", si.local_entries,
		si.peer_entries);
	vty_out(vty, "  Messages         : %" PRIu64 " sent, %" PRIu64 " received\n", si.c.tx_msgs,
		si.c.rx_msgs);
	vty_out(vty,
		"  Updates/deletes  : %" PRIu64 "/%" PRIu64 " sent, %" PRIu64 "/%" PRIu64
		" received\n",
		si.c.tx_updates, si.c.tx_deletes, si.c.rx_updates, si.c.rx_deletes);
	vty_out(vty,
		"  Resyncs          : %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64
		" digest mismatches\n",
		si.c.resyncs_sent, si.c.resyncs_received, si.c.digest_mismatches);
	vty_out(vty, "  Errors           :");
	bool any = false;

	for (int e = 0; e < MSYNC_ERR_MAX; e++)
		if (si.c.errors[e]) {
			vty_out(vty, " %s %" PRIu64, msync_err_name(e), si.c.errors[e]);
			any = true;
		}
	vty_out(vty, "%s\n", any ? "" : " none");
}

/* DEFPY_NOSH: vtysh has its own command that asks pimd and pim6d in turn
 * and wraps their json output (vtysh/rbp_vtysh.c).
 */
DEFPY_NOSH(show_rbp_service, show_rbp_service_cmd,
	   "show remote-backup-service [WORD$name] [json$json]",
	   SHOW_STR RBS_STR RBS_NAME_STR JSON_STR)
{
	const struct rbp_service *svc;
	json_object *js = NULL, *jsvcs = NULL;

	if (name && !rbp_service_find(name)) {
		if (json)
			vty_out(vty, "{}\n");
		else
			vty_out(vty, "%% remote-backup-service %s does not exist\n", name);
		return CMD_WARNING;
	}
	if (json) {
		js = json_object_new_object();
		jsvcs = json_object_new_object();
		json_object_object_add(js, "services", jsvcs);
	}
	frr_each (rbp_services_const, &rbp_services, svc) {
		if (name && strcmp(name, svc->name))
			continue;
		if (js) {
			json_object *jsvc = json_object_new_object();

			rbp_show_service(vty, svc, jsvc);
			json_object_object_add(jsvcs, svc->name, jsvc);
		} else
			rbp_show_service(vty, svc, NULL);
	}
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

static const char *rbp_profile_state(const struct rbp_profile *prf)
{
	if (prf->type == MSYNC_SVC_NONE)
		return "no service-type";
	if (prf->type != RBP_SVC_SELF)
		return prf->type == MSYNC_SVC_IGMP ? "handled by pimd" : "handled by pim6d";
	if (!prf->service)
		return "no backup-id";
	if (!prf->service->peer_set)
		return "service has no peer";
	return rbp_role_name(prf->role);
}

static void rbp_show_profile(struct vty *vty, const struct rbp_profile *prf, json_object *js)
{
	const struct rbp_if *rif;
	bool ours = rbp_profile_is_ours(prf);
	const char *peer_state = ours ? rbp_role_name(rbp_session_peer_role(prf)) : "-";
	json_object *jifs = js ? json_object_new_array() : NULL;

	if (js) {
		json_object_string_add(js, "name", prf->name);
		json_object_string_add(js, "serviceType", msync_svc_name(prf->type));
		if (prf->service) {
			json_object_int_add(js, "backupId", prf->backup_id);
			json_object_string_add(js, "service", prf->service->name);
		}
		json_object_string_add(js, "backupMode", prf->hot ? "hot" : "warm");
		json_object_string_add(js, "trackProtocol", prf->vrrp.family ? "vrrp" : "none");
		if (prf->vrrp.family) {
			json_object_int_add(js, "vrrpFamily", prf->vrrp.family);
			json_object_int_add(js, "vrrpId", prf->vrrp.vrid);
			json_object_string_add(js, "vrrpInterface", prf->vrrp.ifname);
		}
		json_object_string_add(js, "state", rbp_profile_state(prf));
		json_object_string_add(js, "roleSource", rbp_role_source(&prf->vrrp));
		json_object_string_add(js, "peerState", peer_state);
		if (ours)
			json_object_boolean_add(js, "splitBrainYield", prf->yield);
		json_object_boolean_add(js, "active", ours);
		frr_each (rbp_ifs_const, &rbp_ifs, rif)
			if (rbp_if_bound(rif, prf))
				json_object_array_add(jifs, json_object_new_string(rif->name));
		json_object_object_add(js, "interfaces", jifs);
		return;
	}

	vty_out(vty, "Remote backup profile %s\n", prf->name);
	vty_out(vty, "  Service type     : %s\n", msync_svc_name(prf->type));
	if (prf->service) {
		vty_out(vty, "  Remote backup svc: %s\n", prf->service->name);
		vty_out(vty, "  Backup ID        : %u\n", prf->backup_id);
	} else {
		vty_out(vty, "  Remote backup svc: -\n");
		vty_out(vty, "  Backup ID        : -\n");
	}
	if (prf->vrrp.family) {
		vty_out(vty, "  Track protocol   : %s\n", prf->vrrp.family == 4 ? "VRRP" : "VRRP6");
		vty_out(vty, "  VRRP ID          : %u\n", prf->vrrp.vrid);
		vty_out(vty, "  VRRP interface   : %s\n", prf->vrrp.ifname);
	} else
		vty_out(vty, "  Track protocol   : -\n");
	vty_out(vty, "  State            : %s\n", rbp_profile_state(prf));
	if (prf->vrrp.family)
		vty_out(vty, "  Role source      : %s\n", rbp_role_source(&prf->vrrp));
	vty_out(vty, "  Peer state       : %s\n", peer_state);
	if (prf->yield)
		vty_out(vty, "  Split brain      : both twins master, this router yields\n");
	vty_out(vty, "  Interfaces       :");
	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			vty_out(vty, " %s", rif->name);
	vty_out(vty, "\n  Backup mode      : %s\n", prf->hot ? "hot" : "warm");
}

DEFPY_NOSH(show_rbp_profile, show_rbp_profile_cmd,
	   "show remote-backup-profile [WORD$name] [json$json]",
	   SHOW_STR RBP_STR RBP_NAME_STR JSON_STR)
{
	const struct rbp_profile *prf;
	json_object *js = NULL, *jprfs = NULL;

	if (name && !rbp_profile_find(name)) {
		if (json)
			vty_out(vty, "{}\n");
		else
			vty_out(vty, "%% remote-backup-profile %s does not exist\n", name);
		return CMD_WARNING;
	}
	if (json) {
		js = json_object_new_object();
		jprfs = json_object_new_object();
		json_object_object_add(js, "profiles", jprfs);
	}
	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		if (name && strcmp(name, prf->name))
			continue;
		if (js) {
			json_object *jprf = json_object_new_object();

			rbp_show_profile(vty, prf, jprf);
			json_object_object_add(jprfs, prf->name, jprf);
		} else
			rbp_show_profile(vty, prf, NULL);
	}
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

/* --- entries ---------------------------------------------------------- */

struct rbp_show_local {
	struct vty *vty;
	json_object *jarr;
	const char *profile;
	uint32_t backup_id;
	struct msync_session *session;
	int64_t now_ms;
};

static int rbp_show_local_one(const struct msync_entry *e, void *arg)
{
	struct rbp_show_local *sl = arg;
	pim_sgaddr sg = rbp_key_to_sg(&e->key);
	int64_t exp = msync_local_expiry(sl->session, &e->key);
	int64_t left = exp >= 0 && exp != INT64_MAX ? (exp - sl->now_ms) / 1000 : -1;
	const char *filter = e->filter == MSYNC_FILTER_EXCLUDE ? "exclude" : "include";

	if (sl->jarr) {
		json_object *jo = json_object_new_object();

		json_object_string_add(jo, "interface", e->key.ifname);
		json_object_string_addf(jo, "group", "%pPA", &sg.grp);
		json_object_string_addf(jo, "source", "%pPA", &sg.src);
		json_object_string_add(jo, "origin", "local");
		json_object_string_add(jo, "profile", sl->profile);
		json_object_string_add(jo, "state", "published");
		json_object_string_add(jo, "filterMode", filter);
		json_object_int_add(jo, "version", e->version);
		if (left >= 0)
			json_object_int_add(jo, "remainingSeconds", left);
		json_object_array_add(sl->jarr, jo);
		return 0;
	}
	vty_out(sl->vty, "%-16s %-18pPAs %-18pPA %-6s %-12s %-9s ", e->key.ifname, &sg.src, &sg.grp,
		"local", sl->profile, "published");
	if (left >= 0)
		vty_out(sl->vty, "%llds\n", (long long)left);
	else
		vty_out(sl->vty, "-\n");
	return 0;
}

static int rbp_show_local_filter(const struct msync_entry *e, void *arg)
{
	struct rbp_show_local *sl = arg;

	return e->key.backup_id == sl->backup_id ? rbp_show_local_one(e, arg) : 0;
}

#if PIM_IPV == 4
DEFPY(show_rbp_entries, show_rbp_ip_entries_cmd,
      "show ip remote-backup entries [json$json]",
      SHOW_STR IP_STR RB_SHOW_STR
      "Entries: published to the twin (local) and the twin's (peer)\n"
      JSON_STR)
#else
DEFPY(show_rbp_entries, show_rbp_ipv6_entries_cmd,
      "show ipv6 remote-backup entries [json$json]",
      SHOW_STR IPV6_STR RB_SHOW_STR
      "Entries: published to the twin (local) and the twin's (peer)\n"
      JSON_STR)
#endif
{
	struct rbp_show_local sl = { .vty = vty, .now_ms = rbp_now_ms() };
	json_object *js = NULL;
	const struct rbp_profile *prf;

	if (json) {
		js = json_object_new_object();
		sl.jarr = json_object_new_array();
		json_object_object_add(js, "entries", sl.jarr);
	} else
		vty_out(vty, "%-16s %-18s %-18s %-6s %-12s %-9s %s\n", "Interface", "Source",
			"Group", "Origin", "Profile", "State", "Remaining");

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		struct msync_session *s = rbp_profile_session(prf);
		struct rbp_show_local one;

		if (!s)
			continue;
		one = sl;
		one.profile = prf->name;
		one.backup_id = prf->backup_id;
		one.session = s;
		/* a service's table holds all its profiles: filter ours */
		msync_local_walk(s, rbp_show_local_filter, &one);
	}
	rbp_install_show(vty, sl.jarr);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

/* --- interfaces -------------------------------------------------------- */

static void rbp_show_if(struct vty *vty, const struct rbp_if *rif, json_object *jarr)
{
	struct interface *ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
	const struct rbp_profile *prf = rbp_if_profile(rif);
	bool forwarder = ifp && rbp_if_gm_forwarder(ifp);
	bool muted = ifp && rbp_if_muted(ifp);
	bool tracked = ifp && rbp_if_tracks_role(ifp);
	const char *follows = rif->track.family		? "track"
			      : prf && prf->vrrp.family ? "profile"
							: "pim";
	const struct rbp_vrrp_ref *ref = rif->track.family ? &rif->track : prf ? &prf->vrrp : NULL;

	if (jarr) {
		json_object *jo = json_object_new_object();

		json_object_string_add(jo, "interface", rif->name);
		json_object_boolean_add(jo, "exists", ifp != NULL);
		if (prf)
			json_object_string_add(jo, "profile", prf->name);
		json_object_string_add(jo, "forwardingFollows", follows);
		if (ref && ref->family) {
			json_object_int_add(jo, "vrrpFamily", ref->family);
			json_object_int_add(jo, "vrrpId", ref->vrid);
			json_object_string_add(jo, "vrrpInterface", ref->ifname);
			json_object_string_add(jo, "roleSource", rbp_role_source(ref));
		}
		if (rif->track.family)
			json_object_string_add(jo, "role", rbp_role_name(rif->track_role));
		else if (prf && prf->vrrp.family) {
			json_object_string_add(jo, "role", rbp_role_name(prf->role));
			json_object_boolean_add(jo, "splitBrainYield", prf->yield);
		}
		json_object_boolean_add(jo, "ignoreDrState", rif->ignore_dr);
		json_object_boolean_add(jo, "ignoreAssertState", rif->ignore_assert);
		json_object_boolean_add(jo, "forwarderOverride", forwarder);
		json_object_boolean_add(jo, "tracked", tracked);
		json_object_boolean_add(jo, "muted", muted);
		json_object_array_add(jarr, jo);
		return;
	}
	vty_out(vty, "%-16s %-12s %-8s %-22s %-8s %-9s %s\n", rif->name, prf ? prf->name : "-",
		follows, ref && ref->family ? rbp_role_source(ref) : "-",
		rif->track.family	  ? rbp_role_name(rif->track_role)
		: prf && prf->vrrp.family ? (prf->yield ? "yield" : rbp_role_name(prf->role))
					  : "-",
		forwarder ? "yes" : "no", muted ? "muted" : "forwarding");
}

#if PIM_IPV == 4
DEFPY(show_rbp_ifs, show_rbp_ip_ifs_cmd,
      "show ip remote-backup interfaces [json$json]",
      SHOW_STR IP_STR RB_SHOW_STR
      "Interfaces: bindings, what decides forwarding, and the decision\n"
      JSON_STR)
#else
DEFPY(show_rbp_ifs, show_rbp_ipv6_ifs_cmd,
      "show ipv6 remote-backup interfaces [json$json]",
      SHOW_STR IPV6_STR RB_SHOW_STR
      "Interfaces: bindings, what decides forwarding, and the decision\n"
      JSON_STR)
#endif
{
	const struct rbp_if *rif;
	json_object *js = NULL, *jarr = NULL;

	if (json) {
		js = json_object_new_object();
		jarr = json_object_new_array();
		json_object_object_add(js, "interfaces", jarr);
	} else
		vty_out(vty, "%-16s %-12s %-8s %-22s %-8s %-9s %s\n", "Interface", "Profile",
			"Follows", "Role source", "Role", "Joins", "LAN");
	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		rbp_show_if(vty, rif, jarr);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

void rbp_vty_init(void)
{
	struct cmd_node *ifnode;

	install_node(&rbp_service_node);
	install_default(RBP_SERVICE_NODE);
	install_node(&rbp_profile_node);
	install_default(RBP_PROFILE_NODE);

	install_element(CONFIG_NODE, &rbp_service_cmd);
	install_element(CONFIG_NODE, &no_rbp_service_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_peer_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_peer_cmd);

	install_element(CONFIG_NODE, &rbp_profile_cmd);
	install_element(CONFIG_NODE, &no_rbp_profile_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_backup_id_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_backup_id_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_type_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_type_bad_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_type_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_hot_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_vrrp_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_vrrp_cmd);

	install_element(INTERFACE_NODE, &rbp_if_bind_profile_cmd);
#if PIM_IPV == 4
	install_element(INTERFACE_NODE, &rbp_if_track_ip_cmd);
	install_element(INTERFACE_NODE, &rbp_if_track_admin_ip_cmd);
	install_element(INTERFACE_NODE, &no_rbp_if_track_ip_cmd);
	install_element(INTERFACE_NODE, &rbp_if_ignore_ip_cmd);
#else
	install_element(INTERFACE_NODE, &rbp_if_track_ipv6_cmd);
	install_element(INTERFACE_NODE, &rbp_if_track_admin_ipv6_cmd);
	install_element(INTERFACE_NODE, &no_rbp_if_track_ipv6_cmd);
	install_element(INTERFACE_NODE, &rbp_if_ignore_ipv6_cmd);
#endif

	install_element(VIEW_NODE, &show_rbp_service_cmd);
	install_element(VIEW_NODE, &show_rbp_profile_cmd);
#if PIM_IPV == 4
	install_element(VIEW_NODE, &show_rbp_ip_entries_cmd);
	install_element(VIEW_NODE, &show_rbp_ip_ifs_cmd);
#else
	install_element(VIEW_NODE, &show_rbp_ipv6_entries_cmd);
	install_element(VIEW_NODE, &show_rbp_ipv6_ifs_cmd);
#endif

	/* append our interface blocks to pimd's interface config */
	ifnode = vector_lookup(cmdvec, INTERFACE_NODE);
	assert(ifnode);
	rbp_if_config_write_orig = ifnode->config_write;
	ifnode->config_write = rbp_if_config_write;
}
