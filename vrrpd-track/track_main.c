// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: module entry for vrrpd.
 */
#include <zebra.h>

#include "module.h"
#include "libfrr.h"
#include "hook.h"
#include "privs.h"

#include "vrrpd/vrrp.h"

#include "track.h"
#include "etrunk.h"

DEFINE_MGROUP(TRACK, "vrrpd track module");

const char *track_name_check(const char *what, const char *name, size_t size)
{
	static char err[320];

	if (strlen(name) < size)
		return NULL;
	snprintf(err, sizeof(err), "%s name %s is too long: at most %zu characters", what, name,
		 size - 1);
	return err;
}

/* After vrrpd's own init: its CLI nodes and zebra client exist */
static int track_late_init(struct event_loop *loop)
{
	debug_install(&track_dbg);
	track_mgroup_init(loop);
	track_bfd_init();
	track_vr_init();
	etrunk_init(loop);
	track_pub_init(loop);
	track_sync_init();
	track_zebra_init(loop);
	track_vty_init();
	etrunk_vty_init();
	track_state_init(loop);
	zlog_info("vrrpd track module loaded");
	return 0;
}

static int track_fini(void)
{
	track_state_fini();
	etrunk_fini();
	track_vr_fini();
	track_bfd_fini();
	track_mgroup_fini();
	track_pub_fini();
	track_zebra_fini();
	track_sync_fini();
	return 0;
}

/*
 * E-Trunk sets a bond's LACP actor system over netlink (etrunk_bond.c),
 * which needs CAP_NET_ADMIN; vrrpd itself keeps CAP_NET_RAW only.  A
 * module is loaded before the daemon sets its privileges: add the
 * capability to vrrpd's set here.  It is raised only around that request
 * (frr_with_privs), as every FRR daemon does with its own.
 */
static zebra_capabilities_t track_caps[8];

static void track_privs_extend(void)
{
	size_t n = 0;

	for (int i = 0; i < vrrp_privs.cap_num_p && n < array_size(track_caps) - 1; i++) {
		if (vrrp_privs.caps_p[i] == ZCAP_NET_ADMIN)
			return;
		track_caps[n++] = vrrp_privs.caps_p[i];
	}
	track_caps[n++] = ZCAP_NET_ADMIN;
	vrrp_privs.caps_p = track_caps;
	vrrp_privs.cap_num_p = n;
}

static int track_module_init(void)
{
	track_privs_extend();
	hook_register(frr_late_init, track_late_init);
	hook_register(frr_fini, track_fini);
	return 0;
}

FRR_MODULE_SETUP(.name = "vrrpd_track", .version = RBP_VERSION,
		 .description = "VRRP state publication and object tracking",
		 .init = track_module_init);
