// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync codec and framing: every message survives encode, framing in
 * arbitrary pieces and decode; the write queue delivers bytes in order
 * through partial writes.
 */
#include <zebra.h>

#include <check.h>

#include "mldsync/msync_codec.h"
#include "tests/unit/test_util.h"

/* Frames buf through a reader in pieces of at most step bytes (0: all at
 * once) and decodes the single frame found: msync_msg_decode's result. */
static int reframe(const uint8_t *buf, size_t len, size_t step, struct msync_msg *m)
{
	struct msync_rbuf rb;
	struct msync_frame f;
	size_t off = 0, avail;
	int r = 0, err = -1, frames = 0, derr = -2;
	enum msync_err class;
	char why[128];

	msync_rbuf_init(&rb);
	while (off < len) {
		uint8_t *p = msync_rbuf_space(&rb, &avail);
		size_t n = MIN(avail, len - off);

		if (step)
			n = MIN(n, step);
		memcpy(p, buf + off, n);
		msync_rbuf_added(&rb, n);
		off += n;
		while ((r = msync_rbuf_next(&rb, &f, &err)) == 1) {
			frames++;
			derr = msync_msg_decode(&f, m, &class, why, sizeof(why));
		}
		ck_assert_int_ge(r, 0);
		/* nothing decodes before the last byte arrives */
		if (off < len)
			ck_assert_int_eq(frames, 0);
	}
	ck_assert_int_eq(frames, 1);
	ck_assert_uint_eq(msync_rbuf_pending(&rb), 0);
	msync_rbuf_fini(&rb);
	return derr;
}

static void *roundtrip(uint8_t type, const ProtobufCMessage *pb, struct msync_msg *m)
{
	static uint8_t buf[MSYNC_FRAME_MAX + 8];
	size_t len = msync_msg_pack(buf, sizeof(buf), type, pb);
	size_t steps[] = { 0, 1, 2, 3, 7, 4096 };
	size_t i;

	ck_assert_uint_gt(len, 0);
	for (i = 0; i < array_size(steps); i++) {
		ck_assert_int_eq(reframe(buf, len, steps[i], m), 0);
		ck_assert_int_eq(m->type, type);
		if (i + 1 < array_size(steps))
			msync_msg_free(m);
	}
	return m->pb;
}

START_TEST(test_hello)
{
	Msync__Hello h = MSYNC__HELLO__INIT, *d;
	Msync__Offer o[2] = { MSYNC__OFFER__INIT, MSYNC__OFFER__INIT };
	Msync__Offer *op[2] = { &o[0], &o[1] };
	uint8_t rid[4] = { 10, 0, 0, 1 };
	struct msync_msg m;

	h.has_version = true;
	h.version = MSYNC_PROTOCOL_VERSION;
	h.has_router_id = true;
	h.router_id.len = 4;
	h.router_id.data = rid;
	h.service = (char *)"rbs1";
	h.has_incarnation = true;
	h.incarnation = 0xfedcba9876543210ULL;
	h.has_keepalive_ms = h.has_hold_ms = true;
	h.keepalive_ms = 1000;
	h.hold_ms = 3000;
	o[0].has_backup_id = o[0].has_svc = true;
	o[0].backup_id = 10;
	o[0].svc = MSYNC__SVC_TYPE__SVC_IGMP;
	o[1].has_backup_id = o[1].has_svc = true;
	o[1].backup_id = 11;
	o[1].svc = MSYNC__SVC_TYPE__SVC_MLD;
	h.n_offers = 2;
	h.offers = op;

	d = roundtrip(MSYNC_MSG_HELLO, &h.base, &m);
	ck_assert_uint_eq(d->version, MSYNC_PROTOCOL_VERSION);
	ck_assert_str_eq(d->service, "rbs1");
	ck_assert(d->incarnation == 0xfedcba9876543210ULL);
	ck_assert_uint_eq(d->router_id.len, 4);
	ck_assert_mem_eq(d->router_id.data, rid, 4);
	ck_assert_uint_eq(d->keepalive_ms, 1000);
	ck_assert_uint_eq(d->hold_ms, 3000);
	ck_assert_uint_eq(d->n_offers, 2);
	ck_assert_uint_eq(d->offers[1]->backup_id, 11);
	ck_assert_int_eq(d->offers[1]->svc, MSYNC__SVC_TYPE__SVC_MLD);
	msync_msg_free(&m);
}
END_TEST

START_TEST(test_small_messages)
{
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT, *db;
	Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT, *de;
	Msync__Ack a = MSYNC__ACK__INIT, *da;
	Msync__ResyncRequest r = MSYNC__RESYNC_REQUEST__INIT, *dr;
	struct msync_msg m;

	roundtrip(MSYNC_MSG_KEEPALIVE, &k.base, &m);
	msync_msg_free(&m);

	b.has_seq = b.has_generation = true;
	b.seq = 1;
	b.generation = 7;
	db = roundtrip(MSYNC_MSG_RESYNC_BEGIN, &b.base, &m);
	ck_assert_uint_eq(db->seq, 1);
	ck_assert_uint_eq(db->generation, 7);
	msync_msg_free(&m);

	e.has_seq = e.has_generation = e.has_count = true;
	e.seq = UINT64_MAX;
	e.generation = 7;
	e.count = 100000;
	de = roundtrip(MSYNC_MSG_RESYNC_END, &e.base, &m);
	ck_assert(de->seq == UINT64_MAX);
	ck_assert_uint_eq(de->generation, 7);
	ck_assert_uint_eq(de->count, 100000);
	msync_msg_free(&m);

	a.has_seq = true;
	a.seq = 42;
	da = roundtrip(MSYNC_MSG_ACK, &a.base, &m);
	ck_assert_uint_eq(da->seq, 42);
	msync_msg_free(&m);

	r.reason = (char *)"digest mismatch";
	dr = roundtrip(MSYNC_MSG_RESYNC_REQUEST, &r.base, &m);
	ck_assert_str_eq(dr->reason, "digest mismatch");
	msync_msg_free(&m);
}
END_TEST

START_TEST(test_update_delete)
{
	struct msync_entry in[4], out;
	struct msync_pb_entry pbe[4];
	Msync__Entry *ep[4];
	Msync__Key pk[4], *kp[4];
	Msync__Update u = MSYNC__UPDATE__INIT, *du;
	Msync__Delete d = MSYNC__DELETE__INIT, *dd;
	struct msync_msg m;
	struct msync_key k;
	enum msync_err err;
	char why[128];
	size_t i;

	tu_init();
	tu_entry(&in[0], 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 2, 260000);
	tu_entry(&in[1], 10, "eth0", "232.1.1.1", "10.1.1.5", MSYNC_FILTER_INCLUDE, 3, 0);
	in[1].origin_role = MSYNC_ROLE_BACKUP;
	tu_entry(&in[2], 11, "eth1.100", "ff0e::1:2", NULL, MSYNC_FILTER_EXCLUDE, 1, 1);
	in[2].origin_role = MSYNC_ROLE_UNKNOWN;
	tu_entry(&in[3], 11, "vlan7", "ff3e::8000:1", "2001:db8::7", MSYNC_FILTER_INCLUDE, 2,
		 UINT32_MAX);
	for (i = 0; i < 4; i++) {
		msync_entry_to_pb(&in[i], in[i].timer_ms, i == 3, &pbe[i]);
		ep[i] = &pbe[i].e;
		msync_key_to_pb(&in[i].key, &pk[i]);
		kp[i] = &pk[i];
	}
	u.has_seq = true;
	u.seq = 3;
	u.n_entries = 4;
	u.entries = ep;
	du = roundtrip(MSYNC_MSG_UPDATE, &u.base, &m);
	ck_assert_uint_eq(du->seq, 3);
	ck_assert_uint_eq(du->n_entries, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(msync_entry_from_pb(du->entries[i], &out, &err, why, sizeof(why)),
				 0);
		ck_assert_int_eq(msync_key_cmp(&out.key, &in[i].key), 0);
		ck_assert_int_eq(out.filter, in[i].filter);
		ck_assert_uint_eq(out.version, in[i].version);
		ck_assert_uint_eq(out.timer_ms, in[i].timer_ms);
		ck_assert_int_eq(out.origin_role, in[i].origin_role);
		ck_assert_int_eq(out.restored, i == 3);
	}
	msync_msg_free(&m);

	d.has_seq = true;
	d.seq = 4;
	d.n_keys = 4;
	d.keys = kp;
	dd = roundtrip(MSYNC_MSG_DELETE, &d.base, &m);
	ck_assert_uint_eq(dd->n_keys, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(msync_key_from_pb(dd->keys[i], &k, &err, why, sizeof(why)), 0);
		ck_assert_int_eq(msync_key_cmp(&k, &in[i].key), 0);
	}
	msync_msg_free(&m);
}
END_TEST

START_TEST(test_digest_role)
{
	Msync__Digest d = MSYNC__DIGEST__INIT, *dd;
	Msync__DigestItem it = MSYNC__DIGEST_ITEM__INIT, *itp = &it;
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT, *dr;
	Msync__RoleItem ri[2] = { MSYNC__ROLE_ITEM__INIT, MSYNC__ROLE_ITEM__INIT };
	Msync__RoleItem *rip[2] = { &ri[0], &ri[1] };
	struct msync_msg m;

	it.has_backup_id = it.has_count = it.has_sum = true;
	it.backup_id = 10;
	it.count = 3;
	it.sum = 0x8000000000000001ULL;
	d.n_items = 1;
	d.items = &itp;
	dd = roundtrip(MSYNC_MSG_DIGEST, &d.base, &m);
	ck_assert_uint_eq(dd->n_items, 1);
	ck_assert_uint_eq(dd->items[0]->count, 3);
	ck_assert(dd->items[0]->sum == 0x8000000000000001ULL);
	msync_msg_free(&m);

	ri[0].has_backup_id = ri[0].has_role = true;
	ri[0].backup_id = 10;
	ri[0].role = MSYNC__ROLE__ROLE_MASTER;
	ri[1].has_backup_id = ri[1].has_role = true;
	ri[1].backup_id = 11;
	ri[1].role = MSYNC__ROLE__ROLE_BACKUP;
	r.n_items = 2;
	r.items = rip;
	dr = roundtrip(MSYNC_MSG_ROLE, &r.base, &m);
	ck_assert_uint_eq(dr->n_items, 2);
	ck_assert_int_eq(dr->items[0]->role, MSYNC__ROLE__ROLE_MASTER);
	ck_assert_int_eq(dr->items[1]->role, MSYNC__ROLE__ROLE_BACKUP);
	msync_msg_free(&m);
}
END_TEST

/* Many frames in one buffer, read in random pieces: all come out, in
 * order, none before it is complete. */
START_TEST(test_reader_stream)
{
	static uint8_t buf[1 << 20];
	struct msync_rbuf rb;
	struct msync_frame f;
	Msync__Ack a = MSYNC__ACK__INIT;
	size_t len = 0, off = 0, avail, n;
	uint64_t expect = 1;
	uint32_t rnd = 12345;
	int r, err, i;
	enum msync_err class;
	char why[64];

	for (i = 1; i <= 5000; i++) {
		a.has_seq = true;
		a.seq = i;
		len += msync_msg_pack(buf + len, sizeof(buf) - len, MSYNC_MSG_ACK, &a.base);
	}
	msync_rbuf_init(&rb);
	while (off < len) {
		uint8_t *p = msync_rbuf_space(&rb, &avail);

		rnd = rnd * 1103515245 + 12345;
		n = MIN(MIN(avail, len - off), 1 + (rnd >> 8) % 300);
		memcpy(p, buf + off, n);
		msync_rbuf_added(&rb, n);
		off += n;
		while ((r = msync_rbuf_next(&rb, &f, &err)) == 1) {
			struct msync_msg m;

			ck_assert_int_eq(msync_msg_decode(&f, &m, &class, why, sizeof(why)), 0);
			ck_assert_uint_eq(((Msync__Ack *)m.pb)->seq, expect);
			expect++;
			msync_msg_free(&m);
		}
		ck_assert_int_eq(r, 0);
	}
	ck_assert_uint_eq(expect, 5001);
	msync_rbuf_fini(&rb);
}
END_TEST

/* The largest legal frame fits; one byte more is refused. */
START_TEST(test_reader_limits)
{
	struct msync_rbuf rb;
	struct msync_frame f;
	uint8_t *p;
	size_t avail;
	int err = -1;

	msync_rbuf_init(&rb);
	p = msync_rbuf_space(&rb, &avail);
	ck_assert_uint_ge(avail, MSYNC_FRAME_LEN + MSYNC_FRAME_MAX);
	memset(p, 0, MSYNC_FRAME_LEN + MSYNC_FRAME_MAX);
	msync_frame_hdr(p, MSYNC_MSG_KEEPALIVE, MSYNC_FRAME_MAX - 1);
	msync_rbuf_added(&rb, MSYNC_FRAME_LEN + MSYNC_FRAME_MAX);
	ck_assert_int_eq(msync_rbuf_next(&rb, &f, &err), 1);
	ck_assert_uint_eq(f.len, MSYNC_FRAME_MAX - 1);

	p = msync_rbuf_space(&rb, &avail);
	msync_frame_hdr(p, MSYNC_MSG_KEEPALIVE, MSYNC_FRAME_MAX);
	msync_rbuf_added(&rb, 4);
	ck_assert_int_eq(msync_rbuf_next(&rb, &f, &err), -1);
	ck_assert_int_eq(err, MSYNC_ERR_OVERSIZE);
	msync_rbuf_fini(&rb);

	msync_rbuf_init(&rb);
	p = msync_rbuf_space(&rb, &avail);
	memset(p, 0, 8);
	msync_rbuf_added(&rb, 3);
	ck_assert_int_eq(msync_rbuf_next(&rb, &f, &err), 0);
	msync_rbuf_added(&rb, 1);
	ck_assert_int_eq(msync_rbuf_next(&rb, &f, &err), -1);
	ck_assert_int_eq(err, MSYNC_ERR_ZERO_LENGTH);
	msync_rbuf_fini(&rb);
}
END_TEST

struct sink {
	uint8_t *buf;
	size_t len, cap;
	uint32_t rnd;
	int calls;
};

static ssize_t sink_write(void *ctx, const void *p, size_t len)
{
	struct sink *s = ctx;
	size_t n;

	s->rnd = s->rnd * 1103515245 + 12345;
	if (++s->calls % 3 == 0) {
		errno = EAGAIN;
		return -1;
	}
	n = MIN(len, 1 + (s->rnd >> 8) % 5000);
	n = MIN(n, s->cap - s->len);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return n;
}

/* Partial writes and EAGAIN: the bytes come out complete and in order,
 * including frames bigger than a queue chunk. */
START_TEST(test_write_queue)
{
	struct msync_wq wq;
	struct sink s = { .cap = 8 << 20, .rnd = 7 };
	size_t total = 0, i, sz;
	uint8_t *p;

	s.buf = malloc(s.cap);
	msync_wq_init(&wq);
	for (i = 0; i < 2000; i++) {
		sz = (i % 97 == 0) ? MSYNC_FRAME_MAX : 1 + (i * 37) % 3000;
		p = msync_wq_reserve(&wq, sz);
		memset(p, (int)(i & 0xff), sz);
		msync_wq_commit(&wq, sz);
		total += sz;
		if (i % 5 == 0)
			ck_assert_int_eq(msync_wq_flush(&wq, sink_write, &s), 0);
	}
	while (wq.bytes)
		ck_assert_int_eq(msync_wq_flush(&wq, sink_write, &s), 0);
	ck_assert_uint_eq(s.len, total);
	for (i = 0, total = 0; i < 2000; i++) {
		sz = (i % 97 == 0) ? MSYNC_FRAME_MAX : 1 + (i * 37) % 3000;
		ck_assert_uint_eq(s.buf[total], i & 0xff);
		ck_assert_uint_eq(s.buf[total + sz - 1], i & 0xff);
		total += sz;
	}
	msync_wq_fini(&wq);
	free(s.buf);
}
END_TEST

/* e is invalid: msync_entry_check returns -1 and gives the class */
#define ck_entry_bad(e, class)                                                                     \
	do {                                                                                       \
		enum msync_err err_ = MSYNC_ERR_MAX;                                               \
		ck_assert_int_eq(msync_entry_check(e, &err_), -1);                                 \
		ck_assert_int_eq(err_, class);                                                     \
		ck_assert_int_eq(msync_entry_check(e, NULL), -1);                                  \
	} while (0)

START_TEST(test_key_order_and_check)
{
	struct msync_entry a, b;
	enum msync_err err;
	char why[128];

	tu_init();
	tu_entry(&a, 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 2, 1000);
	b = a;
	ck_assert_int_eq(msync_key_cmp(&a.key, &b.key), 0);
	b.key.backup_id = 11;
	ck_assert_int_lt(msync_key_cmp(&a.key, &b.key), 0);
	b = a;
	strcpy(b.key.ifname, "eth1");
	ck_assert_int_lt(msync_key_cmp(&a.key, &b.key), 0);
	b = a;
	inet_pton(AF_INET, "10.0.0.1", &b.key.source);
	ck_assert_int_lt(msync_key_cmp(&a.key, &b.key), 0);
	ck_assert_int_gt(msync_key_cmp(&b.key, &a.key), 0);

	/* valid: 0, and the class is left alone */
	err = MSYNC_ERR_MAX;
	ck_assert_int_eq(msync_entry_check(&a, &err), 0);
	ck_assert_int_eq(err, MSYNC_ERR_MAX);
	ck_assert_int_eq(msync_entry_check(&a, NULL), 0);
	b = a;
	inet_pton(AF_INET, "10.1.1.1", &b.key.group);
	ck_assert_int_eq(msync_entry_check_why(&b, &err, why, sizeof(why)), -1);
	ck_assert_int_eq(err, MSYNC_ERR_BAD_GROUP);
	ck_assert_str_eq(why, "group 10.1.1.1 is not multicast");
	b = a;
	b.key.family = AF_UNIX;
	ck_entry_bad(&b, MSYNC_ERR_BAD_FAMILY);
	b = a;
	b.version = 4;
	ck_entry_bad(&b, MSYNC_ERR_BAD_VALUE);
	/* IGMPv1 to v3 */
	b.version = 1;
	ck_assert_int_eq(msync_entry_check(&b, NULL), 0);
	b.version = 0;
	ck_entry_bad(&b, MSYNC_ERR_BAD_VALUE);
	b = a;
	b.filter = 0;
	ck_entry_bad(&b, MSYNC_ERR_BAD_VALUE);
	b = a;
	b.key.ifname[0] = '\0';
	ck_entry_bad(&b, MSYNC_ERR_BAD_VALUE);
	tu_entry(&b, 11, "eth0", "ff02::1:3", NULL, MSYNC_FILTER_EXCLUDE, 3, 0);
	ck_entry_bad(&b, MSYNC_ERR_BAD_VALUE);
	b.version = 2;
	ck_assert_int_eq(msync_entry_check(&b, &err), 0);
	inet_pton(AF_INET6, "ff02::5", &b.key.source);
	ck_entry_bad(&b, MSYNC_ERR_BAD_GROUP);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_codec");
	TCase *tc = tcase_create("codec");
	SRunner *sr;
	int failed;

	TU_ADD(tc, test_hello);
	TU_ADD(tc, test_small_messages);
	TU_ADD(tc, test_update_delete);
	TU_ADD(tc, test_digest_role);
	TU_ADD(tc, test_reader_stream);
	TU_ADD(tc, test_reader_limits);
	TU_ADD(tc, test_write_queue);
	TU_ADD(tc, test_key_order_and_check);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
