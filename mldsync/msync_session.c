// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync session: connections to the twin, the handshake (Hello, Auth,
 * Offers: doc/protocol.md section 4), frame authentication, connection
 * collisions and the probe that protects a live session, keepalive, hold,
 * handshake and write-progress timers, reconnect backoff.  The table
 * replication itself is in msync_sync.c.
 */
#include <zebra.h>

#include "memory.h"
#include "network.h"
#include "printfrr.h"
#include "log.h"

#include "mldsync/msync_private.h"
#include "mldsync/msync_codec.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_SESSION, "mldsync session");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_LINK, "mldsync connection");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_BIDS, "mldsync backup-ids");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_MSG_ITEMS, "mldsync offer/role items");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_HELLO_TX, "mldsync sent hello");

static void session_connect_cb(void *arg);
static void link_hold_cb(void *arg);
static void link_handshake_cb(void *arg);
static void link_close(struct msync_link *l, const char *reason, bool flush);
static void session_keepalive_cb(void *arg);
static void session_try_up(struct msync_session *s);
static void session_collide_cb(void *arg);
static void session_refuse(struct msync_session *s, int err, const char *reason);
static void link_agreed(struct msync_link *l);

/* ------------------------------------------------------------------ */
/* helpers */

static uint64_t session_rand(struct msync_session *s)
{
	/* xorshift64*: jitter only, not security */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t new_incarnation(struct msync_session *s)
{
	uint64_t v = s->io->ops->random(s->io);

	return v ? v : 1;
}

bool msync_session_up(const struct msync_session *s)
{
	return s->active && (s->state == MSYNC_ST_RESYNC || s->state == MSYNC_ST_ESTABLISHED);
}

static bool config_usable(const struct msync_session_config *cfg)
{
	if (cfg->port == 0)
		return false;
	if (cfg->peer.sa.sa_family != AF_INET && cfg->peer.sa.sa_family != AF_INET6)
		return false;
	if (cfg->source.sa.sa_family != AF_UNSPEC &&
	    cfg->source.sa.sa_family != cfg->peer.sa.sa_family)
		return false;
	return true;
}

/* The timers in force: configured or default, raised to their floor */
static uint32_t cfg_keepalive(const struct msync_session *s)
{
	uint32_t ka = s->cfg.keepalive_ms ? s->cfg.keepalive_ms : MSYNC_KEEPALIVE_DEFAULT;

	return MAX(ka, MSYNC_KEEPALIVE_MIN);
}

static uint32_t cfg_hold(const struct msync_session *s)
{
	uint32_t hold = s->cfg.hold_ms ? s->cfg.hold_ms : 3 * cfg_keepalive(s);

	return MAX(hold, MSYNC_HOLD_MIN);
}

/* When the next keepalive is due: every connection that is up gets one
 * within a third of its hold time */
static uint32_t keepalive_interval(const struct msync_session *s)
{
	uint32_t ka = cfg_keepalive(s);
	size_t i;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->connected)
			ka = MIN(ka, MAX(s->links[i]->hold_ms / 3, 1));
	return ka;
}

/* The lines a window dropped are said when the window ends, not with
 * the next line logged (which may come much later, or never). */
static void session_rl_flush_cb(void *arg)
{
	struct msync_session *s = arg;

	if (s->rl_err.dropped)
		zlog_warn("rbs %s: %u similar messages not logged in the last %d s", s->cfg.name,
			  s->rl_err.dropped, MSYNC_LOG_WINDOW_MS / 1000);
	if (s->rl_info.dropped)
		zlog_info("rbs %s: %u similar messages not logged in the last %d s", s->cfg.name,
			  s->rl_info.dropped, MSYNC_LOG_WINDOW_MS / 1000);
	/* new windows start with the next line */
	memset(&s->rl_err, 0, sizeof(s->rl_err));
	memset(&s->rl_info, 0, sizeof(s->rl_info));
}

static bool session_log_ok(struct msync_session *s, struct msync_ratelimit *rl, bool warn)
{
	unsigned int dropped;

	if (msync_ratelimit_ok(rl, msync_now(s->io), MSYNC_LOG_BURST, &dropped)) {
		/* only without the timer (it ran late): what it did not say */
		if (dropped && warn)
			zlog_warn("rbs %s: %u similar messages not logged in the last %d s",
				  s->cfg.name, dropped, MSYNC_LOG_WINDOW_MS / 1000);
		else if (dropped)
			zlog_info("rbs %s: %u similar messages not logged in the last %d s",
				  s->cfg.name, dropped, MSYNC_LOG_WINDOW_MS / 1000);
		return true;
	}
	msync_ratelimit_flush_at_end(s->io, rl, &s->t_rl, session_rl_flush_cb, s);
	return false;
}

void msync_session_error(struct msync_session *s, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (err >= 0 && err < MSYNC_ERR_MAX)
		s->ctr.errors[err]++;

	/* a hostile or broken twin, or a stranger, must not flood the log */
	if (!session_log_ok(s, &s->rl_err, true))
		return;
	va_start(ap, fmt);
	vsnprintfrr(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	zlog_warn("rbs %s: %s: %s", s->cfg.name, err >= 0 ? msync_err_name(err) : "error", msg);
}

void msync_session_info(struct msync_session *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!session_log_ok(s, &s->rl_info, false))
		return;
	va_start(ap, fmt);
	vsnprintfrr(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	zlog_info("rbs %s: %s", s->cfg.name, msg);
}

static void set_reason(struct msync_session *s, const char *reason)
{
	if (reason)
		strlcpy(s->last_reason, reason, sizeof(s->last_reason));
}

static void session_set_state(struct msync_session *s, enum msync_state new, const char *reason)
{
	enum msync_state old = s->state;

	if (new == MSYNC_ST_CONNECT || new == MSYNC_ST_REFUSED || new == MSYNC_ST_IDLE)
		set_reason(s, reason);
	if (old == new)
		return;
	s->state = new;
	if (new == MSYNC_ST_ESTABLISHED)
		s->up_since = msync_now(s->io);
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: %s -> %s%s%s", s->cfg.name, msync_state_name(old),
			   msync_state_name(new), reason ? ": " : "", reason ? reason : "");
	else if (new == MSYNC_ST_ESTABLISHED || old == MSYNC_ST_ESTABLISHED ||
		 new == MSYNC_ST_REFUSED)
		msync_session_info(s, "%s -> %s%s%s", msync_state_name(old), msync_state_name(new),
				   reason ? ": " : "", reason ? reason : "");
	if (s->cb.state_change)
		s->cb.state_change(s, old, new, reason, s->cb.arg);
}

static void backoff_arm(struct msync_session *s)
{
	uint32_t ms = s->backoff_ms;

	/* +-20% so two twins that failed together do not retry in step */
	ms = ms * 4 / 5 + (uint32_t)(session_rand(s) % (ms * 2 / 5 + 1));
	msync_timer_set(s->io, &s->t_connect, ms, session_connect_cb, s);
}

static void backoff_up(struct msync_session *s)
{
	uint32_t max = s->state == MSYNC_ST_REFUSED ? MSYNC_REFUSED_MAX : MSYNC_BACKOFF_MAX;

	s->backoff_ms = MIN(s->backoff_ms * 2, max);
}

/* ------------------------------------------------------------------ */
/* backup-ids */

struct msync_bid *msync_bid_find(struct msync_session *s, uint32_t backup_id)
{
	size_t lo = 0, hi = s->nbids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->bids[mid].backup_id == backup_id)
			return &s->bids[mid];
		if (s->bids[mid].backup_id < backup_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct msync_bid *bid_get(struct msync_session *s, uint32_t backup_id)
{
	struct msync_bid *b = msync_bid_find(s, backup_id);
	size_t i;

	if (b)
		return b;
	if (s->nbids == s->bids_cap) {
		s->bids_cap = s->bids_cap ? s->bids_cap * 2 : 8;
		s->bids = XREALLOC(MTYPE_MSYNC_BIDS, s->bids, s->bids_cap * sizeof(*s->bids));
	}
	for (i = s->nbids; i > 0 && s->bids[i - 1].backup_id > backup_id; i--)
		s->bids[i] = s->bids[i - 1];
	s->nbids++;
	b = &s->bids[i];
	memset(b, 0, sizeof(*b));
	b->backup_id = backup_id;
	return b;
}

bool msync_bid_sendable(struct msync_session *s, const struct msync_key *k)
{
	struct msync_bid *b = msync_bid_find(s, k->backup_id);

	return b && b->svc != MSYNC_SVC_NONE && msync_svc_family(b->svc) == k->family;
}

/* ------------------------------------------------------------------ */
/* sending */

static ssize_t link_write_fn(void *ctx, const void *buf, size_t len)
{
	struct msync_link *l = ctx;

	return l->s->io->ops->write(l->conn, buf, len);
}

static void link_arm_write(struct msync_link *l)
{
	if (l->write_armed || l->dead || !l->conn)
		return;
	l->write_armed = true;
	l->s->io->ops->want_write(l->conn);
}

/* 'I' for what the initiator (the end that connected) sends, 'R' for the
 * responder's (doc/protocol.md 4.2) */
static uint8_t link_dir(const struct msync_link *l, bool ours)
{
	return l->outbound == ours ? 'I' : 'R';
}

static void link_queued(struct msync_link *l, size_t before, size_t n)
{
	struct msync_session *s = l->s;

	/* a queue that starts filling starts the write-progress clock */
	if (!before)
		l->tx_progress_ms = msync_now(s->io);
	s->ctr.tx_msgs++;
	s->ctr.tx_bytes += n;
	link_arm_write(l);
}

static void link_auth_fail(struct msync_link *l, enum msync_auth_fail why, const char *fmt, ...)
	PRINTFRR(3, 4);

static void link_auth_fail(struct msync_link *l, enum msync_auth_fail why, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintfrr(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->dead)
		return;
	l->s->ctr.auth_failures[why]++;
	if (!msync_session_up(l->s) || l == l->s->active)
		set_reason(l->s, msg);
	msync_link_fail(l, MSYNC_ERR_AUTH, "%s (%s)", msg, msync_auth_fail_name(why));
}

bool msync_link_send(struct msync_link *l, uint8_t type, const void *pb)
{
	struct msync_session *s = l->s;
	struct msync_seal seal, *sp = NULL;
	struct msync_authkey k;
	size_t n, before = l->wq.bytes;

	if (l->dead || !l->conn || !l->connected || !l->hello_rx)
		return false;
	if (s->cfg.auth != MSYNC_AUTH_NONE) {
		/* asked for every frame: the key chain may have rolled over */
		memset(&k, 0, sizeof(k));
		if (!s->cb.send_key || s->cb.send_key(s, &k, s->cb.arg) < 0 || !k.secret) {
			link_auth_fail(l, MSYNC_AUTH_FAIL_NO_SEND_KEY,
				       "no key of the key chain is valid for sending");
			return false;
		}
		seal.key_id = k.id;
		seal.key = k.secret;
		seal.keylen = k.len;
		seal.dir = link_dir(l, true);
		seal.transcript = l->transcript;
		sp = &seal;
	}
	n = msync_env_put(&l->wq, type, l->tx_seq + 1, pb, sp);
	if (!n) {
		/* batches are sized well below the limit: a bug if hit */
		zlog_err("rbs %s: %s message over %u bytes not sent", s->cfg.name,
			 msync_msg_name(type), MSYNC_FRAME_MAX);
		return false;
	}
	l->tx_seq++;
	if (sp && l == s->active) {
		s->tx_key_id = k.id;
		s->tx_key_valid = true;
	}
	if (msync_debug & MSYNC_DEBUG_PACKET)
		zlog_debug("rbs %s: sent %s seq %" PRIu64 " (%zu bytes%s)", s->cfg.name,
			   msync_msg_name(type), l->tx_seq, n, sp ? ", sealed" : "");
	link_queued(l, before, n);
	return true;
}

bool msync_link_ctrl_room(const struct msync_link *l)
{
	return l->wq.bytes < l->s->wq_high;
}

void msync_link_send_ack(struct msync_link *l)
{
	Msync__Ack a = MSYNC__ACK__INIT;

	if (l->rx_seq <= l->rx_acked)
		return;
	if (!msync_link_ctrl_room(l)) {
		l->ack_due = true;
		return;
	}
	a.has_seq = true;
	a.seq = l->rx_seq;
	if (msync_link_send(l, MSYNC_MSG_ACK, &a)) {
		l->rx_acked = a.seq;
		l->ack_due = false;
	}
}

static void link_send_hello(struct msync_link *l)
{
	struct msync_session *s = l->s;
	Msync__Hello h = MSYNC__HELLO__INIT;
	size_t before = l->wq.bytes, n;

	h.has_version = true;
	h.version = MSYNC_PROTOCOL_VERSION;
	h.service = s->cfg.name;
	h.has_incarnation = true;
	h.incarnation = s->incarnation;
	h.has_keepalive_ms = true;
	h.keepalive_ms = cfg_keepalive(s);
	h.has_hold_ms = true;
	h.hold_ms = cfg_hold(s);
	h.has_nonce = true;
	h.nonce.len = MSYNC_NONCE_LEN;
	h.nonce.data = l->nonce;
	if (s->cfg.auth != MSYNC_AUTH_NONE) {
		h.has_auth = true;
		h.auth = (Msync__AuthType)s->cfg.auth;
	}
	if (l->local.sa.sa_family == AF_INET) {
		h.has_router_id = true;
		h.router_id.len = 4;
		h.router_id.data = (uint8_t *)&l->local.sin.sin_addr;
	} else if (l->local.sa.sa_family == AF_INET6) {
		h.has_router_id = true;
		h.router_id.len = 16;
		h.router_id.data = (uint8_t *)&l->local.sin6.sin6_addr;
	}
	/* kept: the transcript covers the Hello as sent (4.2) */
	l->hello_tx_len = msync__hello__get_packed_size(&h);
	l->hello_tx = XMALLOC(MTYPE_MSYNC_HELLO_TX, l->hello_tx_len);
	msync__hello__pack(&h, l->hello_tx);
	n = msync_frame_put(&l->wq, MSYNC_FRAME_HELLO, l->hello_tx, l->hello_tx_len);
	if (msync_debug & MSYNC_DEBUG_PACKET)
		zlog_debug("rbs %s: sent hello (%zu bytes)", s->cfg.name, n);
	link_queued(l, before, n);
}

static void link_send_offers(struct msync_link *l)
{
	struct msync_session *s = l->s;
	Msync__Offers o = MSYNC__OFFERS__INIT;
	Msync__Offer *offers = NULL, **ptrs = NULL;
	size_t i, n = 0;

	if (s->nbids) {
		offers = XCALLOC(MTYPE_MSYNC_MSG_ITEMS, s->nbids * sizeof(*offers));
		ptrs = XCALLOC(MTYPE_MSYNC_MSG_ITEMS, s->nbids * sizeof(*ptrs));
	}
	for (i = 0; i < s->nbids; i++) {
		if (s->bids[i].svc == MSYNC_SVC_NONE)
			continue;
		msync__offer__init(&offers[n]);
		offers[n].has_backup_id = true;
		offers[n].backup_id = s->bids[i].backup_id;
		offers[n].has_svc = true;
		offers[n].svc = (Msync__SvcType)s->bids[i].svc;
		ptrs[n] = &offers[n];
		n++;
	}
	o.n_offers = n;
	o.offers = ptrs;
	msync_link_send(l, MSYNC_MSG_OFFERS, &o);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, offers);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, ptrs);
}

static void send_roles(struct msync_session *s, uint32_t only_bid, bool one, bool ask)
{
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__RoleItem *items, **ptrs;
	size_t i, n = 0;

	if (!msync_session_up(s) || !s->nbids)
		return;
	if (!msync_link_ctrl_room(s->active)) {
		/* every role once the queue drains: the latest state only */
		s->active->roles_due = true;
		s->active->roles_ask |= ask;
		return;
	}
	items = XCALLOC(MTYPE_MSYNC_MSG_ITEMS, s->nbids * sizeof(*items));
	ptrs = XCALLOC(MTYPE_MSYNC_MSG_ITEMS, s->nbids * sizeof(*ptrs));
	for (i = 0; i < s->nbids; i++) {
		if (s->bids[i].svc == MSYNC_SVC_NONE)
			continue;
		if (one && s->bids[i].backup_id != only_bid)
			continue;
		msync__role_item__init(&items[n]);
		items[n].has_backup_id = true;
		items[n].backup_id = s->bids[i].backup_id;
		items[n].has_role = true;
		items[n].role = (Msync__Role)s->bids[i].role.role;
		items[n].has_able = true;
		items[n].able = s->bids[i].role.able;
		items[n].has_forwarding = true;
		items[n].forwarding = s->bids[i].role.forwarding;
		items[n].has_released = true;
		items[n].released = s->bids[i].role.released;
		items[n].has_synced = true;
		items[n].synced = s->bids[i].role.synced;
		items[n].has_priority = true;
		items[n].priority = s->bids[i].role.priority;
		ptrs[n] = &items[n];
		n++;
	}
	if (n) {
		r.n_items = n;
		r.items = ptrs;
		r.has_ask = ask;
		r.ask = ask;
		msync_link_send(s->active, MSYNC_MSG_ROLE, &r);
	}
	XFREE(MTYPE_MSYNC_MSG_ITEMS, items);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, ptrs);
}

static void link_send_probe_reply(struct msync_link *l, uint64_t id)
{
	Msync__ProbeReply r = MSYNC__PROBE_REPLY__INIT;

	if (!msync_link_ctrl_room(l)) {
		l->probe_reply_due = true;
		l->probe_reply_id = id;
		return;
	}
	l->probe_reply_due = false;
	r.has_id = true;
	r.id = id;
	msync_link_send(l, MSYNC_MSG_PROBE_REPLY, &r);
}

/* Before a deliberate close (6.6): once per connection, whatever the
 * queue holds (the close flushes it) */
static void link_send_bye(struct msync_link *l, const char *reason)
{
	Msync__Bye b = MSYNC__BYE__INIT;
	char why[MSYNC_REASON_MAX + 1];

	if (l->bye_tx)
		return;
	l->bye_tx = true;
	strlcpy(why, reason ? reason : "", sizeof(why));
	b.reason = why;
	b.has_stopping = true;
	b.stopping = l->s->stopping;
	msync_link_send(l, MSYNC_MSG_BYE, &b);
}

/* The queue drained: what control messages were kept back (4.5). */
static void link_send_due(struct msync_link *l)
{
	struct msync_session *s = l->s;

	if (l->ack_due && !l->dead)
		msync_link_send_ack(l);
	if (l->probe_reply_due && !l->dead)
		link_send_probe_reply(l, l->probe_reply_id);
	if (l->roles_due && !l->dead && l == s->active) {
		bool ask = l->roles_ask;

		l->roles_due = false;
		l->roles_ask = false;
		send_roles(s, 0, false, ask);
	}
}

static void peer_roles_reset(struct msync_session *s)
{
	size_t i;

	for (i = 0; i < s->nbids; i++) {
		if (!s->bids[i].peer_role_known)
			continue;
		s->bids[i].peer_role_known = false;
		memset(&s->bids[i].peer_role, 0, sizeof(s->bids[i].peer_role));
		if (s->cb.peer_role)
			s->cb.peer_role(s, s->bids[i].backup_id, MSYNC_ROLE_UNKNOWN, s->cb.arg);
	}
}

/* ------------------------------------------------------------------ */
/* connections */

static size_t link_count(const struct msync_session *s, bool connected_only)
{
	size_t i, n = 0;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && (!connected_only || s->links[i]->connected))
			n++;
	return n;
}

static size_t link_count_authed(const struct msync_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->connected && s->links[i]->authed)
			n++;
	return n;
}

static struct msync_link *link_outbound(struct msync_session *s)
{
	size_t i;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->outbound)
			return s->links[i];
	return NULL;
}

static void link_readable(void *arg);
static void link_writable(void *arg);
static void link_connected(void *arg, int err);

static const struct msync_conn_cbs link_cbs = {
	.connected = link_connected,
	.readable = link_readable,
	.writable = link_writable,
};

static struct msync_link *link_new(struct msync_session *s, struct msync_conn *c, bool outbound)
{
	struct msync_link *l;
	size_t i, slot = MSYNC_LINKS_MAX;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (!s->links[i]) {
			slot = i;
			break;
		}
	if (slot == MSYNC_LINKS_MAX) {
		/* make room: the oldest connection that is not the live one,
		 * one whose twin is not authenticated yet first (a stranger
		 * opening connections does not push the twin's out) */
		struct msync_link *old = NULL;

		for (i = 0; i < MSYNC_LINKS_MAX; i++) {
			struct msync_link *c = s->links[i];

			if (c == s->active)
				continue;
			if (!old || (old->authed && !c->authed) ||
			    (old->authed == c->authed && c->serial < old->serial))
				old = c;
		}
		link_close(old, "too many connections", false);
		for (i = 0; i < MSYNC_LINKS_MAX; i++)
			if (!s->links[i]) {
				slot = i;
				break;
			}
	}
	assert(slot < MSYNC_LINKS_MAX);

	l = XCALLOC(MTYPE_MSYNC_LINK, sizeof(*l));
	l->s = s;
	l->conn = c;
	l->outbound = outbound;
	l->serial = ++s->link_serial;
	l->hold_ms = cfg_hold(s);
	msync_rbuf_init(&l->rb);
	msync_wq_init(&l->wq);
	s->links[slot] = l;
	s->io->ops->set_cbs(c, &link_cbs, l);
	/* for an outbound link this bounds the connect time too */
	l->last_rx_ms = msync_now(s->io);
	msync_timer_set(s->io, &l->t_hold, l->hold_ms, link_hold_cb, l);
	return l;
}

static void link_free(struct msync_link *l)
{
	XFREE(MTYPE_MSYNC_BIDS, l->peer_offers);
	XFREE(MTYPE_MSYNC_HELLO_TX, l->hello_tx);
	msync_timer_off(l->s->io, &l->t_hold);
	msync_timer_off(l->s->io, &l->t_handshake);
	msync_rbuf_fini(&l->rb);
	msync_wq_fini(&l->wq);
	explicit_bzero(l->transcript, sizeof(l->transcript));
	XFREE(MTYPE_MSYNC_LINK, l);
}

/* Closed links stay allocated until the event that closed them has
 * unwound: whoever called into the session may still look at them. */
static void session_reap_cb(void *arg)
{
	struct msync_session *s = arg;
	struct msync_link *l;

	while ((l = s->graveyard)) {
		s->graveyard = l->next_dead;
		link_free(l);
	}
}

static void session_links_changed(struct msync_session *s, const char *reason)
{
	if (s->active || s->state == MSYNC_ST_IDLE || s->state == MSYNC_ST_REFUSED)
		return;
	if (link_count(s, true))
		session_set_state(s, MSYNC_ST_HELLO, reason);
	else
		session_set_state(s, MSYNC_ST_CONNECT, reason);
	if (!link_outbound(s) && !msync_timer_on(s->io, &s->t_connect))
		backoff_arm(s);
}

static void probe_stop(struct msync_session *s)
{
	s->probing = false;
	msync_timer_off(s->io, &s->t_probe);
}

/* The active connection is gone: the session is down.  Peer entries are
 * kept (the twin may be dead: that is what they are for) and age.
 * Connections held while it was up are weighed now (5.2), once the
 * event that took it down has unwound. */
static void session_down(struct msync_session *s, const char *reason)
{
	size_t i;

	if (s->state == MSYNC_ST_RESYNC || s->state == MSYNC_ST_ESTABLISHED)
		s->ctr.sessions_down++;
	s->active = NULL;
	s->tx_key_valid = false;
	set_reason(s, reason);
	probe_stop(s);
	msync_sync_stop(s);
	peer_roles_reset(s);
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->held) {
			msync_timer_set(s->io, &s->t_collide, 0, session_collide_cb, s);
			break;
		}
}

static void link_close(struct msync_link *l, const char *reason, bool flush)
{
	struct msync_session *s = l->s;
	size_t i;

	if (l->dead)
		return;
	/* on purpose: say so, so that the twin does not take it for our
	 * death (6.6) */
	if (flush && l->conn && l->connected && l->agreed && !l->bye_rx) {
		link_send_bye(l, reason);
		/* sending can fail and close it (no key to send with) */
		if (l->dead)
			return;
	}
	l->dead = true;
	if (flush && l->conn && l->connected)
		/* best effort, never blocks: lets the twin read our frames */
		(void)msync_wq_flush(&l->wq, link_write_fn, l);
	if (l->conn)
		s->io->ops->close(l->conn);
	l->conn = NULL;
	msync_timer_off(s->io, &l->t_hold);
	msync_timer_off(s->io, &l->t_handshake);
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] == l)
			s->links[i] = NULL;
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: connection %s %pSU closed: %s", s->cfg.name,
			   l->outbound ? "to" : "from", &l->remote, reason ? reason : "");
	l->next_dead = s->graveyard;
	s->graveyard = l;
	msync_timer_set(s->io, &s->t_reap, 0, session_reap_cb, s);
	if (s->active == l) {
		s->peer_gone = l->bye_rx ? (l->bye_stopping ? MSYNC_GONE_STOPPING : MSYNC_GONE_NO)
			       : l->peer_eof ? MSYNC_GONE_CLOSED
					     : MSYNC_GONE_NO;
		session_down(s, reason);
	}
	session_links_changed(s, reason);
	/* the connection we were waiting for is gone: go with the other */
	session_try_up(s);
}

void msync_link_fail(struct msync_link *l, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintfrr(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->dead)
		return;
	msync_session_error(l->s, err, "%s (connection reset)", msg);
	link_close(l, msg, true);
}

static void links_close_all(struct msync_session *s, const char *reason, bool flush)
{
	size_t i;

	s->closing = true;
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i])
			link_close(s->links[i], reason, flush);
	s->closing = false;
}

/* Disagreement: down until the retry timer, reason kept. */
static void session_refuse(struct msync_session *s, int err, const char *reason)
{
	msync_session_error(s, err, "refused: %s", reason);
	/* REFUSED first, so closing the links does not move to CONNECT */
	if (s->active)
		session_down(s, reason);
	if (s->state != MSYNC_ST_REFUSED)
		s->backoff_ms = MAX(s->backoff_ms, MSYNC_REFUSED_MIN);
	session_set_state(s, MSYNC_ST_REFUSED, reason);
	links_close_all(s, reason, true);
	backoff_arm(s);
	backoff_up(s);
}

/* A connection that failed before its twin was authenticated (5.1): with
 * a key it only closes; without one a Hello disagreement refuses a
 * session that is not up, as in version 1. */
static void link_reject(struct msync_link *l, int err, const char *why)
{
	struct msync_session *s = l->s;

	if (s->cfg.auth == MSYNC_AUTH_NONE && !s->active &&
	    (err == MSYNC_ERR_VERSION || err == MSYNC_ERR_HELLO_MISMATCH)) {
		session_refuse(s, err, why);
		return;
	}
	if (!msync_session_up(s))
		set_reason(s, why);
	msync_session_error(s, err, "connection %s %pSU refused: %s", l->outbound ? "to" : "from",
			    &l->remote, why);
	/* after our Hello, so that the other end can say why as well */
	link_close(l, why, true);
}

static void link_up(struct msync_link *l)
{
	struct msync_session *s = l->s;
	union sockunion loc, rem;
	uint64_t r;
	size_t i;

	memset(&loc, 0, sizeof(loc));
	memset(&rem, 0, sizeof(rem));
	if (s->io->ops->endpoints(l->conn, &loc, &rem) == 0) {
		l->local = loc;
		l->remote = rem;
	}
	l->connected = true;
	l->up_ms = l->last_rx_ms = msync_now(s->io);
	for (i = 0; i < MSYNC_NONCE_LEN; i += sizeof(r)) {
		r = s->io->ops->random(s->io);
		memcpy(l->nonce + i, &r, MIN(sizeof(r), MSYNC_NONCE_LEN - i));
	}
	msync_timer_set(s->io, &l->t_hold, l->hold_ms, link_hold_cb, l);
	/* the whole handshake, whatever bytes trickle in meanwhile (4.5) */
	msync_timer_set(s->io, &l->t_handshake, cfg_hold(s), link_handshake_cb, l);
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: connection %pSU -> %pSU up (%s)", s->cfg.name, &l->local,
			   &l->remote, l->outbound ? "outbound" : "inbound");
	link_send_hello(l);
	s->io->ops->want_read(l->conn);
	if (!msync_timer_on(s->io, &s->t_keepalive))
		msync_timer_set(s->io, &s->t_keepalive, cfg_keepalive(s), session_keepalive_cb, s);
	if (!s->active && (s->state == MSYNC_ST_CONNECT || s->state == MSYNC_ST_REFUSED))
		session_set_state(s, MSYNC_ST_HELLO, NULL);
}

static void link_connected(void *arg, int err)
{
	struct msync_link *l = arg;
	struct msync_session *s = l->s;
	char reason[128];

	if (err) {
		snprintfrr(reason, sizeof(reason), "connect to %pSU: %s", &s->cfg.peer,
			   safe_strerror(err));
		link_close(l, reason, false);
		return;
	}
	link_up(l);
}

void msync_session_accept(struct msync_session *s, struct msync_conn *c)
{
	struct msync_link *l;

	if (s->state == MSYNC_ST_IDLE) {
		s->io->ops->close(c);
		return;
	}
	if (s->io->ops->conn_transport(c, &s->cfg.tp) < 0)
		msync_session_error(s, MSYNC_ERR_SOCKET, "TCP options of a connection from %pSU: %s",
				    &s->cfg.peer, safe_strerror(errno));
	l = link_new(s, c, false);
	link_up(l);
}

static void start_connect(struct msync_session *s)
{
	struct msync_conn *c;

	c = s->io->ops->connect(s->io, &s->cfg.source, &s->cfg.peer, s->cfg.port, &s->cfg.tp);
	if (!c) {
		if (msync_debug & MSYNC_DEBUG_SESSION)
			zlog_debug("rbs %s: connect to %pSU: %s", s->cfg.name, &s->cfg.peer,
				   safe_strerror(errno));
		return;
	}
	link_new(s, c, true);
}

static void session_connect_cb(void *arg)
{
	struct msync_session *s = arg;

	if (s->state == MSYNC_ST_IDLE || s->active)
		return;
	if (!s->lreg)
		(void)msync_lreg_join(s);
	if (s->state == MSYNC_ST_REFUSED)
		session_set_state(s, link_count(s, true) ? MSYNC_ST_HELLO : MSYNC_ST_CONNECT,
				  s->last_reason);
	/* one connection attempt at a time, and none while the twin is in
	 * a handshake with us already: fewer collisions to resolve (a
	 * connection whose twin is not authenticated yet does not count: a
	 * stranger must not keep us from connecting) */
	if (!link_outbound(s) && !link_count_authed(s))
		start_connect(s);
	backoff_arm(s);
	backoff_up(s);
}

static void session_keepalive_cb(void *arg)
{
	struct msync_session *s = arg;
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	uint32_t ka = cfg_keepalive(s);
	int64_t now = msync_now(s->io);
	size_t i;

	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || !l->connected)
			continue;
		/* a twin that stopped reading (4.5) */
		if (l->wq.bytes && now - l->tx_progress_ms >= (int64_t)l->hold_ms) {
			msync_link_fail(l, MSYNC_ERR_WRITE_STALLED,
					"the twin took no byte for %" PRId64
					" ms (%zu bytes queued)",
					now - l->tx_progress_ms, l->wq.bytes);
			continue;
		}
		ka = MIN(ka, MAX(l->hold_ms / 3, 1));
		/* anything queued tells the twin we live as well */
		if (!l->wq.bytes && l->authed)
			msync_link_send(l, MSYNC_MSG_KEEPALIVE, &k);
	}
	if (link_count(s, true))
		msync_timer_set(s->io, &s->t_keepalive, ka, session_keepalive_cb, s);
}

static void link_hold_cb(void *arg)
{
	struct msync_link *l = arg;
	int64_t idle = msync_now(l->s->io) - l->last_rx_ms;

	/* until the handshake completes its own timer bounds it (4.5) */
	if (l->connected && !l->agreed)
		return;
	if (idle >= (int64_t)l->hold_ms && l->connected) {
		/* frames waiting in our socket prove the twin alive: only this
		 * daemon had no time to read them (a busy twin is not a dead
		 * one, and neither are we)
		 */
		link_readable(l);
		if (l->dead)
			return;
		idle = msync_now(l->s->io) - l->last_rx_ms;
	}
	if (idle < (int64_t)l->hold_ms) {
		msync_timer_set(l->s->io, &l->t_hold, (uint32_t)(l->hold_ms - idle), link_hold_cb,
				l);
		return;
	}
	if (!l->connected) {
		link_close(l, "connect timed out", false);
		return;
	}
	msync_link_fail(l, MSYNC_ERR_HOLD_EXPIRED, "hold timer expired (%u ms without a frame)",
			l->hold_ms);
}

static void link_handshake_cb(void *arg)
{
	struct msync_link *l = arg;
	char why[96];

	if (l->agreed)
		return;
	snprintf(why, sizeof(why), "handshake not completed within %u ms", cfg_hold(l->s));
	if (!msync_session_up(l->s))
		set_reason(l->s, why);
	msync_link_fail(l, MSYNC_ERR_HANDSHAKE_TIMEOUT, "%s", why);
}

/* ------------------------------------------------------------------ */
/* the live session's probe (doc/protocol.md 5.2) */

static void probe_timeout_cb(void *arg)
{
	struct msync_session *s = arg;

	if (!s->probing || !s->active)
		return;
	s->probing = false;
	s->ctr.probe_timeouts++;
	/* session_down then weighs the held connections */
	msync_link_fail(s->active, MSYNC_ERR_HOLD_EXPIRED,
			"no answer to a probe within %u ms (another connection completed its handshake)",
			s->active->hold_ms);
}

static void probe_start(struct msync_session *s, struct msync_link *newl)
{
	Msync__Probe p = MSYNC__PROBE__INIT;

	msync_session_info(s,
			   "connection %s %pSU completed its handshake while the session is up: probing the live connection",
			   newl->outbound ? "to" : "from", &newl->remote);
	if (s->probing)
		return;
	s->probing = true;
	s->probe_id = s->io->ops->random(s->io);
	s->ctr.probes_sent++;
	p.has_id = true;
	p.id = s->probe_id;
	/* not a deferred control message: one at a time, and it decides;
	 * if the live connection fails sending it (no key), it is gone and
	 * the held connections are weighed from session_down */
	if (!msync_link_send(s->active, MSYNC_MSG_PROBE, &p) || !s->active) {
		s->probing = false;
		return;
	}
	msync_timer_set(s->io, &s->t_probe, s->active->hold_ms, probe_timeout_cb, s);
}

static void probe_answered(struct msync_session *s)
{
	size_t i;

	probe_stop(s);
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || !l->held)
			continue;
		s->ctr.takeovers_refused++;
		msync_session_info(s,
				   "connection %s %pSU closed: the twin answered on the live connection",
				   l->outbound ? "to" : "from", &l->remote);
		link_close(l, "the twin answered on the live connection", false);
	}
}

/* ------------------------------------------------------------------ */
/* Hello and Offers */

static int offer_cmp(const void *a, const void *b)
{
	const struct msync_offer *x = a, *y = b;

	return numcmp(x->backup_id, y->backup_id);
}

/* Checks the twin's offers against ours: 0 when both ends agree, else -1
 * with the reason the operator will see (class hello-mismatch). */
static int offers_agree(struct msync_session *s, const struct msync_offer *po, size_t npo,
			char *why, size_t whylen)
{
	size_t i = 0, j = 0;

	for (j = 1; j < npo; j++)
		if (po[j].backup_id == po[j - 1].backup_id) {
			snprintf(why, whylen, "backup-id %u offered twice by peer", po[j].backup_id);
			return -1;
		}
	/* merge walk of two sorted lists: report the lowest backup-id */
	j = 0;
	while (i < s->nbids || j < npo) {
		const struct msync_bid *b = NULL;

		while (i < s->nbids && s->bids[i].svc == MSYNC_SVC_NONE)
			i++;
		if (i < s->nbids)
			b = &s->bids[i];
		if (!b && j >= npo)
			break;
		if (b && (j >= npo || b->backup_id < po[j].backup_id)) {
			snprintf(why, whylen, "backup-id %u not configured on peer", b->backup_id);
			return -1;
		}
		if (!b || po[j].backup_id < b->backup_id) {
			snprintf(why, whylen, "backup-id %u not configured here", po[j].backup_id);
			return -1;
		}
		if (b->svc != po[j].svc) {
			snprintf(why, whylen, "backup-id %u: service-type %s here, %s on peer",
				 b->backup_id, msync_svc_name(b->svc), msync_svc_name(po[j].svc));
			return -1;
		}
		i++;
		j++;
	}
	return 0;
}

static struct msync_offer *offers_from_pb(const Msync__Offers *o)
{
	struct msync_offer *po;
	size_t i;

	if (!o->n_offers)
		return NULL;
	po = XCALLOC(MTYPE_MSYNC_BIDS, o->n_offers * sizeof(*po));
	for (i = 0; i < o->n_offers; i++) {
		po[i].backup_id = o->offers[i]->backup_id;
		po[i].svc = (enum msync_svc)o->offers[i]->svc;
	}
	qsort(po, o->n_offers, sizeof(*po), offer_cmp);
	return po;
}

static bool offers_equal(const struct msync_offer *a, size_t na, const struct msync_offer *b,
			 size_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

/* Both ends compute the same: keep the connection whose initiator has the
 * higher (address, port).  Returns true if a beats b. */
static int ep_cmp(const union sockunion *a, const union sockunion *b)
{
	int r;

	if (a->sa.sa_family != b->sa.sa_family)
		return numcmp(a->sa.sa_family, b->sa.sa_family);
	if (a->sa.sa_family == AF_INET) {
		r = memcmp(&a->sin.sin_addr, &b->sin.sin_addr, 4);
		if (r)
			return r;
		return numcmp(ntohs(a->sin.sin_port), ntohs(b->sin.sin_port));
	}
	if (a->sa.sa_family == AF_INET6) {
		r = memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr, 16);
		if (r)
			return r;
		return numcmp(ntohs(a->sin6.sin6_port), ntohs(b->sin6.sin6_port));
	}
	return 0;
}

static const union sockunion *link_initiator(const struct msync_link *l)
{
	return l->outbound ? &l->local : &l->remote;
}

static bool link_beats(const struct msync_link *a, const struct msync_link *b)
{
	int r = ep_cmp(link_initiator(a), link_initiator(b));

	return r ? r > 0 : a->serial < b->serial;
}

/* A connection agreed on l: it becomes the session's connection. */
static void session_up(struct msync_link *l)
{
	struct msync_session *s = l->s;
	bool restarted = s->peer_inc != l->peer_inc;
	bool restore = restarted && s->peer_inc != 0;
	char reason[96];
	size_t i;

	s->active = l;
	XFREE(MTYPE_MSYNC_BIDS, s->peer_offers);
	s->peer_offers = l->peer_offers;
	s->npeer_offers = l->npeer_offers;
	l->peer_offers = NULL;
	l->npeer_offers = 0;
	strlcpy(s->peer_id, l->peer_rid, sizeof(s->peer_id));
	msync_timer_off(s->io, &s->t_collide);
	if (restarted) {
		if (s->peer_inc)
			msync_session_info(s,
					   "twin %s restarted (incarnation %016" PRIx64
					   " -> %016" PRIx64 ")",
					   s->peer_id, s->peer_inc, l->peer_inc);
		s->peer_inc = l->peer_inc;
		msync_sync_peer_inc_changed(s);
	}
	/* a connect in progress is of no use any more; it has sent no
	 * Hello, so the twin never weighs it in a collision */
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && !s->links[i]->connected)
			link_close(s->links[i], "session up on another connection", false);
	msync_timer_off(s->io, &s->t_connect);
	s->ctr.sessions_up++;
	s->peer_gone = MSYNC_GONE_NO;
	snprintf(reason, sizeof(reason), "handshake agreed with %s%s", s->peer_id,
		 restore ? " (twin restarted)" : "");
	session_set_state(s, MSYNC_ST_RESYNC, reason);
	send_roles(s, 0, false, false);
	/* sending fails only without a key to send with: then it is down */
	if (s->active)
		msync_sync_start(s);
}

/* Goes up on a connection that agreed, once no other connection is still
 * in its handshake (for at most MSYNC_COLLIDE_WAIT_MS: a stranger that
 * stalls its handshake delays nothing longer): a collision is then
 * resolved before anything is sent, so neither twin goes up twice. */
static void session_try_up(struct msync_session *s)
{
	struct msync_link *cand = NULL;
	int64_t now = msync_now(s->io), wait = 0;
	size_t i;

	if (s->active || s->closing || (s->state != MSYNC_ST_CONNECT && s->state != MSYNC_ST_HELLO))
		return;
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || l->dead)
			continue;
		if (l->connected && !l->agreed && now - l->up_ms < MSYNC_COLLIDE_WAIT_MS)
			wait = MAX(wait, MSYNC_COLLIDE_WAIT_MS - (now - l->up_ms));
		if (l->agreed && !l->held)
			cand = l;
	}
	if (!cand)
		return;
	if (wait) {
		msync_timer_set(s->io, &s->t_collide, (uint32_t)wait, session_collide_cb, s);
		return;
	}
	session_up(cand);
}

/* Of the connections that agreed, keep one (5.2 collisions).  Links
 * without a completed handshake never close others: the twin may not
 * have seen them, and both ends must make the same choice. */
static void links_resolve(struct msync_session *s, struct msync_link *l)
{
	size_t i;

	s->closing = true; /* no session up half way through */
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *o = s->links[i];

		if (!o || o == l || !o->agreed || o->held)
			continue;
		if (o->peer_inc != l->peer_inc) {
			link_close(o, "twin restarted (new incarnation)", false);
		} else if (o->outbound == l->outbound) {
			/* the initiator only opens a new one after it gave
			 * up the old one */
			link_close(o, "superseded by a newer connection", false);
		} else if (link_beats(o, l)) {
			link_close(l, "connection collision, kept the other", false);
			break;
		} else {
			link_close(o, "connection collision, kept the other", false);
		}
	}
	s->closing = false;
}

/* A held connection is released (the live one went down): weigh it as
 * if it had just completed its handshake. */
static void session_collide_cb(void *arg)
{
	struct msync_session *s = arg;
	size_t i;

	if (s->active) {
		session_try_up(s);
		return;
	}
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || !l->held)
			continue;
		l->held = false;
		if (l->held_data) {
			/* the twin went up on it and we ignored its frames:
			 * start clean, it reconnects at once */
			link_close(l, "the twin went up on it while it was held", false);
			continue;
		}
		link_agreed(l);
		if (s->state == MSYNC_ST_REFUSED || s->active)
			return;
	}
	session_try_up(s);
}

/* The twin's offers on l agree (l->agreed set, offers stored). */
static void link_agreed(struct msync_link *l)
{
	struct msync_session *s = l->s;
	char why[192];

	if (s->active) {
		/* never by itself: the live connection answers first */
		l->held = true;
		probe_start(s, l);
		return;
	}
	if (l->disagree) {
		offers_agree(s, l->peer_offers, l->npeer_offers, why, sizeof(why));
		session_refuse(s, MSYNC_ERR_HELLO_MISMATCH, why);
		return;
	}
	links_resolve(s, l);
	session_try_up(s);
}

static void rx_offers(struct msync_link *l, const Msync__Offers *o)
{
	struct msync_session *s = l->s;
	struct msync_offer *po = offers_from_pb(o);
	size_t npo = o->n_offers;
	char why[192];
	bool agree = offers_agree(s, po, npo, why, sizeof(why)) == 0;

	if (l->agreed) {
		/* offers changed on a running connection */
		if (l == s->active) {
			if (!agree) {
				XFREE(MTYPE_MSYNC_BIDS, po);
				session_refuse(s, MSYNC_ERR_HELLO_MISMATCH, why);
				return;
			}
			if (!offers_equal(po, npo, s->peer_offers, s->npeer_offers)) {
				XFREE(MTYPE_MSYNC_BIDS, s->peer_offers);
				s->peer_offers = po;
				s->npeer_offers = npo;
				msync_session_info(s, "twin changed its profiles, resync");
				msync_sync_start(s);
				return;
			}
		} else {
			XFREE(MTYPE_MSYNC_BIDS, l->peer_offers);
			l->peer_offers = po;
			l->npeer_offers = npo;
			l->disagree = !agree;
			return;
		}
		XFREE(MTYPE_MSYNC_BIDS, po);
		return;
	}

	l->agreed = true;
	l->disagree = !agree;
	l->peer_offers = po;
	l->npeer_offers = npo;
	msync_timer_off(s->io, &l->t_handshake);
	if (l->peer_hold_ms >= MSYNC_HOLD_MIN)
		l->hold_ms = MIN(cfg_hold(s), l->peer_hold_ms);
	l->last_rx_ms = msync_now(s->io);
	msync_timer_set(s->io, &l->t_hold, l->hold_ms, link_hold_cb, l);
	/* the keepalive timer was armed with our keepalive when the
	 * connection came up: a twin's shorter hold needs one sooner */
	if (msync_timer_on(s->io, &s->t_keepalive) && l->hold_ms / 3 < cfg_keepalive(s))
		msync_timer_set(s->io, &s->t_keepalive, keepalive_interval(s), session_keepalive_cb,
				s);
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: connection %s %pSU: handshake complete, offers %s", s->cfg.name,
			   l->outbound ? "to" : "from", &l->remote, agree ? "agree" : "disagree");
	link_agreed(l);
}

static void rx_hello(struct msync_link *l, const struct msync_msg *m, const uint8_t *payload,
		     size_t plen)
{
	struct msync_session *s = l->s;
	const Msync__Hello *h = (const Msync__Hello *)m->pb;
	enum msync_auth peer_auth = h->has_auth ? (enum msync_auth)h->auth : MSYNC_AUTH_NONE;
	char why[192], name[4 * MSYNC_NAME_MAX + 4];

	if (h->version != MSYNC_PROTOCOL_VERSION) {
		snprintf(why, sizeof(why), "protocol version %u on peer, %u here", h->version,
			 MSYNC_PROTOCOL_VERSION);
		link_reject(l, MSYNC_ERR_VERSION, why);
		return;
	}
	if (!h->has_nonce) {
		link_reject(l, MSYNC_ERR_MISSING_FIELD, "hello: no nonce");
		return;
	}
	if (h->nonce.len != MSYNC_NONCE_LEN) {
		snprintf(why, sizeof(why), "hello: nonce of %zu bytes", h->nonce.len);
		link_reject(l, MSYNC_ERR_BAD_VALUE, why);
		return;
	}
	if (h->n_offers) {
		link_reject(l, MSYNC_ERR_BAD_VALUE, "hello: offers before authentication");
		return;
	}
	if (strcmp(h->service, s->cfg.name)) {
		snprintf(why, sizeof(why), "service name \"%s\" on peer, \"%s\" here",
			 msync_sanitize(name, sizeof(name), h->service, strlen(h->service),
					MSYNC_NAME_MAX - 1),
			 s->cfg.name);
		link_reject(l, MSYNC_ERR_HELLO_MISMATCH, why);
		return;
	}
	if (h->incarnation == s->incarnation || !memcmp(h->nonce.data, l->nonce, MSYNC_NONCE_LEN)) {
		link_reject(l, MSYNC_ERR_HELLO_MISMATCH,
			    "connected to itself (peer address is local)");
		return;
	}
	if (peer_auth != s->cfg.auth) {
		snprintf(why, sizeof(why), "authentication %s here, %s on peer",
			 msync_auth_name(s->cfg.auth), msync_auth_name(peer_auth));
		link_auth_fail(l, MSYNC_AUTH_FAIL_MODE, "%s", why);
		return;
	}

	l->hello_rx = true;
	l->peer_inc = h->incarnation;
	l->peer_hold_ms = h->has_hold_ms ? h->hold_ms : 0;
	l->peer_keepalive_ms = h->has_keepalive_ms ? h->keepalive_ms : 0;
	if (h->has_router_id && h->router_id.len == 4)
		inet_ntop(AF_INET, h->router_id.data, l->peer_rid, sizeof(l->peer_rid));
	else if (h->has_router_id && h->router_id.len == 16)
		inet_ntop(AF_INET6, h->router_id.data, l->peer_rid, sizeof(l->peer_rid));
	else
		sockunion2str(&l->remote, l->peer_rid, sizeof(l->peer_rid));
	if (l->outbound)
		msync_transcript(l->transcript, l->hello_tx, l->hello_tx_len, payload, plen);
	else
		msync_transcript(l->transcript, payload, plen, l->hello_tx, l->hello_tx_len);

	/* our proof: its MAC over the transcript */
	{
		Msync__Auth a = MSYNC__AUTH__INIT;

		msync_link_send(l, MSYNC_MSG_AUTH, &a);
	}
}

static bool role_info_eq(const struct msync_role_info *a, const struct msync_role_info *b)
{
	return a->role == b->role && a->able == b->able && a->forwarding == b->forwarding &&
	       a->released == b->released && a->synced == b->synced && a->priority == b->priority;
}

static void rx_role(struct msync_link *l, const Msync__RoleReport *r)
{
	struct msync_session *s = l->s;
	size_t i;

	for (i = 0; i < r->n_items; i++) {
		const Msync__RoleItem *it = r->items[i];
		struct msync_bid *b = msync_bid_find(s, it->backup_id);
		/* a twin that sends only the role hands nothing over */
		struct msync_role_info ri = {
			.role = (enum msync_role)it->role,
			.able = it->has_able ? it->able : true,
			.forwarding = it->has_forwarding ? it->forwarding
							 : it->role == MSYNC__ROLE__ROLE_MASTER,
			.released = it->has_released && it->released,
			.synced = it->has_synced && it->synced,
			.priority = it->has_priority ? it->priority : 0,
		};

		if (!b || b->svc == MSYNC_SVC_NONE) {
			msync_session_error(s, MSYNC_ERR_UNKNOWN_BACKUP_ID,
					    "role for backup-id %u ignored", it->backup_id);
			continue;
		}
		/* every report is told, changed or not: one that answers an
		 * ask says the twin's word is current */
		b->peer_role = ri;
		b->peer_role_known = true;
		if (s->cb.peer_role)
			s->cb.peer_role(s, b->backup_id, ri.role, s->cb.arg);
	}
	if (r->has_ask && r->ask && l == s->active)
		send_roles(s, 0, false, false);
}

/* ------------------------------------------------------------------ */
/* receive path */

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	       (uint32_t)p[3];
}

/* The Envelope's bytes of an Envelope frame, its MAC verified (4.2):
 * false if it failed (the link failed). */
static bool link_unseal(struct msync_link *l, const struct msync_frame *f, size_t *elen)
{
	struct msync_session *s = l->s;
	struct msync_authkey k;
	uint8_t mac[MSYNC_MAC_LEN];
	uint32_t id;

	if (s->cfg.auth == MSYNC_AUTH_NONE) {
		*elen = f->len;
		return true;
	}
	if (f->len < MSYNC_TRAILER_LEN) {
		link_auth_fail(l, MSYNC_AUTH_FAIL_BAD_MAC,
			       "frame of %zu bytes too short for its MAC", f->len);
		return false;
	}
	*elen = f->len - MSYNC_TRAILER_LEN;
	id = get_be32(f->payload + *elen);
	memset(&k, 0, sizeof(k));
	if (!s->cb.accept_key || s->cb.accept_key(s, id, &k, s->cb.arg) < 0 || !k.secret) {
		link_auth_fail(l, MSYNC_AUTH_FAIL_KEY_REJECTED, "key id %u not accepted", id);
		return false;
	}
	msync_frame_mac(mac, k.secret, k.len, link_dir(l, false), l->transcript, id, f->payload,
			*elen);
	if (!msync_mac_equal(mac, f->payload + *elen + 4, MSYNC_MAC_LEN)) {
		link_auth_fail(l, MSYNC_AUTH_FAIL_BAD_MAC, "bad MAC (key id %u)", id);
		return false;
	}
	if (msync_debug & MSYNC_DEBUG_AUTH && (!l->rx_key_valid || l->rx_key_id != id))
		zlog_debug("rbs %s: accepting frames with key id %u", s->cfg.name, id);
	l->rx_key_id = id;
	l->rx_key_valid = true;
	return true;
}

/* Messages a held connection may carry; the rest is not acted on. */
static bool held_ok(uint8_t type)
{
	return type == MSYNC_MSG_KEEPALIVE || type == MSYNC_MSG_PROBE ||
	       type == MSYNC_MSG_PROBE_REPLY || type == MSYNC_MSG_OFFERS || type == MSYNC_MSG_BYE;
}

static void link_handle_msg(struct msync_link *l, struct msync_msg *m)
{
	struct msync_session *s = l->s;

	if (!l->authed) {
		if (m->type != MSYNC_MSG_AUTH) {
			msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "%s before auth",
					msync_msg_name(m->type));
			return;
		}
		/* the MAC of this frame was the proof */
		l->authed = true;
		if (msync_debug & MSYNC_DEBUG_AUTH)
			zlog_debug("rbs %s: connection %s %pSU: twin authenticated%s", s->cfg.name,
				   l->outbound ? "to" : "from", &l->remote,
				   s->cfg.auth == MSYNC_AUTH_NONE ? " (no authentication)" : "");
		link_send_offers(l);
		return;
	}
	if (m->type == MSYNC_MSG_AUTH) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "auth %" PRIu64 " after the handshake",
				m->seq);
		return;
	}
	if (!l->agreed) {
		if (m->type != MSYNC_MSG_OFFERS) {
			msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "%s before offers",
					msync_msg_name(m->type));
			return;
		}
		rx_offers(l, (Msync__Offers *)m->pb);
		return;
	}
	if (l->held && !held_ok(m->type)) {
		/* nothing from it reaches the session until the live
		 * connection failed (5.2) */
		l->held_data = true;
		return;
	}
	/* the twin went up on this connection before we knew of no other
	 * (it had not seen ours yet): follow it */
	if (!held_ok(m->type) && !s->active)
		session_up(l);
	if (!held_ok(m->type) && l != s->active) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "%s on a connection not in use",
				msync_msg_name(m->type));
		return;
	}

	switch (m->type) {
	case MSYNC_MSG_KEEPALIVE:
		break;
	case MSYNC_MSG_OFFERS:
		rx_offers(l, (Msync__Offers *)m->pb);
		break;
	case MSYNC_MSG_PROBE:
		link_send_probe_reply(l, ((Msync__Probe *)m->pb)->id);
		break;
	case MSYNC_MSG_PROBE_REPLY:
		if (l == s->active && s->probing && ((Msync__ProbeReply *)m->pb)->id == s->probe_id)
			probe_answered(s);
		break;
	case MSYNC_MSG_RESYNC_BEGIN:
		msync_rx_begin(l, m->pb);
		break;
	case MSYNC_MSG_RESYNC_END:
		msync_rx_end(l, m->pb);
		break;
	case MSYNC_MSG_UPDATE:
		msync_rx_update(l, m->pb);
		break;
	case MSYNC_MSG_DELETE:
		msync_rx_delete(l, m->pb);
		break;
	case MSYNC_MSG_ACK:
		msync_rx_ack(l, m->pb);
		break;
	case MSYNC_MSG_DIGEST:
		msync_rx_digest(l, m->pb);
		break;
	case MSYNC_MSG_RESYNC_REQUEST:
		msync_rx_resync_request(l, m->pb);
		break;
	case MSYNC_MSG_ROLE:
		rx_role(l, (Msync__RoleReport *)m->pb);
		break;
	case MSYNC_MSG_BYE: {
		Msync__Bye *b = (Msync__Bye *)m->pb;
		char said[4 * 64 + 4], why[sizeof(said) + 64];

		l->bye_rx = true;
		l->bye_stopping = b->has_stopping && b->stopping;
		/* the twin's words: escaped, cut short */
		snprintfrr(why, sizeof(why), "twin closed the connection%s: %s",
			   l->bye_stopping ? " (its daemon stops)" : "",
			   b->reason ? msync_sanitize(said, sizeof(said), b->reason,
						      strlen(b->reason), 64)
				     : "");
		link_close(l, why, false);
		break;
	}
	}
}

static void link_handle_frame(struct msync_link *l, const struct msync_frame *f)
{
	struct msync_session *s = l->s;
	struct msync_msg m;
	char why[192];
	enum msync_err err;
	size_t elen;

	s->ctr.rx_msgs++;
	if (f->type == MSYNC_FRAME_HELLO) {
		if (l->hello_rx) {
			msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "a second hello");
			return;
		}
		if (msync_hello_decode(f->payload, f->len, &m, &err, why, sizeof(why)) < 0) {
			link_reject(l, err, why);
			return;
		}
		if (msync_debug & MSYNC_DEBUG_PACKET)
			zlog_debug("rbs %s: received hello (%zu bytes)", s->cfg.name,
				   f->len + MSYNC_FRAME_HDR);
		l->last_rx_ms = msync_now(s->io);
		rx_hello(l, &m, f->payload, f->len);
		msync_msg_free(&m);
		return;
	}
	if (f->type != MSYNC_FRAME_ENVELOPE) {
		msync_link_fail(l, MSYNC_ERR_UNKNOWN_TYPE, "frame type %u", f->type);
		return;
	}
	if (!l->hello_rx) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "envelope before hello");
		return;
	}
	if (!link_unseal(l, f, &elen))
		return;
	if (msync_env_decode(f->payload, elen, &m, &err, why, sizeof(why)) < 0) {
		msync_link_fail(l, err, "%s", why);
		return;
	}
	if (m.seq != l->rx_seq + 1) {
		msync_link_fail(l, MSYNC_ERR_SEQUENCE, "%s seq %" PRIu64 ", expected %" PRIu64,
				msync_msg_name(m.type), m.seq, l->rx_seq + 1);
		goto out;
	}
	l->rx_seq = m.seq;
	if (msync_msg_is_data(m.type))
		l->rx_data = true;
	/* only a whole frame that passed every check shows the twin lives */
	l->last_rx_ms = msync_now(s->io);
	if (msync_debug & MSYNC_DEBUG_PACKET)
		zlog_debug("rbs %s: received %s seq %" PRIu64 " (%zu bytes)", s->cfg.name,
			   msync_msg_name(m.type), m.seq, f->len + MSYNC_FRAME_HDR);
	link_handle_msg(l, &m);
out:
	msync_msg_free(&m);
}

static void link_readable(void *arg)
{
	struct msync_link *l = arg;
	struct msync_session *s = l->s;
	size_t budget = MSYNC_READ_BUDGET;

	while (!l->dead && budget > 0) {
		struct msync_frame f;
		size_t avail;
		uint8_t *p = msync_rbuf_space(&l->rb, &avail);
		ssize_t n;
		int r = 0, err = -1;

		n = s->io->ops->read(l->conn, p, MIN(avail, budget));
		if (n < 0) {
			if (ERRNO_IO_RETRY(errno))
				break;
			/* the twin's kernel reset it: its process died with
			 * our bytes unread */
			l->peer_eof = errno == ECONNRESET;
			msync_link_fail(l, MSYNC_ERR_SOCKET, "read: %s", safe_strerror(errno));
			break;
		}
		if (n == 0) {
			/* closed by the twin's end; without a Bye (6.6) */
			l->peer_eof = true;
			if (msync_rbuf_pending(&l->rb))
				msync_link_fail(l, MSYNC_ERR_TRUNCATED,
						"connection closed inside a frame (%zu bytes pending)",
						msync_rbuf_pending(&l->rb));
			else
				link_close(l, "connection closed by peer", false);
			break;
		}
		msync_rbuf_added(&l->rb, n);
		budget -= MIN(budget, (size_t)n);
		s->ctr.rx_bytes += n;
		while (!l->dead && (r = msync_rbuf_next(&l->rb, &f, &err)) == 1)
			link_handle_frame(l, &f);
		if (!l->dead && r < 0) {
			msync_link_fail(l, err, "bad frame length (%s)", msync_err_name(err));
			break;
		}
	}
	if (!l->dead) {
		/* one cumulative Ack per read burst that carried data */
		if (l == s->active && l->rx_data) {
			l->rx_data = false;
			msync_link_send_ack(l);
		}
		if (!l->dead)
			s->io->ops->want_read(l->conn);
	}
}

static void link_writable(void *arg)
{
	struct msync_link *l = arg;
	struct msync_session *s = l->s;
	size_t before = l->wq.bytes;

	l->write_armed = false;
	if (msync_wq_flush(&l->wq, link_write_fn, l) < 0) {
		l->peer_eof = errno == ECONNRESET || errno == EPIPE;
		msync_link_fail(l, MSYNC_ERR_SOCKET, "write: %s", safe_strerror(errno));
		return;
	}
	if (l->wq.bytes < before)
		l->tx_progress_ms = msync_now(s->io);
	if (l->wq.bytes)
		link_arm_write(l);
	if (!l->dead && l->wq.bytes <= s->wq_low) {
		link_send_due(l);
		if (!l->dead && l == s->active)
			msync_sync_pump(s);
	}
}

/* ------------------------------------------------------------------ */
/* session life */

static void session_start(struct msync_session *s)
{
	if (!config_usable(&s->cfg)) {
		session_set_state(s, MSYNC_ST_IDLE, "no peer address or port configured");
		return;
	}
	(void)msync_lreg_join(s);
	s->backoff_ms = MSYNC_BACKOFF_MIN;
	session_set_state(s, MSYNC_ST_CONNECT, NULL);
	/* not now: let the owner set offers and roles first */
	msync_timer_set(s->io, &s->t_connect, 0, session_connect_cb, s);
}

static void session_stop(struct msync_session *s, const char *reason)
{
	/* flushed: the Bye tells the twin it was on purpose */
	links_close_all(s, reason, true);
	if (s->active)
		session_down(s, reason);
	msync_lreg_leave(s);
	msync_timer_off(s->io, &s->t_connect);
	msync_timer_off(s->io, &s->t_keepalive);
	msync_timer_off(s->io, &s->t_collide);
	probe_stop(s);
}

struct msync_session *msync_session_new(struct msync_io *io, const struct msync_session_config *cfg,
					const struct msync_callbacks *cb)
{
	struct msync_session *s = XCALLOC(MTYPE_MSYNC_SESSION, sizeof(*s));

	s->io = io;
	s->cfg = *cfg;
	s->cfg.name[MSYNC_NAME_MAX - 1] = '\0';
	s->cfg.tp.md5_password[MSYNC_TCP_KEY_MAX] = '\0';
	if (cb)
		s->cb = *cb;
	s->incarnation = new_incarnation(s);
	s->rng = s->incarnation | 1;
	msync_sync_init(s);
	s->wq_high = MSYNC_WQ_HIGH;
	s->wq_low = MSYNC_WQ_LOW;
	s->expire_at = MSYNC_NEVER;
	s->backoff_ms = MSYNC_BACKOFF_MIN;
	s->state = MSYNC_ST_IDLE;
	session_start(s);
	return s;
}

void msync_session_free(struct msync_session **sp)
{
	struct msync_session *s = *sp;

	if (!s)
		return;
	/* no upcalls from here on, the owner is tearing down; but the Bye
	 * that tells the twin this is on purpose (not our death) must be
	 * signed when the channel is authenticated */
	s->cb = (struct msync_callbacks){ .send_key = s->cb.send_key, .arg = s->cb.arg };
	session_stop(s, "session deleted");
	memset(&s->cb, 0, sizeof(s->cb));
	msync_timer_off(s->io, &s->t_expire);
	msync_timer_off(s->io, &s->t_pump);
	msync_timer_off(s->io, &s->t_digest);
	msync_timer_off(s->io, &s->t_reap);
	msync_timer_off(s->io, &s->t_rl);
	session_reap_cb(s);
	msync_sync_fini(s);
	XFREE(MTYPE_MSYNC_BIDS, s->bids);
	XFREE(MTYPE_MSYNC_BIDS, s->peer_offers);
	XFREE(MTYPE_MSYNC_SESSION, s);
	*sp = NULL;
}

/* TCP options that need new sockets: all but the TCP-AO key list, which
 * applies to the next connection (keys roll over without a reset) */
static bool transport_same(const struct msync_transport *a, const struct msync_transport *b)
{
	return !strcmp(a->md5_password, b->md5_password) && a->gtsm == b->gtsm &&
	       a->tcp_ao == b->tcp_ao;
}

void msync_session_reconfigure(struct msync_session *s, const struct msync_session_config *cfg)
{
	bool reset = strncmp(s->cfg.name, cfg->name, MSYNC_NAME_MAX) ||
		     !sockunion_same(&s->cfg.peer, &cfg->peer) ||
		     !sockunion_same(&s->cfg.source, &cfg->source) || s->cfg.port != cfg->port ||
		     s->cfg.auth != cfg->auth || !transport_same(&s->cfg.tp, &cfg->tp);

	if (!reset) {
		bool ka_changed = s->cfg.keepalive_ms != cfg->keepalive_ms;
		bool digest_changed = s->cfg.digest_ms != cfg->digest_ms;

		/* keepalive and digest apply at once; the hold time of a
		 * live connection was agreed with the twin in the Hello, a
		 * new one applies to the next connection; TCP-AO keys too */
		s->cfg.keepalive_ms = cfg->keepalive_ms;
		s->cfg.hold_ms = cfg->hold_ms;
		s->cfg.digest_ms = cfg->digest_ms;
		s->cfg.tp.n_ao = cfg->tp.n_ao;
		memcpy(s->cfg.tp.ao, cfg->tp.ao, sizeof(s->cfg.tp.ao));
		if (ka_changed && msync_timer_on(s->io, &s->t_keepalive))
			msync_timer_set(s->io, &s->t_keepalive, keepalive_interval(s),
					session_keepalive_cb, s);
		if (digest_changed)
			msync_sync_digest_rearm(s);
		return;
	}
	session_stop(s, "configuration changed");
	s->cfg = *cfg;
	s->cfg.name[MSYNC_NAME_MAX - 1] = '\0';
	s->cfg.tp.md5_password[MSYNC_TCP_KEY_MAX] = '\0';
	session_start(s);
}

/* The offers changed: tell the twin, check them against its last ones. */
static void offers_changed(struct msync_session *s)
{
	size_t i;

	/* connections that told the twin our offers tell it again; the
	 * others say the new ones once the twin is authenticated */
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->authed)
			link_send_offers(s->links[i]);
	if (s->active) {
		char why[192];

		/* recheck with what the twin offered last */
		if (offers_agree(s, s->peer_offers, s->npeer_offers, why, sizeof(why)) < 0) {
			session_refuse(s, MSYNC_ERR_HELLO_MISMATCH, why);
			return;
		}
		msync_sync_start(s);
		send_roles(s, 0, false, false);
	}
}

void msync_session_set_offers(struct msync_session *s, const struct msync_offer *offers, size_t n)
{
	struct msync_offer *before = NULL;
	size_t i, nbefore = 0, w;
	uint32_t *bound = NULL;
	size_t nbound = 0;
	bool changed;

	for (i = 0; i < s->nbids; i++)
		if (s->bids[i].svc != MSYNC_SVC_NONE)
			nbefore++;
	if (nbefore) {
		before = XCALLOC(MTYPE_MSYNC_BIDS, nbefore * sizeof(*before));
		for (i = 0, w = 0; i < s->nbids; i++)
			if (s->bids[i].svc != MSYNC_SVC_NONE) {
				before[w].backup_id = s->bids[i].backup_id;
				before[w].svc = s->bids[i].svc;
				w++;
			}
	}
	for (i = 0; i < s->nbids; i++)
		s->bids[i].svc = MSYNC_SVC_NONE;
	for (i = 0; i < n; i++) {
		struct msync_bid *b;

		if (offers[i].svc != MSYNC_SVC_IGMP && offers[i].svc != MSYNC_SVC_MLD) {
			zlog_warn("rbs %s: backup-id %u: no service-type, not offered", s->cfg.name,
				  offers[i].backup_id);
			continue;
		}
		b = bid_get(s, offers[i].backup_id);
		b->svc = offers[i].svc;
		/* the bound is ours alone: the twin is not told (6.5) */
		b->max_entries = offers[i].max_entries ? offers[i].max_entries
						       : MSYNC_PEER_ENTRIES_DEFAULT;
	}
	/* forget backup-ids that carry nothing any more */
	for (i = 0, w = 0; i < s->nbids; i++) {
		static const struct msync_role_info none;

		if (s->bids[i].svc == MSYNC_SVC_NONE && role_info_eq(&s->bids[i].role, &none) &&
		    !s->bids[i].peer_role_known)
			continue;
		s->bids[w++] = s->bids[i];
	}
	s->nbids = w;

	changed = nbefore != 0 || s->nbids != 0;
	if (changed) {
		size_t k = 0;

		changed = false;
		for (i = 0; i < s->nbids; i++) {
			if (s->bids[i].svc == MSYNC_SVC_NONE)
				continue;
			if (k >= nbefore || before[k].backup_id != s->bids[i].backup_id ||
			    before[k].svc != s->bids[i].svc) {
				changed = true;
				break;
			}
			k++;
		}
		if (k != nbefore)
			changed = true;
	}
	XFREE(MTYPE_MSYNC_BIDS, before);

	/* backup-ids holding more of the twin's entries than their bound
	 * now allows, trimmed once the offers are in place (peer_delete
	 * callbacks may call in) */
	for (i = 0; i < s->nbids; i++)
		if (s->bids[i].svc != MSYNC_SVC_NONE &&
		    msync_table_bid_count(&s->peer, s->bids[i].backup_id) > s->bids[i].max_entries)
			nbound++;
	if (nbound) {
		bound = XCALLOC(MTYPE_MSYNC_BIDS, nbound * sizeof(*bound));
		for (i = 0, w = 0; i < s->nbids; i++)
			if (s->bids[i].svc != MSYNC_SVC_NONE &&
			    msync_table_bid_count(&s->peer, s->bids[i].backup_id) >
				    s->bids[i].max_entries)
				bound[w++] = s->bids[i].backup_id;
	}

	if (changed)
		offers_changed(s);
	for (i = 0; i < nbound; i++)
		msync_sync_limit_changed(s, bound[i]);
	XFREE(MTYPE_MSYNC_BIDS, bound);
}

void msync_session_set_role_info(struct msync_session *s, uint32_t backup_id,
				 const struct msync_role_info *ri)
{
	struct msync_bid *b = bid_get(s, backup_id);

	if (role_info_eq(&b->role, ri))
		return;
	b->role = *ri;
	if (b->svc != MSYNC_SVC_NONE)
		send_roles(s, backup_id, true, false);
}

void msync_session_set_role(struct msync_session *s, uint32_t backup_id, enum msync_role role)
{
	struct msync_role_info ri = { .role = role };

	msync_session_set_role_info(s, backup_id, &ri);
}

bool msync_session_peer_role_info(const struct msync_session *s, uint32_t backup_id,
				  struct msync_role_info *ri)
{
	const struct msync_bid *b = msync_bid_find((struct msync_session *)s, backup_id);

	if (!b || !b->peer_role_known) {
		memset(ri, 0, sizeof(*ri));
		return false;
	}
	*ri = b->peer_role;
	return true;
}

void msync_session_ask_roles(struct msync_session *s)
{
	send_roles(s, 0, false, true);
}

void msync_session_goodbye(struct msync_session *s, const char *reason)
{
	size_t i;

	s->stopping = true;
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (l && !l->dead && l->conn && l->connected && l->agreed) {
			link_send_bye(l, reason);
			(void)msync_wq_flush(&l->wq, link_write_fn, l);
		}
	}
}

enum msync_peer_gone msync_session_peer_gone(const struct msync_session *s)
{
	return s->peer_gone;
}

const char *msync_peer_gone_name(enum msync_peer_gone g)
{
	switch (g) {
	case MSYNC_GONE_NO:
		return "no";
	case MSYNC_GONE_CLOSED:
		return "closed";
	case MSYNC_GONE_STOPPING:
		return "stopping";
	}
	return "?";
}

void msync_session_reset(struct msync_session *s, const char *reason)
{
	if (s->state == MSYNC_ST_IDLE)
		return;
	if (!reason)
		reason = "reset";
	zlog_info("rbs %s: reset: %s", s->cfg.name, reason);
	links_close_all(s, reason, true);
	if (s->state == MSYNC_ST_REFUSED)
		session_set_state(s, MSYNC_ST_CONNECT, reason);
	s->backoff_ms = MSYNC_BACKOFF_MIN;
	msync_timer_set(s->io, &s->t_connect, 0, session_connect_cb, s);
}

void msync_session_check_established(struct msync_session *s)
{
	if (s->state != MSYNC_ST_RESYNC || !s->tx.done || !s->rx.done)
		return;
	s->backoff_ms = MSYNC_BACKOFF_MIN;
	session_set_state(s, MSYNC_ST_ESTABLISHED, "resync complete");
}

/* ------------------------------------------------------------------ */
/* getters */

enum msync_state msync_session_state(const struct msync_session *s)
{
	return s->state;
}

const struct msync_counters *msync_session_counters(const struct msync_session *s)
{
	return &s->ctr;
}

const char *msync_session_last_reason(const struct msync_session *s)
{
	return s->last_reason;
}

int64_t msync_session_up_since(const struct msync_session *s)
{
	return s->up_since;
}

int64_t msync_now_ms(const struct msync_session *s)
{
	return msync_now(s->io);
}

int msync_peer_limit(const struct msync_session *s, uint32_t backup_id, struct msync_peer_limit *pl)
{
	struct msync_bid *b = msync_bid_find((struct msync_session *)s, backup_id);

	memset(pl, 0, sizeof(*pl));
	if (!b || b->svc == MSYNC_SVC_NONE)
		return -1;
	pl->max_entries = b->max_entries;
	pl->held = msync_table_bid_count(&s->peer, backup_id);
	pl->dropped = b->limit_drops;
	pl->full = b->full;
	return 0;
}

enum msync_role msync_session_peer_role(const struct msync_session *s, uint32_t backup_id)
{
	struct msync_bid *b = msync_bid_find((struct msync_session *)s, backup_id);

	return b && b->peer_role_known ? b->peer_role.role : MSYNC_ROLE_UNKNOWN;
}

bool msync_session_resync_pending(const struct msync_session *s)
{
	if (!msync_session_up(s))
		return false;
	return s->rx.active || !s->rx.done || !s->tx.done;
}

void msync_session_timers(const struct msync_session *s, struct msync_timers *t)
{
	const struct msync_link *l = s->active;

	memset(t, 0, sizeof(*t));
	t->keepalive_ms = cfg_keepalive(s);
	t->hold_ms = cfg_hold(s);
	t->digest_ms = msync_digest_interval(s);
	if (!msync_session_up(s))
		return;
	t->live = true;
	t->peer_keepalive_ms = l->peer_keepalive_ms;
	t->peer_hold_ms = l->peer_hold_ms;
	t->conn_hold_ms = l->hold_ms;
	t->conn_keepalive_ms = MIN(t->keepalive_ms, MAX(l->hold_ms / 3, 1));
}

bool msync_session_tx_key(const struct msync_session *s, uint32_t *id)
{
	if (!s->active || !s->tx_key_valid)
		return false;
	*id = s->tx_key_id;
	return true;
}

bool msync_session_rx_key(const struct msync_session *s, uint32_t *id)
{
	if (!s->active || !s->active->rx_key_valid)
		return false;
	*id = s->active->rx_key_id;
	return true;
}
