// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: debug flags ("debug remote-backup ...").
 */
#include <zebra.h>

#include "command.h"
#include "debug.h"

#include "rbp.h"

/* clang-format off */
struct debug rbp_dbg_config = {0, "debug remote-backup config", "Remote backup configuration"};
struct debug rbp_dbg_session = {0, "debug remote-backup session", "Remote backup channel sessions"};
struct debug rbp_dbg_packet = {0, "debug remote-backup packets", "Remote backup channel messages"};
struct debug rbp_dbg_entry = {0, "debug remote-backup entries", "Remote backup entries sent"};
struct debug rbp_dbg_install = {0, "debug remote-backup install", "Remote backup installation of the twin's entries"};
struct debug rbp_dbg_role = {0, "debug remote-backup role", "Remote backup roles"};
/* clang-format on */

static struct debug *const rbp_dbgs[] = {
	&rbp_dbg_config, &rbp_dbg_session, &rbp_dbg_packet,
	&rbp_dbg_entry,	 &rbp_dbg_install, &rbp_dbg_role,
};

/*
 * FRR's lib writes one configuration line per registered debug; one debug
 * registered for the six writes "debug remote-backup" when all six are
 * configured, so that the line round-trips (frr-reload.py compares text),
 * and one line per configured flag otherwise.
 */
static char rbp_dbg_conf_text[sizeof("debug remote-backup entries\n") * array_size(rbp_dbgs)];
static char rbp_dbg_desc_text[160];
static struct debug rbp_dbg_all = { 0, rbp_dbg_conf_text, rbp_dbg_desc_text };

static void rbp_debug_summary(void)
{
	size_t i, nconf = 0, non = 0;
	bool term = false;

	rbp_dbg_conf_text[0] = '\0';
	strlcpy(rbp_dbg_desc_text, "Remote backup (", sizeof(rbp_dbg_desc_text));
	for (i = 0; i < array_size(rbp_dbgs); i++) {
		const struct debug *d = rbp_dbgs[i];

		if (DEBUG_MODE_CHECK(d, DEBUG_MODE_CONF)) {
			if (nconf++)
				strlcat(rbp_dbg_conf_text, "\n", sizeof(rbp_dbg_conf_text));
			strlcat(rbp_dbg_conf_text, d->conf, sizeof(rbp_dbg_conf_text));
		}
		if (DEBUG_MODE_CHECK(d, DEBUG_MODE_TERM))
			term = true;
		if (DEBUG_MODE_CHECK(d, DEBUG_MODE_ALL)) {
			if (non++)
				strlcat(rbp_dbg_desc_text, ", ", sizeof(rbp_dbg_desc_text));
			/* the flag's word: "debug remote-backup WORD" */
			strlcat(rbp_dbg_desc_text, strrchr(d->conf, ' ') + 1,
				sizeof(rbp_dbg_desc_text));
		}
	}
	strlcat(rbp_dbg_desc_text, ")", sizeof(rbp_dbg_desc_text));
	if (nconf == array_size(rbp_dbgs))
		strlcpy(rbp_dbg_conf_text, "debug remote-backup", sizeof(rbp_dbg_conf_text));
	DEBUG_MODE_SET(&rbp_dbg_all, DEBUG_MODE_ALL, false);
	DEBUG_MODE_SET(&rbp_dbg_all, DEBUG_MODE_CONF, nconf > 0);
	DEBUG_MODE_SET(&rbp_dbg_all, DEBUG_MODE_TERM, term);
}

/* mldsync logs by its own flags; keep them in step with ours */
static void rbp_debug_sync(void)
{
	uint32_t f = 0;

	/* authentication is part of a session's story */
	if (DEBUG_MODE_CHECK(&rbp_dbg_session, DEBUG_MODE_ALL))
		f |= MSYNC_DEBUG_SESSION | MSYNC_DEBUG_AUTH;
	if (DEBUG_MODE_CHECK(&rbp_dbg_packet, DEBUG_MODE_ALL))
		f |= MSYNC_DEBUG_PACKET;
	if (DEBUG_MODE_CHECK(&rbp_dbg_entry, DEBUG_MODE_ALL))
		f |= MSYNC_DEBUG_ENTRY;
	msync_debug = f;
}

#include "pimd-rbp/rbp_debug_clippy.c"

DEFPY(debug_rbp, debug_rbp_cmd,
      "[no] debug remote-backup [{config$config|session$session|packets$packets|entries$entries|install$install|role$role}]",
      NO_STR DEBUG_STR
      "Remote backup (IGMP/MLD dual-device hot backup)\n"
      "Configuration changes\n"
      "Channel sessions: connect, Hello, resync, state changes\n"
      "Channel messages\n"
      "Entries published to the twin\n"
      "Installation of the twin's entries\n"
      "Roles taken from VRRP\n")
{
	uint32_t mode = DEBUG_NODE2MODE(vty->node);
	bool all = !config && !session && !packets && !entries && !install && !role;

	if (all || config)
		DEBUG_MODE_SET(&rbp_dbg_config, mode, !no);
	if (all || session)
		DEBUG_MODE_SET(&rbp_dbg_session, mode, !no);
	if (all || packets)
		DEBUG_MODE_SET(&rbp_dbg_packet, mode, !no);
	if (all || entries)
		DEBUG_MODE_SET(&rbp_dbg_entry, mode, !no);
	if (all || install)
		DEBUG_MODE_SET(&rbp_dbg_install, mode, !no);
	if (all || role)
		DEBUG_MODE_SET(&rbp_dbg_role, mode, !no);
	rbp_debug_sync();
	rbp_debug_summary();
	return CMD_SUCCESS;
}

void rbp_debug_init(void)
{
	debug_install(&rbp_dbg_all);

	install_element(ENABLE_NODE, &debug_rbp_cmd);
	install_element(CONFIG_NODE, &debug_rbp_cmd);
}
