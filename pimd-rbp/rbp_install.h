// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: turns the twin's entries into forwarding state (TIB joins with
 * module-owned channel OILs), one install record per local (interface,
 * S, G).  A record points at its profile: the coordinator detaches a
 * profile's records (rbp_install_flush) before the profile goes; pimd's
 * prunes of those follow in the installer's slices.
 */
#ifndef _RBP_INSTALL_H
#define _RBP_INSTALL_H

#include "rbp.h"

struct event_loop;
struct vty;
struct json_object;

/* drained: called when a profile's queue of records becomes empty */
void rbp_install_init(struct event_loop *loop, void (*drained)(void));
void rbp_install_fini(void);

/* The twin's entry was added or changed / is about to go */
void rbp_install_peer_update(struct rbp_profile *prf, const struct msync_entry *e);
void rbp_install_peer_delete(struct rbp_profile *prf, const struct msync_entry *e,
			     enum msync_del_reason why);
/* Remove everything installed for a profile (its records go with it,
 * pimd's prunes follow in slices)
 */
void rbp_install_flush(const struct rbp_profile *prf);
/* Drop the records that no longer map to an entry of a profile of ours on
 * a bound interface, then install what the peer tables hold
 */
void rbp_install_reconcile(void);
/* The twin's daemon died: its entries, which this router forwards now,
 * stay at least one membership interval of the profile's interfaces, in
 * which their receivers answer this router's queries */
void rbp_install_twin_gone(const struct rbp_profile *prf);
/* Try again what failed for a reason no event reports (no route to the
 * source or RP yet, PIM disabled and enabled again on the interface)
 */
void rbp_install_retry(void);
/* The profile's role or backup mode changed: install or not, at once */
void rbp_install_profile_changed(const struct rbp_profile *prf);

/* show ip|ipv6 remote-backup entries: rows, or objects added to jarr */
void rbp_install_show(struct vty *vty, struct json_object *jarr);

#endif /* _RBP_INSTALL_H */
