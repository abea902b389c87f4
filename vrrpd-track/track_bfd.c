// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: BFD sessions through bfdd (lib/bfd over the module's own
 * zebra client, see track_zebra.c), shared by the tracked objects that
 * name the same session.
 */
#include <zebra.h>

#include "bfd.h"
#include "vrf.h"

#include "track.h"

DEFINE_MTYPE_STATIC(TRACK, TRACK_BFD, "tracked BFD session");


struct track_bfds_head track_bfds;

const char *track_bfd_state_name(enum bfd_session_state state)
{
	switch (state) {
	case BSS_UP:
		return "up";
	case BSS_DOWN:
		return "down";
	case BSS_ADMIN_DOWN:
		return "admin-down";
	case BSS_UNKNOWN:
		break;
	}
	return "unknown";
}

static void track_bfd_status(struct bfd_session_params *bsp, const struct bfd_session_status *bss,
			     void *arg)
{
	struct track_bfd *tb = arg;
	enum bfd_session_state previous = tb->state;
	struct track_obj *obj;

	tb->state = bss->state;
	if (previous == BSS_UP && tb->state == BSS_DOWN)
		tb->up_to_down++;
	zlog_info("track: BFD session %pIA%s%s: %s -> %s", &tb->peer,
		  tb->ifname[0] ? " interface " : "", tb->ifname, track_bfd_state_name(previous),
		  track_bfd_state_name(tb->state));
	/* owners other than VRRP routers (E-Trunks) */
	frr_each_safe (track_bfd_users, &tb->users, obj)
		if (obj->notify)
			obj->notify(obj, tb->state);
	track_vr_bfd_changed(tb, previous);
}

struct track_bfd *track_bfd_get(const struct ipaddr *peer, const struct ipaddr *local,
				const char *ifname, const char *profile, const char **err)
{
	static char errbuf[200];
	struct track_bfd key = {}, *tb;

	/* names are refused, never cut short */
	*err = track_name_check("interface", ifname ? ifname : "", sizeof(key.ifname));
	if (!*err)
		*err = track_name_check("BFD profile", profile ? profile : "", sizeof(key.profile));
	if (*err)
		return NULL;
	key.peer = *peer;
	key.local = *local;
	strlcpy(key.ifname, ifname ? ifname : "", sizeof(key.ifname));
	tb = track_bfds_find(&track_bfds, &key);
	if (tb) {
		/* one bfdd session has one profile */
		if (strcmp(tb->profile, profile ? profile : "")) {
			snprintf(errbuf, sizeof(errbuf),
				 "BFD session to %pIA is already tracked with %s%s", peer,
				 tb->profile[0] ? "profile " : "no profile", tb->profile);
			*err = errbuf;
			return NULL;
		}
		return tb;
	}

	tb = XCALLOC(MTYPE_TRACK_BFD, sizeof(*tb));
	*tb = key;
	strlcpy(tb->profile, profile ? profile : "", sizeof(tb->profile));
	tb->state = BSS_UNKNOWN;
	track_bfd_users_init(&tb->users);

	/* VRRP routers share a link: single hop */
	tb->bsp = bfd_sess_new(track_bfd_status, tb);
	if (IS_IPADDR_V4(peer))
		bfd_sess_set_ipv4_addrs(tb->bsp, IS_IPADDR_NONE(local) ? NULL : &local->ipaddr_v4,
					&peer->ipaddr_v4);
	else
		bfd_sess_set_ipv6_addrs(tb->bsp, IS_IPADDR_NONE(local) ? NULL : &local->ipaddr_v6,
					&peer->ipaddr_v6);
	bfd_sess_set_interface(tb->bsp, tb->ifname[0] ? tb->ifname : NULL);
	bfd_sess_set_profile(tb->bsp, tb->profile[0] ? tb->profile : NULL);
	bfd_sess_set_vrf(tb->bsp, VRF_DEFAULT);
	bfd_sess_set_hop_count(tb->bsp, 1);
	bfd_sess_install(tb->bsp);

	track_bfds_add(&track_bfds, tb);
	DEBUGD(&track_dbg, "track: BFD session %pIA registered", peer);
	return tb;
}

static void track_bfd_free(struct track_bfd *tb)
{
	track_bfds_del(&track_bfds, tb);
	/* uninstalls it from bfdd */
	bfd_sess_free(&tb->bsp);
	track_bfd_users_fini(&tb->users);
	XFREE(MTYPE_TRACK_BFD, tb);
}

/* Drop the session when its last user is gone */
void track_bfd_put(struct track_bfd *tb)
{
	if (track_bfd_users_count(&tb->users))
		return;
	DEBUGD(&track_dbg, "track: BFD session %pIA released", &tb->peer);
	track_bfd_free(tb);
}

void track_bfd_init(void)
{
	track_bfds_init(&track_bfds);
}

void track_bfd_fini(void)
{
	struct track_bfd *tb;

	while ((tb = track_bfds_first(&track_bfds)))
		track_bfd_free(tb);
	track_bfds_fini(&track_bfds);
}
