// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: publication of VRRP states to pimd and pim6d as zebra
 * opaque messages (common/rbp_common.h).
 *
 * Every transition is sent as it happens.  A full dump of all VRRP
 * routers, both address families each, is sent when the zebra
 * connection comes up (so a restarted vrrpd tells everyone at once), in
 * answer to RBP_OPAQUE_VRRP_REQUEST, and when vrrpd derived an effective
 * priority again (it may have changed).  Dumps are broadcast, not sent to
 * the requester only: every receiver then sees one gap-free sequence of
 * numbers, and a dump is idempotent.  Requests that arrive while a dump
 * is pending are answered by that dump.
 *
 * A destroyed virtual router is published DELETED on the next pass of the
 * event loop: vrrpd calls vrrp_vrouter_destroy_hook before it shuts the
 * routers down, and their Initialize transitions come first.  vrrpd
 * stopping destroys every router and exits without another pass: no
 * DELETED then, the receivers keep the Initialize states.
 */
#include <zebra.h>

#include "frrevent.h"
#include "hash.h"
#include "vrf.h"
#include "zclient.h"

#include "vrrpd/vrrp.h"

#include "track.h"
#include "etrunk.h"
#include "common/rbp_common.h"

DEFINE_MTYPE_STATIC(TRACK, TRACK_PUB_DEL, "VRRP router deletion to publish");
DEFINE_MTYPE_STATIC(TRACK, TRACK_PUB_DUMP, "VRRP routers of a dump");

PREDECL_DLIST(track_pub_dels);

/* a destroyed virtual router, to publish DELETED for */
struct track_pub_del {
	struct track_pub_dels_item item;
	char ifname[IFNAMSIZ];
	vrf_id_t vrf_id;
	uint8_t vrid;
};
DECLARE_DLIST(track_pub_dels, struct track_pub_del, item);

struct track_pub_counters track_pub;

static struct event_loop *track_pub_loop;
static struct event *t_track_pub_dump;
static uint64_t track_pub_pending; /* requests the next dump answers */
static struct track_pub_dels_head track_pub_dels;
static struct event *t_track_pub_dels;

static uint8_t track_pub_family(int af)
{
	return af == AF_INET ? 4 : 6;
}

static bool track_pub_send_et(uint8_t family, uint8_t vrid, uint8_t state, uint8_t priority,
			      uint8_t flags, const char *ifname, uint16_t etflags)
{
	struct zclient *zc = track_zclient();
	struct rbp_vrrp_state_msg msg = {
		.version = RBP_VRRP_MSG_VERSION,
		.family = family,
		.vrid = vrid,
		.state = state,
		.priority = priority,
		.flags = flags,
		.reserved = htons(etflags),
	};

	if (!track_zebra_connected()) {
		track_pub.send_failures++;
		DEBUGD(&track_dbg, "track: no zebra connection, VRRP %u IPv%u %s not published",
		       vrid, family, track_state_name(state));
		return false;
	}
	msg.seq = htonl(track_pub.seq + 1);
	strlcpy(msg.ifname, ifname, sizeof(msg.ifname));
	if (zclient_send_opaque(zc, RBP_OPAQUE_VRRP_STATE, (uint8_t *)&msg, sizeof(msg)) ==
	    ZCLIENT_SEND_FAILURE) {
		track_pub.send_failures++;
		return false;
	}
	track_pub.seq++;
	track_pub.sent++;
	if (family == RBP_FAMILY_ETRUNK)
		DEBUGD(&track_dbg,
		       "track: published e-trunk %u Eth-Trunk %s %s flags 0x%02x/0x%04x seq %u",
		       vrid, ifname, track_state_name(state), flags, etflags, track_pub.seq);
	else
		DEBUGD(&track_dbg,
		       "track: published VRRP %u on %s IPv%u %s priority %u flags 0x%02x seq %u",
		       vrid, ifname, family, track_state_name(state), priority, flags,
		       track_pub.seq);
	return true;
}

static bool track_pub_send(uint8_t family, uint8_t vrid, uint8_t state, uint8_t priority,
			   uint8_t flags, const char *ifname)
{
	return track_pub_send_et(family, vrid, state, priority, flags, ifname, 0);
}

/* --- E-Trunk: each Eth-Trunk's state in the same stream ----------------- */

static bool track_pub_etrunk_send(const struct etrunk_member *m, uint8_t flags)
{
	const struct etrunk *et = etrunk_find(m->etrunk_id);

	return track_pub_send_et(RBP_FAMILY_ETRUNK, m->etrunk_id, m->state, et ? et->priority : 0,
				 flags, m->ifname, m->flags);
}

/* etrunk.c: an Eth-Trunk changed, or left its E-Trunk */
static void track_pub_etrunk(const struct etrunk_member *m, bool deleted, void *arg)
{
	if (track_pub_etrunk_send(m, deleted ? RBP_VRRP_F_DELETED : 0))
		track_pub.transitions++;
}

struct track_pub_et_dump {
	size_t n, sent;
	bool last_pending, ok;
	const struct etrunk_member *prev;
};

static void track_pub_etrunk_count(const struct etrunk_member *m, bool deleted, void *arg)
{
	((struct track_pub_et_dump *)arg)->n++;
}

/* one behind, so that the last carries DUMP_END */
static void track_pub_etrunk_dump(const struct etrunk_member *m, bool deleted, void *arg)
{
	struct track_pub_et_dump *d = arg;

	if (!d->ok)
		return;
	d->sent++;
	d->ok = track_pub_etrunk_send(m, RBP_VRRP_F_DUMP |
						 (d->sent == d->n ? RBP_VRRP_F_DUMP_END : 0));
}

/* vrrp_change_state_hook: before vrrpd stores the new state */
void track_pub_transition(const struct vrrp_router *r, int to)
{
	if (!r->vr->ifp)
		return;
	if (track_pub_send(track_pub_family(r->family), r->vr->vrid, to, r->priority, 0,
			   r->vr->ifp->name))
		track_pub.transitions++;
}

static void track_pub_deletions(struct event *t)
{
	struct track_pub_del *del;

	while ((del = track_pub_dels_pop(&track_pub_dels))) {
		struct interface *ifp = if_lookup_by_name(del->ifname, del->vrf_id);

		/* created again meanwhile: it exists, its transitions tell */
		if (ifp && vrrp_lookup(ifp, del->vrid)) {
			DEBUGD(&track_dbg, "track: VRRP %u on %s created again, not DELETED",
			       del->vrid, del->ifname);
		} else {
			if (track_pub_send(4, del->vrid, VRRP_STATE_INITIALIZE, 0,
					   RBP_VRRP_F_DELETED, del->ifname))
				track_pub.deletions++;
			if (track_pub_send(6, del->vrid, VRRP_STATE_INITIALIZE, 0,
					   RBP_VRRP_F_DELETED, del->ifname))
				track_pub.deletions++;
		}
		XFREE(MTYPE_TRACK_PUB_DEL, del);
	}
}

void track_pub_deleted(const struct vrrp_vrouter *vr)
{
	struct track_pub_del *del;

	/* without an interface nothing about it was published */
	if (!vr->ifp)
		return;
	del = XCALLOC(MTYPE_TRACK_PUB_DEL, sizeof(*del));
	strlcpy(del->ifname, vr->ifp->name, sizeof(del->ifname));
	del->vrf_id = vr->ifp->vrf->vrf_id;
	del->vrid = vr->vrid;
	track_pub_dels_add_tail(&track_pub_dels, del);
	event_add_event(track_pub_loop, track_pub_deletions, NULL, 0, &t_track_pub_dels);
}

struct track_pub_walk {
	struct vrrp_vrouter **vrs;
	size_t n, size;
};

static int track_pub_collect(struct hash_bucket *b, void *arg)
{
	struct track_pub_walk *w = arg;
	struct vrrp_vrouter *vr = b->data;

	if (!vr->ifp)
		return HASHWALK_CONTINUE;
	if (w->n == w->size) {
		w->size = w->size ? w->size * 2 : 16;
		w->vrs = XREALLOC(MTYPE_TRACK_PUB_DUMP, w->vrs, w->size * sizeof(*w->vrs));
	}
	w->vrs[w->n++] = vr;
	return HASHWALK_CONTINUE;
}

static int track_pub_vr_cmp(const void *a, const void *b)
{
	const struct vrrp_vrouter *va = *(const struct vrrp_vrouter *const *)a;
	const struct vrrp_vrouter *vb = *(const struct vrrp_vrouter *const *)b;
	int ret = strcmp(va->ifp->name, vb->ifp->name);

	return ret ? ret : numcmp(va->vrid, vb->vrid);
}

static void track_pub_dump(struct event *t)
{
	struct track_pub_walk w = {};
	bool ok = true;

	struct track_pub_et_dump etd = { .ok = true };

	hash_walk(vrrp_vrouters_hash, track_pub_collect, &w);
	if (w.n)
		qsort(w.vrs, w.n, sizeof(*w.vrs), track_pub_vr_cmp);
	etrunk_pub_each(track_pub_etrunk_count, &etd);

	if (!w.n && !etd.n)
		ok = track_pub_send(0, 0, VRRP_STATE_INITIALIZE, 0,
				    RBP_VRRP_F_DUMP | RBP_VRRP_F_DUMP_END, "");
	for (size_t i = 0; i < w.n && ok; i++) {
		const struct vrrp_router *rs[] = { w.vrs[i]->v4, w.vrs[i]->v6 };

		for (size_t f = 0; f < array_size(rs) && ok; f++) {
			bool last = !etd.n && i == w.n - 1 && f == array_size(rs) - 1;

			ok = track_pub_send(track_pub_family(rs[f]->family), w.vrs[i]->vrid,
					    rs[f]->fsm.state, rs[f]->priority,
					    RBP_VRRP_F_DUMP | (last ? RBP_VRRP_F_DUMP_END : 0),
					    w.vrs[i]->ifp->name);
		}
	}
	XFREE(MTYPE_TRACK_PUB_DUMP, w.vrs);
	if (ok && etd.n) {
		etrunk_pub_each(track_pub_etrunk_dump, &etd);
		ok = etd.ok;
	}

	/* a dump cut short is repeated on the next connect */
	if (!ok)
		return;
	track_pub.dumps++;
	track_pub.requests_answered += track_pub_pending;
	track_pub_pending = 0;
	DEBUGD(&track_dbg, "track: full dump of %zu VRRP routers and %zu Eth-Trunks sent", w.n,
	       etd.n);
}

static void track_pub_schedule_dump(void)
{
	event_add_event(track_pub_loop, track_pub_dump, NULL, 0, &t_track_pub_dump);
}

/* The effective priority may have changed (vrrpd asked the priority
 * hook): the twins compare priorities to hand forwarding over, so the
 * receivers get every router again (a dump: idempotent, coalesced) */
void track_pub_priority_changed(void)
{
	if (track_zebra_connected())
		track_pub_schedule_dump();
}

void track_pub_request(const struct zapi_opaque_msg *info)
{
	track_pub.requests++;
	track_pub_pending++;
	DEBUGD(&track_dbg, "track: dump requested by %s instance %u session %u",
	       zebra_route_string(info->src_proto), info->src_instance, info->src_session_id);
	track_pub_schedule_dump();
}

void track_pub_zebra_connected(void)
{
	track_pub_schedule_dump();
}

void track_pub_init(struct event_loop *loop)
{
	track_pub_loop = loop;
	track_pub_dels_init(&track_pub_dels);
	etrunk_set_pub(track_pub_etrunk, NULL);
}

void track_pub_fini(void)
{
	struct track_pub_del *del;

	EVENT_OFF(t_track_pub_dump);
	EVENT_OFF(t_track_pub_dels);
	while ((del = track_pub_dels_pop(&track_pub_dels)))
		XFREE(MTYPE_TRACK_PUB_DEL, del);
	track_pub_dels_fini(&track_pub_dels);
}
