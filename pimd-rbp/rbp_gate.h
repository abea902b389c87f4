// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the forwarding gate.  Decides, per interface, whether this
 * router builds joins for local members whatever the DR election says,
 * whether the interface is muted in the MFC, and whether PIM asserts are
 * ignored there; answers pimd's hooks with it, and pushes a changed
 * decision into pimd's state.
 */
#ifndef _RBP_GATE_H
#define _RBP_GATE_H

#include "rbp.h"

struct interface;

void rbp_gate_init(void);
void rbp_gate_fini(void);

/* The decisions, as pimd's hooks and show see them */
bool rbp_gate_forwarder(const struct interface *ifp);
bool rbp_gate_muted(const struct interface *ifp);
bool rbp_gate_assert_ignored(const struct interface *ifp);
/* Whether a VRRP group decides forwarding on the interface */
bool rbp_gate_tracked(const struct rbp_if *rif);
bool rbp_gate_if_muted(const struct rbp_if *rif);

/*
 * The interface's decisions may have changed: retry the joins of local
 * members that failed while this router was not the forwarder, re-mute or
 * unmute its MFC entries, reset assert state it now ignores.  role_changed:
 * the VRRP role behind the decision changed, so an interface that now
 * forwards also takes the IGMP/MLD querier role.
 */
void rbp_gate_apply(const struct rbp_if *rif, bool role_changed);
void rbp_gate_apply_all(void);

#endif /* _RBP_GATE_H */
