// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync on FRR's event loop: msync_io over non-blocking TCP sockets,
 * event_add_read/write and event_add_timer_msec.
 */
#include <zebra.h>

#include <netinet/tcp.h>
#include <sys/random.h>

#include "memory.h"
#include "frrevent.h"
#include "monotime.h"
#include "network.h"
#include "sockunion.h"
#include "sockopt.h"
#include "log.h"

#include "mldsync/msync_private.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_IO, "mldsync io");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_CONN, "mldsync socket");

struct msync_io_frr {
	struct msync_io io;
	struct event_loop *loop;
};

struct msync_conn {
	struct msync_io_frr *fio;
	int fd;
	bool connecting;
	struct event *t_read, *t_write;
	const struct msync_conn_cbs *cbs;
	void *arg;
};

/* A peer with TCP options on a listener (GTSM needs the count). */
struct msync_lsn_peer {
	union sockunion addr;
	bool gtsm;
};

#define LSN_PEERS_MAX 16

struct msync_lsn {
	struct msync_io_frr *fio;
	int fd;
	struct event *t_accept;
	msync_accept_fn fn;
	void *arg;
	int fd_family;
	struct msync_lsn_peer peers[LSN_PEERS_MAX];
	size_t npeers;
};

#define FIO(x) container_of(x, struct msync_io_frr, io)

static int64_t frr_now_ms(struct msync_io *io)
{
	struct timeval tv;

	monotime(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static uint64_t frr_random(struct msync_io *io)
{
	uint64_t v;
	struct timeval tv;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == sizeof(v))
		return v;
	/* no entropy yet (early boot): still differs per start */
	gettimeofday(&tv, NULL);
	return ((uint64_t)tv.tv_sec << 32) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 16) ^
	       (uint64_t)frr_weak_random();
}

static void frr_timer_fire(struct event *ev)
{
	struct msync_timer *t = EVENT_ARG(ev);

	t->fn(t->arg);
}

static void frr_timer_arm(struct msync_io *io, struct msync_timer *t, uint32_t ms)
{
	event_cancel(&t->ev);
	event_add_timer_msec(FIO(io)->loop, frr_timer_fire, t, ms, &t->ev);
}

static void frr_timer_disarm(struct msync_io *io, struct msync_timer *t)
{
	event_cancel(&t->ev);
}

static bool frr_timer_armed(struct msync_io *io, const struct msync_timer *t)
{
	return t->ev != NULL;
}

static socklen_t su_len(const union sockunion *su)
{
	return su->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					    : sizeof(struct sockaddr_in);
}

static void su_set_port(union sockunion *su, uint16_t port)
{
	if (su->sa.sa_family == AF_INET6)
		su->sin6.sin6_port = htons(port);
	else
		su->sin.sin_port = htons(port);
}

static void sock_tune(int fd)
{
	int on = 1;

	/* updates are batched already; do not add Nagle's delay */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* ---- TCP options: TCP-MD5, GTSM, TCP-AO (doc/protocol.md 1.1) ---- */

bool msync_tcp_ao_available(void)
{
	static int avail = -1;
	uint8_t buf[256];
	socklen_t len = sizeof(buf);
	int fd;

	if (avail >= 0)
		return avail;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(buf, 0, sizeof(buf));
	/* a kernel without CONFIG_TCP_AO does not know the option at all; one
	 * with it says there is no TCP-AO on this socket (or fills buf) */
	avail = getsockopt(fd, IPPROTO_TCP, MSYNC_TCP_AO_INFO, buf, &len) == 0 ||
		errno != ENOPROTOOPT;
	close(fd);
	return avail;
}

int msync_tcp_ao_build(struct msync_tcp_ao_add *out, const union sockunion *peer,
		       const struct msync_tcp_ao_key *k)
{
	memset(out, 0, sizeof(*out));
	if (!k->len || k->len > MSYNC_TCP_KEY_MAX)
		return -1;
	switch (sockunion_family(peer)) {
	case AF_INET:
		memcpy(&out->addr, &peer->sin, sizeof(peer->sin));
		((struct sockaddr_in *)&out->addr)->sin_port = 0;
		out->prefix = 32;
		break;
	case AF_INET6:
		memcpy(&out->addr, &peer->sin6, sizeof(peer->sin6));
		((struct sockaddr_in6 *)&out->addr)->sin6_port = 0;
		out->prefix = 128;
		break;
	default:
		return -1;
	}
	strlcpy(out->alg_name, MSYNC_TCP_AO_ALG, sizeof(out->alg_name));
	out->set_current = k->current;
	out->set_rnext = k->current;
	out->sndid = k->id;
	out->rcvid = k->id;
	/* maclen 0: the algorithm's default (12 bytes for hmac(sha256)) */
	out->keylen = k->len;
	memcpy(out->key, k->secret, k->len);
	return 0;
}

static int sock_tcp_ao(int fd, const union sockunion *peer, const struct msync_transport *tp)
{
	struct msync_tcp_ao_add ao;
	size_t i;
	int ret = 0;

	if (!tp->tcp_ao || !msync_tcp_ao_available())
		return 0;
	for (i = 0; i < tp->n_ao && i < MSYNC_TCP_AO_KEYS; i++) {
		if (msync_tcp_ao_build(&ao, peer, &tp->ao[i]) < 0)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, MSYNC_TCP_AO_ADD_KEY, &ao, sizeof(ao)) < 0)
			ret = -1;
	}
	explicit_bzero(&ao, sizeof(ao));
	return ret;
}

/* GTSM (RFC 5082): send 255, accept only 255 */
static int sock_gtsm(int fd, int family)
{
	if (sockopt_ttl(family, fd, MAXTTL) < 0)
		return -1;
	return sockopt_minttl(family, fd, MAXTTL);
}

static struct msync_conn *conn_new(struct msync_io_frr *fio, int fd)
{
	struct msync_conn *c = XCALLOC(MTYPE_MSYNC_CONN, sizeof(*c));

	c->fio = fio;
	c->fd = fd;
	return c;
}

static void frr_lsn_read(struct event *ev)
{
	struct msync_lsn *l = EVENT_ARG(ev);
	int fd;

	event_add_read(l->fio->loop, frr_lsn_read, l, l->fd, &l->t_accept);
	fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		static struct msync_ratelimit rl;
		unsigned int dropped;

		/* out of descriptors under a flood of connections: say it,
		 * not once per attempt */
		if (!ERRNO_IO_RETRY(errno) &&
		    msync_ratelimit_ok(&rl, frr_now_ms(NULL), MSYNC_LSNLOG_BURST, &dropped))
			zlog_warn("rbs: accept: %s%s", safe_strerror(errno),
				  dropped ? " (and more not logged)" : "");
		return;
	}
	sock_tune(fd);
	l->fn(l->arg, conn_new(l->fio, fd));
}

static int frr_listen_peer(struct msync_io *io, struct msync_lsn *l, const union sockunion *peer,
			   const struct msync_transport *tp)
{
	union sockunion p = *peer;
	bool gtsm_any = false;
	size_t i;
	int ret = 0, ttl;

	/* the key list of the listening socket, by peer address */
	if (sockopt_tcp_signature(l->fd, &p, tp && tp->md5_password[0] ? tp->md5_password : NULL) <
		    0 &&
	    tp && tp->md5_password[0])
		ret = -1;
	if (tp && sock_tcp_ao(l->fd, &p, tp) < 0)
		ret = -1;

	for (i = 0; i < l->npeers; i++)
		if (sockunion_same(&l->peers[i].addr, peer))
			break;
	if (tp && i == l->npeers && l->npeers < LSN_PEERS_MAX)
		l->peers[l->npeers++].addr = *peer;
	if (i < l->npeers) {
		if (tp)
			l->peers[i].gtsm = tp->gtsm;
		else
			l->peers[i] = l->peers[--l->npeers];
	}
	for (i = 0; i < l->npeers; i++)
		gtsm_any |= l->peers[i].gtsm;
	/* SYN-ACKs carry the listener's TTL: 255 while a peer wants GTSM,
	 * the default (-1) otherwise; the minimum is set per connection */
	ttl = gtsm_any ? MAXTTL : -1;
	if (setsockopt(l->fd, l->fd_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       l->fd_family == AF_INET6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl,
		       sizeof(ttl)) < 0 &&
	    gtsm_any)
		ret = -1;
	return ret;
}

static struct msync_lsn *frr_listen(struct msync_io *io, const union sockunion *addr, uint16_t port,
				    msync_accept_fn fn, void *arg)
{
	union sockunion a = *addr;
	struct msync_lsn *l;
	int fd, on = 1, saved;

	fd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (a.sa.sa_family == AF_INET6)
		/* IPv4 twins get their own listener */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	su_set_port(&a, port);
	/* a backlog as bgpd's and MSDP's: with a short one, a burst of
	 * connections (a stranger's flood) overflows the accept queue, the
	 * kernel drops their ACKs and retries them for a minute, and the
	 * twin's own connect waits behind them (tests/topotests/rbp_hostile)
	 */
	if (bind(fd, &a.sa, su_len(&a)) < 0 || listen(fd, SOMAXCONN) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	l = XCALLOC(MTYPE_MSYNC_CONN, sizeof(*l));
	l->fio = FIO(io);
	l->fd = fd;
	l->fd_family = a.sa.sa_family;
	l->fn = fn;
	l->arg = arg;
	event_add_read(l->fio->loop, frr_lsn_read, l, fd, &l->t_accept);
	return l;
}

static void frr_listen_close(struct msync_io *io, struct msync_lsn *l)
{
	event_cancel(&l->t_accept);
	close(l->fd);
	XFREE(MTYPE_MSYNC_CONN, l);
}

static void frr_conn_read(struct event *ev)
{
	struct msync_conn *c = EVENT_ARG(ev);

	c->cbs->readable(c->arg);
}

static void frr_conn_write(struct event *ev)
{
	struct msync_conn *c = EVENT_ARG(ev);
	int err = 0;
	socklen_t len = sizeof(err);

	if (c->connecting) {
		c->connecting = false;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		c->cbs->connected(c->arg, err);
		return;
	}
	c->cbs->writable(c->arg);
}

static struct msync_conn *frr_connect(struct msync_io *io, const union sockunion *src,
				      const union sockunion *dst, uint16_t port,
				      const struct msync_transport *tp)
{
	struct msync_io_frr *fio = FIO(io);
	union sockunion d = *dst, sa;
	struct msync_conn *c;
	int fd, saved;

	fd = socket(d.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	sock_tune(fd);
	/* before connect(): the SYN is signed and sent with TTL 255 */
	if (tp && tp->md5_password[0] && sockopt_tcp_signature(fd, &d, tp->md5_password) < 0)
		goto fail;
	if (tp && sock_tcp_ao(fd, &d, tp) < 0)
		goto fail;
	if (tp && tp->gtsm && sock_gtsm(fd, d.sa.sa_family) < 0)
		goto fail;
	if (src->sa.sa_family == d.sa.sa_family) {
		sa = *src;
		su_set_port(&sa, 0);
		if (bind(fd, &sa.sa, su_len(&sa)) < 0)
			goto fail;
	}
	su_set_port(&d, port);
	if (connect(fd, &d.sa, su_len(&d)) < 0 && errno != EINPROGRESS)
		goto fail;
	c = conn_new(fio, fd);
	/* the result is reported from the loop, never from here */
	c->connecting = true;
	event_add_write(fio->loop, frr_conn_write, c, fd, &c->t_write);
	return c;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

static int frr_conn_transport(struct msync_conn *c, const struct msync_transport *tp)
{
	union sockunion local;
	socklen_t len = sizeof(local);

	if (!tp->gtsm)
		return 0;
	if (getsockname(c->fd, &local.sa, &len) < 0)
		return -1;
	return sock_gtsm(c->fd, local.sa.sa_family);
}

static void frr_set_cbs(struct msync_conn *c, const struct msync_conn_cbs *cbs, void *arg)
{
	c->cbs = cbs;
	c->arg = arg;
}

static ssize_t frr_read(struct msync_conn *c, void *buf, size_t len)
{
	return read(c->fd, buf, len);
}

static ssize_t frr_write(struct msync_conn *c, const void *buf, size_t len)
{
	return send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void frr_want_read(struct msync_conn *c)
{
	event_add_read(c->fio->loop, frr_conn_read, c, c->fd, &c->t_read);
}

static void frr_want_write(struct msync_conn *c)
{
	event_add_write(c->fio->loop, frr_conn_write, c, c->fd, &c->t_write);
}

static int frr_endpoints(struct msync_conn *c, union sockunion *local, union sockunion *remote)
{
	socklen_t len = sizeof(*local);

	if (getsockname(c->fd, &local->sa, &len) < 0)
		return -1;
	len = sizeof(*remote);
	if (getpeername(c->fd, &remote->sa, &len) < 0)
		return -1;
	return 0;
}

static void frr_close(struct msync_conn *c)
{
	event_cancel(&c->t_read);
	event_cancel(&c->t_write);
	close(c->fd);
	XFREE(MTYPE_MSYNC_CONN, c);
}

static const struct msync_io_ops frr_ops = {
	.now_ms = frr_now_ms,
	.random = frr_random,
	.timer_arm = frr_timer_arm,
	.timer_disarm = frr_timer_disarm,
	.timer_armed = frr_timer_armed,
	.listen = frr_listen,
	.listen_close = frr_listen_close,
	.listen_peer = frr_listen_peer,
	.connect = frr_connect,
	.conn_transport = frr_conn_transport,
	.set_cbs = frr_set_cbs,
	.read = frr_read,
	.write = frr_write,
	.want_read = frr_want_read,
	.want_write = frr_want_write,
	.endpoints = frr_endpoints,
	.close = frr_close,
};

struct msync_io *msync_io_frr_new(struct event_loop *loop)
{
	struct msync_io_frr *fio = XCALLOC(MTYPE_MSYNC_IO, sizeof(*fio));

	fio->io.ops = &frr_ops;
	fio->loop = loop;
	return &fio->io;
}

void msync_io_frr_free(struct msync_io **io)
{
	struct msync_io_frr *fio;

	if (!*io)
		return;
	fio = FIO(*io);
	/* sessions leave their listeners when freed: free them first */
	assert(!fio->io.lregs);
	XFREE(MTYPE_MSYNC_IO, fio);
	*io = NULL;
}
