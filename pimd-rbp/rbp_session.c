// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: runs one RBS channel (mldsync session) per service that a
 * profile of this daemon's service type uses.  What the channel delivers
 * goes to the callbacks the coordinator gave; this file decides nothing
 * about entries or roles.
 */
#include <zebra.h>

#include "lib_errors.h"
#include "keychain.h"

#include "rbp.h"
#include "rbp_session.h"

static struct msync_io *rbp_io;
static struct msync_callbacks rbp_session_cb;

/* --- keys: FRR key chains (lib/keychain) ------------------------------ */

/* A key the channel can use: a key string, and HMAC-SHA-256 (or no
 * algorithm configured: the channel's is HMAC-SHA-256 in any case) */
static bool rbp_key_usable(const struct key *key)
{
	return key && key->string && key->string[0] &&
	       (key->hash_algo == KEYCHAIN_ALGO_NULL || key->hash_algo == KEYCHAIN_ALGO_HMAC_SHA256);
}

static struct keychain *rbp_keychain(const char *name)
{
	return name[0] ? keychain_lookup(name) : NULL;
}

/* mldsync asks for every frame: a key chain rolls over without a reset */
static int rbp_session_send_key(struct msync_session *s, struct msync_authkey *k, void *arg)
{
	const struct rbp_service *svc = arg;
	struct keychain *kc = rbp_keychain(svc->auth_keychain);
	struct key *key = kc ? key_lookup_for_send(kc) : NULL;

	if (!rbp_key_usable(key))
		return -1;
	k->id = key->index;
	k->secret = (const uint8_t *)key->string;
	k->len = strlen(key->string);
	return 0;
}

static int rbp_session_accept_key(struct msync_session *s, uint32_t id, struct msync_authkey *k,
				  void *arg)
{
	const struct rbp_service *svc = arg;
	struct keychain *kc = rbp_keychain(svc->auth_keychain);
	struct key *key = kc ? key_lookup_for_accept(kc, id) : NULL;

	if (!rbp_key_usable(key))
		return -1;
	k->id = key->index;
	k->secret = (const uint8_t *)key->string;
	k->len = strlen(key->string);
	return 0;
}

/* What keeps the key chain from authenticating now, or NULL */
static const char *rbp_auth_problem(const struct rbp_service *svc, char *buf, size_t len)
{
	struct keychain *kc;
	struct key *key;

	if (!svc->auth_keychain[0])
		return NULL;
	/* FRR 10.3 without patch 0012: pimd has no key chains at all */
	if (!keychain_list) {
		snprintf(buf, len, "this %s has no key chains (FRR patch 0012 missing)", RBP_DAEMON);
		return buf;
	}
	kc = keychain_lookup(svc->auth_keychain);
	if (!kc) {
		snprintf(buf, len, "key chain %s does not exist", svc->auth_keychain);
		return buf;
	}
	key = key_lookup_for_send(kc);
	if (!key) {
		snprintf(buf, len, "key chain %s has no key valid for sending now",
			 svc->auth_keychain);
		return buf;
	}
	if (!rbp_key_usable(key)) {
		snprintf(buf, len, "key %u of key chain %s: %s", key->index, svc->auth_keychain,
			 !key->string || !key->string[0]
				 ? "no key-string"
				 : "cryptographic-algorithm is not hmac-sha-256");
		return buf;
	}
	return NULL;
}

/* TCP-AO master keys: every key of the chain valid for sending or
 * accepting now, with an id TCP-AO can carry (0-255) */
static void rbp_tcp_ao_keys(const struct rbp_service *svc, struct msync_transport *tp)
{
	struct keychain *kc = rbp_keychain(svc->tcp_ao_keychain);
	struct key *send = kc ? key_lookup_for_send(kc) : NULL, *key;
	struct listnode *node;

	if (!kc)
		return;
	for (ALL_LIST_ELEMENTS_RO(kc->key, node, key)) {
		struct msync_tcp_ao_key *ao;

		if (tp->n_ao == MSYNC_TCP_AO_KEYS)
			break;
		if (key->index > 255 || !rbp_key_usable(key) ||
		    strlen(key->string) > MSYNC_TCP_KEY_MAX ||
		    (key != send && key_lookup_for_accept(kc, key->index) != key))
			continue;
		ao = &tp->ao[tp->n_ao++];
		ao->id = key->index;
		ao->current = key == send;
		ao->len = strlen(key->string);
		memcpy(ao->secret, key->string, ao->len);
	}
}

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
	/* the keys themselves are asked for per frame */
	cfg->auth = svc->auth_keychain[0] ? MSYNC_AUTH_HMAC_SHA256 : MSYNC_AUTH_NONE;
	strlcpy(cfg->tp.md5_password, svc->password, sizeof(cfg->tp.md5_password));
	cfg->tp.gtsm = svc->ttl_security;
	cfg->keepalive_ms = svc->keepalive_ms;
	cfg->hold_ms = svc->hold_ms;
	cfg->digest_ms = svc->digest_ms;
	cfg->tp.tcp_ao = svc->tcp_ao_keychain[0] != '\0';
	rbp_tcp_ao_keys(svc, &cfg->tp);
}

/* The Hello offers every profile of the service, of both types, so that
 * the twins notice any disagreement.  Each carries the profile's
 * max-entries, the bound of the channel's peer table for it (local, not
 * sent: a change applies without a reset; a lower one removes the twin's
 * entries beyond it).
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
		offers[n].max_entries = prf->max_entries;
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

		cb.send_key = rbp_session_send_key;
		cb.accept_key = rbp_session_accept_key;
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
	struct msync_role_info ri = {
		.role = prf->role,
		.able = prf->able,
		.forwarding = prf->forwarding,
		.released = prf->released,
		.synced = prf->synced,
		.priority = prf->priority,
	};

	if (s)
		msync_session_set_role_info(s, prf->backup_id, &ri);
}

bool rbp_session_peer_report(const struct rbp_profile *prf, struct msync_role_info *ri)
{
	struct msync_session *s = rbp_profile_session(prf);

	if (!s) {
		memset(ri, 0, sizeof(*ri));
		return false;
	}
	return msync_session_peer_role_info(s, prf->backup_id, ri);
}

bool rbp_session_synced(const struct rbp_profile *prf)
{
	struct msync_session *s = rbp_profile_session(prf);

	return s && msync_session_state(s) == MSYNC_ST_ESTABLISHED;
}

void rbp_session_ask_roles(const struct rbp_service *svc)
{
	if (svc->session)
		msync_session_ask_roles(svc->session);
}

void rbp_session_goodbye(struct rbp_service *svc, const char *reason)
{
	if (svc->session)
		msync_session_goodbye(svc->session, reason);
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
	si->auth = svc->auth_keychain[0] != '\0';
	rbp_auth_problem(svc, si->auth_problem, sizeof(si->auth_problem));
	if (!svc->tcp_ao_keychain[0])
		si->tcp_ao = "off";
	else if (!msync_tcp_ao_available())
		si->tcp_ao = "not available on this kernel";
	else
		si->tcp_ao = "on";
	if (!s) {
		/* what a channel would use: the defaults of mldsync */
		si->timers.keepalive_ms = svc->keepalive_ms ? svc->keepalive_ms
							    : MSYNC_KEEPALIVE_DEFAULT;
		si->timers.hold_ms = svc->hold_ms ? svc->hold_ms : 3 * si->timers.keepalive_ms;
		si->timers.digest_ms = svc->digest_ms ? svc->digest_ms : MSYNC_DIGEST_DEFAULT;
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
	si->tx_key_valid = msync_session_tx_key(s, &si->tx_key);
	si->rx_key_valid = msync_session_rx_key(s, &si->rx_key);
	msync_session_timers(s, &si->timers);
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
