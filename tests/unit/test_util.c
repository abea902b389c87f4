// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the mldsync unit tests.
 */
#include <zebra.h>

#include "memory.h"
#include "zlog.h"
#include "sockunion.h"
#include "monotime.h"

#include <check.h>

#include "mldsync/msync_codec.h"
#include "tests/unit/test_util.h"

DEFINE_MGROUP(TEST, "mldsync tests");
DEFINE_MTYPE_STATIC(TEST, TEST_LOG, "test log target");

#define LOG_LINES 256

static char log_ring[LOG_LINES][256];
static unsigned int log_next;

static void capture(struct zlog_target *zt, struct zlog_msg *msgs[], size_t nmsgs)
{
	size_t i, len;
	const char *text;

	for (i = 0; i < nmsgs; i++) {
		text = zlog_msg_text(msgs[i], &len);
		snprintf(log_ring[log_next % LOG_LINES], sizeof(log_ring[0]), "%.*s", (int)len,
			 text);
		log_next++;
		if (getenv("MSYNC_TEST_VERBOSE"))
			fprintf(stderr, "log: %.*s\n", (int)len, text);
	}
}

void tu_init(void)
{
	static bool done;
	struct zlog_target *zt;

	if (done)
		return;
	done = true;
	/* the default startup target prints warnings to stderr: replace it
	 * with the capture (MSYNC_TEST_VERBOSE=1 prints everything) */
	zlog_startup_end();
	zt = zlog_target_clone(MTYPE_TEST_LOG, NULL, sizeof(*zt));
	zt->prio_min = LOG_DEBUG;
	zt->logfn = capture;
	zlog_target_replace(NULL, zt);
	if (getenv("MSYNC_TEST_DEBUG"))
		msync_debug = MSYNC_DEBUG_SESSION | MSYNC_DEBUG_PACKET | MSYNC_DEBUG_ENTRY;
}

void tu_log_clear(void)
{
	memset(log_ring, 0, sizeof(log_ring));
	log_next = 0;
}

unsigned int tu_log_count(const char *needle)
{
	unsigned int i, n = 0;

	for (i = 0; i < LOG_LINES && i < log_next; i++)
		if (strstr(log_ring[i], needle))
			n++;
	return n;
}

unsigned int tu_log_lines(void)
{
	return log_next;
}

bool tu_log_has(const char *needle)
{
	unsigned int i;

	for (i = 0; i < LOG_LINES; i++)
		if (strstr(log_ring[i], needle))
			return true;
	return false;
}

static void rec_state(struct msync_session *s, enum msync_state old, enum msync_state new,
		      const char *reason, void *arg)
{
	struct tu_rec *r = arg;

	r->state_changes++;
	r->last_old = old;
	r->last_new = new;
	r->entered[new]++;
	snprintf(r->last_reason, sizeof(r->last_reason), "%s", reason ? reason : "");
	/* what an owner reads when the session goes down */
	if ((old == MSYNC_ST_RESYNC || old == MSYNC_ST_ESTABLISHED) &&
	    new != MSYNC_ST_RESYNC &&new != MSYNC_ST_ESTABLISHED) {
		r->last_gone = msync_session_peer_gone(s);
		snprintf(r->down_reason, sizeof(r->down_reason), "%s", reason ? reason : "");
	}
}

static void rec_update(struct msync_session *s, const struct msync_entry *e, void *arg)
{
	struct tu_rec *r = arg;

	r->updates++;
	r->last_update = *e;
}

static void rec_delete(struct msync_session *s, const struct msync_entry *e,
		       enum msync_del_reason why, void *arg)
{
	struct tu_rec *r = arg;

	r->deletes++;
	r->del_by[why]++;
	r->last_delete = *e;
}

static void rec_role(struct msync_session *s, uint32_t bid, enum msync_role role, void *arg)
{
	struct tu_rec *r = arg;

	r->roles++;
	r->last_role_bid = bid;
	r->last_role = role;
}

static void rec_resync(struct msync_session *s, void *arg)
{
	struct tu_rec *r = arg;

	r->resync_done++;
}

/* ---- key chains ---- */

void tu_keyring_init(struct tu_keyring *kr, struct fake_net *net)
{
	memset(kr, 0, sizeof(*kr));
	kr->net = net;
}

struct tu_key *tu_keyring_add(struct tu_keyring *kr, uint32_t id, const char *secret)
{
	struct tu_key *k;

	assert(kr->n < array_size(kr->keys));
	k = &kr->keys[kr->n++];
	memset(k, 0, sizeof(*k));
	k->id = id;
	snprintf(k->secret, sizeof(k->secret), "%s", secret);
	return k;
}

void tu_keyring_del(struct tu_keyring *kr, uint32_t id)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (kr->keys[i].id == id) {
			kr->keys[i] = kr->keys[--kr->n];
			return;
		}
}

/* the fake clock, or the real one for sessions on FRR's loop */
static int64_t keyring_now(const struct tu_keyring *kr)
{
	struct timeval tv;

	if (kr->net)
		return fake_net_now(kr->net);
	monotime(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static bool in_window(int64_t now, int64_t from, int64_t to)
{
	return now >= from && (!to || now < to);
}

/* like key_lookup_for_send: the first valid key, in id order */
static int rec_send_key(struct msync_session *s, struct msync_authkey *k, void *arg)
{
	struct tu_rec *r = arg;
	struct tu_keyring *kr = r->keys;
	const struct tu_key *best = NULL;
	int64_t now;
	size_t i;

	if (!kr)
		return -1;
	kr->send_calls++;
	now = keyring_now(kr);
	for (i = 0; i < kr->n; i++)
		if (in_window(now, kr->keys[i].send_from, kr->keys[i].send_to) &&
		    (!best || kr->keys[i].id < best->id))
			best = &kr->keys[i];
	if (!best)
		return -1;
	k->id = best->id;
	k->secret = (const uint8_t *)best->secret;
	k->len = strlen(best->secret);
	return 0;
}

static int rec_accept_key(struct msync_session *s, uint32_t id, struct msync_authkey *k, void *arg)
{
	struct tu_rec *r = arg;
	struct tu_keyring *kr = r->keys;
	int64_t now;
	size_t i;

	if (!kr)
		return -1;
	kr->accept_calls++;
	now = keyring_now(kr);
	for (i = 0; i < kr->n; i++)
		if (kr->keys[i].id == id &&
		    in_window(now, kr->keys[i].accept_from, kr->keys[i].accept_to)) {
			k->id = id;
			k->secret = (const uint8_t *)kr->keys[i].secret;
			k->len = strlen(kr->keys[i].secret);
			return 0;
		}
	return -1;
}

void tu_callbacks(struct tu_rec *r, struct msync_callbacks *cb)
{
	memset(r, 0, sizeof(*r));
	memset(cb, 0, sizeof(*cb));
	cb->state_change = rec_state;
	cb->peer_update = rec_update;
	cb->peer_delete = rec_delete;
	cb->peer_role = rec_role;
	cb->resync_done = rec_resync;
	cb->send_key = rec_send_key;
	cb->accept_key = rec_accept_key;
	cb->arg = r;
}

void tu_cfg(struct msync_session_config *c, const char *name, const char *peer, const char *src,
	    uint16_t port)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (peer)
		str2sockunion(peer, &c->peer);
	if (src)
		str2sockunion(src, &c->source);
	c->port = port;
}

void tu_key(struct msync_key *k, uint32_t bid, const char *ifname, const char *group,
	    const char *source)
{
	memset(k, 0, sizeof(*k));
	k->backup_id = bid;
	snprintf(k->ifname, sizeof(k->ifname), "%s", ifname);
	k->family = strchr(group, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(k->family, group, &k->group) != 1)
		abort();
	if (source && inet_pton(k->family, source, &k->source) != 1)
		abort();
}

void tu_entry(struct msync_entry *e, uint32_t bid, const char *ifname, const char *group,
	      const char *source, enum msync_filter f, uint8_t version, uint32_t timer_ms)
{
	memset(e, 0, sizeof(*e));
	tu_key(&e->key, bid, ifname, group, source);
	e->filter = f;
	e->version = version;
	e->timer_ms = timer_ms;
	e->origin_role = MSYNC_ROLE_MASTER;
}

const struct msync_offer tu_offers[2] = {
	{ .backup_id = 10, .svc = MSYNC_SVC_IGMP },
	{ .backup_id = 11, .svc = MSYNC_SVC_MLD },
};

static struct msync_session *twin_new(struct tu_twins *t, bool a)
{
	struct msync_callbacks cb;
	struct msync_session *s;

	tu_callbacks(a ? &t->ra : &t->rb, &cb);
	(a ? &t->ra : &t->rb)->keys = a ? &t->ka : &t->kb;
	s = msync_session_new(a ? t->ioa : t->iob, a ? &t->ca : &t->cb, &cb);
	msync_session_set_offers(s, tu_offers, 2);
	return s;
}

void tu_twins_new(struct tu_twins *t, uint64_t seed)
{
	tu_init();
	tu_expiry_slack = 0;
	memset(t, 0, sizeof(*t));
	t->net = fake_net_new(seed);
	t->ioa = fake_io_new(t->net, "10.0.0.1");
	t->iob = fake_io_new(t->net, "10.0.0.2");
	tu_cfg(&t->ca, "rbs1", "10.0.0.2", "10.0.0.1", TU_PORT);
	tu_cfg(&t->cb, "rbs1", "10.0.0.1", "10.0.0.2", TU_PORT);
	tu_keyring_init(&t->ka, t->net);
	tu_keyring_init(&t->kb, t->net);
	t->a = twin_new(t, true);
	t->b = twin_new(t, false);
}

void tu_twins_new_auth(struct tu_twins *t, uint64_t seed)
{
	tu_init();
	tu_expiry_slack = 0;
	memset(t, 0, sizeof(*t));
	t->net = fake_net_new(seed);
	t->ioa = fake_io_new(t->net, "10.0.0.1");
	t->iob = fake_io_new(t->net, "10.0.0.2");
	tu_cfg(&t->ca, "rbs1", "10.0.0.2", "10.0.0.1", TU_PORT);
	tu_cfg(&t->cb, "rbs1", "10.0.0.1", "10.0.0.2", TU_PORT);
	t->ca.auth = t->cb.auth = MSYNC_AUTH_HMAC_SHA256;
	tu_keyring_init(&t->ka, t->net);
	tu_keyring_init(&t->kb, t->net);
	tu_keyring_add(&t->ka, 1, "key-one");
	tu_keyring_add(&t->kb, 1, "key-one");
	t->a = twin_new(t, true);
	t->b = twin_new(t, false);
}

void tu_twins_restart(struct tu_twins *t, bool a)
{
	if (a) {
		msync_session_free(&t->a);
		t->a = twin_new(t, true);
	} else {
		msync_session_free(&t->b);
		t->b = twin_new(t, false);
	}
}

void tu_twins_free(struct tu_twins *t)
{
	msync_session_free(&t->a);
	msync_session_free(&t->b);
	fake_io_free(&t->ioa);
	fake_io_free(&t->iob);
	fake_net_free(&t->net);
}

bool tu_both_established(void *arg)
{
	struct tu_twins *t = arg;

	return msync_session_state(t->a) == MSYNC_ST_ESTABLISHED &&
	       msync_session_state(t->b) == MSYNC_ST_ESTABLISHED;
}

static bool settled(struct msync_session *s)
{
	return msync_session_state(s) == MSYNC_ST_ESTABLISHED && !msync_session_resync_pending(s) &&
	       s->active && !s->active->wq.bytes && !msync_sync_dirty_count(s) &&
	       !msync_timer_on(s->io, &s->t_pump);
}

bool tu_both_settled(void *arg)
{
	struct tu_twins *t = arg;

	return settled(t->a) && settled(t->b) && t->a->active->rx_seq == t->b->active->tx_seq &&
	       t->b->active->rx_seq == t->a->active->tx_seq;
}

int64_t tu_expiry_slack;

struct cmp_ctx {
	struct msync_session *src, *dst;
	size_t n;
	char *why;
	size_t whylen;
};

static int cmp_one(const struct msync_entry *e, void *arg)
{
	struct cmp_ctx *c = arg;
	const struct msync_entry *p = msync_peer_find(c->dst, &e->key);
	const struct msync_tentry *te = (const struct msync_tentry *)e;
	char k[128];
	int64_t exp = e->timer_ms ? te->stamp_ms + e->timer_ms : MSYNC_NEVER;

	msync_key_str(&e->key, k, sizeof(k));
	if (!p) {
		snprintf(c->why, c->whylen, "%s missing in replica", k);
		return 1;
	}
	if (p->filter != e->filter || p->version != e->version ||
	    p->origin_role != e->origin_role || p->restored) {
		snprintf(c->why, c->whylen, "%s differs in replica", k);
		return 1;
	}
	if (p->expires_ms < exp || (exp != MSYNC_NEVER && p->expires_ms > exp + tu_expiry_slack)) {
		snprintf(c->why, c->whylen,
			 "%s expires at %" PRId64 " in replica, %" PRId64 " at source", k,
			 p->expires_ms, exp);
		return 1;
	}
	c->n++;
	return 0;
}

static int count_current(const struct msync_entry *e, void *arg)
{
	struct cmp_ctx *c = arg;
	const struct msync_tentry *te = (const struct msync_tentry *)e;
	char k[128];

	if (e->restored || te->inc != c->dst->peer_inc)
		return 0;
	if (!msync_local_find(c->src, &e->key)) {
		snprintf(c->why, c->whylen, "%s in replica, not at source",
			 msync_key_str(&e->key, k, sizeof(k)));
		return 1;
	}
	return 0;
}

bool tu_replica_equal(struct msync_session *src, struct msync_session *dst, char *why, size_t whylen)
{
	struct cmp_ctx c = { .src = src, .dst = dst, .why = why, .whylen = whylen };

	why[0] = '\0';
	if (dst->peer_inc != src->incarnation) {
		snprintf(why, whylen, "replica has not seen this incarnation");
		return false;
	}
	if (msync_local_walk(src, cmp_one, &c))
		return false;
	if (msync_peer_walk(dst, count_current, &c))
		return false;
	return true;
}

/* ---- a raw twin ---- */

void tu_raw_connect(struct tu_raw *r, struct fake_net *net, struct msync_io *io, const char *addr)
{
	memset(r, 0, sizeof(*r));
	r->net = net;
	r->outbound = true;
	msync_rbuf_init(&r->rb);
	r->c = fake_raw_connect(io, addr, TU_PORT);
	fake_net_run(net, 1);
}

void tu_raw_close(struct tu_raw *r)
{
	if (r->c)
		fake_raw_close(r->c);
	r->c = NULL;
	msync_rbuf_fini(&r->rb);
}

void tu_raw_key(struct tu_raw *r, uint32_t id, const char *key)
{
	r->auth = MSYNC_AUTH_HMAC_SHA256;
	r->key_id = id;
	snprintf(r->key, sizeof(r->key), "%s", key);
}

static void raw_transcript(struct tu_raw *r)
{
	if (!r->hello_len || !r->peer_hello_len)
		return;
	if (r->outbound)
		msync_transcript(r->transcript, r->hello, r->hello_len, r->peer_hello,
				 r->peer_hello_len);
	else
		msync_transcript(r->transcript, r->peer_hello, r->peer_hello_len, r->hello,
				 r->hello_len);
}

void tu_raw_bytes(struct tu_raw *r, const void *p, size_t len)
{
	if (r->c)
		fake_raw_send(r->c, p, len);
	fake_net_run(r->net, 1);
}

void tu_raw_hello(struct tu_raw *r, uint32_t version, const char *service, uint64_t incarnation)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	uint8_t buf[600];
	size_t n, i;

	for (i = 0; i < sizeof(r->nonce); i++)
		r->nonce[i] = (uint8_t)(incarnation * 31 + i * 7 + 1);
	h.has_version = true;
	h.version = version;
	h.service = (char *)service;
	h.has_incarnation = true;
	h.incarnation = incarnation;
	h.has_hold_ms = h.has_keepalive_ms = true;
	h.hold_ms = 3000;
	h.keepalive_ms = 1000;
	h.has_nonce = true;
	h.nonce.len = sizeof(r->nonce);
	h.nonce.data = r->nonce;
	if (r->auth != MSYNC_AUTH_NONE) {
		h.has_auth = true;
		h.auth = (Msync__AuthType)r->auth;
	}
	n = msync_hello_pack(buf, sizeof(buf), &h);
	ck_assert_uint_gt(n, 0);
	r->hello_len = n - MSYNC_FRAME_HDR;
	memcpy(r->hello, buf + MSYNC_FRAME_HDR, r->hello_len);
	raw_transcript(r);
	tu_raw_bytes(r, buf, n);
}

size_t tu_raw_pack(struct tu_raw *r, uint8_t *buf, size_t len, uint8_t type, const void *pb,
		   uint64_t seq)
{
	struct msync_seal seal = {
		.key_id = r->key_id,
		.key = (const uint8_t *)r->key,
		.keylen = strlen(r->key),
		.dir = r->outbound ? 'I' : 'R',
		.transcript = r->transcript,
	};
	size_t n = msync_env_pack(buf, len, type, seq, pb,
				  r->auth != MSYNC_AUTH_NONE ? &seal : NULL);

	ck_assert_uint_gt(n, 0);
	return n;
}

void tu_raw_send_seq(struct tu_raw *r, uint8_t type, const void *pb, uint64_t seq)
{
	static uint8_t buf[MSYNC_FRAME_MAX + 8];

	tu_raw_bytes(r, buf, tu_raw_pack(r, buf, sizeof(buf), type, pb, seq));
}

void tu_raw_send(struct tu_raw *r, uint8_t type, const void *pb)
{
	tu_raw_send_seq(r, type, pb, ++r->tx_seq);
}

void tu_raw_offers(struct tu_raw *r, const struct msync_offer *o, size_t n)
{
	Msync__Offers m = MSYNC__OFFERS__INIT;
	Msync__Offer of[8], *op[8];
	size_t i;

	assert(n <= 8);
	for (i = 0; i < n; i++) {
		msync__offer__init(&of[i]);
		of[i].has_backup_id = of[i].has_svc = true;
		of[i].backup_id = o[i].backup_id;
		of[i].svc = (Msync__SvcType)o[i].svc;
		op[i] = &of[i];
	}
	m.n_offers = n;
	m.offers = op;
	tu_raw_send(r, MSYNC_MSG_OFFERS, &m);
}

void tu_raw_drain(struct tu_raw *r)
{
	struct msync_frame f;
	struct msync_msg m;
	size_t avail, n;
	uint8_t *p;
	int rr, e;
	enum msync_err class;
	char why[160];

	if (!r->c)
		return;
	for (;;) {
		p = msync_rbuf_space(&r->rb, &avail);
		n = fake_raw_recv(r->c, p, avail);
		if (!n)
			break;
		msync_rbuf_added(&r->rb, n);
		while ((rr = msync_rbuf_next(&r->rb, &f, &e)) == 1) {
			size_t elen = f.len;

			r->frames++;
			if (f.type == MSYNC_FRAME_HELLO) {
				ck_assert_int_eq(msync_hello_decode(f.payload, f.len, &m, &class,
								    why, sizeof(why)),
						 0);
				r->hello_rx = true;
				r->peer_version = ((Msync__Hello *)m.pb)->version;
				msync_msg_free(&m);
				r->peer_hello_len = MIN(f.len, sizeof(r->peer_hello));
				memcpy(r->peer_hello, f.payload, r->peer_hello_len);
				raw_transcript(r);
				continue;
			}
			ck_assert_int_eq(f.type, MSYNC_FRAME_ENVELOPE);
			if (r->auth != MSYNC_AUTH_NONE) {
				uint8_t mac[MSYNC_MAC_LEN];
				const uint8_t *t;

				ck_assert_uint_ge(f.len, MSYNC_TRAILER_LEN);
				elen = f.len - MSYNC_TRAILER_LEN;
				t = f.payload + elen;
				r->rx_key_id = ((uint32_t)t[0] << 24) | (t[1] << 16) | (t[2] << 8) |
					       t[3];
				msync_frame_mac(mac, (const uint8_t *)r->key, strlen(r->key),
						r->outbound ? 'R' : 'I', r->transcript,
						r->rx_key_id, f.payload, elen);
				if (!msync_mac_equal(mac, t + 4, MSYNC_MAC_LEN)) {
					r->bad = true;
					continue;
				}
			}
			ck_assert_int_eq(msync_env_decode(f.payload, elen, &m, &class, why,
							  sizeof(why)),
					 0);
			if (m.seq != r->rx_seq + 1)
				r->bad = true;
			r->rx_seq = m.seq;
			switch (m.type) {
			case MSYNC_MSG_AUTH:
				r->auth_rx = true;
				break;
			case MSYNC_MSG_OFFERS:
				r->offers_rx = true;
				break;
			case MSYNC_MSG_KEEPALIVE:
				r->keepalives++;
				break;
			case MSYNC_MSG_ACK:
				r->acks++;
				break;
			case MSYNC_MSG_PROBE:
				r->probes++;
				r->last_probe_id = ((Msync__Probe *)m.pb)->id;
				break;
			case MSYNC_MSG_RESYNC_REQUEST:
				r->resync_requests++;
				break;
			case MSYNC_MSG_RESYNC_END:
				r->end_rx = true;
				r->end_seq = m.seq;
				break;
			}
			if (msync_msg_is_data(m.type))
				r->data_seq = m.seq;
			msync_msg_free(&m);
		}
		ck_assert_int_ge(rr, 0);
	}
	r->eof = fake_raw_eof(r->c);
}

void tu_raw_handshake(struct tu_raw *r, uint64_t incarnation)
{
	Msync__Auth a = MSYNC__AUTH__INIT;

	tu_raw_drain(r);
	tu_raw_hello(r, MSYNC_PROTOCOL_VERSION, "rbs1", incarnation);
	tu_raw_drain(r);
	tu_raw_send(r, MSYNC_MSG_AUTH, &a);
	tu_raw_drain(r);
	tu_raw_offers(r, tu_offers, 2);
	/* past the collision wait, for a connection of the session's own */
	fake_net_run(r->net, MSYNC_COLLIDE_WAIT_MS);
	tu_raw_drain(r);
}

void tu_raw_begin_end(struct tu_raw *r)
{
	Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT;
	Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

	b.has_generation = true;
	b.generation = 1;
	tu_raw_send(r, MSYNC_MSG_RESYNC_BEGIN, &b);
	e.has_generation = true;
	e.generation = 1;
	tu_raw_send(r, MSYNC_MSG_RESYNC_END, &e);
}

void tu_raw_ack(struct tu_raw *r, uint64_t seq)
{
	Msync__Ack a = MSYNC__ACK__INIT;

	a.has_seq = true;
	a.seq = seq;
	tu_raw_send(r, MSYNC_MSG_ACK, &a);
}
