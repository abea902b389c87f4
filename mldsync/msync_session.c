// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync session: connections to the twin, Hello agreement, connection
 * collisions, keepalive and hold timers, reconnect backoff.  The table
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
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_MSG_ITEMS, "mldsync hello/role items");

static void session_connect_cb(void *arg);
static void link_hold_cb(void *arg);
static void link_free(struct msync_link *l);
static void link_close(struct msync_link *l, const char *reason, bool flush);
static void session_keepalive_cb(void *arg);
static void session_try_up(struct msync_session *s);

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

static uint32_t cfg_keepalive(const struct msync_session *s)
{
	return s->cfg.keepalive_ms ? s->cfg.keepalive_ms : MSYNC_KEEPALIVE_DEFAULT;
}

static uint32_t cfg_hold(const struct msync_session *s)
{
	return s->cfg.hold_ms ? s->cfg.hold_ms : 3 * cfg_keepalive(s);
}

void msync_session_error(struct msync_session *s, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int64_t sec = msync_now(s->io) / 1000;

	if (err >= 0 && err < MSYNC_ERR_MAX)
		s->ctr.errors[err]++;

	va_start(ap, fmt);
	vsnprintfrr(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* a hostile or broken twin must not flood the log */
	if (sec != s->errlog_sec) {
		if (s->errlog_dropped)
			zlog_warn("rbs %s: %u similar messages suppressed", s->cfg.name,
				  s->errlog_dropped);
		s->errlog_sec = sec;
		s->errlog_n = 0;
		s->errlog_dropped = 0;
	}
	if (++s->errlog_n > MSYNC_ERRLOG_BURST) {
		s->errlog_dropped++;
		return;
	}
	zlog_warn("rbs %s: %s: %s", s->cfg.name, err >= 0 ? msync_err_name(err) : "error", msg);
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
		zlog_info("rbs %s: %s -> %s%s%s", s->cfg.name, msync_state_name(old),
			  msync_state_name(new), reason ? ": " : "", reason ? reason : "");
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
/* connections */

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

void msync_link_send(struct msync_link *l, uint8_t type, const void *pb)
{
	struct msync_session *s = l->s;
	size_t n;

	if (l->dead || !l->conn || !l->connected)
		return;
	n = msync_msg_put(&l->wq, type, pb);
	if (!n) {
		/* batches are sized well below the limit: a bug if hit */
		zlog_err("rbs %s: %s message over %u bytes not sent", s->cfg.name,
			 msync_msg_name(type), MSYNC_FRAME_MAX);
		return;
	}
	s->ctr.tx_msgs++;
	s->ctr.tx_bytes += n;
	if (msync_debug & MSYNC_DEBUG_PACKET)
		zlog_debug("rbs %s: sent %s (%zu bytes)", s->cfg.name, msync_msg_name(type), n);
	link_arm_write(l);
}

static void link_send_hello(struct msync_link *l)
{
	struct msync_session *s = l->s;
	Msync__Hello h = MSYNC__HELLO__INIT;
	Msync__Offer *offers = NULL, **ptrs = NULL;
	size_t i, n = 0;

	h.has_version = true;
	h.version = MSYNC_PROTOCOL_VERSION;
	h.service = s->cfg.name;
	h.has_incarnation = true;
	h.incarnation = s->incarnation;
	h.has_keepalive_ms = true;
	h.keepalive_ms = cfg_keepalive(s);
	h.has_hold_ms = true;
	h.hold_ms = cfg_hold(s);
	if (l->local.sa.sa_family == AF_INET) {
		h.has_router_id = true;
		h.router_id.len = 4;
		h.router_id.data = (uint8_t *)&l->local.sin.sin_addr;
	} else if (l->local.sa.sa_family == AF_INET6) {
		h.has_router_id = true;
		h.router_id.len = 16;
		h.router_id.data = (uint8_t *)&l->local.sin6.sin6_addr;
	}
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
	h.n_offers = n;
	h.offers = ptrs;
	msync_link_send(l, MSYNC_MSG_HELLO, &h);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, offers);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, ptrs);
}

static void send_roles(struct msync_session *s, uint32_t only_bid, bool one)
{
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__RoleItem *items, **ptrs;
	size_t i, n = 0;

	if (!msync_session_up(s) || !s->nbids)
		return;
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
		items[n].role = (Msync__Role)s->bids[i].role;
		ptrs[n] = &items[n];
		n++;
	}
	if (n) {
		r.n_items = n;
		r.items = ptrs;
		msync_link_send(s->active, MSYNC_MSG_ROLE, &r);
	}
	XFREE(MTYPE_MSYNC_MSG_ITEMS, items);
	XFREE(MTYPE_MSYNC_MSG_ITEMS, ptrs);
}

static void peer_roles_reset(struct msync_session *s)
{
	size_t i;

	for (i = 0; i < s->nbids; i++) {
		if (s->bids[i].peer_role == MSYNC_ROLE_UNKNOWN)
			continue;
		s->bids[i].peer_role = MSYNC_ROLE_UNKNOWN;
		if (s->cb.peer_role)
			s->cb.peer_role(s, s->bids[i].backup_id, MSYNC_ROLE_UNKNOWN, s->cb.arg);
	}
}

static size_t link_count(const struct msync_session *s, bool connected_only)
{
	size_t i, n = 0;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && (!connected_only || s->links[i]->connected))
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
		/* make room: the oldest connection still without Hello */
		struct msync_link *old = NULL;

		for (i = 0; i < MSYNC_LINKS_MAX; i++)
			if (s->links[i] != s->active && (!old || s->links[i]->serial < old->serial))
				old = s->links[i];
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
	msync_timer_off(l->s->io, &l->t_hold);
	msync_rbuf_fini(&l->rb);
	msync_wq_fini(&l->wq);
	XFREE(MTYPE_MSYNC_LINK, l);
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

/* The active connection is gone: the session is down.  Peer entries are
 * kept (the twin may be dead: that is what they are for) and age. */
static void session_down(struct msync_session *s, const char *reason)
{
	if (s->state == MSYNC_ST_RESYNC || s->state == MSYNC_ST_ESTABLISHED)
		s->ctr.sessions_down++;
	s->active = NULL;
	set_reason(s, reason);
	msync_sync_stop(s);
	peer_roles_reset(s);
}

static void link_close(struct msync_link *l, const char *reason, bool flush)
{
	struct msync_session *s = l->s;
	size_t i;

	if (l->dead)
		return;
	l->dead = true;
	if (flush && l->conn && l->connected)
		/* best effort, never blocks: lets the twin read our Hello */
		(void)msync_wq_flush(&l->wq, link_write_fn, l);
	if (l->conn)
		s->io->ops->close(l->conn);
	l->conn = NULL;
	msync_timer_off(s->io, &l->t_hold);
	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] == l)
			s->links[i] = NULL;
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: connection %s %pSU closed: %s", s->cfg.name,
			   l->outbound ? "to" : "from", &l->remote, reason ? reason : "");
	if (s->active == l)
		session_down(s, reason);
	if (!l->in_cb)
		link_free(l);
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

/* Hello disagreement: down until the retry timer, reason kept. */
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

static void link_up(struct msync_link *l)
{
	struct msync_session *s = l->s;
	union sockunion loc, rem;

	memset(&loc, 0, sizeof(loc));
	memset(&rem, 0, sizeof(rem));
	if (s->io->ops->endpoints(l->conn, &loc, &rem) == 0) {
		l->local = loc;
		l->remote = rem;
	}
	l->connected = true;
	l->last_rx_ms = msync_now(s->io);
	msync_timer_set(s->io, &l->t_hold, l->hold_ms, link_hold_cb, l);
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
	l = link_new(s, c, false);
	link_up(l);
}

static void start_connect(struct msync_session *s)
{
	struct msync_conn *c;

	c = s->io->ops->connect(s->io, &s->cfg.source, &s->cfg.peer, s->cfg.port);
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
	/* one connection attempt at a time, and none while a connection
	 * is already exchanging Hellos: fewer collisions to resolve */
	if (!link_outbound(s) && !link_count(s, true))
		start_connect(s);
	backoff_arm(s);
	backoff_up(s);
}

static void session_keepalive_cb(void *arg)
{
	struct msync_session *s = arg;
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	uint32_t ka = cfg_keepalive(s);
	size_t i;

	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || !l->connected)
			continue;
		msync_link_send(l, MSYNC_MSG_KEEPALIVE, &k);
		ka = MIN(ka, MAX(l->hold_ms / 3, 1));
	}
	if (link_count(s, true))
		msync_timer_set(s->io, &s->t_keepalive, ka, session_keepalive_cb, s);
}

static void link_hold_cb(void *arg)
{
	struct msync_link *l = arg;
	int64_t idle = msync_now(l->s->io) - l->last_rx_ms;

	if (idle < (int64_t)l->hold_ms) {
		msync_timer_set(l->s->io, &l->t_hold, (uint32_t)(l->hold_ms - idle), link_hold_cb,
				l);
		return;
	}
	if (!l->connected) {
		link_close(l, "connect timed out", false);
		return;
	}
	msync_link_fail(l, MSYNC_ERR_HOLD_EXPIRED, "hold timer expired (%u ms without a message)",
			l->hold_ms);
}

/* ------------------------------------------------------------------ */
/* Hello */

static int offer_cmp(const void *a, const void *b)
{
	const struct msync_offer *x = a, *y = b;

	return numcmp(x->backup_id, y->backup_id);
}

/* Checks the twin's Hello against our configuration: 0 when both ends
 * agree, else -1 with the error class in *err and in why the reason the
 * operator will see. */
static int hello_agree(struct msync_session *s, const Msync__Hello *h, struct msync_offer *po,
		       size_t npo, enum msync_err *err, char *why, size_t whylen)
{
	size_t i = 0, j = 0;

	if (h->version != MSYNC_PROTOCOL_VERSION) {
		snprintf(why, whylen, "protocol version %u on peer, %u here", h->version,
			 MSYNC_PROTOCOL_VERSION);
		*err = MSYNC_ERR_VERSION;
		return -1;
	}
	if (strcmp(h->service, s->cfg.name)) {
		snprintf(why, whylen, "service name \"%s\" on peer, \"%s\" here", h->service,
			 s->cfg.name);
		*err = MSYNC_ERR_HELLO_MISMATCH;
		return -1;
	}
	if (h->incarnation == s->incarnation) {
		snprintf(why, whylen, "connected to itself (peer address is local)");
		*err = MSYNC_ERR_HELLO_MISMATCH;
		return -1;
	}
	for (j = 1; j < npo; j++)
		if (po[j].backup_id == po[j - 1].backup_id) {
			snprintf(why, whylen, "backup-id %u offered twice by peer", po[j].backup_id);
			*err = MSYNC_ERR_HELLO_MISMATCH;
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
			*err = MSYNC_ERR_HELLO_MISMATCH;
			return -1;
		}
		if (!b || po[j].backup_id < b->backup_id) {
			snprintf(why, whylen, "backup-id %u not configured here", po[j].backup_id);
			*err = MSYNC_ERR_HELLO_MISMATCH;
			return -1;
		}
		if (b->svc != po[j].svc) {
			snprintf(why, whylen, "backup-id %u: service-type %s here, %s on peer",
				 b->backup_id, msync_svc_name(b->svc), msync_svc_name(po[j].svc));
			*err = MSYNC_ERR_HELLO_MISMATCH;
			return -1;
		}
		i++;
		j++;
	}
	return 0;
}

static struct msync_offer *hello_offers(const Msync__Hello *h)
{
	struct msync_offer *po;
	size_t i;

	if (!h->n_offers)
		return NULL;
	po = XCALLOC(MTYPE_MSYNC_BIDS, h->n_offers * sizeof(*po));
	for (i = 0; i < h->n_offers; i++) {
		po[i].backup_id = h->offers[i]->backup_id;
		po[i].svc = (enum msync_svc)h->offers[i]->svc;
	}
	qsort(po, h->n_offers, sizeof(*po), offer_cmp);
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

/* Hello agreed on l: it becomes the session's connection. */
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
	if (restarted) {
		if (s->peer_inc)
			zlog_info("rbs %s: twin %s restarted (incarnation %016" PRIx64
				  " -> %016" PRIx64 ")",
				  s->cfg.name, s->peer_id, s->peer_inc, l->peer_inc);
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
	snprintf(reason, sizeof(reason), "hello agreed with %s%s", s->peer_id,
		 restore ? " (twin restarted)" : "");
	session_set_state(s, MSYNC_ST_RESYNC, reason);
	send_roles(s, 0, false);
	msync_sync_start(s, restore);
}

/* Goes up on the connection that agreed, once no other connection is
 * still due a Hello: a collision is then resolved before anything is
 * sent, so neither twin goes up twice. */
static void session_try_up(struct msync_session *s)
{
	struct msync_link *cand = NULL;
	size_t i;

	if (s->active || s->closing || (s->state != MSYNC_ST_CONNECT && s->state != MSYNC_ST_HELLO))
		return;
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *l = s->links[i];

		if (!l || l->dead)
			continue;
		if (l->connected && !l->hello_rx)
			return;
		if (l->hello_rx)
			cand = l;
	}
	if (cand)
		session_up(cand);
}

static void rx_hello(struct msync_link *l, const Msync__Hello *h)
{
	struct msync_session *s = l->s;
	struct msync_offer *po;
	size_t npo = h->n_offers, i;
	char why[192];
	enum msync_err err;

	if (l->hello_rx && h->incarnation != l->peer_inc) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "incarnation changed on a live connection");
		return;
	}
	po = hello_offers(h);
	if (hello_agree(s, h, po, npo, &err, why, sizeof(why)) < 0) {
		XFREE(MTYPE_MSYNC_BIDS, po);
		session_refuse(s, err, why);
		return;
	}
	if (h->has_hold_ms && h->hold_ms >= MSYNC_HOLD_MIN)
		l->hold_ms = MIN(cfg_hold(s), h->hold_ms);
	l->peer_hold_ms = h->has_hold_ms ? h->hold_ms : 0;
	l->peer_keepalive_ms = h->has_keepalive_ms ? h->keepalive_ms : 0;
	msync_timer_set(s->io, &l->t_hold, l->hold_ms, link_hold_cb, l);

	if (l->hello_rx) {
		/* offers changed on a running session */
		if (l == s->active && !offers_equal(po, npo, s->peer_offers, s->npeer_offers)) {
			XFREE(MTYPE_MSYNC_BIDS, s->peer_offers);
			s->peer_offers = po;
			s->npeer_offers = npo;
			zlog_info("rbs %s: twin changed its profiles, resync", s->cfg.name);
			msync_sync_start(s, false);
			return;
		}
		XFREE(MTYPE_MSYNC_BIDS, po);
		return;
	}

	l->hello_rx = true;
	l->peer_inc = h->incarnation;
	l->peer_offers = po;
	l->npeer_offers = npo;
	if (h->has_router_id && h->router_id.len == 4)
		inet_ntop(AF_INET, h->router_id.data, s->peer_id, sizeof(s->peer_id));
	else if (h->has_router_id && h->router_id.len == 16)
		inet_ntop(AF_INET6, h->router_id.data, s->peer_id, sizeof(s->peer_id));
	else
		sockunion2str(&l->remote, s->peer_id, sizeof(s->peer_id));

	/* Resolve against the other connections that finished Hello too.
	 * Links without a Hello never close others: the twin may not have
	 * seen them, and both ends must make the same choice. */
	s->closing = true; /* no session up half way through */
	for (i = 0; i < MSYNC_LINKS_MAX; i++) {
		struct msync_link *o = s->links[i];

		if (!o || o == l || !o->hello_rx)
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
	session_try_up(s);
}

static void rx_role(struct msync_link *l, const Msync__RoleReport *r)
{
	struct msync_session *s = l->s;
	size_t i;

	for (i = 0; i < r->n_items; i++) {
		struct msync_bid *b = msync_bid_find(s, r->items[i]->backup_id);
		enum msync_role role = (enum msync_role)r->items[i]->role;

		if (!b || b->svc == MSYNC_SVC_NONE) {
			msync_session_error(s, MSYNC_ERR_UNKNOWN_BACKUP_ID,
					    "role for backup-id %u ignored", r->items[i]->backup_id);
			continue;
		}
		if (b->peer_role == role)
			continue;
		b->peer_role = role;
		if (s->cb.peer_role)
			s->cb.peer_role(s, b->backup_id, role, s->cb.arg);
	}
}

/* ------------------------------------------------------------------ */
/* receive path */

static void link_handle_frame(struct msync_link *l, const struct msync_frame *f)
{
	struct msync_session *s = l->s;
	struct msync_msg m;
	char why[192];
	enum msync_err err;

	s->ctr.rx_msgs++;
	if (msync_msg_decode(f, &m, &err, why, sizeof(why)) < 0) {
		if (err == MSYNC_ERR_UNKNOWN_TYPE)
			/* framing is intact: skipping it is safe, and lets a
			 * newer minor revision add messages */
			msync_session_error(s, err, "%s ignored", why);
		else
			msync_link_fail(l, err, "%s", why);
		return;
	}
	if (msync_debug & MSYNC_DEBUG_PACKET)
		zlog_debug("rbs %s: received %s (%zu bytes)", s->cfg.name, msync_msg_name(m.type),
			   f->len + MSYNC_FRAME_HDR);

	/* the twin went up on this connection before we knew of no other
	 * (it had not seen ours yet): follow it */
	if (m.type != MSYNC_MSG_HELLO && m.type != MSYNC_MSG_KEEPALIVE && l->hello_rx && !s->active)
		session_up(l);
	if (m.type != MSYNC_MSG_HELLO && m.type != MSYNC_MSG_KEEPALIVE &&
	    (!l->hello_rx || l != s->active)) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "%s before hello", msync_msg_name(m.type));
		goto out;
	}
	if (msync_msg_is_data(m.type)) {
		/* every data message starts with its seq (field 1) */
		uint64_t seq = 0;

		switch (m.type) {
		case MSYNC_MSG_RESYNC_BEGIN:
			seq = ((Msync__ResyncBegin *)m.pb)->seq;
			break;
		case MSYNC_MSG_RESYNC_END:
			seq = ((Msync__ResyncEnd *)m.pb)->seq;
			break;
		case MSYNC_MSG_UPDATE:
			seq = ((Msync__Update *)m.pb)->seq;
			break;
		case MSYNC_MSG_DELETE:
			seq = ((Msync__Delete *)m.pb)->seq;
			break;
		}
		if (seq != l->rx_seq + 1) {
			msync_link_fail(l, MSYNC_ERR_SEQUENCE,
					"%s seq %" PRIu64 ", expected %" PRIu64,
					msync_msg_name(m.type), seq, l->rx_seq + 1);
			goto out;
		}
		l->rx_seq = seq;
	}

	switch (m.type) {
	case MSYNC_MSG_HELLO:
		rx_hello(l, (Msync__Hello *)m.pb);
		break;
	case MSYNC_MSG_KEEPALIVE:
		break;
	case MSYNC_MSG_RESYNC_BEGIN:
		msync_rx_begin(l, m.pb);
		break;
	case MSYNC_MSG_RESYNC_END:
		msync_rx_end(l, m.pb);
		break;
	case MSYNC_MSG_UPDATE:
		msync_rx_update(l, m.pb);
		break;
	case MSYNC_MSG_DELETE:
		msync_rx_delete(l, m.pb);
		break;
	case MSYNC_MSG_ACK:
		msync_rx_ack(l, m.pb);
		break;
	case MSYNC_MSG_DIGEST:
		msync_rx_digest(l, m.pb);
		break;
	case MSYNC_MSG_RESYNC_REQUEST:
		msync_rx_resync_request(l, m.pb);
		break;
	case MSYNC_MSG_ROLE:
		rx_role(l, (Msync__RoleReport *)m.pb);
		break;
	}
out:
	msync_msg_free(&m);
}

static void link_readable(void *arg)
{
	struct msync_link *l = arg;
	struct msync_session *s = l->s;
	size_t budget = MSYNC_READ_BUDGET;
	bool got = false;

	l->in_cb++;
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
			msync_link_fail(l, MSYNC_ERR_SOCKET, "read: %s", safe_strerror(errno));
			break;
		}
		if (n == 0) {
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
		got = true;
		while (!l->dead && (r = msync_rbuf_next(&l->rb, &f, &err)) == 1)
			link_handle_frame(l, &f);
		if (!l->dead && r < 0) {
			msync_link_fail(l, err, "bad frame length (%s)", msync_err_name(err));
			break;
		}
	}
	if (!l->dead) {
		if (got)
			l->last_rx_ms = msync_now(s->io);
		/* one cumulative Ack per read burst */
		if (l == s->active && l->rx_seq > l->rx_acked) {
			Msync__Ack a = MSYNC__ACK__INIT;

			a.has_seq = true;
			a.seq = l->rx_seq;
			l->rx_acked = l->rx_seq;
			msync_link_send(l, MSYNC_MSG_ACK, &a);
		}
		s->io->ops->want_read(l->conn);
	}
	if (--l->in_cb == 0 && l->dead)
		link_free(l);
}

static void link_writable(void *arg)
{
	struct msync_link *l = arg;
	struct msync_session *s = l->s;

	l->write_armed = false;
	l->in_cb++;
	if (msync_wq_flush(&l->wq, link_write_fn, l) < 0)
		msync_link_fail(l, MSYNC_ERR_SOCKET, "write: %s", safe_strerror(errno));
	else if (l->wq.bytes)
		link_arm_write(l);
	if (!l->dead && l == s->active && l->wq.bytes <= s->wq_low)
		msync_sync_pump(s);
	if (--l->in_cb == 0 && l->dead)
		link_free(l);
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
	links_close_all(s, reason, false);
	if (s->active)
		session_down(s, reason);
	msync_lreg_leave(s);
	msync_timer_off(s->io, &s->t_connect);
	msync_timer_off(s->io, &s->t_keepalive);
}

struct msync_session *msync_session_new(struct msync_io *io, const struct msync_session_config *cfg,
					const struct msync_callbacks *cb)
{
	struct msync_session *s = XCALLOC(MTYPE_MSYNC_SESSION, sizeof(*s));

	s->io = io;
	s->cfg = *cfg;
	s->cfg.name[MSYNC_NAME_MAX - 1] = '\0';
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
	/* no upcalls from here on: the owner is tearing down */
	memset(&s->cb, 0, sizeof(s->cb));
	session_stop(s, "session deleted");
	msync_timer_off(s->io, &s->t_expire);
	msync_timer_off(s->io, &s->t_pump);
	msync_timer_off(s->io, &s->t_digest);
	msync_sync_fini(s);
	XFREE(MTYPE_MSYNC_BIDS, s->bids);
	XFREE(MTYPE_MSYNC_BIDS, s->peer_offers);
	XFREE(MTYPE_MSYNC_SESSION, s);
	*sp = NULL;
}

void msync_session_reconfigure(struct msync_session *s, const struct msync_session_config *cfg)
{
	bool reset = strncmp(s->cfg.name, cfg->name, MSYNC_NAME_MAX) ||
		     !sockunion_same(&s->cfg.peer, &cfg->peer) ||
		     !sockunion_same(&s->cfg.source, &cfg->source) || s->cfg.port != cfg->port;

	if (!reset) {
		/* timers apply from their next run */
		s->cfg.keepalive_ms = cfg->keepalive_ms;
		s->cfg.hold_ms = cfg->hold_ms;
		s->cfg.digest_ms = cfg->digest_ms;
		return;
	}
	session_stop(s, "configuration changed");
	s->cfg = *cfg;
	s->cfg.name[MSYNC_NAME_MAX - 1] = '\0';
	session_start(s);
}

void msync_session_set_offers(struct msync_session *s, const struct msync_offer *offers, size_t n)
{
	struct msync_offer *before = NULL;
	size_t i, nbefore = 0, w;
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
		if (offers[i].svc != MSYNC_SVC_IGMP && offers[i].svc != MSYNC_SVC_MLD) {
			zlog_warn("rbs %s: backup-id %u: no service-type, not offered", s->cfg.name,
				  offers[i].backup_id);
			continue;
		}
		bid_get(s, offers[i].backup_id)->svc = offers[i].svc;
	}
	/* forget backup-ids that carry nothing any more */
	for (i = 0, w = 0; i < s->nbids; i++) {
		if (s->bids[i].svc == MSYNC_SVC_NONE && s->bids[i].role == MSYNC_ROLE_UNKNOWN &&
		    s->bids[i].peer_role == MSYNC_ROLE_UNKNOWN)
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
	if (!changed)
		return;

	for (i = 0; i < MSYNC_LINKS_MAX; i++)
		if (s->links[i] && s->links[i]->connected)
			link_send_hello(s->links[i]);
	if (s->active) {
		Msync__Hello h = MSYNC__HELLO__INIT;
		char why[192];
		enum msync_err err;

		/* recheck with what the twin offered last */
		h.version = MSYNC_PROTOCOL_VERSION;
		h.service = s->cfg.name;
		h.incarnation = s->active->peer_inc;
		if (hello_agree(s, &h, s->peer_offers, s->npeer_offers, &err, why, sizeof(why)) < 0) {
			session_refuse(s, err, why);
			return;
		}
		msync_sync_start(s, false);
		send_roles(s, 0, false);
	}
}

void msync_session_set_role(struct msync_session *s, uint32_t backup_id, enum msync_role role)
{
	struct msync_bid *b = bid_get(s, backup_id);

	if (b->role == role)
		return;
	b->role = role;
	if (b->svc != MSYNC_SVC_NONE)
		send_roles(s, backup_id, true);
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

enum msync_role msync_session_peer_role(const struct msync_session *s, uint32_t backup_id)
{
	struct msync_bid *b = msync_bid_find((struct msync_session *)s, backup_id);

	return b ? b->peer_role : MSYNC_ROLE_UNKNOWN;
}

bool msync_session_resync_pending(const struct msync_session *s)
{
	if (!msync_session_up(s))
		return false;
	return s->rx.active || !s->rx.done || !s->tx.done;
}
