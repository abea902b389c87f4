// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync codec and framing: every message survives encode, framing in
 * arbitrary pieces and decode; the write queue delivers bytes in order
 * through partial writes; frame MACs verify only untouched; the limits
 * of a message are enforced on decode; the pieces of authentication
 * (HMAC-SHA-256, transcript), log sanitising and rate limiting, and the
 * TCP-AO option behave.
 */
#include <zebra.h>

#include <check.h>

#include "sha256.h"

#include "mldsync/msync_codec.h"
#include "tests/unit/test_util.h"

#define ENV_SEQ 77

static int decode_frame(const struct msync_frame *f, struct msync_msg *m)
{
	enum msync_err class;
	char why[128];

	if (f->type == MSYNC_FRAME_HELLO)
		return msync_hello_decode(f->payload, f->len, m, &class, why, sizeof(why));
	ck_assert_int_eq(f->type, MSYNC_FRAME_ENVELOPE);
	return msync_env_decode(f->payload, f->len, m, &class, why, sizeof(why));
}

/* decode an Envelope body: its class and reason */
static int decode_env(uint8_t type, const ProtobufCMessage *pb, enum msync_err *class, char *why,
		      size_t whylen)
{
	static uint8_t buf[MSYNC_FRAME_MAX + 8];
	struct msync_msg m;
	size_t len = msync_env_pack(buf, sizeof(buf), type, 1, pb, NULL);
	int r;

	ck_assert_uint_gt(len, 0);
	r = msync_env_decode(buf + MSYNC_FRAME_HDR, len - MSYNC_FRAME_HDR, &m, class, why, whylen);
	if (r == 0)
		msync_msg_free(&m);
	return r;
}

/* Frames buf through a reader in pieces of at most step bytes (0: all at
 * once) and decodes the single frame found: the decoder's result. */
static int reframe(const uint8_t *buf, size_t len, size_t step, struct msync_msg *m)
{
	struct msync_rbuf rb;
	struct msync_frame f;
	size_t off = 0, avail;
	int r = 0, err = -1, frames = 0, derr = -2;

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
			derr = decode_frame(&f, m);
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
	size_t len = type == MSYNC_MSG_HELLO
			     ? msync_hello_pack(buf, sizeof(buf), (const Msync__Hello *)pb)
			     : msync_env_pack(buf, sizeof(buf), type, ENV_SEQ, pb, NULL);
	size_t steps[] = { 0, 1, 2, 3, 7, 4096 };
	size_t i;

	ck_assert_uint_gt(len, 0);
	for (i = 0; i < array_size(steps); i++) {
		ck_assert_int_eq(reframe(buf, len, steps[i], m), 0);
		ck_assert_int_eq(m->type, type);
		if (type != MSYNC_MSG_HELLO)
			ck_assert_uint_eq(m->seq, ENV_SEQ);
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
	uint8_t rid[4] = { 10, 0, 0, 1 }, nonce[32];
	struct msync_msg m;

	memset(nonce, 0xa5, sizeof(nonce));
	h.has_nonce = true;
	h.nonce.len = 32;
	h.nonce.data = nonce;
	h.has_auth = true;
	h.auth = MSYNC__AUTH_TYPE__AUTH_HMAC_SHA256;
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
	ck_assert_uint_eq(d->nonce.len, 32);
	ck_assert_mem_eq(d->nonce.data, nonce, 32);
	ck_assert_int_eq(d->auth, MSYNC__AUTH_TYPE__AUTH_HMAC_SHA256);
	/* the decoder leaves offers (version 1) to the session to refuse */
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

	b.has_generation = true;
	b.generation = 7;
	db = roundtrip(MSYNC_MSG_RESYNC_BEGIN, &b.base, &m);
	ck_assert_uint_eq(db->generation, 7);
	msync_msg_free(&m);

	e.has_generation = e.has_count = true;
	e.generation = 7;
	e.count = 100000;
	de = roundtrip(MSYNC_MSG_RESYNC_END, &e.base, &m);
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

	{
		Msync__Auth au = MSYNC__AUTH__INIT;
		Msync__Probe pr = MSYNC__PROBE__INIT, *dp;
		Msync__ProbeReply pp = MSYNC__PROBE_REPLY__INIT, *dpp;

		roundtrip(MSYNC_MSG_AUTH, &au.base, &m);
		msync_msg_free(&m);
		pr.has_id = true;
		pr.id = 0x1122334455667788ULL;
		dp = roundtrip(MSYNC_MSG_PROBE, &pr.base, &m);
		ck_assert(dp->id == 0x1122334455667788ULL);
		msync_msg_free(&m);
		pp.has_id = true;
		pp.id = 5;
		dpp = roundtrip(MSYNC_MSG_PROBE_REPLY, &pp.base, &m);
		ck_assert_uint_eq(dpp->id, 5);
		msync_msg_free(&m);
	}
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
	u.n_entries = 4;
	u.entries = ep;
	du = roundtrip(MSYNC_MSG_UPDATE, &u.base, &m);
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

	for (i = 1; i <= 5000; i++) {
		a.has_seq = true;
		a.seq = i;
		len += msync_env_pack(buf + len, sizeof(buf) - len, MSYNC_MSG_ACK, i, &a.base, NULL);
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

			ck_assert_int_eq(decode_frame(&f, &m), 0);
			ck_assert_uint_eq(m.seq, expect);
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


/* FRR lib's HMAC-SHA-256 (RFC 4231 test case 2), and the frame MAC is the
 * HMAC of what doc/protocol.md 4.2 says, cut to 16 bytes. */
START_TEST(test_hmac)
{
	static const uint8_t rfc4231_2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
		0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
		0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	const char *data = "what do ya want for nothing?";
	HMAC_SHA256_CTX ctx;
	uint8_t out[32], t[32], mac[MSYNC_MAC_LEN], id[4] = { 0, 0, 1, 2 };
	const uint8_t env[] = { 8, 1, 0x12, 0 };

	HMAC__SHA256_Init(&ctx, "Jefe", 4);
	HMAC__SHA256_Update(&ctx, data, strlen(data));
	HMAC__SHA256_Final(out, &ctx);
	ck_assert_mem_eq(out, rfc4231_2, 32);

	memset(t, 0x3c, sizeof(t));
	msync_frame_mac(mac, (const uint8_t *)"Jefe", 4, 'R', t, 0x102, env, sizeof(env));
	HMAC__SHA256_Init(&ctx, "Jefe", 4);
	HMAC__SHA256_Update(&ctx, "mldsync-v2 frame", 16);
	HMAC__SHA256_Update(&ctx, "R", 1);
	HMAC__SHA256_Update(&ctx, t, 32);
	HMAC__SHA256_Update(&ctx, id, 4);
	HMAC__SHA256_Update(&ctx, env, sizeof(env));
	HMAC__SHA256_Final(out, &ctx);
	ck_assert_mem_eq(mac, out, MSYNC_MAC_LEN);
	ck_assert(msync_mac_equal(mac, out, MSYNC_MAC_LEN));
	out[15] ^= 1;
	ck_assert(!msync_mac_equal(mac, out, MSYNC_MAC_LEN));
}
END_TEST

/* The transcript depends on both Hellos, their order and their bounds. */
START_TEST(test_transcript)
{
	uint8_t a[32], b[32];

	msync_transcript(a, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1);
	msync_transcript(b, (const uint8_t *)"a", 1, (const uint8_t *)"bc", 2);
	ck_assert(memcmp(a, b, 32));
	msync_transcript(b, (const uint8_t *)"c", 1, (const uint8_t *)"ab", 2);
	ck_assert(memcmp(a, b, 32));
	msync_transcript(b, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1);
	ck_assert_mem_eq(a, b, 32);
}
END_TEST

/* What the session checks of a sealed frame: key id and MAC. */
static bool sealed_ok(const uint8_t *frame, size_t len, const uint8_t *key, size_t keylen,
		      uint8_t dir, const uint8_t *t)
{
	const uint8_t *p = frame + MSYNC_FRAME_HDR;
	size_t plen = len - MSYNC_FRAME_HDR, elen;
	uint8_t mac[MSYNC_MAC_LEN];
	uint32_t id;

	if (plen < MSYNC_TRAILER_LEN)
		return false;
	elen = plen - MSYNC_TRAILER_LEN;
	id = ((uint32_t)p[elen] << 24) | (p[elen + 1] << 16) | (p[elen + 2] << 8) | p[elen + 3];
	if (id != 7)
		return false;
	msync_frame_mac(mac, key, keylen, dir, t, id, p, elen);
	return msync_mac_equal(mac, p + elen + 4, MSYNC_MAC_LEN);
}

/* A sealed frame verifies with its key, direction and transcript only;
 * any byte changed after the header breaks it. */
START_TEST(test_sealed_frame)
{
	static uint8_t buf[4096], copy[4096];
	uint8_t t[32], t2[32];
	const uint8_t key[] = "secret-1";
	struct msync_seal seal = { .key_id = 7, .key = key, .keylen = 8, .dir = 'I' };
	struct msync_entry e;
	struct msync_pb_entry pe;
	Msync__Entry *ep = &pe.e;
	Msync__Update u = MSYNC__UPDATE__INIT;
	struct msync_msg m;
	enum msync_err class;
	char why[128];
	size_t len, i;

	tu_init();
	memset(t, 1, sizeof(t));
	memset(t2, 2, sizeof(t2));
	seal.transcript = t;
	tu_entry(&e, 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 1000);
	msync_entry_to_pb(&e, e.timer_ms, false, &pe);
	u.n_entries = 1;
	u.entries = &ep;
	len = msync_env_pack(buf, sizeof(buf), MSYNC_MSG_UPDATE, 9, &u.base, &seal);
	ck_assert_uint_gt(len, MSYNC_FRAME_HDR + MSYNC_TRAILER_LEN);
	ck_assert_int_eq(buf[4], MSYNC_FRAME_ENVELOPE);
	ck_assert(sealed_ok(buf, len, key, 8, 'I', t));
	ck_assert(!sealed_ok(buf, len, key, 8, 'R', t));
	ck_assert(!sealed_ok(buf, len, key, 8, 'I', t2));
	ck_assert(!sealed_ok(buf, len, (const uint8_t *)"secret-2", 8, 'I', t));
	for (i = MSYNC_FRAME_HDR; i < len; i++) {
		memcpy(copy, buf, len);
		copy[i] ^= 0x40;
		ck_assert_msg(!sealed_ok(copy, len, key, 8, 'I', t), "byte %zu changed, MAC ok", i);
	}
	/* without the trailer the Envelope decodes: seq and body */
	ck_assert_int_eq(msync_env_decode(buf + MSYNC_FRAME_HDR,
					  len - MSYNC_FRAME_HDR - MSYNC_TRAILER_LEN, &m, &class,
					  why, sizeof(why)),
			 0);
	ck_assert_uint_eq(m.seq, 9);
	ck_assert_int_eq(m.type, MSYNC_MSG_UPDATE);
	msync_msg_free(&m);
}
END_TEST

/* doc/protocol.md section 3: over a limit, the message is refused whole. */
START_TEST(test_message_limits)
{
	static struct msync_pb_entry pe[MSYNC_BATCH + 1];
	static Msync__Entry *ep[MSYNC_BATCH + 1];
	static Msync__Key pk[MSYNC_BATCH + 1], *kp[MSYNC_BATCH + 1];
	static Msync__Offer of[MSYNC_OFFERS_MAX + 1], *op[MSYNC_OFFERS_MAX + 1];
	static Msync__RoleItem ri[MSYNC_OFFERS_MAX + 1], *rip[MSYNC_OFFERS_MAX + 1];
	static Msync__DigestItem di[MSYNC_OFFERS_MAX + 1], *dip[MSYNC_OFFERS_MAX + 1];
	static char reason[MSYNC_REASON_MAX + 2];
	Msync__Update u = MSYNC__UPDATE__INIT;
	Msync__Delete d = MSYNC__DELETE__INIT;
	Msync__Offers o = MSYNC__OFFERS__INIT;
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__Digest dg = MSYNC__DIGEST__INIT;
	Msync__ResyncRequest rq = MSYNC__RESYNC_REQUEST__INIT;
	struct msync_entry e;
	enum msync_err class;
	char why[128];
	size_t i;

	tu_init();
	for (i = 0; i <= MSYNC_BATCH; i++) {
		tu_entry(&e, 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 1000);
		e.key.group.v4.s_addr = htonl(0xef010000 + i);
		msync_entry_to_pb(&e, 1000, false, &pe[i]);
		ep[i] = &pe[i].e;
		msync_key_to_pb(&e.key, &pk[i]);
		kp[i] = &pk[i];
	}
	/* the pb views point into e: only the group differs, keep them */
	for (i = 0; i <= MSYNC_BATCH; i++) {
		static struct msync_entry keep[MSYNC_BATCH + 1];

		tu_entry(&keep[i], 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 1000);
		keep[i].key.group.v4.s_addr = htonl(0xef010000 + i);
		msync_entry_to_pb(&keep[i], 1000, false, &pe[i]);
		msync_key_to_pb(&keep[i].key, &pk[i]);
	}
	u.entries = ep;
	u.n_entries = MSYNC_BATCH;
	ck_assert_int_eq(decode_env(MSYNC_MSG_UPDATE, &u.base, &class, why, sizeof(why)), 0);
	u.n_entries = MSYNC_BATCH + 1;
	ck_assert_int_eq(decode_env(MSYNC_MSG_UPDATE, &u.base, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);
	ck_assert_str_eq(why, "update: 129 entries (at most 128)");

	d.keys = kp;
	d.n_keys = MSYNC_BATCH;
	ck_assert_int_eq(decode_env(MSYNC_MSG_DELETE, &d.base, &class, why, sizeof(why)), 0);
	d.n_keys = MSYNC_BATCH + 1;
	ck_assert_int_eq(decode_env(MSYNC_MSG_DELETE, &d.base, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);
	ck_assert_str_eq(why, "delete: 129 keys (at most 128)");

	for (i = 0; i <= MSYNC_OFFERS_MAX; i++) {
		msync__offer__init(&of[i]);
		of[i].has_backup_id = of[i].has_svc = true;
		of[i].backup_id = i + 1;
		of[i].svc = MSYNC__SVC_TYPE__SVC_IGMP;
		op[i] = &of[i];
		msync__role_item__init(&ri[i]);
		ri[i].has_backup_id = ri[i].has_role = true;
		ri[i].backup_id = i + 1;
		rip[i] = &ri[i];
		msync__digest_item__init(&di[i]);
		di[i].has_backup_id = di[i].has_count = di[i].has_sum = true;
		di[i].backup_id = i + 1;
		dip[i] = &di[i];
	}
	o.offers = op;
	o.n_offers = MSYNC_OFFERS_MAX;
	ck_assert_int_eq(decode_env(MSYNC_MSG_OFFERS, &o.base, &class, why, sizeof(why)), 0);
	o.n_offers = MSYNC_OFFERS_MAX + 1;
	ck_assert_int_eq(decode_env(MSYNC_MSG_OFFERS, &o.base, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);
	r.items = rip;
	r.n_items = MSYNC_OFFERS_MAX + 1;
	ck_assert_int_eq(decode_env(MSYNC_MSG_ROLE, &r.base, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);
	dg.items = dip;
	dg.n_items = MSYNC_OFFERS_MAX + 1;
	ck_assert_int_eq(decode_env(MSYNC_MSG_DIGEST, &dg.base, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);

	memset(reason, 'x', MSYNC_REASON_MAX);
	rq.reason = reason;
	ck_assert_int_eq(decode_env(MSYNC_MSG_RESYNC_REQUEST, &rq.base, &class, why, sizeof(why)),
			 0);
	reason[MSYNC_REASON_MAX] = 'y';
	ck_assert_int_eq(decode_env(MSYNC_MSG_RESYNC_REQUEST, &rq.base, &class, why, sizeof(why)),
			 -1);
	ck_assert_int_eq(class, MSYNC_ERR_BAD_VALUE);
}
END_TEST

/* An Envelope without seq, without a body or with one this version does
 * not know, or that does not decode. */
START_TEST(test_envelope_errors)
{
	/* seq 1, then field 20 (length-delimited, empty): a future body */
	const uint8_t future[] = { 0x08, 0x01, 0xa2, 0x01, 0x00 };
	const uint8_t noseq[] = { 0x12, 0x00 };	 /* keepalive only */
	const uint8_t nobody[] = { 0x08, 0x05 }; /* seq only */
	const uint8_t junk[] = { 0x12, 0xff, 0xff, 0xff, 0xff };
	struct msync_msg m;
	enum msync_err class;
	char why[128];

	ck_assert_int_eq(msync_env_decode(future, sizeof(future), &m, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_UNKNOWN_TYPE);
	ck_assert_int_eq(msync_env_decode(noseq, sizeof(noseq), &m, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_MISSING_FIELD);
	ck_assert_int_eq(msync_env_decode(nobody, sizeof(nobody), &m, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_UNKNOWN_TYPE);
	ck_assert_str_eq(why, "envelope 5 without a known body");
	ck_assert_int_eq(msync_env_decode(junk, sizeof(junk), &m, &class, why, sizeof(why)), -1);
	ck_assert_int_eq(class, MSYNC_ERR_DECODE);
	/* a body type that is not one: nothing packed */
	{
		uint8_t buf[64];
		Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;

		ck_assert_uint_eq(msync_env_pack(buf, sizeof(buf), MSYNC_MSG_HELLO, 1, &k.base,
						 NULL),
				  0);
		ck_assert_uint_eq(msync_env_pack(buf, sizeof(buf), MSYNC_MSG_ACK, 1, &k.base, NULL),
				  0);
	}
}
END_TEST

/* Peer bytes in a log line, and how many lines a peer may cause. */
START_TEST(test_sanitize_ratelimit)
{
	struct msync_ratelimit rl = {};
	char out[64];
	unsigned int dropped, i, ok = 0;

	ck_assert_str_eq(msync_sanitize(out, sizeof(out), "rbs1", 4, 31), "rbs1");
	ck_assert_str_eq(msync_sanitize(out, sizeof(out), "a\nb\x1b[31m\"\\", 10, 31),
			 "a\\x0ab\\x1b[31m\\x22\\x5c");
	ck_assert_str_eq(msync_sanitize(out, sizeof(out), "abcdefgh", 8, 4), "abcd...");
	ck_assert_str_eq(msync_sanitize(out, 8, "\xff\xff\xff\xff", 4, 31), "\\xff...");

	for (i = 0; i < 1000; i++)
		ok += msync_ratelimit_ok(&rl, 5000 + i, 20, &dropped);
	ck_assert_uint_eq(ok, 20);
	ck_assert(msync_ratelimit_ok(&rl, 5000 + MSYNC_LOG_WINDOW_MS, 20, &dropped));
	ck_assert_uint_eq(dropped, 980);
	ck_assert(msync_ratelimit_ok(&rl, 5001 + MSYNC_LOG_WINDOW_MS, 20, &dropped));
	ck_assert_uint_eq(dropped, 0);
}
END_TEST

/* The TCP-AO option as the kernel wants it (uapi linux/tcp.h, 6.7), and
 * the run-time detection agrees with what the kernel does with it. */
START_TEST(test_tcp_ao_option)
{
	struct msync_tcp_ao_add ao;
	struct msync_tcp_ao_key k = { .id = 3, .current = true, .len = 6 };
	union sockunion peer;
	int fd, r;

	ck_assert_uint_eq(sizeof(ao), 288);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, alg_name), 128);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, ifindex), 192);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, reserved2), 200);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, prefix), 202);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, keylen), 207);
	ck_assert_uint_eq(offsetof(struct msync_tcp_ao_add, key), 208);

	memcpy(k.secret, "abcdef", 6);
	str2sockunion("10.0.0.2", &peer);
	peer.sin.sin_port = htons(7000);
	ck_assert_int_eq(msync_tcp_ao_build(&ao, &peer, &k), 0);
	ck_assert_int_eq(((struct sockaddr_in *)&ao.addr)->sin_family, AF_INET);
	ck_assert_uint_eq(((struct sockaddr_in *)&ao.addr)->sin_port, 0);
	ck_assert_mem_eq(&((struct sockaddr_in *)&ao.addr)->sin_addr, &peer.sin.sin_addr, 4);
	ck_assert_uint_eq(ao.prefix, 32);
	ck_assert_str_eq(ao.alg_name, "hmac(sha256)");
	ck_assert_uint_eq(ao.sndid, 3);
	ck_assert_uint_eq(ao.rcvid, 3);
	ck_assert_uint_eq(ao.set_current, 1);
	ck_assert_uint_eq(ao.keylen, 6);
	ck_assert_mem_eq(ao.key, "abcdef", 6);
	ck_assert_uint_eq(ao.ifindex, 0);
	ck_assert_uint_eq(ao.reserved, 0);

	str2sockunion("2001:db8::2", &peer);
	k.current = false;
	ck_assert_int_eq(msync_tcp_ao_build(&ao, &peer, &k), 0);
	ck_assert_int_eq(((struct sockaddr_in6 *)&ao.addr)->sin6_family, AF_INET6);
	ck_assert_uint_eq(ao.prefix, 128);
	ck_assert_uint_eq(ao.set_current, 0);

	k.len = 0;
	ck_assert_int_eq(msync_tcp_ao_build(&ao, &peer, &k), -1);
	k.len = 6;
	memset(&peer, 0, sizeof(peer));
	ck_assert_int_eq(msync_tcp_ao_build(&ao, &peer, &k), -1);

	/* the kernel: without CONFIG_TCP_AO the option is unknown */
	str2sockunion("127.0.0.2", &peer);
	ck_assert_int_eq(msync_tcp_ao_build(&ao, &peer, &k), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	r = setsockopt(fd, IPPROTO_TCP, MSYNC_TCP_AO_ADD_KEY, &ao, sizeof(ao));
	if (msync_tcp_ao_available())
		ck_assert_int_eq(r, 0);
	else
		ck_assert(r < 0 && errno == ENOPROTOOPT);
	close(fd);
	fprintf(stderr, "test_tcp_ao_option: TCP-AO %savailable on this kernel\n",
		msync_tcp_ao_available() ? "" : "not ");
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
	TU_ADD(tc, test_hmac);
	TU_ADD(tc, test_transcript);
	TU_ADD(tc, test_sealed_frame);
	TU_ADD(tc, test_message_limits);
	TU_ADD(tc, test_envelope_errors);
	TU_ADD(tc, test_sanitize_ratelimit);
	TU_ADD(tc, test_tcp_ao_option);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
