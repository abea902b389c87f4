// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the role (master/backup) a VRRP group gives this router.
 */
#ifndef _RBP_ROLE_H
#define _RBP_ROLE_H

#include "rbp.h"

struct event_loop;
struct vty;
struct json_object;

/* Called when a role may have changed: now (a VRRP state arrived) or
 * soon (after pimd's own handling of an interface event)
 */
typedef void (*rbp_role_notify_fn)(bool now);

void rbp_role_init(struct event_loop *loop, rbp_role_notify_fn notify);
void rbp_role_fini(void);

/*
 * How a VRRP group relates to the interface whose forwarding it decides:
 * - lan: the group runs on that very interface, whose being down makes
 *   this router backup (it cannot forward there; FRR's vrrpd stays Master
 *   with its link down);
 * - otherwise the group is on another link (an mVRRP group, admin-vrrp)
 *   and decides by its VRRP state alone; with ignore_if_down, the group's
 *   interface being down makes this router master, as the vendor's
 *   "admin-vrrp vrid N ignore-if-down" does.
 */
struct rbp_role_scope {
	bool lan;
	bool ignore_if_down;
};

enum msync_role rbp_role_of(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope);
/* The role with what the twins weigh for a handover */
struct rbp_role_view {
	enum msync_role role;
	bool able;	  /* not: its interface down (lan), its vrrpd gone */
	bool vrrp_master; /* VRRP's state alone says Master */
	uint8_t priority; /* effective, from vrrpd-track; 0 unknown */
	bool force_master; /* E-Trunk: the Eth-Trunk is force-master */
};
void rbp_role_view(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope,
		   struct rbp_role_view *v);
/* Whether an interface of that name exists and is operative */
bool rbp_role_if_operative(const char *ifname);
/* An E-Trunk group whose Eth-Trunks are force-master on both twins, both
 * up and aggregated: load balanced; *share1 whether this router forwards
 * share 1 of the groups (rbp_group_share()) */
bool rbp_role_balance(const struct rbp_vrrp_ref *ref, bool *share1);
/* Where the role comes from, for show */
const char *rbp_role_source(const struct rbp_vrrp_ref *ref, struct rbp_role_scope scope);

/* Tell vrrpd-track whether a profile's channel is synced for its VRRP
 * group (its `preempt delay ... wait-sync`); false if not sent */
bool rbp_role_send_sync(const char *profile, const struct rbp_vrrp_ref *ref, bool synced,
			bool deleted);
/* Dumps received from vrrpd-track so far: after one, send again */
uint32_t rbp_role_dumps(void);

/* show ip|ipv6 remote-backup vrrp: the states heard from vrrpd-track */
void rbp_role_show(struct vty *vty, struct json_object *js);

#endif /* _RBP_ROLE_H */
