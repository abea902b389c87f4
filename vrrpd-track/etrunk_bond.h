// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: an Eth-Trunk that is a Linux bond (802.3ad).  The twins
 * share one LACP actor system (MAC and priority); the E-Trunk backup puts
 * its own system ID on its bond so that the CE's LACP sees another
 * partner and keeps its links out of the aggregation, while the bond
 * stays up on the router (its entries stay installed, muted).  SONiC's
 * MC-LAG does the same.  The messages are built and parsed here, pure,
 * and unit-tested on constructed buffers; etrunk_bond_set_actor() sends.
 */
#ifndef _ETRUNK_BOND_H
#define _ETRUNK_BOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zebra_privs_t;

/* What a bond's RTM_NEWLINK says of it */
struct etrunk_bond_info {
	int ifindex;
	bool is_bond;	/* IFLA_LINKINFO / IFLA_INFO_KIND "bond" */
	bool has_actor; /* IFLA_BOND_AD_ACTOR_SYSTEM present */
	uint8_t actor_system[6];
	bool has_prio; /* IFLA_BOND_AD_ACTOR_SYS_PRIO present */
	uint16_t actor_prio;
};

/*
 * An RTM_NEWLINK request (NLM_F_REQUEST | NLM_F_ACK) for ifindex setting
 * IFLA_LINKINFO { IFLA_INFO_KIND "bond", IFLA_INFO_DATA {
 * IFLA_BOND_AD_ACTOR_SYSTEM sysid, IFLA_BOND_AD_ACTOR_SYS_PRIO prio } }.
 * prio 0: not set.  Returns the length written into buf, or -1 if size
 * is too small.
 */
int etrunk_bond_msg_actor(uint8_t *buf, size_t size, uint32_t seq, int ifindex,
			  const uint8_t sysid[6], uint16_t prio);

/* Parse an RTM_NEWLINK message (a request or the kernel's answer to
 * RTM_GETLINK); returns 0, or -1 if it is not a well-formed one */
int etrunk_bond_parse(const uint8_t *buf, size_t len, struct etrunk_bond_info *info);

/* Send the request over a NETLINK_ROUTE socket with privs raised and wait
 * for the kernel's answer: 0, or a negative errno (-EOPNOTSUPP: not a
 * bond in 802.3ad mode, -ENODEV, ...) */
int etrunk_bond_set_actor(struct zebra_privs_t *privs, int ifindex, const uint8_t sysid[6],
			  uint16_t prio);

#endif /* _ETRUNK_BOND_H */
