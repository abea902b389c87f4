// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: which twin forwards a profile, from what this router knows
 * of itself and what the twin last told over the channel
 * (doc/protocol.md 6.6).  Pure: no pimd, no channel, no clock.
 */
#ifndef _RBP_HANDOVER_H
#define _RBP_HANDOVER_H

#include "mldsync/msync.h"

/* Why a profile forwards or not, for show and logs */
enum rbp_ho_why {
	RBP_HO_BACKUP = 0,	  /* VRRP backup, the twin forwards */
	RBP_HO_MASTER,		  /* VRRP master */
	RBP_HO_TAKEOVER_RELEASED, /* the twin handed over */
	RBP_HO_TAKEOVER_GONE,	  /* the twin's daemon died or stopped */
	RBP_HO_UNABLE,		  /* this router cannot forward */
	RBP_HO_TWIN_PREFERRED,	  /* handed over to a twin of higher priority */
	RBP_HO_WAIT_TWIN,	  /* waits for the twin to hand over */
	RBP_HO_WAIT_START,	  /* just started: waits for the twin's word */
	RBP_HO_YIELD,		  /* split brain: the twin forwards */
	RBP_HO_BALANCE,		  /* E-Trunk active-active: forwards its share */
	RBP_HO_WAIT_BALANCE,	  /* force-master: the twin forwards all for now */
};

struct rbp_ho_in {
	enum msync_role role; /* this router's, from its VRRP group */
	bool able;	      /* its interfaces up, its VRRP source alive */
	bool synced;	      /* the twin's full table installed */
	uint8_t priority;     /* VRRP effective priority, 0 unknown */
	bool yield;	      /* split brain: this router yields */
	/* load balanced with the twin (E-Trunk force-master on both): each
	 * forwards its share of the groups, no handover */
	bool balance;
	/* this router's Eth-Trunk is force-master: master by configuration,
	 * so no priority makes a twin preferred; not (yet) balanced, it
	 * forwards every group unless the twin already does */
	bool force_master;
	bool forwarding;      /* it forwards now (the last decision) */
	bool start_wait;      /* the daemon started moments ago */
	/* the twin's report, from a live channel and not made stale by this
	 * router's own VRRP takeover since */
	bool peer_known;
	struct msync_role_info peer;
	/* the twin's daemon died or stopped (its end of the channel closed
	 * without a Bye, or a Bye saying so) and it has not spoken since */
	bool peer_gone;
	bool takeover;		  /* the last decision was a takeover */
	enum rbp_ho_why last_why; /* the last decision's reason */
};

struct rbp_ho_out {
	bool forwarding; /* unmute */
	bool released;	 /* tell the twin: forward instead of me */
	bool takeover;	 /* forwarding (or would) though not VRRP master */
	enum rbp_ho_why why;
};

void rbp_handover_decide(const struct rbp_ho_in *in, struct rbp_ho_out *out);
const char *rbp_ho_why_name(enum rbp_ho_why why);

#endif /* _RBP_HANDOVER_H */
