// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: module entry for pimd (IGMP) and pim6d (MLD).
 */
#include <zebra.h>

#include "module.h"
#include "libfrr.h"
#include "hook.h"

#include "rbp.h"
#include "rbp_core.h"
#include "rbp_vty.h"

static int rbp_late_init(struct event_loop *loop)
{
	rbp_debug_init();
	rbp_core_init(loop);
	rbp_vty_init();
	rbp_show_init();
	zlog_info("remote backup module loaded (%s, service-type %s)", RBP_DAEMON,
		  msync_svc_name(RBP_SVC_SELF));
	return 0;
}

static int rbp_fini(void)
{
	rbp_vty_fini();
	rbp_core_fini();
	return 0;
}

static int rbp_module_init(void)
{
	hook_register(frr_late_init, rbp_late_init);
	hook_register(frr_fini, rbp_fini);
	return 0;
}

#if PIM_IPV == 4
#define RBP_MOD_DESC "IGMP dual-device hot backup (remote backup)"
#else
#define RBP_MOD_DESC "MLD dual-device hot backup (remote backup)"
#endif

FRR_MODULE_SETUP(.name = RBP_DAEMON "_rbp", .version = RBP_VERSION, .description = RBP_MOD_DESC,
		 .init = rbp_module_init);
