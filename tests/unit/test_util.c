// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the mldsync unit tests.
 */
#include <zebra.h>

#include "memory.h"
#include "zlog.h"
#include "sockunion.h"

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

void tu_callbacks(struct tu_rec *r, struct msync_callbacks *cb)
{
	memset(r, 0, sizeof(*r));
	memset(cb, 0, sizeof(*cb));
	cb->state_change = rec_state;
	cb->peer_update = rec_update;
	cb->peer_delete = rec_delete;
	cb->peer_role = rec_role;
	cb->resync_done = rec_resync;
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
