// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A fake msync_io for tests and the fuzzer: in-memory stream connections
 * between fake hosts and a virtual clock.  Deterministic: events run in
 * a fixed order and time only moves when the test says so.
 *
 * Connections have a bounded buffer per direction (partial writes and
 * back-pressure) and can hand out reads in small random chunks (partial
 * reads).  A host can be "down" (silent: the twin sees nothing, as when
 * it loses power) or have its connections reset (the twin sees EOF).
 */
#ifndef _FAKE_IO_H
#define _FAKE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mldsync/msync.h"
#include "mldsync/msync_io.h"

struct fake_net;

/* the operations that get TCP options */
enum fake_tp {
	FAKE_TP_CONNECT = 0,
	FAKE_TP_LISTEN,
	FAKE_TP_ACCEPT,
	FAKE_TP_MAX,
};

struct fake_net *fake_net_new(uint64_t seed);
void fake_net_free(struct fake_net **net);
int64_t fake_net_now(struct fake_net *net);
/* bytes one direction of a connection holds (default 1 MiB) */
void fake_net_set_cap(struct fake_net *net, size_t cap);
/* reads return 1..max bytes at random (0: as much as asked) */
void fake_net_set_max_read(struct fake_net *net, size_t max);
/* connection setup takes this long (0: immediate) */
void fake_net_set_connect_delay(struct fake_net *net, uint32_t ms);
/* each connection reads at most this many bytes per ms (0: no limit) */
void fake_net_set_rate(struct fake_net *net, size_t bytes_per_ms);
/* Runs every due event, advancing the clock by ms in total. */
void fake_net_run(struct fake_net *net, uint32_t ms);
/* Runs until pred(arg) holds or ms pass; returns pred(arg). */
bool fake_net_run_until(struct fake_net *net, uint32_t ms, bool (*pred)(void *arg), void *arg);

struct msync_io *fake_io_new(struct fake_net *net, const char *addr);
void fake_io_free(struct msync_io **io);
/* Host down: its connections go silent in both directions, connects to
 * it never complete.  Up again: new connections work. */
void fake_io_set_down(struct msync_io *io, bool down);
/* A busy event loop: the host's timers run but its sockets are not served
 * (what arrives waits in the socket) until late is false again */
void fake_io_set_reads_late(struct msync_io *io, bool late);
/* Every connection of the host is reset: both ends read end of stream. */
void fake_io_reset_conns(struct msync_io *io);
size_t fake_io_conn_count(struct msync_io *io);
/* Connections between two hosts drop everything while cut (both ways);
 * connections opened while cut never complete. */
void fake_net_cut(struct fake_net *net, struct msync_io *a, struct msync_io *b, bool cut);

/* The TCP options last given to an operation of host io (TCP-MD5
 * passwords are also enforced: a connect whose password differs from the
 * one the listener holds for its address never completes). */
const struct msync_transport *fake_io_transport(struct msync_io *io, enum fake_tp which,
						unsigned int *calls);

/* Raw connections driven by the test itself (a hand-made twin). */
struct msync_conn *fake_raw_connect(struct msync_io *from, const char *to, uint16_t port);
bool fake_raw_connected(struct msync_conn *c);
/* queues all of buf, ignoring the capacity */
void fake_raw_send(struct msync_conn *c, const void *buf, size_t len);
size_t fake_raw_recv(struct msync_conn *c, void *buf, size_t len);
bool fake_raw_eof(struct msync_conn *c);
void fake_raw_close(struct msync_conn *c);

#endif /* _FAKE_IO_H */
