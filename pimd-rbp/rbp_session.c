// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: runs one RBS channel (mldsync session) per service that a
 * profile of this daemon's service type uses.  What the channel delivers
 * goes to the callbacks the coordinator gave; this file decides nothing
 * about entries or roles.
 */
#include <zebra.h>

#include "lib_errors.h"

#include "rbp.h"
#include "rbp_session.h"

static struct msync_io *rbp_io;
static struct msync_callbacks rbp_session_cb;

bool rbp_session_needed(const struct rbp_service *svc)
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
	return sb->n == array_size(sb->bids);
}

/* The twin's entries of backup-ids that are no longer a profile of ours
 * here (deleted, renumbered, other service type) are not kept.
 */
static void rbp_session_flush_stale(struct rbp_service *svc)
{
	struct rbp_stale_bids sb = { .svc = svc };

	do {
		sb.n = 0;
		msync_peer_walk(svc->session, rbp_collect_stale_bid, &sb);
		for (size_t i = 0; i < sb.n; i++) {
			DEBUGD(&rbp_dbg_session,
			       "remote-backup-service %s: dropping the twin's entries of backup-id %u (no profile here)",
			       svc->name, sb.bids[i]);
			msync_peer_flush(svc->session, sb.bids[i]);
		}
	} while (sb.n == array_size(sb.bids));
}

void rbp_session_sync(struct rbp_service *svc)
{
	struct msync_session_config cfg;

	rbp_session_cfg(svc, &cfg);
	if (!svc->session) {
		struct msync_callbacks cb = rbp_session_cb;

		cb.arg = svc;
		svc->session = msync_session_new(rbp_io, &cfg, &cb);
		zlog_info("remote-backup-service %s: %s channel to %pSU port %u started", svc->name,
			  msync_svc_name(RBP_SVC_SELF), &svc->peer, cfg.port);
	} else
		msync_session_reconfigure(svc->session, &cfg);
	rbp_session_offers(svc);
	rbp_session_flush_stale(svc);
}

void rbp_session_stop(struct rbp_service *svc)
{
	if (!svc->session)
		return;
	msync_session_free(&svc->session);
	zlog_info("remote-backup-service %s: %s channel stopped", svc->name,
		  msync_svc_name(RBP_SVC_SELF));
}

void rbp_session_send_role(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	if (s)
		msync_session_set_role(s, prf->backup_id, prf->role);
}

enum msync_role rbp_session_peer_role(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	return s ? msync_session_peer_role(s, prf->backup_id) : MSYNC_ROLE_UNKNOWN;
}

void rbp_session_info(const struct rbp_service *svc, struct rbp_session_info *si)
{
	struct msync_session *s = svc->session;
	int64_t up;

	memset(si, 0, sizeof(*si));
	si->up_since_s = -1;
	si->last_reason = "";
	si->problem = rbp_service_problem(svc);
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
		si->up_since_s = (msync_now_ms(s) - up) / 1000;
}

void rbp_session_init(struct event_loop *loop, const struct msync_callbacks *cb)
{
	rbp_session_cb = *cb;
	rbp_io = msync_io_frr_new(loop);
}

void rbp_session_fini(void)
{
	struct rbp_service *svc;

	frr_each (rbp_services, &rbp_services, svc)
		assert(!svc->session);
	msync_io_frr_free(&rbp_io);
}
