// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync session state machine between two real sessions on the fake
 * network: establishment, both-connect, Hello refusal, hold timer, flaps,
 * restarts (also in the middle of a resync), restored entries, digest
 * repair, back-pressure, roles and timers.
 */
#include <zebra.h>

#include <check.h>

#include "tests/unit/test_util.h"

static struct tu_twins T;

static void setup(void)
{
	tu_twins_new(&T, 1);
}

static void teardown(void)
{
	tu_twins_free(&T);
}

static void up(void)
{
	ck_assert_msg(fake_net_run_until(T.net, 10000, tu_both_settled, &T),
		      "not settled: A %s (%s), B %s (%s)",
		      msync_state_name(msync_session_state(T.a)), msync_session_last_reason(T.a),
		      msync_state_name(msync_session_state(T.b)), msync_session_last_reason(T.b));
}

static void check_replicas(void)
{
	char why[256];

	ck_assert_msg(tu_replica_equal(T.a, T.b, why, sizeof(why)), "A -> B: %s", why);
	ck_assert_msg(tu_replica_equal(T.b, T.a, why, sizeof(why)), "B -> A: %s", why);
}

static void add(struct msync_session *s, uint32_t bid, const char *ifn, const char *g,
		const char *src, uint32_t timer)
{
	struct msync_entry e;

	tu_entry(&e, bid, ifn, g, src, MSYNC_FILTER_EXCLUDE, bid == 10 ? 3 : 2, timer);
	ck_assert_int_eq(msync_local_update(s, &e), 0);
}

static void add_many(struct msync_session *s, int n, int base, uint32_t timer)
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
		e.origin_role = MSYNC_ROLE_MASTER;
		ck_assert_int_eq(msync_local_update(s, &e), 0);
	}
}

static bool peer_has(struct msync_session *s, uint32_t bid, const char *ifn, const char *g,
		     const char *src)
{
	struct msync_key k;

	tu_key(&k, bid, ifn, g, src);
	return msync_peer_find(s, &k) != NULL;
}

/* ------------------------------------------------------------------ */

START_TEST(test_establish)
{
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 60000);
	add(T.a, 11, "eth1", "ff0e::1", "2001:db8::1", 0);
	add(T.b, 10, "eth0", "239.2.2.2", "10.9.9.9", 30000);
	up();
	ck_assert_int_eq(T.ra.entered[MSYNC_ST_HELLO] >= 1, 1);
	ck_assert_uint_eq(T.ra.entered[MSYNC_ST_RESYNC], 1);
	ck_assert_uint_eq(T.ra.entered[MSYNC_ST_ESTABLISHED], 1);
	ck_assert_int_eq(T.ra.resync_done, 1);
	ck_assert_int_eq(T.rb.resync_done, 1);
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, 1);
	ck_assert_uint_eq(msync_peer_count(T.b), 2);
	ck_assert_uint_eq(msync_peer_count(T.a), 1);
	ck_assert(peer_has(T.b, 11, "eth1", "ff0e::1", "2001:db8::1"));
	ck_assert(peer_has(T.a, 10, "eth0", "239.2.2.2", "10.9.9.9"));
	ck_assert_int_gt(msync_session_up_since(T.a), 0);
	/* every time the library gives is on its io's clock */
	ck_assert_int_eq(msync_now_ms(T.a), fake_net_now(T.net));
	ck_assert_int_le(msync_session_up_since(T.a), msync_now_ms(T.a));
	ck_assert(!msync_session_resync_pending(T.a));
	check_replicas();
}
END_TEST

/* Both connect at the same instant: each side ends with one connection,
 * the same one: opened by the higher address (10.0.0.2 = B). */
START_TEST(test_both_connect)
{
	/* SYNs cross on the wire: both connect before either accepts */
	fake_net_set_connect_delay(T.net, 5);
	up();
	ck_assert_ptr_nonnull(T.a->active);
	ck_assert(!T.a->active->outbound);
	ck_assert(T.b->active->outbound);
	ck_assert_uint_eq(fake_io_conn_count(T.ioa), 1);
	ck_assert_uint_eq(fake_io_conn_count(T.iob), 1);
	/* it really was a collision, resolved on both sides */
	ck_assert(T.a->link_serial >= 2);
	ck_assert(T.b->link_serial >= 2);
	/* and it stays that way */
	fake_net_run(T.net, 20000);
	ck_assert(tu_both_settled(&T));
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, 1);
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_down, 0);
}
END_TEST

/* The rule does not depend on who wins the race: swap the addresses. */
START_TEST(test_both_connect_mirror)
{
	tu_twins_free(&T);
	tu_init();
	memset(&T, 0, sizeof(T));
	T.net = fake_net_new(99);
	T.ioa = fake_io_new(T.net, "10.0.0.9");
	T.iob = fake_io_new(T.net, "10.0.0.2");
	tu_cfg(&T.ca, "rbs1", "10.0.0.2", NULL, TU_PORT);
	tu_cfg(&T.cb, "rbs1", "10.0.0.9", NULL, TU_PORT);
	{
		struct msync_callbacks cb;

		tu_callbacks(&T.ra, &cb);
		T.a = msync_session_new(T.ioa, &T.ca, &cb);
		tu_callbacks(&T.rb, &cb);
		T.b = msync_session_new(T.iob, &T.cb, &cb);
	}
	msync_session_set_offers(T.a, tu_offers, 2);
	msync_session_set_offers(T.b, tu_offers, 2);
	fake_net_set_connect_delay(T.net, 5);
	up();
	ck_assert(T.a->link_serial >= 2);
	ck_assert(T.a->active->outbound);
	ck_assert(!T.b->active->outbound);
	ck_assert_uint_eq(fake_io_conn_count(T.ioa), 1);
}
END_TEST

START_TEST(test_incremental)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	struct msync_entry e;
	struct msync_key k;
	uint64_t n;

	up();
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 60000);
	fake_net_run(T.net, 10);
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert_int_eq(T.rb.updates, 1);

	/* same content, same expiry: not sent, also given as the remaining
	 * time later on */
	n = ca->tx_updates;
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 59990);
	fake_net_run(T.net, 1000);
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 58990);
	fake_net_run(T.net, 10);
	ck_assert_uint_eq(ca->tx_updates, n);
	ck_assert_int_eq(T.rb.updates, 1);

	/* timer only: sent, refreshes the twin's expiry */
	fake_net_run(T.net, 5000);
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 60000);
	fake_net_run(T.net, 10);
	ck_assert_uint_eq(ca->tx_updates, n + 1);
	ck_assert_int_eq(T.rb.updates, 2);
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	ck_assert_int_eq(msync_peer_find(T.b, &k)->expires_ms, fake_net_now(T.net) - 10 + 60000);
	/* what the owner shows: time left, with the library's clock */
	ck_assert_int_eq(msync_peer_find(T.b, &k)->expires_ms - msync_now_ms(T.b), 60000 - 10);
	ck_assert_int_eq(msync_local_expiry(T.a, &k) - msync_now_ms(T.a), 60000 - 10);

	/* content change: filter */
	tu_entry(&e, 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_INCLUDE, 3, 60000);
	ck_assert_int_eq(msync_local_update(T.a, &e), 0);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(msync_peer_find(T.b, &k)->filter, MSYNC_FILTER_INCLUDE);

	/* delete */
	ck_assert_int_eq(msync_local_delete(T.a, &k), 0);
	ck_assert_int_eq(msync_local_delete(T.a, &k), -1);
	fake_net_run(T.net, 10);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_PEER], 1);

	/* flush of a backup-id */
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	add(T.a, 10, "eth1", "239.1.1.2", NULL, 0);
	add(T.a, 11, "eth1", "ff0e::2", NULL, 0);
	fake_net_run(T.net, 10);
	ck_assert_uint_eq(msync_peer_count(T.b), 3);
	msync_local_flush(T.a, 10);
	fake_net_run(T.net, 10);
	ck_assert_uint_eq(msync_peer_count(T.b), 1);
	ck_assert_uint_eq(msync_local_count(T.a), 1);
	check_replicas();
	ck_assert(T.a->active->tx_acked == T.a->active->tx_seq);
}
END_TEST

/* Many changes in one loop iteration travel in few frames. */
START_TEST(test_batching)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	uint64_t msgs;

	up();
	msgs = ca->tx_msgs;
	add_many(T.a, 1000, 0, 0);
	fake_net_run(T.net, 10);
	ck_assert_uint_eq(msync_peer_count(T.b), 1000);
	/* 1000 / MSYNC_BATCH updates, plus at most an ack or keepalive */
	ck_assert_uint_le(ca->tx_msgs - msgs, 1000 / MSYNC_BATCH + 3);
	check_replicas();
}
END_TEST

START_TEST(test_local_reject)
{
	struct msync_entry e;

	tu_entry(&e, 10, "eth0", "10.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 0);
	ck_assert_int_eq(msync_local_update(T.a, &e), -1);
	/* backup-id 11 is mld: an IPv4 entry does not belong there */
	tu_entry(&e, 11, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 0);
	ck_assert_int_eq(msync_local_update(T.a, &e), -1);
	tu_entry(&e, 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 5, 0);
	ck_assert_int_eq(msync_local_update(T.a, &e), -1);
	ck_assert_uint_eq(msync_local_count(T.a), 0);
	ck_assert(tu_log_has("not multicast"));
}
END_TEST

static void set_offers_b(uint32_t bid, enum msync_svc svc, size_t n)
{
	struct msync_offer o[2] = { tu_offers[0], tu_offers[1] };

	o[0].backup_id = bid;
	o[0].svc = svc;
	msync_session_set_offers(T.b, o, n);
}

START_TEST(test_refused_svc)
{
	const struct msync_counters *ca = msync_session_counters(T.a);

	set_offers_b(10, MSYNC_SVC_MLD, 2);
	fake_net_run(T.net, 1000);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(T.a),
			 "backup-id 10: service-type igmp here, mld on peer");
	ck_assert_str_eq(msync_session_last_reason(T.b),
			 "backup-id 10: service-type mld here, igmp on peer");
	ck_assert_uint_ge(ca->errors[MSYNC_ERR_HELLO_MISMATCH], 1);
	ck_assert(tu_log_has("service-type igmp here, mld on peer"));

	/* retried with backoff: a few more attempts, not hundreds */
	fake_net_run(T.net, 60000);
	ck_assert_uint_ge(ca->errors[MSYNC_ERR_HELLO_MISMATCH], 3);
	ck_assert_uint_le(ca->errors[MSYNC_ERR_HELLO_MISMATCH], 30);
	ck_assert_uint_eq(ca->sessions_up, 0);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);

	/* the operator fixes the twin: up at the next attempt */
	msync_session_set_offers(T.b, tu_offers, 2);
	ck_assert(fake_net_run_until(T.net, 130000, tu_both_settled, &T));
	ck_assert_str_eq(msync_session_last_reason(T.a),
			 "backup-id 10: service-type igmp here, mld on peer");
}
END_TEST

START_TEST(test_refused_missing)
{
	set_offers_b(10, MSYNC_SVC_IGMP, 1);
	fake_net_run(T.net, 1000);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(T.a), "backup-id 11 not configured on peer");
	ck_assert_str_eq(msync_session_last_reason(T.b), "backup-id 11 not configured here");
}
END_TEST

START_TEST(test_refused_name)
{
	struct msync_session_config c = T.cb;

	strcpy(c.name, "other");
	msync_session_reconfigure(T.b, &c);
	fake_net_run(T.net, 1000);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(T.a),
			 "service name \"other\" on peer, \"rbs1\" here");
}
END_TEST

/* Offers changed while up: a new Hello; agreement gives a resync for the
 * new profile, disagreement takes the session down. */
START_TEST(test_offers_change)
{
	struct msync_offer o[3] = { tu_offers[0],
				    tu_offers[1],
				    { .backup_id = 12, .svc = MSYNC_SVC_IGMP } };
	uint64_t rs;

	up();
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	fake_net_run(T.net, 10);
	rs = msync_session_counters(T.a)->resyncs_sent;
	msync_session_set_offers(T.a, o, 3);
	fake_net_run(T.net, 10);
	/* B does not offer 12 (yet) */
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(T.a), "backup-id 12 not configured on peer");
	msync_session_set_offers(T.b, o, 3);
	ck_assert(fake_net_run_until(T.net, 130000, tu_both_settled, &T));
	add(T.a, 12, "eth2", "239.12.0.1", NULL, 0);
	fake_net_run(T.net, 10);
	ck_assert(peer_has(T.b, 12, "eth2", "239.12.0.1", NULL));

	/* and back: down while the two disagree, up when they agree */
	rs = msync_session_counters(T.a)->sessions_up;
	msync_session_set_offers(T.a, tu_offers, 2);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_REFUSED);
	msync_session_set_offers(T.b, tu_offers, 2);
	ck_assert(fake_net_run_until(T.net, 130000, tu_both_settled, &T));
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, rs + 1);
	/* profile 12's entries stay in the table, unsent */
	ck_assert_uint_eq(msync_local_count(T.a), 2);
	ck_assert(!peer_has(T.b, 12, "eth2", "239.12.0.1", NULL));
}
END_TEST

/* Silence on the wire: both hold timers fire, entries stay and age, the
 * session comes back when the path heals; what changed in between is
 * swept (same incarnation: a flap). */
START_TEST(test_hold_and_flap)
{
	const struct msync_counters *cb = msync_session_counters(T.b);
	struct msync_key k;

	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 0);
	up();
	fake_net_cut(T.net, T.ioa, T.iob, true);
	fake_net_run(T.net, 2900);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	fake_net_run(T.net, 200);
	ck_assert_int_ne(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(cb->errors[MSYNC_ERR_HOLD_EXPIRED], 1);
	ck_assert_uint_eq(cb->sessions_down, 1);
	ck_assert(tu_log_has("hold timer expired"));
	ck_assert_str_eq(msync_session_last_reason(T.b),
			 "hold timer expired (3000 ms without a frame)");
	/* kept while down */
	ck_assert_uint_eq(msync_peer_count(T.b), 2);

	/* changes while apart */
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	msync_local_delete(T.a, &k);
	add(T.a, 10, "eth0", "239.1.1.3", NULL, 0);
	fake_net_run(T.net, 5000);
	ck_assert_uint_eq(msync_peer_count(T.b), 2);

	fake_net_cut(T.net, T.ioa, T.iob, false);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.3", NULL));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_RESYNC], 1);
	ck_assert_uint_eq(cb->sessions_up, 2);
	check_replicas();
}
END_TEST

/* A busy daemon serves its sockets late (a pimd task that runs for
 * seconds): its hold timer runs first, finds the twin's frames waiting
 * in the socket and keeps the session; silence on the wire still ends it.
 */
START_TEST(test_hold_busy_reader)
{
	const struct msync_counters *cb = msync_session_counters(T.b);

	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	up();
	fake_io_set_reads_late(T.iob, true);
	fake_net_run(T.net, 5000);
	fake_io_set_reads_late(T.iob, false);
	fake_net_run(T.net, 100);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(cb->errors[MSYNC_ERR_HOLD_EXPIRED], 0);
	ck_assert_uint_eq(cb->sessions_down, 0);

	/* the same busy daemon with nothing waiting: the twin is gone */
	fake_io_set_reads_late(T.iob, true);
	fake_net_cut(T.net, T.ioa, T.iob, true);
	fake_net_run(T.net, 3200);
	ck_assert_uint_eq(cb->errors[MSYNC_ERR_HOLD_EXPIRED], 1);
	fake_io_set_reads_late(T.iob, false);
	fake_net_cut(T.net, T.ioa, T.iob, false);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	check_replicas();
}
END_TEST

struct walk_part {
	struct msync_key keys[16];
	int n, stop_after;
};

static int walk_part_cb(const struct msync_entry *e, void *arg)
{
	struct walk_part *w = arg;

	w->keys[w->n++] = e->key;
	return w->n == w->stop_after;
}

/* A walk stopped early resumes after its last key: every entry once, in
 * key order, whatever is added or deleted behind the cursor meanwhile. */
START_TEST(test_local_walk_resumed)
{
	struct walk_part w = { .stop_after = 4 };
	int i;

	add_many(T.a, 10, 0, 0);
	ck_assert_int_eq(msync_local_walk_from(T.a, NULL, walk_part_cb, &w), 1);
	ck_assert_int_eq(w.n, 4);
	/* behind the cursor: not seen again */
	ck_assert_int_eq(msync_local_delete(T.a, &w.keys[1]), 0);
	w.stop_after = 0;
	ck_assert_int_eq(msync_local_walk_from(T.a, &w.keys[3], walk_part_cb, &w), 0);
	ck_assert_int_eq(w.n, 10);
	for (i = 1; i < w.n; i++)
		ck_assert_int_lt(msync_key_cmp(&w.keys[i - 1], &w.keys[i]), 0);
	/* after the last key: nothing */
	w.n = 0;
	ck_assert_int_eq(msync_local_walk_from(T.a, &w.keys[9], walk_part_cb, &w), 0);
	ck_assert_int_eq(w.n, 0);
}
END_TEST

/* Connection reset: both see it at once, reconnect, sweep. */
START_TEST(test_reset_flap)
{
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	up();
	fake_io_reset_conns(T.ioa);
	fake_net_run(T.net, 1);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(msync_peer_count(T.b), 1);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert_uint_eq(msync_session_counters(T.b)->sessions_up, 2);
	ck_assert_int_eq(T.rb.deletes, 0);

	msync_session_reset(T.b, "operator clear");
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert_uint_eq(msync_session_counters(T.b)->sessions_up, 3);
	check_replicas();
}
END_TEST

/* Timers: a peer entry expires unless refreshed, also while down. */
START_TEST(test_expiry)
{
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 5000);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 5000);
	add(T.a, 10, "eth0", "239.1.1.3", NULL, 0);
	up();
	fake_net_run(T.net, 3000);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 5000); /* refresh */
	fake_net_run(T.net, 2500);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.2", NULL));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 1);

	/* the twin dies: its entry keeps ageing here */
	fake_io_set_down(T.ioa, true);
	msync_session_free(&T.a);
	fake_net_run(T.net, 2000);
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.2", NULL));
	fake_net_run(T.net, 1000);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.2", NULL));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 2);
	/* no timer: stays */
	fake_net_run(T.net, 100000);
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.3", NULL));
	ck_assert_int_ne(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(msync_session_counters(T.b)->errors[MSYNC_ERR_HOLD_EXPIRED], 1);
}
END_TEST

/* A restarts (new incarnation, empty table).  B keeps A's old entries
 * with a timer (not swept: they age) and gives them back to A flagged
 * restored; an old entry without a timer would never age: it is swept at
 * the end of A's first resync.  A's new table replicates normally, and
 * the digests (restored entries included) agree. */
START_TEST(test_restart_restore)
{
	struct msync_key k;
	const struct msync_entry *e;

	add(T.a, 10, "eth0", "239.1.1.1", NULL, 60000);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 60000);
	add(T.a, 11, "eth1", "ff0e::1", NULL, 0);
	add(T.b, 10, "eth0", "239.1.1.2", NULL, 60000); /* both know it */
	add(T.b, 10, "eth0", "239.2.2.2", NULL, 60000);
	up();
	fake_io_set_down(T.ioa, true);
	tu_twins_restart(&T, true);
	fake_io_set_down(T.ioa, false);
	add(T.a, 10, "eth0", "239.3.3.3", NULL, 60000);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));

	/* B: new life replicated, old life kept (not swept) but for the
	 * entry that would never have expired */
	ck_assert(peer_has(T.b, 10, "eth0", "239.3.3.3", NULL));
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(!peer_has(T.b, 11, "eth1", "ff0e::1", NULL));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_RESYNC], 1);
	ck_assert(tu_log_has("restarted"));

	/* A: recovered its old entries from B, flagged restored; B's own
	 * entries are B's, not restored */
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	e = msync_peer_find(T.a, &k);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->restored);
	ck_assert_int_le(e->expires_ms, fake_net_now(T.net) + 60000);
	tu_key(&k, 11, "eth1", "ff0e::1", NULL);
	ck_assert_ptr_null(msync_peer_find(T.a, &k));
	tu_key(&k, 10, "eth0", "239.1.1.2", NULL);
	e = msync_peer_find(T.a, &k);
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->restored);
	ck_assert_uint_eq(msync_peer_count(T.a), 3);
	check_replicas();

	/* B's digest covers what it restores, A's covers the restored
	 * entries it holds: they agree, no resync loop */
	fake_net_run(T.net, 25000);
	ck_assert_uint_eq(msync_session_counters(T.a)->digest_mismatches, 0);
	ck_assert_uint_eq(msync_session_counters(T.b)->digest_mismatches, 0);

	/* a flap now (same incarnation) sweeps nothing of the old life */
	fake_io_reset_conns(T.ioa);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(peer_has(T.a, 10, "eth0", "239.1.1.1", NULL));

	/* old timed entries age out on both sides */
	fake_net_run(T.net, 40000);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(!peer_has(T.a, 10, "eth0", "239.1.1.1", NULL));
	ck_assert_uint_eq(msync_session_counters(T.a)->digest_mismatches, 0);
}
END_TEST

/* B restarts while its resync to A is half way (and A's to B too): no
 * crash, no lost entry, A does not sweep B's old life, tables converge. */
START_TEST(test_restart_mid_resync)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	int i;

	/* B's old life with a timer: it ages at A, it is not swept */
	add_many(T.b, 20000, 0, 600000);
	add_many(T.a, 5000, 100000, 0);
	fake_net_set_cap(T.net, 2048);
	fake_net_set_max_read(T.net, 700);
	fake_net_set_rate(T.net, 1000);
	/* run until A holds part of B's table */
	for (i = 0; i < 100000 && msync_peer_count(T.a) < 3000; i++)
		fake_net_run(T.net, 1);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);
	ck_assert(msync_session_resync_pending(T.a));
	ck_assert_uint_lt(msync_peer_count(T.a), 20000);
	ck_assert_uint_gt(msync_peer_count(T.a), 0);

	/* B's process dies: the kernel resets its connections */
	fake_io_reset_conns(T.iob);
	tu_twins_restart(&T, false);
	add_many(T.b, 100, 50000, 0);
	ck_assert(fake_net_run_until(T.net, 120000, tu_both_settled, &T));
	check_replicas();
	/* A kept the part of B's old life it had (not swept) */
	ck_assert_uint_gt(msync_peer_count(T.a), 100);
	ck_assert_int_eq(T.ra.del_by[MSYNC_DEL_RESYNC], 0);
	/* B got its old entries back from A, restored */
	ck_assert_uint_eq(msync_peer_count(T.b), 5000 + msync_peer_count(T.a) - 100);
	ck_assert_uint_eq(ca->errors[MSYNC_ERR_DECODE], 0);
}
END_TEST

/* The twin's table drifts (simulated): the digest finds it, a resync
 * repairs it. */
START_TEST(test_digest_repair)
{
	const struct msync_counters *cb = msync_session_counters(T.b);
	struct msync_tentry *te;
	struct msync_key k;

	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 0);
	up();
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	te = msync_table_find(&T.b->peer, &k);
	ck_assert_ptr_nonnull(te);
	msync_table_del(&T.b->peer, te);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	/* one differing digest may be a timer race: no resync yet */
	fake_net_run(T.net, 10500);
	ck_assert_uint_eq(cb->digest_mismatches, 1);
	ck_assert_uint_eq(msync_session_counters(T.a)->resyncs_sent, 1);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	/* the second one asks for a resync, which repairs the table */
	fake_net_run(T.net, 10000);
	ck_assert_uint_eq(cb->digest_mismatches, 2);
	ck_assert_uint_eq(msync_session_counters(T.a)->resyncs_sent, 2);
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1", NULL));
	ck_assert(tu_log_has("digest mismatch on backup-id 10"));
	ck_assert(tu_log_has("requesting a resync"));
	/* converged: no more mismatches */
	fake_net_run(T.net, 30000);
	ck_assert_uint_eq(cb->digest_mismatches, 2);
	check_replicas();
}
END_TEST

/* Back-pressure: a slow reader and a big table.  The resync pauses at the
 * high watermark; a key changed many times meanwhile is sent few times,
 * in its last state. */
static size_t max_queued;

static bool settled_watch(void *arg)
{
	struct tu_twins *t = arg;

	if (t->a->active && t->a->active->wq.bytes > max_queued)
		max_queued = t->a->active->wq.bytes;
	return tu_both_settled(arg);
}

static int hot_updates;

static void count_hot(struct msync_session *s, const struct msync_entry *e, void *arg)
{
	struct msync_key k;

	tu_key(&k, 10, "aaa0", "239.9.9.9", NULL);
	if (!msync_key_cmp(&k, &e->key))
		hot_updates++;
}

START_TEST(test_backpressure)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	struct msync_entry e;
	int i;

	/* the hot key sorts first: the walk is past it at once */
	tu_entry(&e, 10, "aaa0", "239.9.9.9", NULL, MSYNC_FILTER_EXCLUDE, 3, 1000000);
	msync_local_update(T.a, &e);
	add_many(T.a, 30000, 0, 0);
	T.a->wq_high = 16384;
	T.a->wq_low = 4096;
	T.b->cb.peer_update = count_hot;
	fake_net_set_cap(T.net, 4096);
	fake_net_set_rate(T.net, 1000);
	tu_expiry_slack = 1000;
	max_queued = 0;
	for (i = 0; i < 5000 && (!T.a->active || T.a->active->wq.bytes < T.a->wq_high); i++)
		fake_net_run(T.net, 1);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);

	/* 200 changes, one per ms, while the resync is throttled */
	for (i = 0; i < 200; i++) {
		tu_entry(&e, 10, "aaa0", "239.9.9.9", NULL,
			 i % 2 ? MSYNC_FILTER_INCLUDE : MSYNC_FILTER_EXCLUDE, 3, 1000000 + i);
		ck_assert_int_eq(msync_local_update(T.a, &e), 0);
		fake_net_run(T.net, 1);
		settled_watch(&T);
	}
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);
	ck_assert(fake_net_run_until(T.net, 600000, settled_watch, &T));
	/* the walk paused at the high watermark */
	ck_assert_uint_ge(max_queued, 16384 - MSYNC_FRAME_MAX / 4);
	ck_assert_uint_le(max_queued, 16384 + MSYNC_FRAME_MAX);
	/* coalesced: sent once per drain, not once per change */
	ck_assert_int_ge(hot_updates, 3);
	ck_assert_int_le(hot_updates, 60);
	ck_assert_uint_lt(ca->tx_updates, 30001 + 60);
	ck_assert_int_eq(msync_local_find(T.a, &e.key)->filter, MSYNC_FILTER_INCLUDE);
	check_replicas();
}
END_TEST

START_TEST(test_roles)
{
	int base;

	up();
	/* the first report of each backup-id, at session up */
	base = T.rb.roles;
	msync_session_set_role(T.a, 10, MSYNC_ROLE_MASTER);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(msync_session_peer_role(T.b, 10), MSYNC_ROLE_MASTER);
	ck_assert_int_eq(T.rb.roles, base + 1);
	ck_assert_uint_eq(T.rb.last_role_bid, 10);
	msync_session_set_role(T.a, 10, MSYNC_ROLE_BACKUP);
	msync_session_set_role(T.a, 10, MSYNC_ROLE_BACKUP);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(T.rb.roles, base + 2);
	ck_assert_int_eq(msync_session_peer_role(T.b, 10), MSYNC_ROLE_BACKUP);
	/* down: the twin's role is unknown */
	fake_io_reset_conns(T.ioa);
	fake_net_run(T.net, 1);
	ck_assert_int_eq(msync_session_peer_role(T.b, 10), MSYNC_ROLE_UNKNOWN);
	ck_assert_int_eq(T.rb.last_role, MSYNC_ROLE_UNKNOWN);
	/* back up: sent again with the Hello agreement */
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert_int_eq(msync_session_peer_role(T.b, 10), MSYNC_ROLE_BACKUP);
	/* set before the session exists */
	msync_session_set_role(T.b, 11, MSYNC_ROLE_MASTER);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(msync_session_peer_role(T.a, 11), MSYNC_ROLE_MASTER);
}
END_TEST

static bool b_not_up(void *arg)
{
	return !msync_session_up(T.b);
}

/* Where a twin stands on forwarding reaches the other whole; a report
 * that asks is answered at once (doc/protocol.md 6.6) */
START_TEST(test_role_info)
{
	struct msync_role_info ri = { .role = MSYNC_ROLE_BACKUP,
				      .able = true,
				      .forwarding = true,
				      .released = false,
				      .synced = true,
				      .priority = 100 };
	struct msync_role_info got;
	uint64_t b_tx;
	int base, a_roles;

	up();
	ck_assert(msync_session_peer_role_info(T.b, 10, &got));
	ck_assert_int_eq(got.role, MSYNC_ROLE_UNKNOWN);
	ck_assert(!got.able && !got.forwarding && got.priority == 0);
	base = T.rb.roles;
	msync_session_set_role_info(T.a, 10, &ri);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(T.rb.roles, base + 1);
	ck_assert(msync_session_peer_role_info(T.b, 10, &got));
	ck_assert_int_eq(got.role, MSYNC_ROLE_BACKUP);
	ck_assert(got.able && got.forwarding && !got.released && got.synced);
	ck_assert_uint_eq(got.priority, 100);
	/* one field is a change */
	ri.released = true;
	msync_session_set_role_info(T.a, 10, &ri);
	msync_session_set_role_info(T.a, 10, &ri);
	fake_net_run(T.net, 10);
	ck_assert_int_eq(T.rb.roles, base + 2);
	ck_assert(msync_session_peer_role_info(T.b, 10, &got) && got.released);
	/* asked: the twin sends all its roles, unchanged or not (and
	 * nothing else within a few ms) */
	b_tx = msync_session_counters(T.b)->tx_msgs;
	a_roles = T.ra.roles;
	msync_session_ask_roles(T.a);
	fake_net_run(T.net, 5);
	ck_assert_uint_eq(msync_session_counters(T.b)->tx_msgs, b_tx + 1);
	/* the answer is told to the owner although nothing changed: the
	 * twin's word is current again */
	ck_assert_int_gt(T.ra.roles, a_roles);
	/* down: nothing known */
	fake_io_set_down(T.ioa, true);
	ck_assert(fake_net_run_until(T.net, 30000, b_not_up, NULL));
	ck_assert(!msync_session_peer_role_info(T.b, 10, &got));
	ck_assert(!got.released && got.priority == 0);
}
END_TEST

/* How the twin's end went: its process died (end of stream or reset
 * without a Bye), it stops (Bye, stopping), or it closed on purpose
 * (Bye) or went silent (hold) */
START_TEST(test_peer_gone)
{
	up();
	ck_assert_int_eq(msync_session_peer_gone(T.b), MSYNC_GONE_NO);
	/* the kernel closes a dead process's socket: no Bye */
	fake_io_reset_conns(T.ioa);
	fake_net_run(T.net, 1);
	ck_assert_int_eq(T.rb.last_gone, MSYNC_GONE_CLOSED);
	up();
	ck_assert_int_eq(msync_session_peer_gone(T.b), MSYNC_GONE_NO);
	/* a reset on purpose says Bye first */
	msync_session_reset(T.a, "operator");
	fake_net_run(T.net, 1);
	ck_assert_int_eq(T.rb.last_gone, MSYNC_GONE_NO);
	ck_assert_msg(strstr(T.rb.down_reason, "twin closed the connection: operator"), "%s",
		      T.rb.down_reason);
	up();
	/* silent: the hold timer */
	T.rb.last_gone = MSYNC_GONE_CLOSED;
	fake_io_set_down(T.ioa, true);
	ck_assert(fake_net_run_until(T.net, 30000, b_not_up, NULL));
	ck_assert_int_eq(T.rb.last_gone, MSYNC_GONE_NO);
	fake_io_set_down(T.ioa, false);
	up();
	/* the daemon stops: goodbye, then the session goes */
	msync_session_goodbye(T.a, "pimd stopping");
	msync_session_free(&T.a);
	fake_net_run(T.net, 1);
	ck_assert_int_eq(T.rb.last_gone, MSYNC_GONE_STOPPING);
	ck_assert_int_eq(msync_session_peer_gone(T.b), MSYNC_GONE_STOPPING);
	ck_assert_msg(strstr(T.rb.down_reason, "(its daemon stops): pimd stopping"), "%s",
		      T.rb.down_reason);
}
END_TEST

/* A dead twin's entries, forwarded by this router, are kept at least as
 * long as asked */
START_TEST(test_peer_extend)
{
	struct msync_key k;

	add(T.a, 10, "eth0", "239.1.1.1", NULL, 2000);
	add(T.a, 10, "eth0", "239.1.1.2", NULL, 60000);
	add(T.a, 11, "eth0", "ff0e::1", NULL, 2000);
	up();
	fake_io_set_down(T.ioa, true);
	msync_peer_extend(T.b, 10, 10000);
	fake_net_run(T.net, 5000);
	/* backup-id 10: both kept; 11 not extended: expired */
	ck_assert_uint_eq(msync_peer_count(T.b), 2);
	fake_net_run(T.net, 6000);
	ck_assert_uint_eq(msync_peer_count(T.b), 1);
	tu_key(&k, 10, "eth0", "239.1.1.2", NULL);
	ck_assert_ptr_nonnull(msync_peer_find(T.b, &k));
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 2);
}
END_TEST

START_TEST(test_peer_flush)
{
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	add(T.a, 11, "eth0", "ff0e::1", NULL, 0);
	up();
	msync_peer_flush(T.b, 10);
	ck_assert_uint_eq(msync_peer_count(T.b), 1);
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_CONFIG], 1);
}
END_TEST

START_TEST(test_reconfigure)
{
	struct msync_session_config c;

	up();
	/* timers only: no reset */
	c = T.ca;
	c.digest_ms = 5000;
	msync_session_reconfigure(T.a, &c);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	/* port: both move */
	T.ca.port = T.cb.port = 7001;
	msync_session_reconfigure(T.a, &T.ca);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	msync_session_reconfigure(T.b, &T.cb);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	/* no peer: idle */
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "rbs1");
	msync_session_reconfigure(T.a, &c);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_IDLE);
}
END_TEST

/* Configured timers (doc/protocol.md 5.3): what the session uses, the
 * hold time negotiated as the lower of both twins', keepalives within a
 * third of it on both sides, and expiry at that hold time. */
START_TEST(test_timers_negotiated)
{
	struct msync_timers ta, tb;
	uint64_t before;

	T.ca.keepalive_ms = 500;
	T.ca.hold_ms = 1500;
	tu_twins_restart(&T, true);
	add(T.a, 10, "eth0", "239.1.1.1", NULL, 0);
	up();
	msync_session_timers(T.a, &ta);
	msync_session_timers(T.b, &tb);
	ck_assert_uint_eq(ta.keepalive_ms, 500);
	ck_assert_uint_eq(ta.hold_ms, 1500);
	ck_assert_uint_eq(ta.digest_ms, 10000);
	ck_assert_uint_eq(tb.keepalive_ms, 1000);
	ck_assert_uint_eq(tb.hold_ms, 3000);
	ck_assert(ta.live && tb.live);
	/* each side heard the other's Hello */
	ck_assert_uint_eq(ta.peer_keepalive_ms, 1000);
	ck_assert_uint_eq(ta.peer_hold_ms, 3000);
	ck_assert_uint_eq(tb.peer_keepalive_ms, 500);
	ck_assert_uint_eq(tb.peer_hold_ms, 1500);
	/* both use the lower hold, and keep alive within a third of it */
	ck_assert_uint_eq(ta.conn_hold_ms, 1500);
	ck_assert_uint_eq(tb.conn_hold_ms, 1500);
	ck_assert_uint_eq(ta.conn_keepalive_ms, 500);
	ck_assert_uint_eq(tb.conn_keepalive_ms, 500);

	/* idle for a while: B's keepalives keep A's shorter hold happy */
	before = msync_session_counters(T.b)->tx_msgs;
	fake_net_run(T.net, 20000);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, 1);
	/* at least one frame per 500 ms (the default would be 1000 ms) */
	ck_assert_uint_ge(msync_session_counters(T.b)->tx_msgs - before, 20000 / 500 - 1);

	/* silence: both expire at the negotiated hold, not B's 3000 ms */
	fake_net_cut(T.net, T.ioa, T.iob, true);
	fake_net_run(T.net, 1400);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	fake_net_run(T.net, 200);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_int_ne(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_str_eq(msync_session_last_reason(T.b),
			 "hold timer expired (1500 ms without a frame)");
	msync_session_timers(T.b, &tb);
	ck_assert(!tb.live);
	ck_assert_uint_eq(tb.conn_hold_ms, 0);
	ck_assert_uint_eq(tb.hold_ms, 3000);
	fake_net_cut(T.net, T.ioa, T.iob, false);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	check_replicas();
}
END_TEST

/* A twin's Hello hold below the floor is not taken; a configuration
 * below the floors is raised to them. */
START_TEST(test_timers_floor)
{
	struct msync_timers ta, tb;

	T.ca.keepalive_ms = 10;
	T.ca.hold_ms = 30;
	tu_twins_restart(&T, true);
	up();
	msync_session_timers(T.a, &ta);
	msync_session_timers(T.b, &tb);
	ck_assert_uint_eq(ta.keepalive_ms, MSYNC_KEEPALIVE_MIN);
	ck_assert_uint_eq(ta.hold_ms, MSYNC_HOLD_MIN);
	/* A said the floor in its Hello: that is what both use */
	ck_assert_uint_eq(tb.peer_hold_ms, MSYNC_HOLD_MIN);
	ck_assert_uint_eq(tb.conn_hold_ms, MSYNC_HOLD_MIN);
	ck_assert_uint_eq(ta.conn_hold_ms, MSYNC_HOLD_MIN);
	ck_assert_uint_eq(tb.conn_keepalive_ms, MSYNC_HOLD_MIN / 3);
	fake_net_run(T.net, 5000);
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, 1);
	ck_assert_uint_eq(msync_session_counters(T.b)->sessions_up, 1);
}
END_TEST

/* Timers changed on a live connection: no reset; keepalive and digest
 * apply at once, the hold time from the next connection. */
START_TEST(test_timers_reconfigure)
{
	struct msync_session_config c;
	struct msync_timers ta, tb;
	uint64_t before;

	up();
	c = T.ca;
	c.keepalive_ms = 200;
	c.hold_ms = 600;
	c.digest_ms = 2000;
	msync_session_reconfigure(T.a, &c);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	msync_session_timers(T.a, &ta);
	ck_assert_uint_eq(ta.keepalive_ms, 200);
	ck_assert_uint_eq(ta.hold_ms, 600);
	ck_assert_uint_eq(ta.digest_ms, 2000);
	/* the live connection keeps the hold agreed in its Hello */
	ck_assert_uint_eq(ta.conn_hold_ms, 3000);
	ck_assert_uint_eq(ta.conn_keepalive_ms, 200);
	/* A keeps alive every 200 ms from now on */
	before = msync_session_counters(T.a)->tx_msgs;
	fake_net_run(T.net, 4000);
	ck_assert_uint_ge(msync_session_counters(T.a)->tx_msgs - before, 4000 / 200 - 1);
	ck_assert_uint_eq(msync_session_counters(T.a)->sessions_up, 1);

	/* a keepalive above a third of the live hold is not used on it */
	c.keepalive_ms = 5000;
	c.hold_ms = 15000;
	msync_session_reconfigure(T.a, &c);
	msync_session_timers(T.a, &ta);
	ck_assert_uint_eq(ta.conn_keepalive_ms, 1000);
	fake_net_run(T.net, 20000);
	ck_assert_uint_eq(msync_session_counters(T.b)->sessions_down, 0);

	/* the next connection negotiates A's new hold with B's 3000 */
	c.keepalive_ms = 200;
	c.hold_ms = 600;
	msync_session_reconfigure(T.a, &c);
	msync_session_reset(T.a, "operator clear");
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	msync_session_timers(T.a, &ta);
	msync_session_timers(T.b, &tb);
	ck_assert_uint_eq(ta.conn_hold_ms, 600);
	ck_assert_uint_eq(tb.conn_hold_ms, 600);
	ck_assert_uint_eq(tb.conn_keepalive_ms, 200);
	ck_assert_uint_eq(tb.peer_keepalive_ms, 200);
	/* back to the defaults: the next connection uses 3000 again */
	msync_session_reconfigure(T.a, &T.ca);
	msync_session_reset(T.a, "operator clear");
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	msync_session_timers(T.a, &ta);
	ck_assert_uint_eq(ta.conn_hold_ms, 3000);
	ck_assert_uint_eq(ta.keepalive_ms, 1000);
	ck_assert_uint_eq(ta.digest_ms, 10000);
}
END_TEST

START_TEST(test_ipv6_transport)
{
	tu_twins_free(&T);
	tu_init();
	memset(&T, 0, sizeof(T));
	T.net = fake_net_new(5);
	T.ioa = fake_io_new(T.net, "fd00::1");
	T.iob = fake_io_new(T.net, "fd00::2");
	tu_cfg(&T.ca, "rbs6", "fd00::2", "fd00::1", TU_PORT);
	tu_cfg(&T.cb, "rbs6", "fd00::1", "fd00::2", TU_PORT);
	{
		struct msync_callbacks cb;

		tu_callbacks(&T.ra, &cb);
		T.a = msync_session_new(T.ioa, &T.ca, &cb);
		tu_callbacks(&T.rb, &cb);
		T.b = msync_session_new(T.iob, &T.cb, &cb);
	}
	msync_session_set_offers(T.a, tu_offers, 2);
	msync_session_set_offers(T.b, tu_offers, 2);
	add(T.a, 11, "eth0", "ff0e::1", NULL, 0);
	up();
	ck_assert(peer_has(T.b, 11, "eth0", "ff0e::1", NULL));
}
END_TEST

/* A third router connecting is turned away; a router whose peer address
 * is its own ends up talking to itself and refuses. */
START_TEST(test_stranger_and_self)
{
	struct msync_io *ioc = fake_io_new(T.net, "10.0.0.3");
	struct msync_conn *c;
	struct msync_session *self;
	struct msync_session_config cfg;

	up();
	c = fake_raw_connect(ioc, "10.0.0.1", TU_PORT);
	fake_net_run(T.net, 10);
	ck_assert(fake_raw_eof(c));
	ck_assert(tu_log_has("not a configured peer"));
	fake_raw_close(c);
	fake_io_free(&ioc);

	ioc = fake_io_new(T.net, "10.0.0.4");
	tu_cfg(&cfg, "rbs1", "10.0.0.4", NULL, TU_PORT);
	self = msync_session_new(ioc, &cfg, NULL);
	fake_net_run(T.net, 1000);
	ck_assert_int_eq(msync_session_state(self), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(self),
			 "connected to itself (peer address is local)");
	msync_session_free(&self);
	fake_io_free(&ioc);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the bound of the peer table (doc/protocol.md 6.5) */

static void set_limit(struct msync_session *s, uint32_t max10)
{
	struct msync_offer o[2];

	memcpy(o, tu_offers, sizeof(o));
	o[0].max_entries = max10;
	msync_session_set_offers(s, o, 2);
}

static struct msync_peer_limit limit_of(struct msync_session *s, uint32_t bid)
{
	struct msync_peer_limit pl;

	ck_assert_int_eq(msync_peer_limit(s, bid, &pl), 0);
	return pl;
}

static bool peer_has_nth(struct msync_session *s, int base, int i)
{
	struct msync_key k;

	memset(&k, 0, sizeof(k));
	k.backup_id = 10;
	strcpy(k.ifname, "eth0");
	k.family = AF_INET;
	k.group.v4.s_addr = htonl(0xe8000000 | (base + i));
	return msync_peer_find(s, &k) != NULL;
}

static void del_nth(struct msync_session *s, int base, int i)
{
	struct msync_key k;

	memset(&k, 0, sizeof(k));
	k.backup_id = 10;
	strcpy(k.ifname, "eth0");
	k.family = AF_INET;
	k.group.v4.s_addr = htonl(0xe8000000 | (base + i));
	ck_assert_int_eq(msync_local_delete(s, &k), 0);
}

static int refresh_one(const struct msync_entry *e, void *arg)
{
	struct msync_entry n = *e;

	ck_assert_int_eq(msync_local_update(arg, &n), 0);
	return 0;
}

/* Runs ms, A's owner refreshing every entry of its local table every 7 s
 * (as IGMP reports would; not in step with the digest's 10 s, which is
 * only sent when no change is waiting) */
static void run_refreshing(uint32_t ms)
{
	for (uint32_t t = 0; t < ms; t += 7000) {
		msync_local_walk(T.a, refresh_one, T.a);
		fake_net_run(T.net, MIN(7000, ms - t));
	}
}

/* The twin publishes 10 entries, B holds at most 5: the first 5 keys of
 * the resync are held, the rest dropped and counted; updates of held
 * keys keep applying; the digest differs for good but asks for nothing
 * (no resync storm) until there is room: then one resync brings entries
 * back, up to the bound; a raised bound brings all of them back. */
START_TEST(test_peer_limit)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	const struct msync_counters *cb = msync_session_counters(T.b);
	struct msync_peer_limit pl;
	int i;

	/* the default bound, and the accessor's view of an unknown id */
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.max_entries, MSYNC_PEER_ENTRIES_DEFAULT);
	ck_assert_int_eq(msync_peer_limit(T.b, 99, &pl), -1);

	set_limit(T.b, 5);
	add_many(T.a, 10, 1, 60000);
	add(T.a, 11, "eth0", "ff0e::1", NULL, 0);
	up();
	ck_assert_uint_eq(msync_peer_count(T.b), 6);
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.max_entries, 5);
	ck_assert_uint_eq(pl.held, 5);
	ck_assert_uint_eq(pl.dropped, 5);
	ck_assert(pl.full);
	ck_assert_uint_eq(cb->peer_limit_drops, 5);
	/* the owner never heard of the dropped ones */
	ck_assert_int_eq(T.rb.updates, 6);
	for (i = 0; i < 5; i++)
		ck_assert(peer_has_nth(T.b, 1, i));
	for (i = 5; i < 10; i++)
		ck_assert(!peer_has_nth(T.b, 1, i));
	/* the other backup-id is not bounded by it */
	ck_assert(peer_has(T.b, 11, "eth0", "ff0e::1", NULL));
	ck_assert(!limit_of(T.b, 11).full);
	ck_assert(tu_log_has("backup-id 10: peer table full (5 entries, max-entries 5)"));

	/* 20 digest intervals, A refreshing its entries every 5 s: the held
	 * ones stay (their updates apply), the others are dropped every
	 * time, counted, logged once per 10 s window; no resync request */
	tu_log_clear();
	msync_debug = MSYNC_DEBUG_SESSION;
	run_refreshing(200000);
	msync_debug = 0;
	/* the digests came, and differed */
	ck_assert_uint_ge(tu_log_count("digest differs, peer table full"), 15);
	ck_assert_uint_eq(ca->resyncs_sent, 1);
	ck_assert_uint_eq(cb->resyncs_received, 1);
	ck_assert_uint_eq(cb->resync_requests_sent, 0);
	ck_assert_uint_eq(cb->digest_mismatches, 0);
	ck_assert_uint_eq(msync_peer_count(T.b), 6);
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 0);
	pl = limit_of(T.b, 10);
	ck_assert_uint_ge(pl.dropped, 5 + 28 * 5);
	ck_assert_uint_le(tu_log_count("max-entries 5): the twin"), 21);
	ck_assert_uint_ge(tu_log_count("max-entries 5): the twin"), 10);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);

	/* room: A leaves two of the held entries; B asks once and holds 5
	 * again, now with two of those dropped before */
	del_nth(T.a, 1, 0);
	del_nth(T.a, 1, 1);
	fake_net_run(T.net, 100);
	ck_assert_uint_eq(limit_of(T.b, 10).held, 3);
	/* (no refresh meanwhile: a refresh of a dropped key is an update of
	 * a new key and takes the room by itself) */
	fake_net_run(T.net, 25000);
	ck_assert_uint_eq(cb->resync_requests_sent, 1);
	ck_assert_uint_eq(ca->resyncs_sent, 2);
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.held, 5);
	ck_assert(pl.full);
	for (i = 2; i < 7; i++)
		ck_assert(peer_has_nth(T.b, 1, i));
	ck_assert(!peer_has_nth(T.b, 1, 7));
	ck_assert(tu_log_has("has room again"));
	/* and quiet again: the table is full */
	run_refreshing(100000);
	ck_assert_uint_eq(cb->resync_requests_sent, 1);
	ck_assert_uint_eq(ca->resyncs_sent, 2);

	/* a higher bound, without a reset: one resync, everything held, the
	 * digests agree, the full state is gone */
	set_limit(T.b, 100);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	fake_net_run(T.net, 25000);
	ck_assert_uint_eq(cb->resync_requests_sent, 2);
	ck_assert_uint_eq(ca->resyncs_sent, 3);
	ck_assert_uint_eq(cb->sessions_down, 0);
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.held, 8);
	ck_assert_uint_eq(pl.max_entries, 100);
	run_refreshing(30000);
	ck_assert(!limit_of(T.b, 10).full);
	ck_assert_uint_eq(cb->resync_requests_sent, 2);
	check_replicas();
}
END_TEST

/* A lower bound applies at once: the twin's entries beyond it go (the
 * last keys, peer_delete MSYNC_DEL_LIMIT), counted; nothing is asked of
 * the twin while the table is full; a flap's resync does not refill it. */
START_TEST(test_peer_limit_lowered)
{
	const struct msync_counters *ca = msync_session_counters(T.a);
	const struct msync_counters *cb = msync_session_counters(T.b);
	struct msync_peer_limit pl;
	int i;

	add_many(T.a, 10, 1, 0);
	up();
	ck_assert_uint_eq(msync_peer_count(T.b), 10);
	set_limit(T.b, 4);
	ck_assert_int_eq(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(msync_peer_count(T.b), 4);
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_LIMIT], 6);
	for (i = 0; i < 4; i++)
		ck_assert(peer_has_nth(T.b, 1, i));
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.dropped, 6);
	ck_assert(pl.full);
	/* offers unchanged for the twin: no new resync either way */
	fake_net_run(T.net, 60000);
	ck_assert_uint_eq(ca->resyncs_sent, 1);
	ck_assert_uint_eq(cb->resync_requests_sent, 0);
	/* a flap: the resync holds the same 4 and drops the rest */
	fake_io_reset_conns(T.ioa);
	fake_net_run(T.net, 1);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert(fake_net_run_until(T.net, 30000, tu_both_settled, &T));
	ck_assert_uint_eq(msync_peer_count(T.b), 4);
	pl = limit_of(T.b, 10);
	ck_assert_uint_eq(pl.dropped, 12);
	ck_assert(pl.full);
	fake_net_run(T.net, 60000);
	ck_assert_uint_eq(cb->resync_requests_sent, 0);
	ck_assert_uint_eq(ca->resyncs_sent, 2);
	ck_assert_int_eq(T.rb.updates, 10 + 4);
}
END_TEST

/* Room by expiry: while the channel is down the twin leaves the groups B
 * holds (its Deletes are lost) and they age out here; the reconnect's
 * resync brings what B dropped before, and nothing is asked afterwards. */
START_TEST(test_peer_limit_expiry)
{
	const struct msync_counters *cb = msync_session_counters(T.b);
	int i;

	set_limit(T.b, 3);
	add_many(T.a, 3, 1, 20000);
	add_many(T.a, 3, 100, 0);
	up();
	ck_assert_uint_eq(limit_of(T.b, 10).held, 3);
	ck_assert(limit_of(T.b, 10).full);
	for (i = 0; i < 3; i++)
		ck_assert(peer_has_nth(T.b, 1, i));
	fake_net_cut(T.net, T.ioa, T.iob, true);
	for (i = 0; i < 3; i++)
		del_nth(T.a, 1, i);
	fake_net_run(T.net, 25000);
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 3);
	ck_assert_uint_eq(limit_of(T.b, 10).held, 0);
	fake_net_cut(T.net, T.ioa, T.iob, false);
	ck_assert(fake_net_run_until(T.net, 60000, tu_both_settled, &T));
	for (i = 0; i < 3; i++)
		ck_assert(peer_has_nth(T.b, 100, i));
	fake_net_run(T.net, 30000);
	ck_assert(!limit_of(T.b, 10).full);
	ck_assert_uint_eq(cb->resync_requests_sent, 0);
	check_replicas();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_session");
	TCase *tc = tcase_create("session");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	TU_ADD(tc, test_establish);
	TU_ADD(tc, test_both_connect);
	TU_ADD(tc, test_both_connect_mirror);
	TU_ADD(tc, test_incremental);
	TU_ADD(tc, test_batching);
	TU_ADD(tc, test_local_reject);
	TU_ADD(tc, test_refused_svc);
	TU_ADD(tc, test_refused_missing);
	TU_ADD(tc, test_refused_name);
	TU_ADD(tc, test_offers_change);
	TU_ADD(tc, test_hold_and_flap);
	TU_ADD(tc, test_hold_busy_reader);
	TU_ADD(tc, test_reset_flap);
	TU_ADD(tc, test_expiry);
	TU_ADD(tc, test_restart_restore);
	TU_ADD(tc, test_restart_mid_resync);
	TU_ADD(tc, test_digest_repair);
	TU_ADD(tc, test_backpressure);
	TU_ADD(tc, test_roles);
	TU_ADD(tc, test_role_info);
	TU_ADD(tc, test_peer_gone);
	TU_ADD(tc, test_peer_extend);
	TU_ADD(tc, test_peer_flush);
	TU_ADD(tc, test_local_walk_resumed);
	TU_ADD(tc, test_reconfigure);
	TU_ADD(tc, test_timers_negotiated);
	TU_ADD(tc, test_timers_floor);
	TU_ADD(tc, test_timers_reconfigure);
	TU_ADD(tc, test_ipv6_transport);
	TU_ADD(tc, test_stranger_and_self);
	TU_ADD(tc, test_peer_limit);
	TU_ADD(tc, test_peer_limit_lowered);
	TU_ADD(tc, test_peer_limit_expiry);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
