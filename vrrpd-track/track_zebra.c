// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: the module's own zebra client.
 *
 * vrrpd's zclient is static to vrrp_zebra.c and its handler table has
 * neither opaque messages nor BFD, so the module opens an auxiliary
 * client: same protocol (VRRP, which zebra relays BFD status to with
 * patch 0005), its own session id, because zebra keys opaque receivers
 * by (protocol, instance, session).  lib/zclient.c runs its standard
 * handlers, BFD replay and update among them, only for non-auxiliary
 * clients: they are in this client's table instead.
 */
#include <zebra.h>

#include "bfd.h"
#include "frrevent.h"
#include "zclient.h"

#include "vrrpd/vrrp.h"

#include "track.h"
#include "common/rbp_common.h"

static struct zclient *track_zc;
static uint32_t track_zc_connects;

static int track_zebra_opaque(ZAPI_CALLBACK_ARGS)
{
	struct zapi_opaque_msg info;

	if (zclient_opaque_decode(zclient->ibuf, &info) != 0)
		return -1;
	if (info.type == RBP_OPAQUE_VRRP_REQUEST)
		track_pub_request(&info);
	else if (info.type == RBP_OPAQUE_SYNC_STATE)
		track_sync_msg(&info, zclient->ibuf);
	return 0;
}

/* zebra tells every client when another closes: pimd or pim6d gone */
static int track_zebra_client_close(ZAPI_CALLBACK_ARGS)
{
	struct zapi_client_close_info info;

	if (zapi_client_close_notify_decode(zclient->ibuf, &info) < 0)
		return -1;
	if (info.proto == ZEBRA_ROUTE_PIM)
		track_sync_sender_gone(info.session_id);
	return 0;
}

static zclient_handler *const track_zebra_handlers[] = {
	[ZEBRA_OPAQUE_MESSAGE] = track_zebra_opaque,
	[ZEBRA_CLIENT_CLOSE_NOTIFY] = track_zebra_client_close,
	[ZEBRA_BFD_DEST_REPLAY] = zclient_bfd_session_replay,
	[ZEBRA_INTERFACE_BFD_DEST_UPDATE] = zclient_bfd_session_update,
};

static void track_zebra_on_connect(struct zclient *zc)
{
	track_zc_connects++;
	zlog_info("track: zebra connection up (session %u)", zc->session_id);
	zclient_register_opaque(zc, RBP_OPAQUE_VRRP_REQUEST);
	zclient_register_opaque(zc, RBP_OPAQUE_SYNC_STATE);
	/* zebra asks for a replay only when bfdd connects: after our own
	 * (re)connect, register the sessions configured meanwhile
	 */
	zclient_bfd_session_replay(ZEBRA_BFD_DEST_REPLAY, zc, 0, VRF_DEFAULT);
	track_pub_zebra_connected();
}

struct zclient *track_zclient(void)
{
	return track_zc;
}

bool track_zebra_connected(void)
{
	return track_zc && track_zc->sock >= 0;
}

uint32_t track_zebra_connects(void)
{
	return track_zc_connects;
}

void track_zebra_init(struct event_loop *loop)
{
	track_zc = zclient_new(loop, &zclient_options_auxiliary, track_zebra_handlers,
			       array_size(track_zebra_handlers));
	track_zc->session_id = (uint32_t)getpid();
	track_zc->zebra_connected = track_zebra_on_connect;
	zclient_init(track_zc, ZEBRA_ROUTE_VRRP, 0, &vrrp_privs);
	bfd_protocol_integration_init(track_zc, loop);
}

void track_zebra_fini(void)
{
	if (!track_zc)
		return;
	if (track_zc->sock >= 0)
		zclient_unregister_opaque(track_zc, RBP_OPAQUE_VRRP_REQUEST);
	if (track_zc->sock >= 0)
		zclient_unregister_opaque(track_zc, RBP_OPAQUE_SYNC_STATE);
	zclient_stop(track_zc);
	zclient_free(track_zc);
	track_zc = NULL;
}
