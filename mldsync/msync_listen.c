// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync listeners: one listening socket per (address, port) and io,
 * shared by every session bound there; an accepted connection goes to
 * the session whose configured peer is the remote address.
 */
#include <zebra.h>

#include "memory.h"
#include "log.h"
#include "printfrr.h"

#include "mldsync/msync_private.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_LREG, "mldsync listener");

struct msync_lreg {
	struct msync_lreg *next;
	struct msync_io *io;
	union sockunion addr;
	uint16_t port;
	struct msync_lsn *lsn;
	struct msync_session **ss;
	size_t n, cap;
	/* strangers can connect as often as they like: say it rarely */
	struct msync_ratelimit rl;
	/* says how many were not logged at the end of their window, not at
	 * the next stranger's connection (which may never come) */
	struct msync_timer t_rl;
};

static void lreg_rl_flush_cb(void *arg)
{
	struct msync_lreg *r = arg;

	if (r->rl.dropped)
		zlog_info("rbs: %u more connections to %pSU refused in the last %d s (not logged)",
			  r->rl.dropped, &r->addr, MSYNC_LOG_WINDOW_MS / 1000);
	/* a new window starts with the next stranger */
	memset(&r->rl, 0, sizeof(r->rl));
}

static void lreg_accept(void *arg, struct msync_conn *c)
{
	struct msync_lreg *r = arg;
	union sockunion loc, rem;
	unsigned int dropped;
	size_t i;

	memset(&loc, 0, sizeof(loc));
	memset(&rem, 0, sizeof(rem));
	if (r->io->ops->endpoints(c, &loc, &rem) < 0) {
		r->io->ops->close(c);
		return;
	}
	for (i = 0; i < r->n; i++)
		if (sockunion_same(&r->ss[i]->cfg.peer, &rem)) {
			msync_session_accept(r->ss[i], c);
			return;
		}
	if (msync_ratelimit_ok(&r->rl, msync_now(r->io), MSYNC_LSNLOG_BURST, &dropped)) {
		if (dropped)
			zlog_info("rbs: %u more connections to %pSU refused in the last %d s (not logged)",
				  dropped, &loc, MSYNC_LOG_WINDOW_MS / 1000);
		zlog_info("rbs: connection from %pSU to %pSU refused: not a configured peer", &rem,
			  &loc);
	} else {
		msync_ratelimit_flush_at_end(r->io, &r->rl, &r->t_rl, lreg_rl_flush_cb, r);
	}
	r->io->ops->close(c);
}

static void bind_addr(const struct msync_session *s, union sockunion *a)
{
	memset(a, 0, sizeof(*a));
	if (s->cfg.source.sa.sa_family != AF_UNSPEC) {
		*a = s->cfg.source;
		return;
	}
	/* no source: the wildcard of the peer's family */
	a->sa.sa_family = s->cfg.peer.sa.sa_family;
}

int msync_lreg_join(struct msync_session *s)
{
	struct msync_io *io = s->io;
	struct msync_lreg *r;
	union sockunion a;

	if (s->lreg)
		return 0;
	bind_addr(s, &a);
	for (r = io->lregs; r; r = r->next)
		if (r->port == s->cfg.port && r->addr.sa.sa_family == a.sa.sa_family &&
		    sockunion_same(&r->addr, &a))
			break;
	if (!r) {
		r = XCALLOC(MTYPE_MSYNC_LREG, sizeof(*r));
		r->io = io;
		r->addr = a;
		r->port = s->cfg.port;
		r->lsn = io->ops->listen(io, &a, s->cfg.port, lreg_accept, r);
		if (!r->lsn) {
			zlog_warn("rbs %s: cannot listen on %pSU port %u: %s", s->cfg.name, &a,
				  s->cfg.port, safe_strerror(errno));
			XFREE(MTYPE_MSYNC_LREG, r);
			return -1;
		}
		r->next = io->lregs;
		io->lregs = r;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->ss = XREALLOC(MTYPE_MSYNC_LREG, r->ss, r->cap * sizeof(*r->ss));
	}
	r->ss[r->n++] = s;
	s->lreg = r;
	/* TCP-MD5 and TCP-AO keys for the peer's address, TTL for GTSM */
	if (io->ops->listen_peer(io, r->lsn, &s->cfg.peer, &s->cfg.tp) < 0)
		zlog_warn("rbs %s: TCP options of the listener on %pSU port %u for %pSU: %s",
			  s->cfg.name, &a, s->cfg.port, &s->cfg.peer, safe_strerror(errno));
	return 0;
}

void msync_lreg_leave(struct msync_session *s)
{
	struct msync_lreg *r = s->lreg, **rp;
	size_t i;

	if (!r)
		return;
	s->lreg = NULL;
	(void)r->io->ops->listen_peer(r->io, r->lsn, &s->cfg.peer, NULL);
	for (i = 0; i < r->n; i++)
		if (r->ss[i] == s) {
			r->ss[i] = r->ss[--r->n];
			break;
		}
	if (r->n)
		return;
	for (rp = &r->io->lregs; *rp; rp = &(*rp)->next)
		if (*rp == r) {
			*rp = r->next;
			break;
		}
	r->io->ops->listen_close(r->io, r->lsn);
	msync_timer_off(r->io, &r->t_rl);
	XFREE(MTYPE_MSYNC_LREG, r->ss);
	XFREE(MTYPE_MSYNC_LREG, r);
}
