// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync on FRR's event loop (msync_frr.c): two sessions over real TCP
 * sockets on 127.0.0.1 and 127.0.0.2 establish, replicate both ways,
 * notice a twin that goes away and come back.
 */
#include <zebra.h>

#include <check.h>

#include "frrevent.h"
#include "monotime.h"
#include "sockunion.h"

#include "tests/unit/test_util.h"

static struct event_loop *loop;
static struct msync_io *io;
static struct msync_session *A, *B;
static struct tu_rec ra, rb;
static uint16_t port;

/* Runs the loop until pred holds or ms pass. */
static bool run_until(bool (*pred)(void), unsigned int ms)
{
	struct timeval start, now;
	struct event ev;

	gettimeofday(&start, NULL);
	for (;;) {
		if (pred())
			return true;
		gettimeofday(&now, NULL);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_usec - start.tv_usec) / 1000 >
		    (long)ms)
			return false;
		if (event_fetch(loop, &ev))
			event_call(&ev);
	}
}

/* keeps event_fetch from sleeping long when nothing else is scheduled */
static void tick(struct event *e)
{
	event_add_timer_msec(loop, tick, NULL, 10, NULL);
}

static bool both_established(void)
{
	return msync_session_state(A) == MSYNC_ST_ESTABLISHED &&
	       msync_session_state(B) == MSYNC_ST_ESTABLISHED && !msync_session_resync_pending(A) &&
	       !msync_session_resync_pending(B);
}

static struct msync_session *mk(const char *self, const char *peer, struct tu_rec *r)
{
	struct msync_session_config cfg;
	struct msync_callbacks cb;
	struct msync_session *s;

	tu_cfg(&cfg, "rbs-tcp", peer, self, port);
	cfg.keepalive_ms = 200;
	tu_callbacks(r, &cb);
	s = msync_session_new(io, &cfg, &cb);
	msync_session_set_offers(s, tu_offers, 2);
	return s;
}

static void setup(void)
{
	tu_init();
	loop = event_master_create(NULL);
	io = msync_io_frr_new(loop);
	port = 20000 + getpid() % 20000;
	event_add_timer_msec(loop, tick, NULL, 10, NULL);
	A = mk("127.0.0.1", "127.0.0.2", &ra);
	B = mk("127.0.0.2", "127.0.0.1", &rb);
}

static void teardown(void)
{
	msync_session_free(&A);
	msync_session_free(&B);
	msync_io_frr_free(&io);
	event_master_free(loop);
}

static void add_n(struct msync_session *s, int n, uint32_t base)
{
	struct msync_entry e;
	int i;

	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.key.backup_id = 10;
		strcpy(e.key.ifname, "eth0");
		e.key.family = AF_INET;
		e.key.group.v4.s_addr = htonl(0xe8000000 | (base + i));
		e.filter = MSYNC_FILTER_EXCLUDE;
		e.version = 3;
		e.timer_ms = 0;
		ck_assert_int_eq(msync_local_update(s, &e), 0);
	}
}

static int64_t monotime_ms(void)
{
	struct timeval tv;

	monotime(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static size_t want_a, want_b;

static bool a_down(void)
{
	return msync_session_state(A) == MSYNC_ST_CONNECT;
}

static bool counts_reached(void)
{
	return msync_peer_count(A) == want_a && msync_peer_count(B) == want_b && both_established();
}

START_TEST(test_tcp)
{
	int64_t t0, now;

	add_n(A, 3000, 0);
	add_n(B, 2000, 100000);
	ck_assert_msg(run_until(both_established, 10000), "A %s (%s), B %s (%s)",
		      msync_state_name(msync_session_state(A)), msync_session_last_reason(A),
		      msync_state_name(msync_session_state(B)), msync_session_last_reason(B));
	ck_assert_uint_eq(msync_peer_count(B), 3000);
	ck_assert_uint_eq(msync_peer_count(A), 2000);
	ck_assert_uint_eq(msync_session_counters(A)->sessions_up, 1);

	/* the library's clock on FRR's loop is monotime, in ms */
	t0 = monotime_ms();
	now = msync_now_ms(A);
	ck_assert_int_le(t0, now);
	ck_assert_int_le(now, monotime_ms());
	ck_assert_int_gt(msync_session_up_since(A), 0);
	ck_assert_int_le(msync_session_up_since(A), now);

	/* incremental, both ways */
	add_n(A, 500, 50000);
	add_n(B, 10, 200000);
	want_a = 2010;
	want_b = 3500;
	ck_assert(run_until(counts_reached, 5000));

	/* B's process goes away: A sees the connection close at once,
	 * keeps B's entries */
	msync_session_free(&B);
	ck_assert(run_until(a_down, 2000));
	ck_assert_uint_eq(msync_peer_count(A), 2010);
	/* a new B (new incarnation) comes back and gets its entries back
	 * from A, flagged restored */
	B = mk("127.0.0.2", "127.0.0.1", &rb);
	want_a = 2010;
	want_b = 3500 + 2010;
	ck_assert(run_until(counts_reached, 10000));
	ck_assert_uint_eq(msync_session_counters(A)->sessions_up, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_frr");
	TCase *tc = tcase_create("frr");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	TU_ADD(tc, test_tcp);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
