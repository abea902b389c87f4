// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: interface monitor groups.  A group binds interfaces with a
 * down-weight each; the tracked objects that name the group act on the
 * weighted share of its interfaces that are down.
 */
#include <zebra.h>

#include "frrevent.h"
#include "hook.h"
#include "if.h"
#include "vrf.h"
#include "vty.h"

#include "track.h"

DEFINE_MTYPE_STATIC(TRACK, TRACK_MGROUP, "monitor-group");
DEFINE_MTYPE_STATIC(TRACK, TRACK_BIND, "monitor-group binding");

DEFINE_QOBJ_TYPE(track_mgroup);


struct track_mgroups_head track_mgroups;

static struct event_loop *track_mg_loop;
static struct event *t_track_mg_eval;

struct track_mgroup *track_mgroup_find(const char *name)
{
	struct track_mgroup key = {};

	/* no group has a longer name: do not match one by a prefix */
	if (strlen(name) >= sizeof(key.name))
		return NULL;
	strlcpy(key.name, name, sizeof(key.name));
	return track_mgroups_find(&track_mgroups, &key);
}

struct track_mgroup *track_mgroup_get(const char *name, const char **err)
{
	struct track_mgroup *mg;

	*err = track_name_check("monitor-group", name, TRACK_NAME_MAX);
	if (*err)
		return NULL;
	mg = track_mgroup_find(name);
	if (mg)
		return mg;
	mg = XCALLOC(MTYPE_TRACK_MGROUP, sizeof(*mg));
	strlcpy(mg->name, name, sizeof(mg->name));
	track_binds_init(&mg->binds);
	track_mgroups_add(&track_mgroups, mg);
	QOBJ_REG(mg, track_mgroup);
	return mg;
}

static void track_mgroup_free(struct track_mgroup *mg)
{
	struct track_bind *b;

	while ((b = track_binds_pop(&mg->binds)))
		XFREE(MTYPE_TRACK_BIND, b);
	track_binds_fini(&mg->binds);
	track_mgroups_del(&track_mgroups, mg);
	QOBJ_UNREG(mg);
	XFREE(MTYPE_TRACK_MGROUP, mg);
}

const char *track_mgroup_del(struct track_mgroup *mg)
{
	static char err[160];
	const struct track_obj *obj = track_vr_mgroup_user(mg);

	if (obj) {
		snprintf(err, sizeof(err), "monitor-group %s is tracked by VRRP %u on interface %s",
			 mg->name, obj->tvr->vrid, obj->tvr->ifname);
		return err;
	}
	track_mgroup_free(mg);
	return NULL;
}

const char *track_mgroup_bind(struct track_mgroup *mg, const char *ifname, long weight)
{
	struct track_bind key = {}, *b;
	const char *err = track_name_check("interface", ifname, sizeof(key.ifname));

	if (err)
		return err;
	strlcpy(key.ifname, ifname, sizeof(key.ifname));
	b = track_binds_find(&mg->binds, &key);
	if (!b) {
		b = XCALLOC(MTYPE_TRACK_BIND, sizeof(*b));
		strlcpy(b->ifname, ifname, sizeof(b->ifname));
		track_binds_add(&mg->binds, b);
	}
	b->weight = weight;
	track_vr_mgroups_changed();
	return NULL;
}

const char *track_mgroup_unbind(struct track_mgroup *mg, const char *ifname)
{
	static char err[160];
	struct track_bind key = {}, *b;
	const char *nerr = track_name_check("interface", ifname, sizeof(key.ifname));

	if (nerr)
		return nerr;
	strlcpy(key.ifname, ifname, sizeof(key.ifname));
	b = track_binds_find(&mg->binds, &key);
	if (!b) {
		snprintf(err, sizeof(err), "interface %s is not bound to monitor-group %s", ifname,
			 mg->name);
		return err;
	}
	track_binds_del(&mg->binds, b);
	XFREE(MTYPE_TRACK_BIND, b);
	track_vr_mgroups_changed();
	return NULL;
}

bool track_bind_down(const struct track_bind *b)
{
	struct interface *ifp = if_lookup_by_name(b->ifname, VRF_DEFAULT);

	return !ifp || ifp->ifindex == IFINDEX_INTERNAL || !if_is_operative(ifp);
}

void track_mgroup_weights(const struct track_mgroup *mg, uint32_t *down, uint32_t *total)
{
	const struct track_bind *b;

	*down = *total = 0;
	frr_each (track_binds_const, &mg->binds, b) {
		*total += b->weight;
		if (track_bind_down(b))
			*down += b->weight;
	}
}

int track_mgroup_config_write(struct vty *vty)
{
	const struct track_mgroup *mg;
	const struct track_bind *b;
	int n = 0;

	frr_each (track_mgroups_const, &track_mgroups, mg) {
		vty_out(vty, "monitor-group %s\n", mg->name);
		frr_each (track_binds_const, &mg->binds, b) {
			vty_out(vty, " binding interface %s", b->ifname);
			if (b->weight != TRACK_DEFAULT_WEIGHT)
				vty_out(vty, " down-weight %u", b->weight);
			vty_out(vty, "\n");
		}
		vty_out(vty, "exit\n!\n");
		n++;
	}
	return n;
}

/* --- interface state ---------------------------------------------------- */

static void track_mgroup_eval(struct event *t)
{
	track_vr_mgroups_changed();
}

/* Evaluate on the next pass of the event loop: if_down and if_unreal run
 * modules before the daemon, and if_unreal before the interface loses its
 * ifindex; a burst of changes is evaluated once.
 */
static int track_mgroup_if_change(struct interface *ifp)
{
	if (track_mgroups_count(&track_mgroups))
		event_add_event(track_mg_loop, track_mgroup_eval, NULL, 0, &t_track_mg_eval);
	return 0;
}

void track_mgroup_init(struct event_loop *loop)
{
	track_mg_loop = loop;
	track_mgroups_init(&track_mgroups);
	hook_register_prio(if_up, 1000, track_mgroup_if_change);
	hook_register_prio(if_down, 1000, track_mgroup_if_change);
	hook_register_prio(if_real, 1000, track_mgroup_if_change);
	hook_register_prio(if_unreal, 1000, track_mgroup_if_change);
}

void track_mgroup_fini(void)
{
	struct track_mgroup *mg;

	EVENT_OFF(t_track_mg_eval);
	hook_unregister(if_up, track_mgroup_if_change);
	hook_unregister(if_down, track_mgroup_if_change);
	hook_unregister(if_real, track_mgroup_if_change);
	hook_unregister(if_unreal, track_mgroup_if_change);
	while ((mg = track_mgroups_first(&track_mgroups)))
		track_mgroup_free(mg);
	track_mgroups_fini(&track_mgroups);
}
