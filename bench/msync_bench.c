// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync benchmark (not a test): codec throughput, bytes per entry on the
 * wire, and full-resync time over a loopback TCP session on FRR's event
 * loop.
 *
 *   msync_bench [-c CODEC_ENTRIES] [-r] [N ...]
 *
 * N: table sizes for the resync runs (default 1000 10000 100000);
 * -r also measures a restart (the twin comes back and gets its entries
 * back, flagged restored).
 */
#include <zebra.h>

#include <malloc.h>

#include "frrevent.h"
#include "zlog.h"

#include "mldsync/msync_codec.h"
#include "mldsync/msync_private.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* A realistic entry: IGMPv3 (S,G) or (*,G) on a few interfaces, 260 s
 * group timer. */
static void mk_entry(struct msync_entry *e, uint32_t i)
{
	memset(e, 0, sizeof(*e));
	e->key.backup_id = 10;
	snprintf(e->key.ifname, sizeof(e->key.ifname), "eth%u", i % 4);
	e->key.family = AF_INET;
	e->key.group.v4.s_addr = htonl(0xe8000000 | (i & 0xffffff));
	if (i % 2)
		e->key.source.v4.s_addr = htonl(0x0a000000 | (i & 0xffff));
	e->filter = i % 2 ? MSYNC_FILTER_INCLUDE : MSYNC_FILTER_EXCLUDE;
	e->version = 3;
	e->timer_ms = 260000;
	e->origin_role = MSYNC_ROLE_MASTER;
}

/* ---- codec ---- */

static ssize_t sink(void *ctx, const void *buf, size_t len)
{
	struct msync_rbuf *rb = ctx;
	size_t avail;
	uint8_t *p = msync_rbuf_space(rb, &avail);

	len = MIN(len, avail);
	memcpy(p, buf, len);
	msync_rbuf_added(rb, len);
	return len;
}

/* sealed: each frame carries its MAC (HMAC-SHA-256), checked on decode,
 * as on an authenticated channel */
static void bench_codec(uint32_t n, bool sealed)
{
	static const uint8_t key[] = "bench-key-string";
	static uint8_t transcript[MSYNC_HASH_LEN];
	struct msync_seal seal = {
		.key_id = 1,
		.key = key,
		.keylen = sizeof(key) - 1,
		.dir = 'I',
		.transcript = transcript,
	};
	static struct msync_pb_entry pbe[MSYNC_BATCH];
	static Msync__Entry *ep[MSYNC_BATCH];
	static struct msync_entry ents[MSYNC_BATCH];
	struct msync_wq wq;
	struct msync_rbuf rb;
	struct msync_frame f;
	struct msync_msg m;
	uint64_t bytes = 0, decoded = 0;
	double t0, t_enc = 0, t_dec = 0;
	uint32_t i, j, k;
	char why[128];
	int r, err;
	enum msync_err class;

	msync_wq_init(&wq);
	msync_rbuf_init(&rb);
	for (i = 0; i < n; i += MSYNC_BATCH) {
		Msync__Update u = MSYNC__UPDATE__INIT;
		uint32_t cnt = MIN((uint32_t)MSYNC_BATCH, n - i);

		for (j = 0; j < cnt; j++)
			mk_entry(&ents[j], i + j);
		t0 = now_s();
		for (j = 0; j < cnt; j++) {
			msync_entry_to_pb(&ents[j], ents[j].timer_ms, false, &pbe[j]);
			ep[j] = &pbe[j].e;
		}
		u.n_entries = cnt;
		u.entries = ep;
		bytes += msync_env_put(&wq, MSYNC_MSG_UPDATE, i / MSYNC_BATCH + 1, &u.base,
				       sealed ? &seal : NULL);
		t_enc += now_s() - t0;

		/* decode what was produced, through the frame reader */
		t0 = now_s();
		while (wq.bytes) {
			msync_wq_flush(&wq, sink, &rb);
			while ((r = msync_rbuf_next(&rb, &f, &err)) == 1) {
				Msync__Update *d;
				struct msync_entry e;
				size_t elen = f.len;

				if (sealed) {
					uint8_t mac[MSYNC_MAC_LEN];

					elen -= MSYNC_TRAILER_LEN;
					msync_frame_mac(mac, key, sizeof(key) - 1, 'I', transcript,
							1, f.payload, elen);
					if (!msync_mac_equal(mac, f.payload + elen + 4,
							     MSYNC_MAC_LEN))
						abort();
				}
				if (msync_env_decode(f.payload, elen, &m, &class, why,
						     sizeof(why)) < 0)
					abort();
				d = (Msync__Update *)m.pb;
				for (k = 0; k < d->n_entries; k++) {
					if (msync_entry_from_pb(d->entries[k], &e, &class, why,
								sizeof(why)) < 0)
						abort();
					decoded++;
				}
				msync_msg_free(&m);
			}
		}
		t_dec += now_s() - t0;
	}
	if (decoded != n)
		abort();
	printf("codec: %u entries, %u per Update frame%s\n", n, MSYNC_BATCH,
	       sealed ? ", sealed (HMAC-SHA-256 per frame)" : "");
	printf("  encode          %10.0f entries/s\n", n / t_enc);
	printf("  decode+check    %10.0f entries/s\n", n / t_dec);
	printf("  encode+decode   %10.0f entries/s\n", n / (t_enc + t_dec));
	printf("  on the wire     %10.1f bytes/entry (frames included)\n", (double)bytes / n);
	msync_wq_fini(&wq);
	msync_rbuf_fini(&rb);
}

/* ---- resync over TCP ---- */

static struct event_loop *loop;
static struct msync_io *io;
static struct msync_session *A, *B;
static double t_resync_start, t_resync_done, t_established;
static bool b_done;

static void state_cb(struct msync_session *s, enum msync_state old, enum msync_state new,
		     const char *reason, void *arg)
{
	if (s == A && new == MSYNC_ST_RESYNC)
		t_resync_start = now_s();
	if (s == B && new == MSYNC_ST_ESTABLISHED)
		t_established = now_s();
}

static void resync_cb(struct msync_session *s, void *arg)
{
	if (s == B) {
		t_resync_done = now_s();
		b_done = true;
	}
}

static void tick(struct event *e)
{
	event_add_timer_msec(loop, tick, NULL, 10, NULL);
}

static bool run_until(bool (*pred)(void), double secs)
{
	double end = now_s() + secs;
	struct event ev;

	while (!pred()) {
		if (now_s() > end)
			return false;
		if (event_fetch(loop, &ev))
			event_call(&ev);
	}
	return true;
}

static bool b_resynced(void)
{
	return b_done && msync_session_state(A) == MSYNC_ST_ESTABLISHED &&
	       msync_session_state(B) == MSYNC_ST_ESTABLISHED;
}

static uint32_t want_n;
static double drain_until;

static bool a_recovered(void)
{
	return msync_peer_count(A) == want_n && msync_session_state(A) == MSYNC_ST_ESTABLISHED;
}

static bool drained(void)
{
	return now_s() > drain_until;
}

static struct msync_session *mk_session(const char *self, const char *peer, uint16_t port)
{
	static const struct msync_offer offers[] = { { 10, MSYNC_SVC_IGMP } };
	struct msync_session_config cfg;
	struct msync_callbacks cb = {
		.state_change = state_cb,
		.resync_done = resync_cb,
	};
	struct msync_session *s;

	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "bench");
	str2sockunion(peer, &cfg.peer);
	str2sockunion(self, &cfg.source);
	cfg.port = port;
	s = msync_session_new(io, &cfg, &cb);
	msync_session_set_offers(s, offers, 1);
	return s;
}

static void bench_resync(uint32_t n, uint16_t port, bool restart)
{
	const struct msync_counters *c;
	struct msync_entry e;
	size_t h0, h1, h2;
	double t_fill;
	uint32_t i;

	b_done = false;
	t_resync_start = t_resync_done = t_established = 0;
	h0 = heap_used();
	A = mk_session("127.0.0.1", "127.0.0.2", port);
	t_fill = now_s();
	for (i = 0; i < n; i++) {
		mk_entry(&e, i);
		msync_local_update(A, &e);
	}
	t_fill = now_s() - t_fill;
	h1 = heap_used();
	B = mk_session("127.0.0.2", "127.0.0.1", port);
	if (!run_until(b_resynced, 120)) {
		printf("  %7u entries: no resync (A %s, B %s)\n", n,
		       msync_state_name(msync_session_state(A)),
		       msync_state_name(msync_session_state(B)));
		exit(1);
	}
	h2 = heap_used();
	if (msync_peer_count(B) != n)
		abort();
	c = msync_session_counters(A);
	printf("  %7u entries: resync %8.1f ms (%9.0f entries/s), established after %7.1f ms;"
	       " %5.1f bytes/entry sent; table %4zu B/entry local, %4zu B/entry peer;"
	       " local fill %6.0f ns/entry\n",
	       n, (t_resync_done - t_resync_start) * 1e3, n / (t_resync_done - t_resync_start),
	       (t_established - t_resync_start) * 1e3, (double)c->tx_bytes / n, (h1 - h0) / n,
	       h2 > h1 ? (h2 - h1) / n : 0, t_fill * 1e9 / n);

	if (restart) {
		/* A restarts: B gives A's entries back, restored */
		msync_session_free(&A);
		b_done = false;
		A = mk_session("127.0.0.1", "127.0.0.2", port);
		t_resync_start = 0;
		want_n = n;
		if (!run_until(a_recovered, 120))
			abort();
		printf("  %7u entries: restarted twin recovered its table in %8.1f ms\n", n,
		       (now_s() - t_resync_start) * 1e3);
	}
	msync_session_free(&A);
	msync_session_free(&B);
	/* let the loop drain the closed sockets */
	drain_until = now_s() + 0.05;
	run_until(drained, 1);
}

int main(int argc, char **argv)
{
	uint32_t sizes[16] = { 1000, 10000, 100000 };
	uint32_t codec_n = 1000000;
	size_t nsizes = 3, i;
	bool restart = false;
	uint16_t port = 21000 + getpid() % 20000;
	int opt;

	while ((opt = getopt(argc, argv, "c:r")) != -1) {
		switch (opt) {
		case 'c':
			codec_n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			restart = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-c CODEC_ENTRIES] [-r] [N ...]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		for (nsizes = 0; optind < argc && nsizes < array_size(sizes); optind++)
			sizes[nsizes++] = strtoul(argv[optind], NULL, 0);
	}
	zlog_startup_end();

	bench_codec(codec_n, false);
	bench_codec(codec_n, true);

	loop = event_master_create(NULL);
	io = msync_io_frr_new(loop);
	event_add_timer_msec(loop, tick, NULL, 10, NULL);
	printf("full resync over TCP 127.0.0.1 <-> 127.0.0.2, FRR event loop:\n");
	for (i = 0; i < nsizes; i++)
		bench_resync(sizes[i], port + i, restart);
	msync_io_frr_free(&io);
	event_master_free(loop);
	return 0;
}
