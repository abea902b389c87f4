// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: what the twin's entries must satisfy before they reach pimd:
 * the rules pimd applies to its own IGMP/MLD reports on that interface.
 */
#ifndef _RBP_POLICY_H
#define _RBP_POLICY_H

#include "pim_addr.h"
#include "mldsync/msync.h"

struct interface;

/* Why a twin's entry was not installed, counted per profile */
enum rbp_refusal {
	RBP_REFUSE_SCOPE = 0,	  /* link-local scope group: never routed */
	RBP_REFUSE_SSM_EXCLUDE,	  /* (*,G) / EXCLUDE in the SSM range (RFC 4604) */
	RBP_REFUSE_SOURCE,	  /* not a source a receiver can ask for */
	RBP_REFUSE_BOUNDARY,	  /* ip multicast boundary of the interface */
	RBP_REFUSE_NO_INTERFACE, /* no interface bound to the profile here */
	RBP_REFUSE_LIMIT,	  /* the profile's max-entries reached */
	RBP_REFUSE_MAX,
};

/* camelCase, as the json keys; and words for the text show and logs */
const char *rbp_refusal_key(enum rbp_refusal r);
const char *rbp_refusal_text(enum rbp_refusal r);

/* Whether the (S,G) of a twin's entry is acceptable at all (the rules
 * that depend on nothing but the entry and pimd's SSM range); returns
 * RBP_REFUSE_MAX if it is
 */
enum rbp_refusal rbp_policy_entry(pim_sgaddr sg, enum msync_filter filter);
/* Whether the interface lets it in (its multicast boundary) */
bool rbp_policy_interface(struct interface *ifp, pim_sgaddr sg);

#endif /* _RBP_POLICY_H */
