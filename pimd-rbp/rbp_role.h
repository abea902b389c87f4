// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: a profile's role (master/backup) from its VRRP group.
 */
#ifndef _RBP_ROLE_H
#define _RBP_ROLE_H

#include "rbp.h"

struct event_loop;

void rbp_role_init(struct event_loop *loop);
void rbp_role_fini(void);
/* Re-derive every profile's role (configuration or interfaces changed) */
void rbp_role_reconcile(void);
/* What the role of a profile is taken from, for show */
const char *rbp_role_source(const struct rbp_profile *prf);
/* VRRP state messages received from vrrpd-track */
uint64_t rbp_role_vrrp_messages(void);

#endif /* _RBP_ROLE_H */
