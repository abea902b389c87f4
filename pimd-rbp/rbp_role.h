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
/* The role a VRRP group gives this router, and where it comes from */
enum msync_role rbp_role_of(const struct rbp_vrrp_ref *ref);
const char *rbp_role_source(const struct rbp_vrrp_ref *ref);
/* Whether the profile's role lets this router forward (master, and not
 * yielding to its twin in a split brain)
 */
bool rbp_profile_forwards(const struct rbp_profile *prf);
/* A profile is going away: stop its timers */
void rbp_role_profile_gone(struct rbp_profile *prf);
/* VRRP state messages received from vrrpd-track */
uint64_t rbp_role_vrrp_messages(void);

#endif /* _RBP_ROLE_H */
