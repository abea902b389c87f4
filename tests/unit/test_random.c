// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync randomised convergence: thousands of random operation sequences
 * on both twins (updates, deletes, flushes, timers), random network
 * conditions (small buffers, partial reads, slow links) and session
 * drops, resets and restarts in between.  After each sequence the twins
 * must converge: each one's replica equals the other's table.
 *
 *   MSYNC_TEST_SEED=n   replay a seed (printed at start)
 *   MSYNC_TEST_ITER=n   number of sequences (default 2000)
 */
#include <zebra.h>

#include <check.h>

#include "tests/unit/test_util.h"

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t rn(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void rand_key(struct msync_key *k)
{
	char ifn[8], g[48], s[48];
	uint32_t bid = 10 + rn(2);
	uint32_t src = rn(4);

	snprintf(ifn, sizeof(ifn), "eth%u", rn(3));
	if (bid == 10) {
		snprintf(g, sizeof(g), "239.0.0.%u", 1 + rn(20));
		snprintf(s, sizeof(s), "10.0.0.%u", src);
	} else {
		snprintf(g, sizeof(g), "ff0e::%x", 1 + rn(20));
		snprintf(s, sizeof(s), "2001:db8::%x", src);
	}
	tu_key(k, bid, ifn, g, src ? s : NULL);
}

static void rand_update(struct msync_session *s)
{
	struct msync_entry e;
	uint32_t t = rn(10);

	memset(&e, 0, sizeof(e));
	rand_key(&e.key);
	e.filter = rn(2) ? MSYNC_FILTER_INCLUDE : MSYNC_FILTER_EXCLUDE;
	e.version = 1 + rn(e.key.family == AF_INET ? 3 : 2);
	e.timer_ms = t < 3 ? 0 : 1000 + rn(t < 6 ? 20000 : 600000);
	e.origin_role = rn(3);
	ck_assert_int_eq(msync_local_update(s, &e), 0);
}

static void rand_delete(struct msync_session *s)
{
	struct msync_key k;

	rand_key(&k);
	msync_local_delete(s, &k);
}

struct purge {
	struct msync_key keys[4096];
	size_t n;
	int64_t now;
};

static int purge_collect(const struct msync_entry *e, void *arg)
{
	struct purge *p = arg;
	const struct msync_tentry *te = (const struct msync_tentry *)e;

	if (e->timer_ms && te->stamp_ms + e->timer_ms <= p->now && p->n < array_size(p->keys))
		p->keys[p->n++] = e->key;
	return 0;
}

/* The owner's own IGMP/MLD timers: expired memberships are deleted. */
static size_t purge(struct tu_twins *t, struct msync_session *s)
{
	static struct purge p;
	size_t i;

	p.n = 0;
	p.now = fake_net_now(t->net);
	msync_local_walk(s, purge_collect, &p);
	for (i = 0; i < p.n; i++)
		msync_local_delete(s, &p.keys[i]);
	return p.n;
}

static void restore_net(struct tu_twins *t)
{
	fake_net_set_cap(t->net, 1 << 20);
	fake_net_set_max_read(t->net, 0);
	fake_net_set_rate(t->net, 0);
	fake_net_cut(t->net, t->ioa, t->iob, false);
}

static void rand_net(struct tu_twins *t)
{
	static const size_t caps[] = { 300, 2048, 65536, 1 << 20 };
	static const size_t rates[] = { 0, 0, 300, 20000 };
	size_t rate = rates[rn(4)];

	fake_net_set_cap(t->net, caps[rn(4)]);
	fake_net_set_max_read(t->net, rn(2) ? 0 : 1 + rn(200));
	fake_net_set_rate(t->net, rate);
	t->a->wq_high = rn(2) ? MSYNC_WQ_HIGH : 2048;
	t->a->wq_low = t->a->wq_high / 4;
	t->b->wq_high = rn(2) ? MSYNC_WQ_HIGH : 2048;
	t->b->wq_low = t->b->wq_high / 4;
}

static void disrupt(struct tu_twins *t, unsigned int *counts)
{
	bool side = rn(2);

	switch (rn(10)) {
	case 0:
	case 1:
	case 2:
		fake_io_reset_conns(side ? t->ioa : t->iob);
		counts[0]++;
		break;
	case 3:
	case 4:
		/* silent path: both hold timers must fire */
		fake_net_cut(t->net, t->ioa, t->iob, true);
		fake_net_run(t->net, 3100 + rn(2000));
		fake_net_cut(t->net, t->ioa, t->iob, false);
		counts[1]++;
		break;
	case 5:
	case 6:
	case 7:
		msync_session_reset(side ? t->a : t->b, "random reset");
		counts[2]++;
		break;
	default:
		/* a process restart: new incarnation, empty table */
		fake_io_reset_conns(side ? t->ioa : t->iob);
		tu_twins_restart(t, side);
		counts[3]++;
		break;
	}
}

START_TEST(test_random_convergence)
{
	uint64_t seed = env_u64("MSYNC_TEST_SEED", 0x6d73796e63ULL);
	uint64_t iters = env_u64("MSYNC_TEST_ITER", 2000);
	unsigned int counts[4] = {};
	uint64_t ops = 0, i;
	struct tu_twins t;
	char why[256];

	printf("test_random: seed %" PRIu64 " (MSYNC_TEST_SEED), %" PRIu64
	       " sequences (MSYNC_TEST_ITER)\n",
	       seed, iters);
	fflush(stdout);
	rng = seed | 1;
	tu_twins_new(&t, seed);
	/* slow links delay updates: the twin's timers may run that much
	 * later (never earlier); exact timing is checked in test_session */
	tu_expiry_slack = 10000;
	ck_assert(fake_net_run_until(t.net, 10000, tu_both_settled, &t));

	for (i = 0; i < iters; i++) {
		uint32_t nops = 1 + rn(40), j;
		int round;

		rand_net(&t);
		if (rn(4) == 0)
			disrupt(&t, counts);
		for (j = 0; j < nops; j++, ops++) {
			struct msync_session *s = rn(2) ? t.a : t.b;
			uint32_t r = rn(100);

			if (r < 50)
				rand_update(s);
			else if (r < 75)
				rand_delete(s);
			else if (r < 77)
				msync_local_flush(s, 10 + rn(2));
			else if (r < 80)
				msync_session_set_role(s, 10 + rn(2), rn(3));
			else
				fake_net_run(t.net, rn(60));
			if (rn(50) == 0)
				disrupt(&t, counts);
		}
		restore_net(&t);
		/* settle, with the owners expiring their own entries */
		for (round = 0; round < 50; round++) {
			size_t pa, pb;

			bool ok = fake_net_run_until(t.net, 120000, tu_both_settled, &t);

			ck_assert_msg(ok,
				      "seed %" PRIu64 " sequence %" PRIu64
				      ": no convergence (A %s: %s, B %s: %s)",
				      seed, i, msync_state_name(msync_session_state(t.a)),
				      msync_session_last_reason(t.a),
				      msync_state_name(msync_session_state(t.b)),
				      msync_session_last_reason(t.b));
			pa = purge(&t, t.a);
			pb = purge(&t, t.b);
			if (!pa && !pb)
				break;
		}
		ck_assert_int_lt(round, 50);
		ck_assert_msg(tu_replica_equal(t.a, t.b, why, sizeof(why)),
			      "seed %" PRIu64 " sequence %" PRIu64 ": A -> B: %s", seed, i, why);
		ck_assert_msg(tu_replica_equal(t.b, t.a, why, sizeof(why)),
			      "seed %" PRIu64 " sequence %" PRIu64 ": B -> A: %s", seed, i, why);
	}
	printf("test_random: %" PRIu64
	       " operations; %u resets, %u silent cuts, %u session resets, %u restarts; A %zu/%zu B %zu/%zu entries local/peer\n",
	       ops, counts[0], counts[1], counts[2], counts[3], msync_local_count(t.a),
	       msync_peer_count(t.a), msync_local_count(t.b), msync_peer_count(t.b));
	tu_twins_free(&t);
}
END_TEST

/* Without timers and disruptions the digest never disagrees. */
START_TEST(test_random_no_false_digest)
{
	uint64_t seed = env_u64("MSYNC_TEST_SEED", 0x6d73796e63ULL) + 1;
	struct tu_twins t;
	int i, j;

	rng = seed | 1;
	tu_twins_new(&t, seed);
	ck_assert(fake_net_run_until(t.net, 10000, tu_both_settled, &t));
	for (i = 0; i < 200; i++) {
		for (j = 0; j < 20; j++) {
			struct msync_session *s = rn(2) ? t.a : t.b;
			struct msync_entry e;

			if (rn(3)) {
				memset(&e, 0, sizeof(e));
				rand_key(&e.key);
				e.filter = MSYNC_FILTER_EXCLUDE;
				e.version = 2;
				ck_assert_int_eq(msync_local_update(s, &e), 0);
			} else {
				rand_delete(s);
			}
		}
		fake_net_run(t.net, 1000 + rn(3000));
	}
	ck_assert(fake_net_run_until(t.net, 60000, tu_both_settled, &t));
	ck_assert_uint_eq(msync_session_counters(t.a)->digest_mismatches, 0);
	ck_assert_uint_eq(msync_session_counters(t.b)->digest_mismatches, 0);
	tu_twins_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_random");
	TCase *tc = tcase_create("random");
	SRunner *sr;
	int failed;

	TU_ADD(tc, test_random_convergence);
	TU_ADD(tc, test_random_no_false_digest);
	tcase_set_timeout(tc, 1800);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
