// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: CLI.  Configuration commands (rbp_vty.c) and show commands
 * (rbp_show.c).
 */
#ifndef _RBP_VTY_H
#define _RBP_VTY_H

#define RBS_STR	     "Remote backup service (RBS): the channel to the twin router\n"
#define RBS_NAME_STR "Service name\n"
#define RBP_STR	     "Remote backup profile (RBP): what is backed up and how\n"
#define RBP_NAME_STR "Profile name\n"
#define RB_SHOW_STR  "Remote backup (IGMP/MLD dual-device hot backup)\n"

void rbp_vty_init(void);
void rbp_vty_fini(void);
void rbp_show_init(void);

#endif /* _RBP_VTY_H */
