// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync I/O abstraction: clock, timers and stream connections.
 *
 * The session core only talks to the world through these operations, so
 * it runs on FRR's event loop (msync_frr.c) and, in tests and the fuzzer,
 * on a fake transport with a fake clock.  Readiness is one-shot like
 * FRR's events: the core re-arms want_read/want_write after each call.
 * Every callback runs on the owner's loop; none is called from inside an
 * operation the core invoked (no re-entrancy).
 */
#ifndef _MSYNC_IO_H
#define _MSYNC_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sockunion.h"

#ifdef __cplusplus
extern "C" {
#endif

struct msync_io;
struct msync_conn; /* a stream connection, owned by the io */
struct msync_lsn;  /* a listening endpoint, owned by the io */
struct msync_lreg; /* the core's bookkeeping of a shared listener */
struct msync_transport;
struct event;

/* A timer, embedded in the core's objects; ev and priv belong to the io
 * (ev for FRR's event loop, priv for other implementations). */
struct msync_timer {
	void (*fn)(void *arg);
	void *arg;
	struct event *ev;
	void *priv;
};

/* Callbacks on a connection, set by the core. */
struct msync_conn_cbs {
	/* outbound connection finished: err 0 or an errno */
	void (*connected)(void *arg, int err);
	void (*readable)(void *arg);
	void (*writable)(void *arg);
};

typedef void (*msync_accept_fn)(void *arg, struct msync_conn *c);

struct msync_io_ops {
	/* monotonic milliseconds */
	int64_t (*now_ms)(struct msync_io *io);
	/* 64 random bits (incarnations, jitter); a fake io makes runs
	 * repeatable by seeding it */
	uint64_t (*random)(struct msync_io *io);

	/* (re)arms t to fire once after ms; t->fn and t->arg are set */
	void (*timer_arm)(struct msync_io *io, struct msync_timer *t, uint32_t ms);
	void (*timer_disarm)(struct msync_io *io, struct msync_timer *t);
	bool (*timer_armed)(struct msync_io *io, const struct msync_timer *t);

	/* listen on addr:port; NULL and errno set on failure */
	struct msync_lsn *(*listen)(struct msync_io *io, const union sockunion *addr, uint16_t port,
				    msync_accept_fn fn, void *arg);
	void (*listen_close)(struct msync_io *io, struct msync_lsn *l);
	/* TCP options of the listener for connections from peer (TCP-MD5 and
	 * TCP-AO keys for its address, TTL 255 for GTSM); tp NULL removes
	 * them.  0, or -1 with errno set (the caller logs it). */
	int (*listen_peer)(struct msync_io *io, struct msync_lsn *l, const union sockunion *peer,
			   const struct msync_transport *tp);

	/* starts a non-blocking connect with the TCP options tp (set before
	 * connect); src may be AF_UNSPEC (any); completion reported by
	 * cbs->connected; NULL and errno on failure */
	struct msync_conn *(*connect)(struct msync_io *io, const union sockunion *src,
				      const union sockunion *dst, uint16_t port,
				      const struct msync_transport *tp);
	/* TCP options of an accepted connection (GTSM): 0, or -1 and errno */
	int (*conn_transport)(struct msync_conn *c, const struct msync_transport *tp);
	void (*set_cbs)(struct msync_conn *c, const struct msync_conn_cbs *cbs, void *arg);
	/* >0 bytes, 0 end of stream, -1 with errno (EAGAIN: try later) */
	ssize_t (*read)(struct msync_conn *c, void *buf, size_t len);
	ssize_t (*write)(struct msync_conn *c, const void *buf, size_t len);
	void (*want_read)(struct msync_conn *c);
	void (*want_write)(struct msync_conn *c);
	/* local and remote endpoints of a connected stream: 0, or -1 with
	 * errno set */
	int (*endpoints)(struct msync_conn *c, union sockunion *local, union sockunion *remote);
	/* closes and frees; no callback runs for c afterwards */
	void (*close)(struct msync_conn *c);
};

/* Base of every io implementation; the core owns the listener registry
 * (one listening endpoint shared by all sessions on the same addr:port).
 */
struct msync_io {
	const struct msync_io_ops *ops;
	struct msync_lreg *lregs;
};

static inline int64_t msync_now(struct msync_io *io)
{
	return io->ops->now_ms(io);
}

static inline void msync_timer_set(struct msync_io *io, struct msync_timer *t, uint32_t ms,
				   void (*fn)(void *), void *arg)
{
	t->fn = fn;
	t->arg = arg;
	io->ops->timer_arm(io, t, ms);
}

static inline void msync_timer_off(struct msync_io *io, struct msync_timer *t)
{
	io->ops->timer_disarm(io, t);
}

static inline bool msync_timer_on(struct msync_io *io, const struct msync_timer *t)
{
	return io->ops->timer_armed(io, t);
}

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_IO_H */
