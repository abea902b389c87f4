// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the frr-rbp modules and the rebuilt vtysh must agree on:
 *
 * - the ids of the CLI nodes the modules add past libfrr's enum (the
 *   daemons and vtysh install the same nodes under the same ids);
 * - the VRRP state messages vrrpd-track (in vrrpd) sends to pimd-rbp (in
 *   pimd and pim6d), relayed by zebra as opaque messages.
 */
#ifndef _RBP_COMMON_H
#define _RBP_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* --- CLI nodes -------------------------------------------------------- */

#define RBP_SERVICE_NODE  ((enum node_type)(NODE_TYPE_MAX + 1)) /* pimd-rbp */
#define RBP_PROFILE_NODE  ((enum node_type)(NODE_TYPE_MAX + 2)) /* pimd-rbp */
#define TRACK_MGROUP_NODE ((enum node_type)(NODE_TYPE_MAX + 3)) /* vrrpd-track */
#define ETRUNK_NODE	  ((enum node_type)(NODE_TYPE_MAX + 4)) /* vrrpd-track */

/* --- VRRP state messages ----------------------------------------------
 *
 * vrrpd-track sends RBP_OPAQUE_VRRP_STATE for every state transition of a
 * VRRP router, and a full dump of all of them when it connects to zebra
 * and whenever it receives RBP_OPAQUE_VRRP_REQUEST (which pimd-rbp sends
 * when it connects, and when it missed a message).  The message types are
 * private: outside zclient.h's registry.
 *
 * A dump is the whole set: a receiver drops the states a dump does not
 * contain.  An empty dump is one message with family 0 and both dump
 * flags.  Sequence numbers count every message of a sender by one, dumps
 * included; a receiver that sees a gap asks for a dump.
 */
#define RBP_OPAQUE_VRRP_STATE	0x52425001u
#define RBP_OPAQUE_VRRP_REQUEST 0x52425002u

#define RBP_VRRP_MSG_VERSION 1

/* Multi-byte fields in network byte order. */
struct rbp_vrrp_state_msg {
	uint8_t version; /* RBP_VRRP_MSG_VERSION */
	uint8_t family;	 /* 4 or 6; 0 in an empty dump */
	uint8_t vrid;
	uint8_t state;	  /* VRRP_STATE_INITIALIZE/MASTER/BACKUP (0/1/2) */
	uint8_t priority; /* effective priority */
	uint8_t flags;	  /* RBP_VRRP_F_* */
	uint16_t reserved;
	uint32_t seq;	 /* per sender, +1 per message, from 1 */
	char ifname[16]; /* the VRRP interface (not the macvlan) */
} __attribute__((packed));

/* the state is part of a full dump (start, or answer to a request) */
#define RBP_VRRP_F_DUMP 0x01
/* last message of a full dump */
#define RBP_VRRP_F_DUMP_END 0x02
/* the VRRP router was deleted; state is INITIALIZE */
#define RBP_VRRP_F_DELETED 0x04

/* --- resync states ----------------------------------------------------
 *
 * pimd-rbp and pim6d-rbp -> vrrpd-track: for each profile with a VRRP
 * group, whether the channel's resync is done and the twin's entries are
 * installed.  vrrpd-track's `vrrp N preempt delay S wait-sync` ends the
 * delay early once every profile of the VRRP router says so.  Sent on
 * every change, and again after each dump of VRRP states (a restarted
 * vrrpd learns them); a sender that goes away (zebra's close
 * notification, by its session id) takes its states with it.
 */
#define RBP_OPAQUE_SYNC_STATE 0x52425003u

#define RBP_SYNC_MSG_VERSION 1

struct rbp_sync_state_msg {
	uint8_t version;     /* RBP_SYNC_MSG_VERSION */
	uint8_t sender;	     /* 4: pimd (IGMP), 6: pim6d (MLD) */
	uint8_t vrrp_family; /* of the profile's group: 4 or 6 */
	uint8_t vrid;
	uint8_t synced; /* 1: resync done, the twin's entries installed */
	uint8_t flags;	/* RBP_SYNC_F_* */
	uint16_t reserved;
	char ifname[16]; /* the group's VRRP interface */
	char profile[32];
} __attribute__((packed));

/* the profile no longer has this group (or is gone): forget it */
#define RBP_SYNC_F_DELETED 0x01

/* VRRP states as vrrpd numbers them (vrrpd/vrrp.h) */
#define RBP_VRRP_STATE_INITIALIZE 0
#define RBP_VRRP_STATE_MASTER	  1
#define RBP_VRRP_STATE_BACKUP	  2

/* --- E-Trunk states ---------------------------------------------------
 *
 * vrrpd-track runs the E-Trunk election too (vrrpd-track/etrunk.c) and
 * publishes each Eth-Trunk's state in the same stream of
 * RBP_OPAQUE_VRRP_STATE messages (one sequence, one dump): family
 * RBP_FAMILY_ETRUNK, vrid the E-Trunk ID, ifname the Eth-Trunk, state
 * MASTER (the CE aggregates it: elected, or force-master), BACKUP, or
 * INITIALIZE (down), priority the E-Trunk priority (1-254, smaller wins),
 * and the E-Trunk's view in `reserved` (network order): RBP_ET_F_*.
 */
#define RBP_FAMILY_ETRUNK 0x45 /* 'E' */

#define RBP_ET_F_ELECTED     0x0001 /* this router is the E-Trunk master by election */
#define RBP_ET_F_FORCE	     0x0002 /* e-trunk mode force-master */
#define RBP_ET_F_PEER	     0x0004 /* the peer's hellos are heard */
#define RBP_ET_F_PEER_FORCE  0x0008 /* the peer's paired Eth-Trunk is force-master */
#define RBP_ET_F_PEER_MASTER 0x0010 /* ... and master (aggregated, up) */
#define RBP_ET_F_SHARE1	     0x0020 /* load balancing: this router forwards share 1 */

/*
 * Load balancing in active-active (both Eth-Trunks force-master): each
 * group is forwarded by one twin, the one whose share it is (the E-Trunk
 * master by election forwards share 0).  A hash of the group address
 * alone, not the source: a group's (*,G) and (S,G) entries go to one
 * twin, and both twins compute it from what they both hold.  FNV-1a over
 * the address bytes with a final mix, so that consecutive groups split
 * evenly.  grp: 4 or 16 bytes, network order.
 */
static inline unsigned int rbp_group_share(const void *grp, size_t len)
{
	const uint8_t *p = grp;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h & 1;
}

#endif /* _RBP_COMMON_H */
