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
	return CMD_SUCCESS;
}

void rbp_debug_init(void)
{
	debug_install(&rbp_dbg_config);
	debug_install(&rbp_dbg_session);
	debug_install(&rbp_dbg_packet);
	debug_install(&rbp_dbg_entry);
	debug_install(&rbp_dbg_install);
	debug_install(&rbp_dbg_role);

	install_element(ENABLE_NODE, &debug_rbp_cmd);
	install_element(CONFIG_NODE, &debug_rbp_cmd);
}
