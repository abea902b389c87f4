// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VRRP state messages from vrrpd (vrrpd-track) to pimd and pim6d
 * (pimd-rbp), relayed by zebra as opaque messages.
 *
 * vrrpd-track sends RBP_OPAQUE_VRRP_STATE for every state transition of a
 * VRRP router, and for all of them when it starts and whenever it
 * receives RBP_OPAQUE_VRRP_REQUEST (which a starting pimd sends).  The
 * message types are private: outside zclient.h's registry.
 */
#ifndef _RBP_TRACK_MSG_H
#define _RBP_TRACK_MSG_H

#include <stdint.h>

#define RBP_OPAQUE_VRRP_STATE	0x52425001u
#define RBP_OPAQUE_VRRP_REQUEST 0x52425002u

#define RBP_VRRP_MSG_VERSION 1

/* Multi-byte fields in network byte order. */
struct rbp_vrrp_state_msg {
	uint8_t version; /* RBP_VRRP_MSG_VERSION */
	uint8_t family;	 /* 4 or 6 */
	uint8_t vrid;
	uint8_t state;	  /* VRRP_STATE_INITIALIZE/MASTER/BACKUP (0/1/2) */
	uint8_t priority; /* effective priority */
	uint8_t flags;	  /* RBP_VRRP_F_* */
	uint16_t reserved;
	uint32_t seq;	 /* per sender, increasing */
	char ifname[16]; /* the VRRP interface (not the macvlan) */
} __attribute__((packed));

/* the state is part of a full dump (start, or answer to a request) */
#define RBP_VRRP_F_DUMP 0x01
/* last message of a full dump */
#define RBP_VRRP_F_DUMP_END 0x02
/* the VRRP router was deleted; state is INITIALIZE */
#define RBP_VRRP_F_DELETED 0x04

#endif /* _RBP_TRACK_MSG_H */
