// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: runs one RBS channel (mldsync session) per service that a
 * profile of this daemon's service type uses, keeps it in step with the
 * configuration, and hands what the twin sends to the installer.
 */
#include <zebra.h>

#include "command.h"
#include "frrevent.h"
#include "monotime.h"
#include "lib_errors.h"

#include "rbp.h"
#include "rbp_session.h"
#include "rbp_capture.h"
#include "rbp_install.h"
#include "rbp_role.h"

static struct event_loop *rbp_loop;
static struct msync_io *rbp_io;
static struct event *rbp_t_reconcile;
static struct event *rbp_t_role;
/* between vtysh's XFRR_start_configuration and XFRR_end_configuration */
static bool rbp_config_reading;

/* a configuration file whose end marker never comes is applied anyway */
#define RBP_CONFIG_READ_MAX_S 10

static void rbp_role_reconcile_event(struct event *t)
{
	rbp_role_reconcile();
}

static struct rbp_profile *rbp_profile_by_id(const struct rbp_service *svc, uint32_t backup_id)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (prf->service == svc && prf->backup_id == backup_id)
			return prf;
	return NULL;
}

/* --- callbacks from mldsync ------------------------------------------- */

static void rbp_cb_state(struct msync_session *s, enum msync_state old, enum msync_state new,
			 const char *reason, void *arg)
{
	struct rbp_service *svc = arg;

	/* the twin's roles are unknown while the channel is down */
	if (old == MSYNC_ST_ESTABLISHED || new == MSYNC_ST_ESTABLISHED)
		event_add_event(rbp_loop, rbp_role_reconcile_event, NULL, 0, &rbp_t_role);

	if (new == MSYNC_ST_ESTABLISHED || old == MSYNC_ST_ESTABLISHED || new == MSYNC_ST_REFUSED)
		zlog_info("remote-backup-service %s: channel %s -> %s%s%s", svc->name,
			  msync_state_name(old), msync_state_name(new),
			  reason && *reason ? ": " : "", reason ? reason : "");
	else
		DEBUGD(&rbp_dbg_session, "remote-backup-service %s: channel %s -> %s%s%s",
		       svc->name, msync_state_name(old), msync_state_name(new),
		       reason && *reason ? ": " : "", reason ? reason : "");
}

static void rbp_cb_peer_update(struct msync_session *s, const struct msync_entry *e, void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, e->key.backup_id);

	if (prf && rbp_profile_is_ours(prf))
		rbp_install_peer_update(prf, e);
}

static void rbp_cb_peer_delete(struct msync_session *s, const struct msync_entry *e,
			       enum msync_del_reason why, void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, e->key.backup_id);

	if (prf)
		rbp_install_peer_delete(prf, e, why);
}

static void rbp_cb_peer_role(struct msync_session *s, uint32_t backup_id, enum msync_role role,
			     void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, backup_id);

	DEBUGD(&rbp_dbg_role, "profile %s: peer role %s", prf ? prf->name : "?",
	       rbp_role_name(role));
	rbp_role_reconcile();
}

static void rbp_cb_resync_done(struct msync_session *s, void *arg)
{
	struct rbp_service *svc = arg;

	DEBUGD(&rbp_dbg_session, "remote-backup-service %s: peer resync done", svc->name);
}

static const struct msync_callbacks rbp_callbacks_tmpl = {
	.state_change = rbp_cb_state,
	.peer_update = rbp_cb_peer_update,
	.peer_delete = rbp_cb_peer_delete,
	.peer_role = rbp_cb_peer_role,
	.resync_done = rbp_cb_resync_done,
};

/* --- reconciliation with the configuration ---------------------------- */

struct rbp_stale_bids {
	const struct rbp_service *svc;
	uint32_t bids[16];
	size_t n;
};

static int rbp_collect_stale_bid(const struct msync_entry *e, void *arg)
{
	struct rbp_stale_bids *sb = arg;
	const struct rbp_profile *prf = rbp_profile_by_id(sb->svc, e->key.backup_id);

	if (prf && rbp_profile_is_ours(prf))
		return 0;
	for (size_t i = 0; i < sb->n; i++)
		if (sb->bids[i] == e->key.backup_id)
			return 0;
	sb->bids[sb->n++] = e->key.backup_id;
	/* the rest is flushed on the next pass */
	return sb->n == array_size(sb->bids);
}

/* The twin's entries of backup-ids that are no longer a profile of ours
 * here (deleted, renumbered, other service type) are not kept.
 */
static void rbp_session_flush_stale(struct rbp_service *svc)
{
	struct rbp_stale_bids sb = { .svc = svc };

	msync_peer_walk(svc->session, rbp_collect_stale_bid, &sb);
	for (size_t i = 0; i < sb.n; i++) {
		DEBUGD(&rbp_dbg_session,
		       "remote-backup-service %s: dropping the twin's entries of backup-id %u (no profile here)",
		       svc->name, sb.bids[i]);
		msync_peer_flush(svc->session, sb.bids[i]);
	}
}

static bool rbp_service_needed(const struct rbp_service *svc)
{
	const struct rbp_profile *prf;

	if (!svc->peer_set)
		return false;
	frr_each (rbp_profiles_const, &rbp_profiles, prf)
		if (prf->service == svc && prf->type == RBP_SVC_SELF)
			return true;
	return false;
}

static void rbp_session_cfg(const struct rbp_service *svc, struct msync_session_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strlcpy(cfg->name, svc->name, sizeof(cfg->name));
	cfg->peer = svc->peer;
	cfg->source = svc->source;
	cfg->port = svc->port + RBP_PORT_OFFSET;
}

/* The Hello offers every profile of the service, of both types, so that
 * the twins notice any disagreement.
 */
static void rbp_session_offers(struct rbp_service *svc)
{
	struct msync_offer offers[64];
	const struct rbp_profile *prf;
	size_t n = 0;

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		if (prf->service != svc || prf->type == MSYNC_SVC_NONE)
			continue;
		if (n == array_size(offers)) {
			flog_warn(EC_LIB_DEVELOPMENT,
				  "remote-backup-service %s: more than %zu profiles, the rest are not offered",
				  svc->name, array_size(offers));
			break;
		}
		offers[n].backup_id = prf->backup_id;
		offers[n].svc = prf->type;
		n++;
	}
	msync_session_set_offers(svc->session, offers, n);
}

static void rbp_session_stop(struct rbp_service *svc)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (prf->service == svc)
			rbp_install_flush(prf);
	msync_session_free(&svc->session);
	zlog_info("remote-backup-service %s: %s channel stopped", svc->name,
		  msync_svc_name(RBP_SVC_SELF));
}

static void rbp_reconcile(struct event *t)
{
	struct rbp_service *svc;
	struct rbp_profile *prf;
	struct msync_session_config cfg;

	frr_each (rbp_services, &rbp_services, svc) {
		bool needed = rbp_service_needed(svc);

		if (!needed) {
			if (svc->session)
				rbp_session_stop(svc);
			continue;
		}
		rbp_session_cfg(svc, &cfg);
		if (!svc->session) {
			struct msync_callbacks cb = rbp_callbacks_tmpl;

			cb.arg = svc;
			svc->session = msync_session_new(rbp_io, &cfg, &cb);
			zlog_info("remote-backup-service %s: %s channel to %pSU port %u started",
				  svc->name, msync_svc_name(RBP_SVC_SELF), &svc->peer, cfg.port);
		} else
			msync_session_reconfigure(svc->session, &cfg);
		rbp_session_offers(svc);
		rbp_session_flush_stale(svc);
	}

	rbp_role_reconcile();
	/* entries of profiles that are no longer ours, or have moved */
	rbp_capture_reconcile();
	rbp_install_reconcile();
	rbp_install_if_reconcile();
	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (rbp_profile_is_ours(prf))
			rbp_session_role_changed(prf);
}

/*
 * Coalesces bursts of configuration into one pass.  vtysh sends a file
 * (vtysh -b at boot) one line per read event: a pass after each line
 * would start a channel with half the profiles, and the twin would refuse
 * its Hello (a hello-mismatch error and a reconnect backoff at every
 * start).  So while a file is read the pass waits for its end.
 */
void rbp_config_changed(void)
{
	if (!rbp_loop)
		return;
	if (rbp_config_reading)
		event_add_timer(rbp_loop, rbp_reconcile, NULL, RBP_CONFIG_READ_MAX_S,
				&rbp_t_reconcile);
	else
		event_add_event(rbp_loop, rbp_reconcile, NULL, 0, &rbp_t_reconcile);
}

static void rbp_config_read_start(void)
{
	rbp_config_reading = true;
}

static void rbp_config_read_end(void)
{
	rbp_config_reading = false;
	if (rbp_t_reconcile) {
		EVENT_OFF(rbp_t_reconcile);
		event_add_event(rbp_loop, rbp_reconcile, NULL, 0, &rbp_t_reconcile);
	}
}

/* --- queries ---------------------------------------------------------- */

struct msync_session *rbp_profile_session(const struct rbp_profile *prf)
{
	if (!rbp_profile_is_ours(prf))
		return NULL;
	return prf->service->session;
}

enum msync_role rbp_session_peer_role(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	return s ? msync_session_peer_role(s, prf->backup_id) : MSYNC_ROLE_UNKNOWN;
}

void rbp_session_role_changed(struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	if (s)
		msync_session_set_role(s, prf->backup_id, prf->role);
}

void rbp_session_info(const struct rbp_service *svc, struct rbp_session_info *si)
{
	struct msync_session *s = svc->session;
	int64_t up;

	memset(si, 0, sizeof(*si));
	si->up_since_s = -1;
	si->last_reason = "";
	if (!s) {
		si->state = svc->peer_set ? "idle (no profile of this service type)"
					  : "idle (no peer)";
		si->resync = "-";
		return;
	}
	si->state = msync_state_name(msync_session_state(s));
	if (msync_session_state(s) == MSYNC_ST_RESYNC ||
	    (msync_session_state(s) == MSYNC_ST_ESTABLISHED && msync_session_resync_pending(s)))
		si->resync = "in progress";
	else if (msync_session_state(s) == MSYNC_ST_ESTABLISHED)
		si->resync = "done";
	else
		si->resync = "-";
	si->last_reason = msync_session_last_reason(s);
	si->local_entries = msync_local_count(s);
	si->peer_entries = msync_peer_count(s);
	si->c = *msync_session_counters(s);
	up = msync_session_up_since(s);
	if (msync_session_state(s) == MSYNC_ST_ESTABLISHED && up > 0)
		si->up_since_s = (rbp_now_ms() - up) / 1000;
}

/* --- init ------------------------------------------------------------- */

void rbp_session_init(struct event_loop *loop)
{
	rbp_loop = loop;
	rbp_io = msync_io_frr_new(loop);
	/* pimd and pim6d register no config callbacks of their own (10.3) */
	cmd_init_config_callbacks(rbp_config_read_start, rbp_config_read_end);
}

void rbp_session_fini(void)
{
	struct rbp_service *svc;

	cmd_init_config_callbacks(NULL, NULL);
	EVENT_OFF(rbp_t_reconcile);
	EVENT_OFF(rbp_t_role);
	frr_each (rbp_services, &rbp_services, svc)
		if (svc->session)
			msync_session_free(&svc->session);
	msync_io_frr_free(&rbp_io);
	rbp_loop = NULL;
}
