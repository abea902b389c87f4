// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: which twin forwards a profile (doc/protocol.md 6.6).
 *
 * VRRP decides by default: its master forwards.  The channel lets the
 * twins do better where they know more than VRRP, and only by what one
 * of them said:
 *
 * - A router that cannot forward (its LAN interface down, its vrrpd
 *   gone) says so ("released"), and the twin takes over at once instead
 *   of after VRRP's detection.  So does a router whose daemon dies: its
 *   kernel closes the channel without the Bye a deliberate close sends.
 * - A router whose twin is preferred (higher VRRP priority, or VRRP
 *   master where priorities tie) and holds its full table (synced)
 *   releases: a priority drop or a preemption moves the forwarding
 *   before VRRP does, old forwarder first.  The release holds while the
 *   twin stays preferred and able, synced or not.
 * - The preferred router waits while the twin still forwards and has not
 *   released: it will, as soon as it hears this router is synced.  So
 *   every live handover mutes the old forwarder before the new one
 *   unmutes, one channel message apart.
 *
 * An E-Trunk Eth-Trunk in force-master mode is master by configuration:
 * both twins are, and load balanced they each forward their share.  Not
 * (yet) balanced (the twin's Eth-Trunk down, or its E-Trunk hellos not
 * heard yet), a router forwards every group, except that one not
 * forwarding yet (just restarted) waits while the twin forwards: the
 * twin covers every group until the E-Trunk says both are aggregated.
 *
 * A partition says nothing (no Bye, no report): then VRRP and the
 * split-brain guard decide, as without the channel.  A router that
 * becomes VRRP master takes the twin's last report as stale until the
 * twin answers (the twin may have died silently: that is when VRRP
 * elects a new master), so a dead twin never delays a takeover.
 */
#include <zebra.h>

#include "rbp_handover.h"

/* Whether a router (ap, am) is preferred to another (bp, bm) */
static bool rbp_ho_preferred(uint8_t ap, bool am, uint8_t bp, bool bm)
{
	if (ap && bp && ap != bp)
		return ap > bp;
	return am && !bm;
}

void rbp_handover_decide(const struct rbp_ho_in *in, struct rbp_ho_out *out)
{
	const struct msync_role_info *p = &in->peer;
	bool master = in->role == MSYNC_ROLE_MASTER;
	bool peer_master = p->role == MSYNC_ROLE_MASTER;
	bool peer_preferred = in->peer_known && p->able &&
			      rbp_ho_preferred(p->priority, peer_master, in->priority, master);
	bool self_preferred = in->peer_known &&
			      rbp_ho_preferred(in->priority, master, p->priority, peer_master);

	memset(out, 0, sizeof(*out));
	if (in->balance && in->able) {
		out->forwarding = true;
		out->why = RBP_HO_BALANCE;
		return;
	}
	if (!in->able) {
		out->released = true;
		out->why = RBP_HO_UNABLE;
		return;
	}
	if (in->force_master) {
		if (in->yield) {
			out->why = RBP_HO_YIELD;
		} else if (in->start_wait && !in->peer_known) {
			out->why = RBP_HO_WAIT_START;
		} else if (!in->forwarding && !in->peer_gone && in->peer_known && p->able &&
			   p->forwarding) {
			/* sticky both ways: two forwarders do not both stop */
			out->why = RBP_HO_WAIT_BALANCE;
		} else {
			out->forwarding = true;
			out->why = RBP_HO_MASTER;
		}
		return;
	}
	/* once released to it, the preferred twin keeps the forwarding
	 * while it is preferred and able: its "synced" drops for a moment
	 * whenever its installer re-queues its records (its own forwarding
	 * changed), and taking back then would hand over again and again */
	if (peer_preferred && (p->synced || in->last_why == RBP_HO_TWIN_PREFERRED)) {
		out->released = true;
		out->why = RBP_HO_TWIN_PREFERRED;
		return;
	}
	/* a takeover lasts until this router releases: across the dead
	 * twin's restart, until it is synced and claims */
	out->takeover = (in->peer_known && p->released) || in->peer_gone ||
			(in->takeover && in->peer_known);
	if (!master && !out->takeover) {
		out->why = RBP_HO_BACKUP;
		return;
	}
	if (in->yield) {
		out->why = RBP_HO_YIELD;
		return;
	}
	if (in->start_wait) {
		out->why = RBP_HO_WAIT_START;
		return;
	}
	if (self_preferred && p->forwarding && !p->released) {
		out->why = RBP_HO_WAIT_TWIN;
		return;
	}
	out->forwarding = true;
	out->why = master	   ? RBP_HO_MASTER
		   : in->peer_gone ? RBP_HO_TAKEOVER_GONE
				   : RBP_HO_TAKEOVER_RELEASED;
}

const char *rbp_ho_why_name(enum rbp_ho_why why)
{
	switch (why) {
	case RBP_HO_BACKUP:
		return "VRRP backup";
	case RBP_HO_MASTER:
		return "VRRP master";
	case RBP_HO_TAKEOVER_RELEASED:
		return "takeover, the twin released";
	case RBP_HO_TAKEOVER_GONE:
		return "takeover, the twin's daemon is gone";
	case RBP_HO_UNABLE:
		return "released, cannot forward";
	case RBP_HO_TWIN_PREFERRED:
		return "released to the twin (higher priority)";
	case RBP_HO_WAIT_TWIN:
		return "waiting for the twin to release";
	case RBP_HO_WAIT_START:
		return "waiting for the twin's word after start";
	case RBP_HO_YIELD:
		return "split brain, yields";
	case RBP_HO_BALANCE:
		return "load balanced with the twin";
	case RBP_HO_WAIT_BALANCE:
		return "force-master, the twin forwards until balanced";
	}
	return "?";
}
