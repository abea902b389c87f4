// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: the resync states pimd-rbp and pim6d-rbp report for their
 * profiles' VRRP groups (common/rbp_common.h, RBP_OPAQUE_SYNC_STATE).
 *
 * `vrrp N preempt delay S wait-sync` ends the delay as soon as every
 * profile of the VRRP router says its channel's resync is done and the
 * twin's entries are installed: a restarted router then preempts when it
 * has what it needs, not after a fixed time (the delay is the bound).
 * A state is kept per sender (pimd or pim6d, by zebra session) and
 * profile; a sender that goes away takes its states with it.
 */
#include <zebra.h>

#include "typesafe.h"
#include "vty.h"
#include "json.h"
#include "zclient.h"

#include "track.h"
#include "common/rbp_common.h"

DEFINE_MTYPE_STATIC(TRACK, TRACK_SYNC, "resync state of a profile");

PREDECL_RBTREE_UNIQ(track_syncs);

struct track_sync {
	struct track_syncs_item item;
	uint8_t sender; /* 4 pimd, 6 pim6d */
	char profile[32];
	uint32_t session; /* the sender's zebra session */
	char ifname[IFNAMSIZ];
	uint8_t vrrp_family;
	uint8_t vrid;
	bool synced;
};

static int track_sync_cmp(const struct track_sync *a, const struct track_sync *b)
{
	if (a->sender != b->sender)
		return numcmp(a->sender, b->sender);
	return strcmp(a->profile, b->profile);
}
DECLARE_RBTREE_UNIQ(track_syncs, struct track_sync, item, track_sync_cmp);

static struct track_syncs_head track_syncs;
static uint64_t track_sync_msgs, track_sync_bad;

static const char *track_sync_sender_name(uint8_t sender)
{
	return sender == 4 ? "pimd" : "pim6d";
}

void track_sync_msg(const struct zapi_opaque_msg *info, struct stream *s)
{
	struct rbp_sync_state_msg m;
	struct track_sync ref = {}, *ts;
	char ifname[IFNAMSIZ];

	if (info->len != sizeof(m)) {
		track_sync_bad++;
		zlog_warn("track: resync state of %u bytes, expected %zu (pimd-rbp of another version?)",
			  info->len, sizeof(m));
		return;
	}
	STREAM_GET(&m, s, sizeof(m));
	if (m.version != RBP_SYNC_MSG_VERSION || (m.sender != 4 && m.sender != 6) ||
	    (m.vrrp_family != 4 && m.vrrp_family != 6) || !m.vrid) {
		track_sync_bad++;
		DEBUGD(&track_dbg,
		       "track: resync state dropped (version %u sender %u family %u vrid %u)",
		       m.version, m.sender, m.vrrp_family, m.vrid);
		return;
	}
	track_sync_msgs++;
	ref.sender = m.sender;
	memcpy(ref.profile, m.profile, sizeof(ref.profile));
	ref.profile[sizeof(ref.profile) - 1] = '\0';
	memcpy(ifname, m.ifname, sizeof(ifname));
	ifname[sizeof(ifname) - 1] = '\0';
	ts = track_syncs_find(&track_syncs, &ref);
	DEBUGD(&track_dbg, "track: %s profile %s: VRRP%s %u on %s %s%s",
	       track_sync_sender_name(m.sender), ref.profile, m.vrrp_family == 6 ? "6" : "", m.vrid,
	       ifname, m.synced ? "synced" : "not synced",
	       m.flags & RBP_SYNC_F_DELETED ? " (deleted)" : "");
	if (m.flags & RBP_SYNC_F_DELETED) {
		if (!ts)
			return;
		strlcpy(ifname, ts->ifname, sizeof(ifname));
		m.vrid = ts->vrid;
		track_syncs_del(&track_syncs, ts);
		XFREE(MTYPE_TRACK_SYNC, ts);
		track_vr_sync_changed(ifname, m.vrid);
		return;
	}
	if (!ts) {
		ts = XCALLOC(MTYPE_TRACK_SYNC, sizeof(*ts));
		*ts = ref;
		track_syncs_add(&track_syncs, ts);
	} else if (strcmp(ts->ifname, ifname) || ts->vrid != m.vrid) {
		/* the profile moved to another group: the old one may be done */
		char old[IFNAMSIZ];
		uint8_t old_vrid = ts->vrid;

		strlcpy(old, ts->ifname, sizeof(old));
		strlcpy(ts->ifname, ifname, sizeof(ts->ifname));
		ts->vrid = m.vrid;
		track_vr_sync_changed(old, old_vrid);
	}
	ts->session = info->src_session_id;
	strlcpy(ts->ifname, ifname, sizeof(ts->ifname));
	ts->vrrp_family = m.vrrp_family;
	ts->vrid = m.vrid;
	ts->synced = m.synced;
	track_vr_sync_changed(ts->ifname, ts->vrid);
	return;
stream_failure:
	track_sync_bad++;
}

void track_sync_sender_gone(uint32_t session)
{
	struct track_sync *ts;

	frr_each_safe (track_syncs, &track_syncs, ts) {
		char ifname[IFNAMSIZ];
		uint8_t vrid = ts->vrid;

		if (ts->session != session)
			continue;
		strlcpy(ifname, ts->ifname, sizeof(ifname));
		zlog_info("track: %s closed its zebra connection: resync state of profile %s forgotten",
			  track_sync_sender_name(ts->sender), ts->profile);
		track_syncs_del(&track_syncs, ts);
		XFREE(MTYPE_TRACK_SYNC, ts);
		track_vr_sync_changed(ifname, vrid);
	}
}

bool track_sync_done(const char *ifname, uint8_t vrid)
{
	const struct track_sync *ts;
	bool any = false;

	frr_each (track_syncs_const, &track_syncs, ts) {
		if (ts->vrid != vrid || strcmp(ts->ifname, ifname))
			continue;
		if (!ts->synced)
			return false;
		any = true;
	}
	return any;
}

void track_sync_show(struct vty *vty, const char *ifname, uint8_t vrid, struct json_object *jarr)
{
	const struct track_sync *ts;

	frr_each (track_syncs_const, &track_syncs, ts) {
		if (ts->vrid != vrid || strcmp(ts->ifname, ifname))
			continue;
		if (jarr) {
			json_object *jo = json_object_new_object();

			json_object_string_add(jo, "daemon", track_sync_sender_name(ts->sender));
			json_object_string_add(jo, "profile", ts->profile);
			json_object_boolean_add(jo, "synced", ts->synced);
			json_object_array_add(jarr, jo);
		} else
			vty_out(vty, "    %s profile %s: %s\n", track_sync_sender_name(ts->sender),
				ts->profile, ts->synced ? "synced" : "resync not done");
	}
}

void track_sync_counters(uint64_t *msgs, uint64_t *bad)
{
	*msgs = track_sync_msgs;
	*bad = track_sync_bad;
}

void track_sync_init(void)
{
	track_syncs_init(&track_syncs);
}

void track_sync_fini(void)
{
	struct track_sync *ts;

	while ((ts = track_syncs_pop(&track_syncs)))
		XFREE(MTYPE_TRACK_SYNC, ts);
	track_syncs_fini(&track_syncs);
}
