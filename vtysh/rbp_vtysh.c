// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vtysh side of the frr-rbp modules, linked into the rebuilt vtysh.
 *
 * The modules' own commands reach vtysh through xrelfo (frr.xref plus the
 * module .so files).  What vtysh cannot learn that way is here: the
 * configuration nodes (two of pimd-rbp, two of vrrpd-track) and the
 * commands that enter and leave them, the config blocks vtysh must merge
 * across pimd and pim6d, and the show commands that ask both daemons and
 * wrap their json per daemon.
 */
#include <zebra.h>

#include "command.h"
#include "json.h"

#include "vtysh/vtysh.h"

#include "common/rbp_common.h"

DEFINE_MTYPE_STATIC(MVTYSH, RBP_VTYSH_LINE, "remote-backup command line");

#define RBP_DAEMONS (VTYSH_PIMD | VTYSH_PIM6D)

static struct cmd_node rbp_service_node = {
	.name = "remote-backup-service",
	.node = RBP_SERVICE_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-rb-service)# ",
};

static struct cmd_node rbp_profile_node = {
	.name = "remote-backup-profile",
	.node = RBP_PROFILE_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-rb-profile)# ",
};

DEFUNSH(RBP_DAEMONS, rbp_vtysh_service, rbp_vtysh_service_cmd,
	"remote-backup-service WORD",
	"Remote backup service (RBS): the channel to the twin router\n"
	"Service name\n")
{
	vty->node = RBP_SERVICE_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(RBP_DAEMONS, rbp_vtysh_profile, rbp_vtysh_profile_cmd,
	"remote-backup-profile WORD",
	"Remote backup profile (RBP): what is backed up and how\n"
	"Profile name\n")
{
	vty->node = RBP_PROFILE_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(RBP_DAEMONS, rbp_vtysh_exit, rbp_vtysh_exit_cmd, "exit",
	"Exit current mode and down to previous mode\n")
{
	vty->node = CONFIG_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(RBP_DAEMONS, rbp_vtysh_quit, rbp_vtysh_quit_cmd, "quit",
	"Exit current mode and down to previous mode\n")
{
	vty->node = CONFIG_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(RBP_DAEMONS, rbp_vtysh_end, rbp_vtysh_end_cmd, "end",
	"End current mode and change to enable mode\n")
{
	vty->node = ENABLE_NODE;
	return CMD_SUCCESS;
}

/* vrrpd-track: monitor-group NAME */
static struct cmd_node track_mgroup_node = {
	.name = "monitor-group",
	.node = TRACK_MGROUP_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-monitor-group)# ",
};

DEFUNSH(VTYSH_VRRPD, track_vtysh_mgroup, track_vtysh_mgroup_cmd,
	"monitor-group WORD",
	"Interface monitor group\n"
	"Monitor group name\n")
{
	vty->node = TRACK_MGROUP_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(VTYSH_VRRPD, track_vtysh_exit, track_vtysh_exit_cmd, "exit",
	"Exit current mode and down to previous mode\n")
{
	vty->node = CONFIG_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(VTYSH_VRRPD, track_vtysh_quit, track_vtysh_quit_cmd, "quit",
	"Exit current mode and down to previous mode\n")
{
	vty->node = CONFIG_NODE;
	return CMD_SUCCESS;
}

DEFUNSH(VTYSH_VRRPD, track_vtysh_end, track_vtysh_end_cmd, "end",
	"End current mode and change to enable mode\n")
{
	vty->node = ENABLE_NODE;
	return CMD_SUCCESS;
}

/* vrrpd-track: e-trunk (1-16) */
static struct cmd_node etrunk_node = {
	.name = "e-trunk",
	.node = ETRUNK_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-e-trunk)# ",
};

DEFUNSH(VTYSH_VRRPD, track_vtysh_etrunk, track_vtysh_etrunk_cmd,
	"e-trunk (1-16)",
	"E-Trunk: multi-chassis link aggregation with the twin router\n"
	"E-Trunk ID\n")
{
	vty->node = ETRUNK_NODE;
	return CMD_SUCCESS;
}

/* Ask pimd and pim6d in turn; json is wrapped {"pimd": ..., "pim6d": ...}
 * like vtysh's "show route-map json".
 */
static int rbp_vtysh_ask(const char *what, const char *name, bool json)
{
	static const struct {
		const char *daemon;
		const char *title;
	} daemons[] = {
		{ "pimd", "IGMP (pimd)" },
		{ "pim6d", "MLD (pim6d)" },
	};
	bool first = true;
	/* as long as the name given: never cut off the json keyword */
	char *line = asprintfrr(MTYPE_RBP_VTYSH_LINE, "do show %s%s%s%s", what, name ? " " : "",
				name ? name : "", json ? " json" : "");

	if (json)
		vty_out(vty, "{");
	for (size_t i = 0; i < array_size(daemons); i++) {
		bool connected = false;

		for (size_t c = 0; c < array_size(vtysh_client); c++)
			if (!strcmp(vtysh_client[c].name, daemons[i].daemon))
				connected = vtysh_client[c].fd >= 0;
		if (!connected)
			continue;
		if (json)
			vty_out(vty, "%s\"%s\":", first ? "" : ",", daemons[i].daemon);
		else
			vty_out(vty, "%s%s:\n", first ? "" : "\n", daemons[i].title);
		first = false;
		vtysh_client_execute_name(daemons[i].daemon, line);
	}
	if (json)
		vty_out(vty, "}\n");
	XFREE(MTYPE_RBP_VTYSH_LINE, line);
	return CMD_SUCCESS;
}

DEFUN(rbp_vtysh_show, rbp_vtysh_show_cmd,
      "show <remote-backup-service|remote-backup-profile> [WORD] [json]",
      SHOW_STR
      "Remote backup service (RBS): the channel to the twin router\n"
      "Remote backup profile (RBP): what is backed up and how\n"
      "Name\n" JSON_STR)
{
	bool json = strmatch(argv[argc - 1]->text, "json");
	const char *name = NULL;

	if (argc > 2 && argv[2]->type == VARIABLE_TKN)
		name = argv[2]->arg;
	return rbp_vtysh_ask(argv[1]->text, name, json);
}

static int rbp_vtysh_init(void)
{
	install_node(&rbp_service_node);
	install_node(&rbp_profile_node);

	install_element(CONFIG_NODE, &rbp_vtysh_service_cmd);
	install_element(CONFIG_NODE, &rbp_vtysh_profile_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_vtysh_exit_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_vtysh_quit_cmd);
	install_element(RBP_SERVICE_NODE, &rbp_vtysh_end_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_vtysh_exit_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_vtysh_quit_cmd);
	install_element(RBP_PROFILE_NODE, &rbp_vtysh_end_cmd);

	install_element(VIEW_NODE, &rbp_vtysh_show_cmd);

	vtysh_config_register_block("remote-backup-service", RBP_SERVICE_NODE);
	vtysh_config_register_block("remote-backup-profile", RBP_PROFILE_NODE);

	install_node(&track_mgroup_node);
	install_element(CONFIG_NODE, &track_vtysh_mgroup_cmd);
	install_element(TRACK_MGROUP_NODE, &track_vtysh_exit_cmd);
	install_element(TRACK_MGROUP_NODE, &track_vtysh_quit_cmd);
	install_element(TRACK_MGROUP_NODE, &track_vtysh_end_cmd);
	vtysh_config_register_block("monitor-group", TRACK_MGROUP_NODE);

	install_node(&etrunk_node);
	install_element(CONFIG_NODE, &track_vtysh_etrunk_cmd);
	install_element(ETRUNK_NODE, &track_vtysh_exit_cmd);
	install_element(ETRUNK_NODE, &track_vtysh_quit_cmd);
	install_element(ETRUNK_NODE, &track_vtysh_end_cmd);
	vtysh_config_register_block("e-trunk", ETRUNK_NODE);
	return 0;
}

/* before main(): vtysh_init_vty() runs the hook */
static void rbp_vtysh_register(void) __attribute__((_CONSTRUCTOR(1100)));
static void rbp_vtysh_register(void)
{
	hook_register(vtysh_init_extensions, rbp_vtysh_init);
}
