// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: module entry for pimd (IGMP) and pim6d (MLD).
 */
#include <zebra.h>

#include "module.h"
#include "libfrr.h"
#include "hook.h"

#include "pimd.h"

#include "rbp.h"
#include "rbp_capture.h"
#include "rbp_install.h"
#include "rbp_role.h"
#include "rbp_session.h"

static int rbp_late_init(struct event_loop *loop)
{
	rbp_config_init();
	rbp_debug_init();
	rbp_vty_init();
	rbp_session_init(loop);
	rbp_install_init(loop);
	rbp_capture_init(loop);
	rbp_role_init(loop);
	zlog_info("remote backup module loaded (%s, service-type %s)", RBP_DAEMON,
		  msync_svc_name(RBP_SVC_SELF));
	return 0;
}

static int rbp_fini(void)
{
	rbp_role_fini();
	rbp_capture_fini();
	rbp_install_fini();
	rbp_session_fini();
	rbp_config_fini();
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
