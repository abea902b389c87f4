// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: E-Trunk CLI.  The e-trunk node, the interface commands
 * `e-trunk (1-16) trunk-id (1-4096)` and `e-trunk mode force-master`,
 * their config output, `show e-trunk` and `debug e-trunk`.
 */
#include <zebra.h>

#include "command.h"
#include "json.h"
#include "prefix.h"
#include "sockunion.h"
#include "vrf.h"
#include "vty.h"

#include "track.h"
#include "etrunk.h"
#include "common/rbp_common.h"

struct debug etrunk_dbg = { 0, "debug e-trunk", "E-Trunk" };

static int etrunk_config_write_node(struct vty *vty);

static struct cmd_node etrunk_node = {
	.name = "e-trunk",
	.node = ETRUNK_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-e-trunk)# ",
	.config_write = etrunk_config_write_node,
};

#define ETRUNK_STR    "E-Trunk: multi-chassis link aggregation with the twin router\n"
#define ETRUNK_ID_STR "E-Trunk ID\n"

static int etrunk_cli_err(struct vty *vty, const char *err)
{
	if (!err)
		return CMD_SUCCESS;
	vty_out(vty, "%% %s\n", err);
	return CMD_WARNING_CONFIG_FAILED;
}

#include "vrrpd-track/etrunk_vty_clippy.c"

DEFPY_NOSH(etrunk_enter, etrunk_enter_cmd, "e-trunk (1-16)$id", ETRUNK_STR ETRUNK_ID_STR)
{
	const char *err;
	struct etrunk *et = etrunk_get(id, &err);

	if (!et)
		return etrunk_cli_err(vty, err);
	VTY_PUSH_CONTEXT(ETRUNK_NODE, et);
	return CMD_SUCCESS;
}

DEFPY(no_etrunk, no_etrunk_cmd, "no e-trunk (1-16)$id", NO_STR ETRUNK_STR ETRUNK_ID_STR)
{
	struct etrunk *et = etrunk_find(id);

	if (!et) {
		vty_out(vty, "%% e-trunk %ld does not exist\n", id);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return etrunk_cli_err(vty, etrunk_del(et));
}

DEFPY(etrunk_priority, etrunk_priority_cmd, "[no] priority ![(1-254)$prio]",
      NO_STR
      "Priority in the election: the smaller wins (default 100)\n"
      "Priority\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_priority(et, no ? ETRUNK_PRIO_DEFAULT : prio));
}

DEFPY(etrunk_sysid, etrunk_sysid_cmd, "[no] system-id ![X:X:X:X:X:X$mac]",
      NO_STR
      "This router's system ID, the tie-break of the election (default: the MAC of the source address's interface)\n"
      "MAC address\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	if (!no && !mac_str)
		return CMD_WARNING_CONFIG_FAILED;
	return etrunk_cli_err(vty, etrunk_set_system_id(et, no ? NULL : mac->eth_addr.octet));
}

DEFPY(etrunk_lacp, etrunk_lacp_cmd,
      "[no] lacp system-id ![X:X:X:X:X:X$mac [priority (1-65535)$prio]]",
      NO_STR
      "LACP of the Eth-Trunks (802.3ad bonds)\n"
      "The LACP actor system both twins present to the CE\n"
      "MAC address\n"
      "LACP system priority (default 32768)\n"
      "Priority\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	if (!no && !mac_str)
		return CMD_WARNING_CONFIG_FAILED;
	return etrunk_cli_err(vty,
			      etrunk_set_lacp(et, no ? NULL : mac->eth_addr.octet, no ? 0 : prio));
}

DEFPY(etrunk_peer, etrunk_peer_cmd,
      "peer <A.B.C.D|X:X::X:X>$peer source <A.B.C.D|X:X::X:X>$source [port (1025-65535)$port]",
      "The peer router of the E-Trunk\n"
      "Peer IPv4 address\n"
      "Peer IPv6 address\n"
      "This router's address the hellos are sent from\n"
      "Source IPv4 address\n"
      "Source IPv6 address\n"
      "UDP port (default 1025), the same on both\n"
      "Port\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_peer(et, peer, source, port));
}

DEFPY(no_etrunk_peer, no_etrunk_peer_cmd,
      "no peer [<A.B.C.D|X:X::X:X> source <A.B.C.D|X:X::X:X> [port (1025-65535)]]",
      NO_STR
      "The peer router of the E-Trunk\n"
      "Peer IPv4 address\n"
      "Peer IPv6 address\n"
      "This router's address the hellos are sent from\n"
      "Source IPv4 address\n"
      "Source IPv6 address\n"
      "UDP port\n"
      "Port\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_peer(et, NULL, NULL, 0));
}

DEFPY(etrunk_key, etrunk_key_cmd, "security-key simple WORD$key",
      "Authenticate the hellos (HMAC-SHA-256 of the key; the key is never sent)\n"
      "The key as text\n"
      "Key, at most 64 characters\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_key(et, key));
}

DEFPY(no_etrunk_key, no_etrunk_key_cmd, "no security-key [simple WORD]",
      NO_STR
      "Authenticate the hellos\n"
      "The key as text\n"
      "Key\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_key(et, NULL));
}

DEFPY(etrunk_timer, etrunk_timer_cmd,
      "[no] timer hello ![(1-100)$hello [multiplier (3-20)$mult]]",
      NO_STR
      "Timers\n"
      "Hello interval in units of 100 ms (default 10: 1 s)\n"
      "Hello interval\n"
      "The peer is down after this many intervals without a hello (default 3)\n"
      "Multiplier\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	if (!no && !hello_str)
		return CMD_WARNING_CONFIG_FAILED;
	return etrunk_cli_err(vty, etrunk_set_timers(et, no ? 0 : hello, no ? 0 : mult));
}

DEFPY(etrunk_bfd, etrunk_bfd_cmd,
      "track bfd peer <A.B.C.D|X:X::X:X>$peer [local-address <A.B.C.D|X:X::X:X>$local] [interface IFNAME$ifname] [profile BFDPROF$profile]",
      "Track an object\n"
      "BFD session to the peer (through bfdd): its failure is the peer's\n"
      "BFD peer\n"
      "Peer IPv4 address\n"
      "Peer IPv6 address\n"
      "Local address\n"
      "Local IPv4 address\n"
      "Local IPv6 address\n"
      "Interface of the session\n"
      "Interface name\n"
      "BFD profile\n"
      "Profile name\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_bfd(et, peer, local, ifname, profile));
}

DEFPY(no_etrunk_bfd, no_etrunk_bfd_cmd, "no track bfd [peer <A.B.C.D|X:X::X:X> [local-address <A.B.C.D|X:X::X:X>] [interface IFNAME] [profile BFDPROF]]",
      NO_STR
      "Track an object\n"
      "BFD session to the peer\n"
      "BFD peer\n"
      "Peer IPv4 address\n"
      "Peer IPv6 address\n"
      "Local address\n"
      "Local IPv4 address\n"
      "Local IPv6 address\n"
      "Interface of the session\n"
      "Interface name\n"
      "BFD profile\n"
      "Profile name\n")
{
	VTY_DECLVAR_CONTEXT(etrunk, et);

	return etrunk_cli_err(vty, etrunk_set_bfd(et, NULL, NULL, NULL, NULL));
}

/* --- interface commands ------------------------------------------------ */

DEFPY(if_etrunk, if_etrunk_cmd, "e-trunk (1-16)$id trunk-id (1-4096)$trunk",
      ETRUNK_STR ETRUNK_ID_STR
      "Pairs this Eth-Trunk with the twin's of the same ID\n"
      "Trunk ID\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	return etrunk_cli_err(vty, etrunk_member_set(ifp->name, id, trunk));
}

DEFPY(no_if_etrunk, no_if_etrunk_cmd, "no e-trunk (1-16)$id [trunk-id (1-4096)]",
      NO_STR ETRUNK_STR ETRUNK_ID_STR
      "Pairs this Eth-Trunk with the twin's of the same ID\n"
      "Trunk ID\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	struct etrunk_member *m = etrunk_member_find(ifp->name);

	if (!m || m->etrunk_id != id) {
		vty_out(vty, "%% interface %s is not in e-trunk %ld\n", ifp->name, id);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return etrunk_cli_err(vty, etrunk_member_set(ifp->name, 0, 0));
}

DEFPY(if_etrunk_mode, if_etrunk_mode_cmd, "[no] e-trunk mode ![force-master]$force",
      NO_STR ETRUNK_STR
      "How the Eth-Trunk's state is decided (default: by the E-Trunk election)\n"
      "Always master: both twins aggregated (active-active, load balanced)\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);

	if (!no && !force)
		return CMD_WARNING_CONFIG_FAILED;
	return etrunk_cli_err(vty, etrunk_member_set_force(ifp->name, !no));
}

/* --- config output ------------------------------------------------------- */

static int etrunk_config_write_node(struct vty *vty)
{
	return etrunk_config_write(vty);
}

/* --- show --------------------------------------------------------------- */

DEFPY(show_etrunk, show_etrunk_cmd, "show e-trunk [(1-16)$id] [json$json]",
      SHOW_STR ETRUNK_STR ETRUNK_ID_STR JSON_STR)
{
	json_object *js = json ? json_object_new_object() : NULL;

	if (id_str && !etrunk_find(id)) {
		if (js) {
			vty_json(vty, js);
			return CMD_SUCCESS;
		}
		vty_out(vty, "%% e-trunk %ld does not exist\n", id);
		return CMD_WARNING;
	}
	etrunk_show(vty, id_str ? id : 0, js);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

DEFPY(debug_etrunk, debug_etrunk_cmd, "[no] debug e-trunk",
      NO_STR DEBUG_STR ETRUNK_STR)
{
	DEBUG_MODE_SET(&etrunk_dbg, DEBUG_NODE2MODE(vty->node), !no);
	return CMD_SUCCESS;
}

void etrunk_vty_init(void)
{
	debug_install(&etrunk_dbg);
	install_node(&etrunk_node);
	install_default(ETRUNK_NODE);
	install_element(CONFIG_NODE, &etrunk_enter_cmd);
	install_element(CONFIG_NODE, &no_etrunk_cmd);
	install_element(ETRUNK_NODE, &etrunk_priority_cmd);
	install_element(ETRUNK_NODE, &etrunk_sysid_cmd);
	install_element(ETRUNK_NODE, &etrunk_lacp_cmd);
	install_element(ETRUNK_NODE, &etrunk_peer_cmd);
	install_element(ETRUNK_NODE, &no_etrunk_peer_cmd);
	install_element(ETRUNK_NODE, &etrunk_key_cmd);
	install_element(ETRUNK_NODE, &no_etrunk_key_cmd);
	install_element(ETRUNK_NODE, &etrunk_timer_cmd);
	install_element(ETRUNK_NODE, &etrunk_bfd_cmd);
	install_element(ETRUNK_NODE, &no_etrunk_bfd_cmd);

	install_element(INTERFACE_NODE, &if_etrunk_cmd);
	install_element(INTERFACE_NODE, &no_if_etrunk_cmd);
	install_element(INTERFACE_NODE, &if_etrunk_mode_cmd);

	install_element(VIEW_NODE, &show_etrunk_cmd);
	install_element(ENABLE_NODE, &debug_etrunk_cmd);
	install_element(CONFIG_NODE, &debug_etrunk_cmd);
}
