// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync on FRR's event loop (msync_frr.c): two sessions over real TCP
 * sockets on 127.0.0.1 and 127.0.0.2 establish, replicate both ways,
 * notice a twin that goes away and come back; with a key chain, TCP-MD5
 * and GTSM the kernel and the channel let the twins in and keep a twin
 * with another password or beyond one hop out.
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

static struct tu_keyring ka, kb;

/* the TCP options and authentication of the next sessions mk() makes */
static struct msync_transport tp_a, tp_b;
static enum msync_auth auth_a, auth_b;

static struct msync_session *mk(const char *self, const char *peer, struct tu_rec *r)
{
	struct msync_session_config cfg;
	struct msync_callbacks cb;
	struct msync_session *s;
	bool a = !strcmp(self, "127.0.0.1");

	tu_cfg(&cfg, "rbs-tcp", peer, self, port);
	cfg.keepalive_ms = 200;
	cfg.tp = a ? tp_a : tp_b;
	cfg.auth = a ? auth_a : auth_b;
	tu_callbacks(r, &cb);
	r->keys = a ? &ka : &kb;
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
	memset(&tp_a, 0, sizeof(tp_a));
	memset(&tp_b, 0, sizeof(tp_b));
	auth_a = auth_b = MSYNC_AUTH_NONE;
	tu_keyring_init(&ka, NULL);
	tu_keyring_init(&kb, NULL);
	A = mk("127.0.0.1", "127.0.0.2", &ra);
	B = mk("127.0.0.2", "127.0.0.1", &rb);
}

/* new sessions with the options set now */
static void remake(void)
{
	msync_session_free(&A);
	msync_session_free(&B);
	/* a fresh port: no TIME_WAIT, no listener left behind */
	port += 2;
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

static void add_n(struct msync_session *s, int n, uint32_t base, uint32_t timer)
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
		e.timer_ms = timer;
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

	add_n(A, 3000, 0, 0);
	/* with a timer: A gives them back to a restarted B */
	add_n(B, 2000, 100000, 600000);
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
	add_n(A, 500, 50000, 0);
	add_n(B, 10, 200000, 600000);
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

static bool a_up_once(void)
{
	return both_established() && msync_peer_count(A) == want_a && msync_peer_count(B) == want_b;
}

/* Key chain, TCP-MD5 and GTSM together over real sockets; a key rolled
 * over on the live connection; a wrong password never connects. */
START_TEST(test_tcp_auth_md5_gtsm)
{
	uint32_t id;

	tu_keyring_add(&ka, 1, "channel-key-1");
	tu_keyring_add(&kb, 1, "channel-key-1");
	auth_a = auth_b = MSYNC_AUTH_HMAC_SHA256;
	strcpy(tp_a.md5_password, "tcp-md5-pw");
	strcpy(tp_b.md5_password, "tcp-md5-pw");
	tp_a.gtsm = tp_b.gtsm = true;
	remake();
	add_n(A, 300, 0, 0);
	add_n(B, 200, 100000, 0);
	want_a = 200;
	want_b = 300;
	ck_assert_msg(run_until(a_up_once, 10000), "A %s (%s), B %s (%s)",
		      msync_state_name(msync_session_state(A)), msync_session_last_reason(A),
		      msync_state_name(msync_session_state(B)), msync_session_last_reason(B));
	ck_assert(msync_session_tx_key(A, &id));
	ck_assert_uint_eq(id, 1);

	/* roll over: key 2 on both (key 1, the lower id, still sent), then
	 * key 1's send lifetime ends on A, then on B, then key 1 goes */
	tu_keyring_add(&ka, 2, "channel-key-2");
	tu_keyring_add(&kb, 2, "channel-key-2");
	ka.keys[0].send_to = 1;
	add_n(A, 10, 5000, 0);
	want_b = 310;
	ck_assert(run_until(a_up_once, 5000));
	kb.keys[0].send_to = 1;
	add_n(B, 10, 6000, 0);
	want_a = 210;
	ck_assert(run_until(a_up_once, 5000));
	tu_keyring_del(&ka, 1);
	tu_keyring_del(&kb, 1);
	add_n(A, 10, 7000, 0);
	want_b = 320;
	ck_assert(run_until(a_up_once, 5000));
	ck_assert(msync_session_tx_key(A, &id) && id == 2);
	ck_assert(msync_session_rx_key(A, &id) && id == 2);
	ck_assert_uint_eq(msync_session_counters(A)->sessions_up, 1);
	ck_assert_uint_eq(msync_session_counters(B)->sessions_up, 1);
	ck_assert_uint_eq(msync_session_counters(A)->errors[MSYNC_ERR_AUTH], 0);

	/* another TCP-MD5 password: the kernel drops B's segments */
	strcpy(tp_b.md5_password, "other-pw");
	remake();
	ck_assert(!run_until(both_established, 3000));
	ck_assert_uint_eq(msync_session_counters(A)->sessions_up, 0);
	ck_assert_uint_eq(msync_session_counters(A)->rx_msgs, 0);
}
END_TEST

/* GTSM on one side: packets of the other (TTL 64) never reach it. */
START_TEST(test_tcp_gtsm_one_side)
{
	tp_a.gtsm = true;
	remake();
	ck_assert(!run_until(both_established, 3000));
	ck_assert_uint_eq(msync_session_counters(A)->sessions_up, 0);
	tp_b.gtsm = true;
	remake();
	ck_assert(run_until(both_established, 5000));
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
	TU_ADD(tc, test_tcp_auth_md5_gtsm);
	TU_ADD(tc, test_tcp_gtsm_one_side);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
