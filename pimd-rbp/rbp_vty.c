// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: configuration commands.  The nodes remote-backup-service and
 * remote-backup-profile, the interface commands, and the configuration
 * they write.  Every command changes the store (rbp_config.c) and tells
 * the coordinator; removals of services and profiles go through the
 * coordinator, which detaches what refers to them.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "if.h"
#include "vrf.h"

#include "pimd.h"
#include "pim_iface.h"

#include "rbp.h"
#include "rbp_core.h"
#include "rbp_vty.h"

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

/* A change applied: bring the running state in line */
static int rbp_cli_done(struct vty *vty, const char *err)
{
	if (err) {
		vty_out(vty, "%% %s\n", err);
		return CMD_WARNING_CONFIG_FAILED;
	}
	rbp_core_changed();
	return CMD_SUCCESS;
}

/* A name the store cannot hold is never found: say why */
static int rbp_cli_no_such(struct vty *vty, const char *what, const char *name)
{
	if (strlen(name) >= RBP_NAME_MAX)
		vty_out(vty, "%% %s name is too long (%zu characters, at most %d)\n", what,
			strlen(name), RBP_NAME_MAX - 1);
	else
		vty_out(vty, "%% %s %s does not exist\n", what, name);
	return CMD_WARNING_CONFIG_FAILED;
}

static bool rbp_cli_default_vrf(struct vty *vty, const struct interface *ifp)
{
	if (ifp->vrf->vrf_id == VRF_DEFAULT)
		return true;
	vty_out(vty, "%% remote backup works in the default VRF only\n");
	return false;
}

#include "pimd-rbp/rbp_vty_clippy.c"

/* --- remote-backup-service -------------------------------------------- */

DEFPY_NOSH(rbp_service, rbp_service_cmd, "remote-backup-service WORD$name",
	   RBS_STR RBS_NAME_STR)
{
	const char *err;
	struct rbp_service *svc = rbp_service_get(name, &err);

	if (!svc) {
		vty_out(vty, "%% %s\n", err);
		return CMD_WARNING_CONFIG_FAILED;
	}
	VTY_PUSH_CONTEXT(RBP_SERVICE_NODE, svc);
	return CMD_SUCCESS;
}

DEFPY(no_rbp_service, no_rbp_service_cmd, "no remote-backup-service WORD$name",
      NO_STR RBS_STR RBS_NAME_STR)
{
	struct rbp_service *svc = rbp_service_find(name);

	if (!svc)
		return rbp_cli_no_such(vty, "remote-backup-service", name);
	return rbp_cli_done(vty, rbp_core_service_delete(svc));
}

DEFPY(rbp_service_peer, rbp_service_peer_cmd,
      "peer <A.B.C.D|X:X::X:X>$peer source <A.B.C.D|X:X::X:X>$source port (1-65534)$port",
      "Twin router's address\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "Local address the channel uses (an address of this router)\n"
      "IPv4 address\n"
      "IPv6 address\n"
      "TCP port, the same on both routers (the IGMP channel uses it, the MLD channel port + 1)\n"
      "Port number\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);
	/* a file lists services before the interfaces that carry the source */
	bool strict = !rbp_core_reading_config();
	const char *err = rbp_service_set_peer(svc, peer, source, port, strict);

	if (!err && !strict && rbp_service_problem(svc))
		vty_out(vty, "%% Warning: remote-backup-service %s: %s yet; the channel waits for it\n",
			svc->name, rbp_service_problem(svc));
	return rbp_cli_done(vty, err);
}

DEFPY(no_rbp_service_peer, no_rbp_service_peer_cmd,
      "no peer [<A.B.C.D|X:X::X:X> source <A.B.C.D|X:X::X:X> port (1-65534)]",
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
	return rbp_cli_done(vty, NULL);
}

#define KEYCHAIN_HELP                                                                              \
	"Use a key chain\n"                                                                        \
	"Key chain name (key chain NAME)\n"

DEFPY(rbp_service_auth, rbp_service_auth_cmd, "authentication key-chain WORD$name",
      "Authenticate the twin and every frame of the channel (HMAC-SHA-256)\n" KEYCHAIN_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_auth(svc, name));
}

DEFPY(no_rbp_service_auth, no_rbp_service_auth_cmd, "no authentication key-chain [WORD]",
      NO_STR
      "Authenticate the twin and every frame of the channel (HMAC-SHA-256)\n" KEYCHAIN_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_auth(svc, NULL));
}

DEFPY(rbp_service_password, rbp_service_password_cmd, "password WORD$pw",
      "TCP-MD5 signature of the channel's TCP segments (RFC 2385)\n"
      "The password, the same on both routers (at most 80 characters)\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_password(svc, pw));
}

DEFPY(no_rbp_service_password, no_rbp_service_password_cmd, "no password [WORD]",
      NO_STR
      "TCP-MD5 signature of the channel's TCP segments (RFC 2385)\n"
      "The password\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_password(svc, NULL));
}

DEFPY(rbp_service_ttl_security, rbp_service_ttl_security_cmd, "[no] ttl-security",
      NO_STR
      "The twin is directly connected: send TTL/hop limit 255, accept only 255 (GTSM, RFC 5082)\n")
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	rbp_service_set_ttl_security(svc, !no);
	return rbp_cli_done(vty, NULL);
}

DEFPY(rbp_service_tcp_ao, rbp_service_tcp_ao_cmd, "tcp-ao key-chain WORD$name",
      "TCP Authentication Option (RFC 5925) where the kernel has it; key ids 0-255\n" KEYCHAIN_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);
	const char *err = rbp_service_set_tcp_ao(svc, name);

	if (!err && !msync_tcp_ao_available())
		vty_out(vty,
			"%% Warning: TCP-AO is not available on this kernel; the channel runs without it\n");
	return rbp_cli_done(vty, err);
}

DEFPY(no_rbp_service_tcp_ao, no_rbp_service_tcp_ao_cmd, "no tcp-ao key-chain [WORD]",
      NO_STR
      "TCP Authentication Option (RFC 5925)\n" KEYCHAIN_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_tcp_ao(svc, NULL));
}

#define TIMERS_HELP "Timers of the channel (ms)\n"
#define KEEPALIVE_HELP                                                                             \
	"Keepalive interval, while nothing else is sent (default 1000)\n"                          \
	"Milliseconds\n"
#define HOLD_HELP                                                                                                                 \
	"Hold time: the twin is dead after this long without a frame (default 3 x keepalive; the lower of both twins' applies)\n" \
	"Milliseconds, at least 3 x keepalive\n"

DEFPY(rbp_service_timers, rbp_service_timers_cmd,
      "timers keepalive (100-60000)$keepalive hold (300-180000)$hold",
      TIMERS_HELP KEEPALIVE_HELP HOLD_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_timers(svc, keepalive, hold));
}

DEFPY(no_rbp_service_timers, no_rbp_service_timers_cmd,
      "no timers [keepalive (100-60000) hold (300-180000)]",
      NO_STR TIMERS_HELP KEEPALIVE_HELP HOLD_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_timers(svc, 0, 0));
}

#define DIGEST_HELP                                                                                \
	"Interval of the table digests sent to the twin (default 10000)\n"                         \
	"Milliseconds\n"

DEFPY(rbp_service_timers_digest, rbp_service_timers_digest_cmd,
      "timers digest (1000-600000)$digest", TIMERS_HELP DIGEST_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_digest(svc, digest));
}

DEFPY(no_rbp_service_timers_digest, no_rbp_service_timers_digest_cmd,
      "no timers digest [(1000-600000)]", NO_STR TIMERS_HELP DIGEST_HELP)
{
	VTY_DECLVAR_CONTEXT(rbp_service, svc);

	return rbp_cli_done(vty, rbp_service_set_digest(svc, 0));
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
		if (svc->auth_keychain[0])
			vty_out(vty, " authentication key-chain %s\n", svc->auth_keychain);
		if (svc->password[0])
			vty_out(vty, " password %s\n", svc->password);
		if (svc->ttl_security)
			vty_out(vty, " ttl-security\n");
		if (svc->tcp_ao_keychain[0])
			vty_out(vty, " tcp-ao key-chain %s\n", svc->tcp_ao_keychain);
		if (svc->keepalive_ms)
			vty_out(vty, " timers keepalive %u hold %u\n", svc->keepalive_ms,
				svc->hold_ms);
		if (svc->digest_ms)
			vty_out(vty, " timers digest %u\n", svc->digest_ms);
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

	if (!prf) {
		vty_out(vty, "%% %s\n", err);
		return CMD_WARNING_CONFIG_FAILED;
	}
	VTY_PUSH_CONTEXT(RBP_PROFILE_NODE, prf);
	return CMD_SUCCESS;
}

DEFPY(no_rbp_profile, no_rbp_profile_cmd, "no remote-backup-profile WORD$name",
      NO_STR RBP_STR RBP_NAME_STR)
{
	struct rbp_profile *prf = rbp_profile_find(name);

	if (!prf)
		return rbp_cli_no_such(vty, "remote-backup-profile", name);
	return rbp_cli_done(vty, rbp_core_profile_delete(prf));
}

DEFPY(rbp_profile_backup_id, rbp_profile_backup_id_cmd,
      "backup-id (1-65535)$id remote-backup-service WORD$service",
      "Backup ID, the same on both routers and unique per service\n"
      "Backup ID\n" RBS_STR RBS_NAME_STR)
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_backup_id(prf, id, service));
}

DEFPY(no_rbp_profile_backup_id, no_rbp_profile_backup_id_cmd,
      "no backup-id [(1-65535) remote-backup-service WORD]",
      NO_STR
      "Backup ID\n"
      "Backup ID\n" RBS_STR RBS_NAME_STR)
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	rbp_profile_unset_backup_id(prf);
	return rbp_cli_done(vty, NULL);
}

DEFPY(rbp_profile_type, rbp_profile_type_cmd,
      "service-type <igmp$igmp|mld$mld>",
      "Service whose membership the profile backs up\n"
      "IGMP (IPv4, handled by pimd)\n"
      "MLD (IPv6, handled by pim6d)\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_type(prf, igmp ? MSYNC_SVC_IGMP : MSYNC_SVC_MLD));
}

/* Catches anything but igmp|mld, which the parser would only call an
 * unknown command, to say what is wrong.
 */
DEFPY_HIDDEN(rbp_profile_type_bad, rbp_profile_type_bad_cmd,
	     "service-type WORD$type",
	     "Service whose membership the profile backs up\n"
	     "Service type\n")
{
	if (strlen(type) > 16)
		vty_out(vty, "%% Unknown service-type: use igmp or mld\n");
	else
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

	return rbp_cli_done(vty, rbp_profile_set_type(prf, MSYNC_SVC_NONE));
}

DEFPY(rbp_profile_hot, rbp_profile_hot_cmd, "[no] peer-backup hot",
      NO_STR
      "How the twin backs up this router's entries\n"
      "Install them at once, upstream joins built, outgoing interface muted until takeover\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_hot(prf, !no));
}

DEFPY(rbp_profile_max_entries, rbp_profile_max_entries_cmd,
      "max-entries (1-1000000)$max",
      "How many of the twin's entries the profile holds at most (default 65536)\n"
      "Entries\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_max_entries(prf, max));
}

DEFPY(no_rbp_profile_max_entries, no_rbp_profile_max_entries_cmd,
      "no max-entries [(1-1000000)]",
      NO_STR
      "How many of the twin's entries the profile holds at most\n"
      "Entries\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_max_entries(prf, RBP_MAX_ENTRIES_DEFAULT));
}

DEFPY(rbp_profile_vrrp, rbp_profile_vrrp_cmd,
      "<vrrp-id$v4|vrrp6-id$v6> (1-255)$vrid interface IFNAME$ifname",
      "Take the role from a VRRP (IPv4) group (service-type igmp)\n"
      "Take the role from a VRRPv3 IPv6 group (service-type mld)\n"
      "Virtual router ID\n"
      "Interface of the VRRP group\n"
      "Interface name\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_vrrp(prf, v4 ? 4 : 6, vrid, ifname));
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

	if (prf->vrrp.family != RBP_FAMILY_ETRUNK)
		rbp_profile_unset_vrrp(prf);
	return rbp_cli_done(vty, NULL);
}

DEFPY(rbp_profile_etrunk, rbp_profile_etrunk_cmd, "e-trunk (1-16)$id eth-trunk IFNAME$ifname",
      "Take the role from an E-Trunk (vrrpd-track): master while its Eth-Trunk is aggregated\n"
      "E-Trunk ID\n"
      "The Eth-Trunk (802.3ad bond) the receivers are behind\n"
      "Interface name\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	return rbp_cli_done(vty, rbp_profile_set_etrunk(prf, id, ifname));
}

DEFPY(no_rbp_profile_etrunk, no_rbp_profile_etrunk_cmd, "no e-trunk [(1-16) eth-trunk IFNAME]",
      NO_STR
      "E-Trunk\n"
      "E-Trunk ID\n"
      "The Eth-Trunk\n"
      "Interface name\n")
{
	VTY_DECLVAR_CONTEXT(rbp_profile, prf);

	if (prf->vrrp.family == RBP_FAMILY_ETRUNK)
		rbp_profile_unset_vrrp(prf);
	return rbp_cli_done(vty, NULL);
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
		if (prf->vrrp.family == RBP_FAMILY_ETRUNK)
			vty_out(vty, " e-trunk %u eth-trunk %s\n", prf->vrrp.vrid, prf->vrrp.ifname);
		else if (prf->vrrp.family)
			vty_out(vty, " %s %u interface %s\n",
				prf->vrrp.family == 4 ? "vrrp-id" : "vrrp6-id", prf->vrrp.vrid,
				prf->vrrp.ifname);
		if (prf->max_entries != RBP_MAX_ENTRIES_DEFAULT)
			vty_out(vty, " max-entries %u\n", prf->max_entries);
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

	if (!no && !rbp_cli_default_vrf(vty, ifp))
		return CMD_WARNING_CONFIG_FAILED;
	return rbp_cli_done(vty, no ? rbp_if_unbind(ifp->name, name) : rbp_if_bind(ifp->name, name));
}

/* --- forwarding by VRRP, DR and assert state -------------------------- */

#define MCAST_TRACK_HELP                                                                           \
	"Multicast forwarding on this interface\n"                                                 \
	"Follow the mastership of a VRRP group\n"

static int rbp_if_track_cmd(struct vty *vty, long vrid, const char *other, bool ignore_if_down)
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (!rbp_cli_default_vrf(vty, ifp))
		return CMD_WARNING_CONFIG_FAILED;
	return rbp_cli_done(vty,
			    rbp_if_set_track(ifp->name, PIM_IPV, vrid, other, ignore_if_down));
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
	return rbp_if_track_cmd(vty, vrid, NULL, false);
}

#define ADMIN_VRRP_HELP                                                                            \
	"Interface of the VRRP group\n"                                                            \
	"Interface name\n"                                                                         \
	"Virtual router ID\n"                                                                      \
	"Virtual router ID\n"                                                                      \
	"The group's interface being down makes this router master (default: the group's VRRP state decides)\n"

#if PIM_IPV == 4
DEFPY(rbp_if_track_admin, rbp_if_track_admin_ip_cmd,
      "ip multicast track admin-vrrp interface IFNAME$other vrid (1-255)$vrid [ignore-if-down$ign]",
      IP_STR MCAST_TRACK_HELP
      "A VRRP group of another interface (mVRRP)\n" ADMIN_VRRP_HELP)
#else
DEFPY(rbp_if_track_admin, rbp_if_track_admin_ipv6_cmd,
      "ipv6 multicast track admin-vrrp6 interface IFNAME$other vrid (1-255)$vrid [ignore-if-down$ign]",
      IPV6_STR MCAST_TRACK_HELP
      "A VRRPv3 IPv6 group of another interface (mVRRP)\n" ADMIN_VRRP_HELP)
#endif
{
	return rbp_if_track_cmd(vty, vrid, other, !!ign);
}

#if PIM_IPV == 4
DEFPY(no_rbp_if_track, no_rbp_if_track_ip_cmd,
      "no ip multicast track [<vrrp vrid (1-255)|admin-vrrp interface IFNAME vrid (1-255) [ignore-if-down]>]",
      NO_STR IP_STR MCAST_TRACK_HELP
      "A VRRP group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n"
      "A VRRP group of another interface (mVRRP)\n" ADMIN_VRRP_HELP)
#else
DEFPY(no_rbp_if_track, no_rbp_if_track_ipv6_cmd,
      "no ipv6 multicast track [<vrrp6 vrid (1-255)|admin-vrrp6 interface IFNAME vrid (1-255) [ignore-if-down]>]",
      NO_STR IPV6_STR MCAST_TRACK_HELP
      "A VRRPv3 IPv6 group of this interface\n"
      "Virtual router ID\n"
      "Virtual router ID\n"
      "A VRRPv3 IPv6 group of another interface (mVRRP)\n" ADMIN_VRRP_HELP)
#endif
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	rbp_if_unset_track(ifp->name);
	return rbp_cli_done(vty, NULL);
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
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (!no && !rbp_cli_default_vrf(vty, ifp))
		return CMD_WARNING_CONFIG_FAILED;
	return rbp_cli_done(vty, rbp_if_set_ignore(ifp->name, !!dr, !no));
}

/* pimd's pim_if_config_write hook: our lines inside pimd's block */
static int rbp_if_config_write(struct vty *vty, struct interface *ifp)
{
	const struct rbp_if *rif;
	int n = 0;

	if (ifp->vrf->vrf_id != VRF_DEFAULT)
		return 0;
	rif = rbp_if_find(ifp->name);
	if (!rif)
		return 0;
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i]) {
			vty_out(vty, " remote-backup-profile %s\n", rif->profiles[i]->name);
			n++;
		}
	if (rif->track.family && rif->track_admin) {
		vty_out(vty, " " RBP_IP_STR " multicast track %s interface %s vrid %u%s\n",
			PIM_IPV == 4 ? "admin-vrrp" : "admin-vrrp6", rif->track.ifname,
			rif->track.vrid, rif->track_ignore_if_down ? " ignore-if-down" : "");
		n++;
	} else if (rif->track.family) {
		vty_out(vty, " " RBP_IP_STR " multicast track %s vrid %u\n",
			PIM_IPV == 4 ? "vrrp" : "vrrp6", rif->track.vrid);
		n++;
	}
	if (rif->ignore_dr) {
		vty_out(vty, " " RBP_IP_STR " pim ignore dr-state\n");
		n++;
	}
	if (rif->ignore_assert) {
		vty_out(vty, " " RBP_IP_STR " pim ignore assert-state\n");
		n++;
	}
	return n;
}

void rbp_vty_init(void)
{
	install_node(&rbp_service_node);
	install_default(RBP_SERVICE_NODE);
	install_node(&rbp_profile_node);
	install_default(RBP_PROFILE_NODE);

	install_element(CONFIG_NODE, &rbp_service_cmd);
	install_element(CONFIG_NODE, &no_rbp_service_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_peer_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_peer_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_auth_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_auth_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_password_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_password_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_ttl_security_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_timers_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_timers_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_timers_digest_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_timers_digest_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_service_tcp_ao_cmd);
	install_element(RBP_SERVICE_NODE, &no_rbp_service_tcp_ao_cmd);

	install_element(CONFIG_NODE, &rbp_profile_cmd);
	install_element(CONFIG_NODE, &no_rbp_profile_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_backup_id_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_backup_id_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_type_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_type_bad_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_type_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_hot_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_max_entries_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_max_entries_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_vrrp_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_vrrp_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_profile_etrunk_cmd);
	install_element(RBP_PROFILE_NODE, &no_rbp_profile_etrunk_cmd);

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

	hook_register(pim_if_config_write, rbp_if_config_write);
}

void rbp_vty_fini(void)
{
	hook_unregister(pim_if_config_write, rbp_if_config_write);
}
