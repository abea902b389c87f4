// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync entry table: ordered lookups and cursors, expiry order, and a
 * digest that does not depend on insertion order or timers.
 */
#include <zebra.h>

#include <check.h>

#include "mldsync/msync_table.h"
#include "tests/unit/test_util.h"

static void mk(struct msync_entry *e, uint32_t bid, int ifn, int g, int src)
{
	char ifname[16], group[32], source[32];

	snprintf(ifname, sizeof(ifname), "eth%d", ifn);
	snprintf(group, sizeof(group), "239.%d.%d.1", g / 250, g % 250);
	snprintf(source, sizeof(source), "10.0.%d.%d", src / 250, src % 250);
	tu_entry(e, bid, ifname, group, src ? source : NULL, MSYNC_FILTER_EXCLUDE, 3, 1000);
	msync_key_normalize(&e->key);
}

START_TEST(test_insert_find_delete)
{
	struct msync_table t;
	struct msync_entry e;
	struct msync_tentry *te;
	int i, n = 0;

	tu_init();
	msync_table_init(&t);
	for (i = 0; i < 3000; i++) {
		mk(&e, 10 + i % 3, i % 4, i, i % 5);
		ck_assert_ptr_null(msync_table_find(&t, &e.key));
		msync_table_add(&t, &e);
	}
	ck_assert_uint_eq(msync_table_count(&t), 3000);
	/* entries per backup-id, kept with every add and delete */
	ck_assert_uint_eq(msync_table_bid_count(&t, 10), 1000);
	ck_assert_uint_eq(msync_table_bid_count(&t, 12), 1000);
	ck_assert_uint_eq(msync_table_bid_count(&t, 13), 0);
	for (i = 0; i < 3000; i++) {
		mk(&e, 10 + i % 3, i % 4, i, i % 5);
		te = msync_table_find(&t, &e.key);
		ck_assert_ptr_nonnull(te);
		ck_assert_int_eq(msync_key_cmp(&te->e.key, &e.key), 0);
	}
	/* in key order, without gaps */
	for (te = msync_table_first(&t); te; te = msync_table_next(&t, te)) {
		struct msync_tentry *nx = msync_table_next(&t, te);

		if (nx)
			ck_assert_int_lt(msync_key_cmp(&te->e.key, &nx->e.key), 0);
		n++;
	}
	ck_assert_int_eq(n, 3000);
	for (i = 0; i < 3000; i += 2) {
		mk(&e, 10 + i % 3, i % 4, i, i % 5);
		msync_table_del(&t, msync_table_find(&t, &e.key));
	}
	ck_assert_uint_eq(msync_table_count(&t), 1500);
	ck_assert_uint_eq(msync_table_bid_count(&t, 10) + msync_table_bid_count(&t, 11) +
				  msync_table_bid_count(&t, 12),
			  1500);
	ck_assert_uint_eq(msync_table_bid_count(&t, 10), 500);
	/* the last of a backup-id: the count goes with it */
	while ((te = msync_table_bid_first(&t, 11)) && te->e.key.backup_id == 11)
		msync_table_del(&t, te);
	ck_assert_uint_eq(msync_table_bid_count(&t, 11), 0);
	ck_assert_uint_eq(msync_table_count(&t), 1000);
	mk(&e, 10, 0, 0, 0);
	ck_assert_ptr_null(msync_table_find(&t, &e.key));
	msync_table_fini(&t);
}
END_TEST

/* A cursor survives deletes and inserts around it (the paused resync). */
START_TEST(test_cursor)
{
	struct msync_table t;
	struct msync_entry e;
	struct msync_tentry *te;
	struct msync_key cur;
	int i, seen = 0;

	tu_init();
	msync_table_init(&t);
	for (i = 0; i < 100; i++) {
		mk(&e, 10, 0, i, 0);
		msync_table_add(&t, &e);
	}
	te = msync_table_first(&t);
	for (i = 0; i < 10; i++)
		te = msync_table_next(&t, te);
	cur = te->e.key;
	/* the cursor's own entry goes away */
	msync_table_del(&t, te);
	te = msync_table_after(&t, &cur);
	ck_assert_ptr_nonnull(te);
	ck_assert_int_gt(msync_key_cmp(&te->e.key, &cur), 0);
	for (; te; te = msync_table_next(&t, te))
		seen++;
	ck_assert_int_eq(seen, 89);

	/* first entry of a backup-id */
	mk(&e, 7, 3, 3, 0);
	msync_table_add(&t, &e);
	mk(&e, 12, 0, 0, 0);
	msync_table_add(&t, &e);
	te = msync_table_bid_first(&t, 10);
	ck_assert_uint_eq(te->e.key.backup_id, 10);
	te = msync_table_bid_first(&t, 11);
	ck_assert_uint_eq(te->e.key.backup_id, 12);
	ck_assert_ptr_null(msync_table_bid_first(&t, 13));
	msync_table_fini(&t);
}
END_TEST

START_TEST(test_expiry_order)
{
	static int64_t want[1000];
	struct msync_table t;
	struct msync_entry e;
	struct msync_tentry *te;
	int64_t last = 0, min_left = MSYNC_NEVER;
	int i, n = 0, expect = 0;

	tu_init();
	msync_table_init(&t);
	for (i = 0; i < 1000; i++) {
		mk(&e, 10, 0, i, 0);
		te = msync_table_add(&t, &e);
		want[i] = 1000 + (i * 7919) % 1000;
		msync_table_set_expiry(&t, te, want[i]);
	}
	/* refreshes move entries in the heap */
	for (i = 0; i < 1000; i += 3) {
		mk(&e, 10, 0, i, 0);
		want[i] = 5000 + i;
		msync_table_set_expiry(&t, msync_table_find(&t, &e.key), want[i]);
	}
	/* and some never expire */
	for (i = 1; i < 1000; i += 10) {
		mk(&e, 10, 0, i, 0);
		want[i] = MSYNC_NEVER;
		msync_table_set_expiry(&t, msync_table_find(&t, &e.key), MSYNC_NEVER);
	}
	for (i = 0; i < 1000; i++) {
		if (want[i] <= 4999)
			expect++;
		else if (want[i] < min_left)
			min_left = want[i];
	}
	ck_assert_ptr_null(msync_table_expired(&t, 999));
	while ((te = msync_table_expired(&t, 4999))) {
		ck_assert_int_ge(te->e.expires_ms, last);
		ck_assert_int_le(te->e.expires_ms, 4999);
		last = te->e.expires_ms;
		msync_table_del(&t, te);
		n++;
	}
	ck_assert_int_eq(n, expect);
	ck_assert_int_eq(n, 599);
	ck_assert_int_eq(msync_table_next_expiry(&t), min_left);
	ck_assert_uint_eq(msync_table_count(&t), 1000 - 599);
	msync_table_fini(&t);
}
END_TEST

START_TEST(test_digest)
{
	struct msync_table a, b;
	struct msync_entry e;
	struct msync_tentry *te;
	uint64_t ca, sa, cb, sb, c0, s0;
	int i;

	tu_init();
	msync_table_init(&a);
	msync_table_init(&b);
	for (i = 0; i < 500; i++) {
		mk(&e, 10, i % 3, i, i % 2);
		msync_table_digest_join(&a, msync_table_add(&a, &e));
	}
	/* the same set, another order and other timers */
	for (i = 499; i >= 0; i--) {
		mk(&e, 10, i % 3, i, i % 2);
		e.timer_ms = 12345;
		te = msync_table_add(&b, &e);
		msync_table_set_expiry(&b, te, 777 + i);
		msync_table_digest_join(&b, te);
	}
	msync_table_digest(&a, 10, AF_INET, &ca, &sa);
	msync_table_digest(&b, 10, AF_INET, &cb, &sb);
	ck_assert_uint_eq(ca, 500);
	ck_assert_uint_eq(cb, 500);
	ck_assert(sa == sb);

	/* a content change is seen, and undone restores the digest */
	mk(&e, 10, 1, 1, 1);
	te = msync_table_find(&b, &e.key);
	msync_table_digest_leave(&b, te);
	te->e.filter = MSYNC_FILTER_INCLUDE;
	msync_table_digest_join(&b, te);
	msync_table_digest(&b, 10, AF_INET, &cb, &sb);
	ck_assert_uint_eq(cb, 500);
	ck_assert(sa != sb);
	msync_table_digest_leave(&b, te);
	te->e.filter = MSYNC_FILTER_EXCLUDE;
	msync_table_digest_join(&b, te);
	msync_table_digest(&b, 10, AF_INET, &cb, &sb);
	ck_assert(sa == sb);

	/* a version change too */
	msync_table_digest_leave(&b, te);
	te->e.version = 2;
	msync_table_digest_join(&b, te);
	msync_table_digest(&b, 10, AF_INET, &cb, &sb);
	ck_assert(sa != sb);

	/* deletes take the entry out; other backup-ids are separate */
	msync_table_del(&b, te);
	msync_table_digest(&b, 10, AF_INET, &cb, &sb);
	ck_assert_uint_eq(cb, 499);
	msync_table_digest(&b, 11, AF_INET6, &c0, &s0);
	ck_assert_uint_eq(c0, 0);
	ck_assert(s0 == 0);

	msync_table_digest_clear(&a);
	msync_table_digest(&a, 10, AF_INET, &ca, &sa);
	ck_assert_uint_eq(ca, 0);
	msync_table_fini(&a);
	msync_table_fini(&b);
}
END_TEST

/* Lookups stay logarithmic: 200k entries in well under a second. */
START_TEST(test_scale)
{
	struct msync_table t;
	struct msync_entry e;
	int i;

	tu_init();
	msync_table_init(&t);
	memset(&e, 0, sizeof(e));
	e.key.backup_id = 10;
	strcpy(e.key.ifname, "eth0");
	e.key.family = AF_INET;
	e.filter = MSYNC_FILTER_EXCLUDE;
	e.version = 2;
	for (i = 0; i < 200000; i++) {
		e.key.group.v4.s_addr = htonl(0xe8000000 | i);
		msync_table_digest_join(&t, msync_table_add(&t, &e));
	}
	for (i = 0; i < 200000; i++) {
		e.key.group.v4.s_addr = htonl(0xe8000000 | i);
		ck_assert_ptr_nonnull(msync_table_find(&t, &e.key));
	}
	ck_assert_uint_eq(msync_table_count(&t), 200000);
	msync_table_fini(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_table");
	TCase *tc = tcase_create("table");
	SRunner *sr;
	int failed;

	TU_ADD(tc, test_insert_find_delete);
	TU_ADD(tc, test_cursor);
	TU_ADD(tc, test_expiry_order);
	TU_ADD(tc, test_digest);
	TU_ADD(tc, test_scale);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
