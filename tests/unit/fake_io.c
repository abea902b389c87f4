// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fake msync_io: in-memory connections and a virtual clock.
 */
#include <zebra.h>

#include "sockunion.h"

#include "tests/unit/fake_io.h"

#define FAKE_MAX_HOSTS 16
#define FAKE_MAX_CUTS  16
#define FAKE_SPIN_MAX  2000000 /* events at one instant before we call it a livelock */

struct fake_tmr {
	struct fake_tmr *next;
	int64_t when;
	uint64_t seq;
	struct msync_timer *t;
};

struct fake_io;

#define FAKE_LSN_PEERS 8

struct msync_lsn {
	struct fake_io *fio;
	union sockunion addr;
	uint16_t port;
	msync_accept_fn fn;
	void *arg;
	struct msync_lsn *next;
	/* TCP-MD5 passwords by peer, as the kernel keeps them */
	struct {
		union sockunion peer;
		char password[MSYNC_TCP_KEY_MAX + 1];
	} md5[FAKE_LSN_PEERS];
};

struct msync_conn {
	struct fake_io *fio;  /* our host */
	struct fake_io *rfio; /* the remote host */
	struct msync_conn *peer;
	union sockunion local, remote;
	uint8_t *in;
	size_t in_len, in_alloc;
	bool in_eof;
	bool want_r, want_w;
	bool raw;
	bool accept_pending;
	int64_t accept_at;
	struct msync_lsn *lsn;
	bool connect_pending;
	bool connect_known;
	int connect_err;
	bool silent; /* our host is down: no events, writes vanish */
	bool zombie; /* the other end vanished silently */
	size_t zombie_bytes;
	size_t tokens; /* read budget when the net has a rate */
	int64_t tok_time;
	const struct msync_conn_cbs *cbs;
	void *arg;
};

struct fake_io {
	struct msync_io io;
	struct fake_net *net;
	union sockunion addr;
	bool down;
	bool reads_late; /* a busy event loop: timers run, reads wait */
	uint16_t next_port;
	struct msync_lsn *lsns;
	/* the TCP options last given, per operation */
	struct msync_transport tp[FAKE_TP_MAX];
	unsigned int tp_calls[FAKE_TP_MAX];
};

struct fake_net {
	int64_t now;
	uint64_t seq;
	uint64_t rng;
	size_t cap;
	size_t max_read;
	size_t rate;
	uint32_t connect_delay;
	struct fake_tmr *timers;
	struct msync_conn **conns;
	size_t nconns, conns_alloc;
	struct fake_io *hosts[FAKE_MAX_HOSTS];
	struct {
		struct fake_io *a, *b;
	} cuts[FAKE_MAX_CUTS];
};

#define FIO(x) container_of(x, struct fake_io, io)

static uint64_t net_rand(struct fake_net *net)
{
	net->rng ^= net->rng >> 12;
	net->rng ^= net->rng << 25;
	net->rng ^= net->rng >> 27;
	return net->rng * 0x2545f4914f6cdd1dULL;
}

static bool is_cut(struct fake_net *net, struct fake_io *a, struct fake_io *b)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_CUTS; i++)
		if ((net->cuts[i].a == a && net->cuts[i].b == b) ||
		    (net->cuts[i].a == b && net->cuts[i].b == a))
			return true;
	return false;
}

/* ---- clock and timers ---- */

static int64_t f_now(struct msync_io *io)
{
	return FIO(io)->net->now;
}

static uint64_t f_random(struct msync_io *io)
{
	return net_rand(FIO(io)->net);
}

static void f_timer_disarm(struct msync_io *io, struct msync_timer *t)
{
	struct fake_net *net = FIO(io)->net;
	struct fake_tmr **pp, *n = t->priv;

	if (!n)
		return;
	for (pp = &net->timers; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	free(n);
	t->priv = NULL;
}

static void f_timer_arm(struct msync_io *io, struct msync_timer *t, uint32_t ms)
{
	struct fake_net *net = FIO(io)->net;
	struct fake_tmr **pp, *n;

	f_timer_disarm(io, t);
	n = calloc(1, sizeof(*n));
	n->when = net->now + ms;
	n->seq = ++net->seq;
	n->t = t;
	for (pp = &net->timers; *pp && (*pp)->when <= n->when; pp = &(*pp)->next)
		;
	n->next = *pp;
	*pp = n;
	t->priv = n;
}

static bool f_timer_armed(struct msync_io *io, const struct msync_timer *t)
{
	return t->priv != NULL;
}

/* ---- connections ---- */

static struct msync_conn *conn_new(struct fake_io *fio, struct fake_io *rfio)
{
	struct fake_net *net = fio->net;
	struct msync_conn *c = calloc(1, sizeof(*c));

	c->fio = fio;
	c->rfio = rfio;
	if (net->nconns == net->conns_alloc) {
		net->conns_alloc = net->conns_alloc ? net->conns_alloc * 2 : 16;
		net->conns = realloc(net->conns, net->conns_alloc * sizeof(*net->conns));
	}
	net->conns[net->nconns++] = c;
	return c;
}

static void conn_unlist(struct msync_conn *c)
{
	struct fake_net *net = c->fio->net;
	size_t i;

	for (i = 0; i < net->nconns; i++)
		if (net->conns[i] == c) {
			net->conns[i] = NULL;
			return;
		}
}

static void su_port(union sockunion *su, uint16_t port)
{
	if (su->sa.sa_family == AF_INET6)
		su->sin6.sin6_port = htons(port);
	else
		su->sin.sin_port = htons(port);
}

static struct msync_lsn *find_lsn(struct fake_io *h, const union sockunion *dst, uint16_t port)
{
	struct msync_lsn *l;
	union sockunion any;

	memset(&any, 0, sizeof(any));
	any.sa.sa_family = dst->sa.sa_family;
	for (l = h->lsns; l; l = l->next)
		if (l->port == port &&
		    (sockunion_same(&l->addr, dst) || sockunion_same(&l->addr, &any)))
			return l;
	return NULL;
}

static const char *lsn_md5(struct msync_lsn *l, const union sockunion *peer)
{
	size_t i;

	for (i = 0; i < FAKE_LSN_PEERS; i++)
		if (l->md5[i].password[0] && sockunion_same(&l->md5[i].peer, peer))
			return l->md5[i].password;
	return "";
}

static struct msync_conn *f_connect(struct msync_io *io, const union sockunion *src,
				    const union sockunion *dst, uint16_t port,
				    const struct msync_transport *tp)
{
	struct fake_io *fio = FIO(io);
	struct fake_net *net = fio->net;
	struct fake_io *h = NULL;
	struct msync_conn *c, *s;
	size_t i;

	if (tp) {
		fio->tp[FAKE_TP_CONNECT] = *tp;
		fio->tp_calls[FAKE_TP_CONNECT]++;
	}

	if (fio->down) {
		errno = ENETDOWN;
		return NULL;
	}
	for (i = 0; i < FAKE_MAX_HOSTS; i++)
		if (net->hosts[i] && sockunion_same(&net->hosts[i]->addr, dst))
			h = net->hosts[i];
	c = conn_new(fio, h);
	c->connect_pending = true;
	c->local = fio->addr;
	su_port(&c->local, fio->next_port++);
	c->remote = *dst;
	su_port(&c->remote, port);
	if (!h) {
		c->connect_known = true;
		c->connect_err = EHOSTUNREACH;
		return c;
	}
	if (h->down)
		return c; /* never completes */
	if (!find_lsn(h, dst, port)) {
		c->connect_known = true;
		c->connect_err = ECONNREFUSED;
		return c;
	}
	/* TCP-MD5: a SYN signed with another key, or with none where one is
	 * expected, is dropped: the connect never completes */
	if (strcmp(lsn_md5(find_lsn(h, dst, port), &fio->addr), tp ? tp->md5_password : ""))
		return c;
	/* the server side is made at once; the accept and the connect
	 * result are delivered by the loop (and held while cut) */
	s = conn_new(h, fio);
	s->local = c->remote;
	s->remote = c->local;
	s->peer = c;
	c->peer = s;
	s->accept_pending = true;
	s->accept_at = net->now + net->connect_delay;
	s->lsn = find_lsn(h, dst, port);
	c->connect_known = true;
	return c;
}

static int f_listen_peer(struct msync_io *io, struct msync_lsn *l, const union sockunion *peer,
			 const struct msync_transport *tp)
{
	struct fake_io *fio = FIO(io);
	size_t i, free_slot = FAKE_LSN_PEERS;

	if (tp) {
		fio->tp[FAKE_TP_LISTEN] = *tp;
		fio->tp_calls[FAKE_TP_LISTEN]++;
	}
	for (i = 0; i < FAKE_LSN_PEERS; i++) {
		if (l->md5[i].password[0] && sockunion_same(&l->md5[i].peer, peer))
			break;
		if (!l->md5[i].password[0] && free_slot == FAKE_LSN_PEERS)
			free_slot = i;
	}
	if (i == FAKE_LSN_PEERS)
		i = free_slot;
	if (i == FAKE_LSN_PEERS)
		return 0;
	l->md5[i].peer = *peer;
	snprintf(l->md5[i].password, sizeof(l->md5[i].password), "%s", tp ? tp->md5_password : "");
	return 0;
}

static int f_conn_transport(struct msync_conn *c, const struct msync_transport *tp)
{
	c->fio->tp[FAKE_TP_ACCEPT] = *tp;
	c->fio->tp_calls[FAKE_TP_ACCEPT]++;
	return 0;
}

static void f_set_cbs(struct msync_conn *c, const struct msync_conn_cbs *cbs, void *arg)
{
	c->cbs = cbs;
	c->arg = arg;
}

static bool conn_cut(struct msync_conn *c)
{
	return c->rfio && is_cut(c->fio->net, c->fio, c->rfio);
}

/* token bucket of a rate-limited net, refilled with virtual time */
static size_t conn_tokens(struct msync_conn *c)
{
	struct fake_net *net = c->fio->net;

	if (!net->rate)
		return SIZE_MAX;
	if (net->now > c->tok_time) {
		c->tokens = MIN(2 * net->rate,
				c->tokens + (size_t)(net->now - c->tok_time) * net->rate);
		c->tok_time = net->now;
	}
	return c->tokens;
}

static ssize_t f_read(struct msync_conn *c, void *buf, size_t len)
{
	struct fake_net *net = c->fio->net;
	size_t n;

	if (c->silent || conn_cut(c) || (!c->in_len && !c->in_eof) ||
	    (c->in_len && !conn_tokens(c))) {
		errno = EAGAIN;
		return -1;
	}
	if (!c->in_len)
		return 0;
	n = MIN(len, c->in_len);
	if (net->max_read) {
		/* MIN may be glibc's: no side effects inside */
		size_t r = 1 + net_rand(net) % net->max_read;

		n = MIN(n, r);
	}
	if (net->rate) {
		n = MIN(n, c->tokens);
		c->tokens -= n;
	}
	memcpy(buf, c->in, n);
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
	return n;
}

static void in_append(struct msync_conn *c, const void *buf, size_t len)
{
	if (!len)
		return;
	if (c->in_len + len > c->in_alloc) {
		c->in_alloc = MAX(c->in_alloc * 2, c->in_len + len);
		c->in = realloc(c->in, c->in_alloc);
	}
	memcpy(c->in + c->in_len, buf, len);
	c->in_len += len;
}

static ssize_t f_write(struct msync_conn *c, const void *buf, size_t len)
{
	struct fake_net *net = c->fio->net;
	size_t room;

	if (c->silent)
		return len;
	if (c->zombie) {
		/* like TCP retransmitting into the void: fills, then blocks */
		room = net->cap - MIN(net->cap, c->zombie_bytes);
		if (!room) {
			errno = EAGAIN;
			return -1;
		}
		c->zombie_bytes += MIN(room, len);
		return MIN(room, len);
	}
	if (!c->peer) {
		errno = EPIPE;
		return -1;
	}
	room = net->cap - MIN(net->cap, c->peer->in_len);
	if (!room) {
		errno = EAGAIN;
		return -1;
	}
	len = MIN(len, room);
	in_append(c->peer, buf, len);
	return len;
}

static void f_want_read(struct msync_conn *c)
{
	c->want_r = true;
}

static void f_want_write(struct msync_conn *c)
{
	c->want_w = true;
}

static int f_endpoints(struct msync_conn *c, union sockunion *local, union sockunion *remote)
{
	*local = c->local;
	*remote = c->remote;
	return 0;
}

static void f_close(struct msync_conn *c)
{
	struct msync_conn *p = c->peer;

	if (p) {
		p->peer = NULL;
		if (c->silent)
			p->zombie = true;
		else
			p->in_eof = true;
	}
	conn_unlist(c);
	free(c->in);
	free(c);
}

/* ---- listeners ---- */

static struct msync_lsn *f_listen(struct msync_io *io, const union sockunion *addr, uint16_t port,
				  msync_accept_fn fn, void *arg)
{
	struct fake_io *fio = FIO(io);
	struct msync_lsn *l;

	for (l = fio->lsns; l; l = l->next)
		if (l->port == port && sockunion_same(&l->addr, addr)) {
			errno = EADDRINUSE;
			return NULL;
		}
	l = calloc(1, sizeof(*l));
	l->fio = fio;
	l->addr = *addr;
	l->port = port;
	l->fn = fn;
	l->arg = arg;
	l->next = fio->lsns;
	fio->lsns = l;
	return l;
}

static void f_listen_close(struct msync_io *io, struct msync_lsn *l)
{
	struct fake_io *fio = FIO(io);
	struct msync_lsn **pp;
	struct fake_net *net = fio->net;
	size_t i;

	for (pp = &fio->lsns; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	/* connections not accepted yet are refused */
	for (i = 0; i < net->nconns; i++) {
		struct msync_conn *c = net->conns[i];

		if (c && c->accept_pending && c->lsn == l) {
			c->accept_pending = false;
			c->lsn = NULL;
			f_close(c);
		}
	}
	free(l);
}

static const struct msync_io_ops fake_ops = {
	.now_ms = f_now,
	.random = f_random,
	.timer_arm = f_timer_arm,
	.timer_disarm = f_timer_disarm,
	.timer_armed = f_timer_armed,
	.listen = f_listen,
	.listen_close = f_listen_close,
	.listen_peer = f_listen_peer,
	.connect = f_connect,
	.conn_transport = f_conn_transport,
	.set_cbs = f_set_cbs,
	.read = f_read,
	.write = f_write,
	.want_read = f_want_read,
	.want_write = f_want_write,
	.endpoints = f_endpoints,
	.close = f_close,
};

/* ---- the loop ---- */

static bool conn_readable(struct msync_conn *c)
{
	if (conn_cut(c))
		return false;
	if (c->in_len)
		return conn_tokens(c) > 0;
	return c->in_eof;
}

/* A reader waits for its rate budget: time must move in small steps. */
static bool net_throttled(struct fake_net *net)
{
	size_t i;

	if (!net->rate)
		return false;
	for (i = 0; i < net->nconns; i++) {
		struct msync_conn *c = net->conns[i];

		if (c && c->want_r && c->in_len && !conn_cut(c) && !c->silent && !conn_tokens(c))
			return true;
	}
	return false;
}

static bool conn_writable(struct msync_conn *c)
{
	if (c->zombie)
		return c->zombie_bytes < c->fio->net->cap;
	return !c->peer || c->peer->in_len < c->fio->net->cap;
}

/* One pass over the connections; each gets at most one callback. */
static bool dispatch(struct fake_net *net)
{
	bool progress = false;
	size_t i, n = net->nconns, w;

	for (i = 0; i < n; i++) {
		struct msync_conn *c = net->conns[i];

		if (!c || c->silent || c->raw)
			continue;
		if (c->accept_pending) {
			if (conn_cut(c) || c->accept_at > net->now)
				continue;
			c->accept_pending = false;
			progress = true;
			c->lsn->fn(c->lsn->arg, c);
			continue;
		}
		if (c->connect_pending) {
			/* established when the server side was accepted */
			if (!c->connect_known || conn_cut(c) || (c->peer && c->peer->accept_pending))
				continue;
			c->connect_pending = false;
			progress = true;
			c->cbs->connected(c->arg, c->connect_err);
			continue;
		}
		if (c->want_r && c->cbs && !c->fio->reads_late && conn_readable(c)) {
			c->want_r = false;
			progress = true;
			c->cbs->readable(c->arg);
			continue;
		}
		if (c->want_w && c->cbs && conn_writable(c)) {
			c->want_w = false;
			progress = true;
			c->cbs->writable(c->arg);
			continue;
		}
	}
	/* drop the holes left by closed connections */
	for (i = 0, w = 0; i < net->nconns; i++)
		if (net->conns[i])
			net->conns[w++] = net->conns[i];
	net->nconns = w;
	return progress;
}

static int64_t next_accept(struct fake_net *net)
{
	int64_t t = INT64_MAX;
	size_t i;

	for (i = 0; i < net->nconns; i++) {
		struct msync_conn *c = net->conns[i];

		if (c && c->accept_pending && c->accept_at > net->now && c->accept_at < t)
			t = c->accept_at;
	}
	return t;
}

static bool step(struct fake_net *net, int64_t end)
{
	struct fake_tmr *n;
	struct msync_timer *t;
	unsigned long spin = 0;

	while (dispatch(net))
		if (++spin > FAKE_SPIN_MAX) {
			fprintf(stderr, "fake_io: livelock at %" PRId64 " ms\n", net->now);
			abort();
		}
	n = net->timers;
	if (net_throttled(net) && net->now < end && (!n || n->when > net->now + 1)) {
		net->now++;
		return true;
	}
	if (next_accept(net) <= MIN(end, n ? n->when - 1 : end)) {
		net->now = next_accept(net);
		return true;
	}
	if (!n || n->when > end)
		return false;
	if (n->when > net->now)
		net->now = n->when;
	net->timers = n->next;
	t = n->t;
	t->priv = NULL;
	free(n);
	t->fn(t->arg);
	return true;
}

void fake_net_run(struct fake_net *net, uint32_t ms)
{
	int64_t end = net->now + ms;
	unsigned long spin = 0;
	int64_t last = net->now;

	while (step(net, end)) {
		if (net->now != last) {
			last = net->now;
			spin = 0;
		} else if (++spin > FAKE_SPIN_MAX) {
			fprintf(stderr, "fake_io: timer livelock at %" PRId64 " ms\n", net->now);
			abort();
		}
	}
	net->now = end;
}

bool fake_net_run_until(struct fake_net *net, uint32_t ms, bool (*pred)(void *arg), void *arg)
{
	int64_t end = net->now + ms;
	unsigned long spin = 0;
	int64_t last = net->now;

	for (;;) {
		if (pred(arg))
			return true;
		if (!step(net, end))
			break;
		if (net->now != last) {
			last = net->now;
			spin = 0;
		} else if (++spin > FAKE_SPIN_MAX) {
			fprintf(stderr, "fake_io: timer livelock at %" PRId64 " ms\n", net->now);
			abort();
		}
	}
	net->now = end;
	return pred(arg);
}

/* ---- hosts and the network ---- */

struct fake_net *fake_net_new(uint64_t seed)
{
	struct fake_net *net = calloc(1, sizeof(*net));

	net->now = 1000000; /* not 0: catches "0 means unset" bugs */
	net->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	net->cap = 1 << 20;
	return net;
}

void fake_net_free(struct fake_net **netp)
{
	struct fake_net *net = *netp;
	size_t i;

	if (!net)
		return;
	for (i = 0; i < net->nconns; i++)
		if (net->conns[i]) {
			free(net->conns[i]->in);
			free(net->conns[i]);
		}
	free(net->conns);
	while (net->timers) {
		struct fake_tmr *n = net->timers;

		net->timers = n->next;
		n->t->priv = NULL;
		free(n);
	}
	free(net);
	*netp = NULL;
}

int64_t fake_net_now(struct fake_net *net)
{
	return net->now;
}

void fake_net_set_cap(struct fake_net *net, size_t cap)
{
	net->cap = cap;
}

void fake_net_set_connect_delay(struct fake_net *net, uint32_t ms)
{
	net->connect_delay = ms;
}

void fake_net_set_rate(struct fake_net *net, size_t bytes_per_ms)
{
	net->rate = bytes_per_ms;
}

void fake_net_set_max_read(struct fake_net *net, size_t max)
{
	net->max_read = max;
}

struct msync_io *fake_io_new(struct fake_net *net, const char *addr)
{
	struct fake_io *fio = calloc(1, sizeof(*fio));
	size_t i;

	fio->io.ops = &fake_ops;
	fio->net = net;
	fio->next_port = 40000;
	if (str2sockunion(addr, &fio->addr) < 0)
		abort();
	for (i = 0; i < FAKE_MAX_HOSTS; i++)
		if (!net->hosts[i]) {
			net->hosts[i] = fio;
			break;
		}
	assert(i < FAKE_MAX_HOSTS);
	return &fio->io;
}

void fake_io_free(struct msync_io **io)
{
	struct fake_io *fio;
	size_t i;

	if (!*io)
		return;
	fio = FIO(*io);
	assert(!fio->lsns && !fio->io.lregs);
	for (i = 0; i < FAKE_MAX_HOSTS; i++)
		if (fio->net->hosts[i] == fio)
			fio->net->hosts[i] = NULL;
	for (i = 0; i < FAKE_MAX_CUTS; i++)
		if (fio->net->cuts[i].a == fio || fio->net->cuts[i].b == fio)
			fio->net->cuts[i].a = fio->net->cuts[i].b = NULL;
	for (i = 0; i < fio->net->nconns; i++) {
		struct msync_conn *c = fio->net->conns[i];

		if (c && c->rfio == fio)
			c->rfio = NULL;
	}
	free(fio);
	*io = NULL;
}

void fake_io_set_reads_late(struct msync_io *io, bool late)
{
	FIO(io)->reads_late = late;
}

void fake_io_set_down(struct msync_io *io, bool down)
{
	struct fake_io *fio = FIO(io);
	struct fake_net *net = fio->net;
	size_t i;

	fio->down = down;
	if (!down)
		return;
	for (i = 0; i < net->nconns; i++) {
		struct msync_conn *c = net->conns[i];

		if (!c || c->fio != fio)
			continue;
		c->silent = true;
		if (c->peer) {
			c->peer->zombie = true;
			c->peer->peer = NULL;
			c->peer = NULL;
		}
	}
}

void fake_io_reset_conns(struct msync_io *io)
{
	struct fake_io *fio = FIO(io);
	struct fake_net *net = fio->net;
	size_t i;

	for (i = 0; i < net->nconns; i++) {
		struct msync_conn *c = net->conns[i];

		if (!c || c->fio != fio || c->silent)
			continue;
		c->in_eof = true;
		if (c->peer) {
			c->peer->in_eof = true;
			c->peer->peer = NULL;
			c->peer = NULL;
		}
	}
}

size_t fake_io_conn_count(struct msync_io *io)
{
	struct fake_io *fio = FIO(io);
	size_t i, n = 0;

	for (i = 0; i < fio->net->nconns; i++)
		if (fio->net->conns[i] && fio->net->conns[i]->fio == fio)
			n++;
	return n;
}

void fake_net_cut(struct fake_net *net, struct msync_io *a, struct msync_io *b, bool cut)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_CUTS; i++)
		if ((net->cuts[i].a == FIO(a) && net->cuts[i].b == FIO(b)) ||
		    (net->cuts[i].a == FIO(b) && net->cuts[i].b == FIO(a))) {
			if (!cut)
				net->cuts[i].a = net->cuts[i].b = NULL;
			return;
		}
	if (!cut)
		return;
	for (i = 0; i < FAKE_MAX_CUTS; i++)
		if (!net->cuts[i].a) {
			net->cuts[i].a = FIO(a);
			net->cuts[i].b = FIO(b);
			return;
		}
	abort();
}

/* ---- raw connections ---- */

struct msync_conn *fake_raw_connect(struct msync_io *from, const char *to, uint16_t port)
{
	union sockunion dst, any;
	struct msync_conn *c;

	memset(&any, 0, sizeof(any));
	if (str2sockunion(to, &dst) < 0)
		return NULL;
	c = f_connect(from, &any, &dst, port, NULL);
	if (c)
		c->raw = true;
	return c;
}

bool fake_raw_connected(struct msync_conn *c)
{
	return c->peer && !c->peer->accept_pending;
}

void fake_raw_send(struct msync_conn *c, const void *buf, size_t len)
{
	if (c->peer)
		in_append(c->peer, buf, len);
}

size_t fake_raw_recv(struct msync_conn *c, void *buf, size_t len)
{
	size_t n = MIN(len, c->in_len);

	memcpy(buf, c->in, n);
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
	return n;
}

bool fake_raw_eof(struct msync_conn *c)
{
	return !c->in_len && c->in_eof;
}

void fake_raw_close(struct msync_conn *c)
{
	f_close(c);
}

const struct msync_transport *fake_io_transport(struct msync_io *io, enum fake_tp which,
						unsigned int *calls)
{
	struct fake_io *fio = FIO(io);

	if (calls)
		*calls = fio->tp_calls[which];
	return &fio->tp[which];
}
