// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: read access to pimd's local membership state, IGMP in pimd
 * (PIM_IPV 4) and MLD in pim6d (PIM_IPV 6), in one shape.
 */
#ifndef _RBP_GM_H
#define _RBP_GM_H

#include "pim_addr.h"
#include "mldsync/msync.h"

struct interface;

/* What a local membership looks like to the twin */
struct rbp_gm_info {
	enum msync_filter filter;
	uint8_t version;   /* IGMP 2/3 (pimd records no version 1), MLD 1/2 */
	uint32_t timer_ms; /* remaining membership time */
	bool timer_exact;  /* read off a running timer, not estimated */
};

/* Whether local IGMP/MLD wants traffic for (S,G) on ifp; fills info */
bool rbp_gm_lookup(struct interface *ifp, pim_sgaddr sg, struct rbp_gm_info *info);
/* Whether local IGMP/MLD holds the TIB join of (S,G) on ifp */
bool rbp_gm_local_joined(struct interface *ifp, pim_sgaddr sg);

typedef void (*rbp_gm_walk_fn)(struct interface *ifp, pim_sgaddr sg, const struct rbp_gm_info *info,
			       void *arg);
/* Every local membership of ifp that wants traffic */
void rbp_gm_walk(struct interface *ifp, rbp_gm_walk_fn fn, void *arg);

/* Whether a group is worth replicating: not link-local in scope (the
 * solicited-node groups of MLD, 224.0.0.0/24), which pimd never routes
 */
bool rbp_gm_group_replicated(pim_addr grp);

/* The group membership interval (IGMP) or multicast address listening
 * interval (MLD) of ifp, ms; 0 without IGMP/MLD there */
uint32_t rbp_gm_membership_interval_ms(struct interface *ifp);

/* Have IGMP/MLD on ifp act as querier now (a new master takes over) */
void rbp_gm_become_querier(struct interface *ifp);

/* Conversions between pimd's (S,G) and an entry key */
void rbp_sg_to_key(pim_sgaddr sg, struct msync_key *k);
pim_sgaddr rbp_key_to_sg(const struct msync_key *k);

#endif /* _RBP_GM_H */
