// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: turns the twin's entries into forwarding state (TIB joins with
 * module-owned channel OILs), and decides forwarding on interfaces whose
 * profile takes its role from VRRP: joins are built whatever the DR
 * election says, and the outgoing interface is muted unless master.
 */
#ifndef _RBP_INSTALL_H
#define _RBP_INSTALL_H

#include "rbp.h"
#include "pim_addr.h"

struct event_loop;
struct vty;
struct json_object;

void rbp_install_init(struct event_loop *loop);
void rbp_install_fini(void);

void rbp_install_peer_update(struct rbp_profile *prf, const struct msync_entry *e);
void rbp_install_peer_delete(struct rbp_profile *prf, const struct msync_entry *e,
			     enum msync_del_reason why);
/* Remove everything installed for a profile */
void rbp_install_flush(struct rbp_profile *prf);
/* Re-evaluate everything against configuration and interface state */
void rbp_install_reconcile(void);

/* Local IGMP/MLD (re)asserts or withdraws (S,G) on ifp: one owner */
void rbp_install_local_membership(struct interface *ifp, pim_sgaddr sg, bool join);
/* The profile's role changed: mute or unmute, install or not, at once */
void rbp_install_role_changed(struct rbp_profile *prf);
/* The role an interface tracks changed: its forwarding, in one pass */
void rbp_install_if_role_changed(struct rbp_if *rif);
/* After configuration changes: every interface's forwarding decisions */
void rbp_install_if_reconcile(void);

/* Whether VRRP decides forwarding on ifp, whether this router builds
 * joins for local members there regardless of the DR election, whether
 * it mutes, and whether it ignores asserts there.
 */
bool rbp_if_tracks_role(const struct interface *ifp);
bool rbp_if_gm_forwarder(const struct interface *ifp);
bool rbp_if_muted(const struct interface *ifp);
bool rbp_if_assert_ignored(const struct interface *ifp);

/* show ip|ipv6 remote-backup entries: rows, or objects added to jarr */
void rbp_install_show(struct vty *vty, struct json_object *jarr);

#endif /* _RBP_INSTALL_H */
