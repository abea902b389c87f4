// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the coordinator.  Owns the lifetime of services, profiles,
 * channels and install records, and fans configuration and role changes
 * out to the parts that act on them (session, capture, install, gate).
 */
#ifndef _RBP_CORE_H
#define _RBP_CORE_H

#include "rbp.h"

struct event_loop;

void rbp_core_init(struct event_loop *loop);
void rbp_core_fini(void);

/* The configuration changed: bring everything in line soon (while vtysh
 * applies a file, at its end)
 */
void rbp_core_changed(void);

/* Remove a service or a profile with everything that refers to it; NULL,
 * or why not (nothing changed)
 */
const char *rbp_core_service_delete(struct rbp_service *svc);
const char *rbp_core_profile_delete(struct rbp_profile *prf);

/* Whether a configuration file is being applied (vtysh -b, -f, copy) */
bool rbp_core_reading_config(void);

#endif /* _RBP_CORE_H */
