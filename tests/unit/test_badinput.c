// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync bad input: a hand-made twin (no authentication: what reaches
 * the checks behind it) sends every class of malformed input.  Each gives
 * a counted error and a log line with the reason; the session is reset
 * where going on would be unsafe; no partial entry ever reaches the
 * table.
 */
#include <zebra.h>

#include <check.h>

#include "mldsync/msync_codec.h"
#include "tests/unit/test_util.h"

static struct fake_net *net;
static struct msync_io *ioa, *ior;
static struct msync_session *A;
static struct tu_rec ra;
static struct tu_raw rw;

static const struct msync_counters *ctr(void)
{
	return msync_session_counters(A);
}

static uint64_t err(enum msync_err e)
{
	return ctr()->errors[e];
}

static void send_raw(const void *p, size_t len)
{
	tu_raw_bytes(&rw, p, len);
}

static void send_msg(uint8_t type, const void *pb)
{
	tu_raw_send(&rw, type, pb);
}

static void drain(void)
{
	tu_raw_drain(&rw);
}

static void send_hello(uint32_t version, const char *name)
{
	tu_raw_hello(&rw, version, name, 0x1234);
}

/* the handshake, offering bid0/svc0 and 11 mld */
static void handshake(uint32_t bid0, enum msync_svc svc0)
{
	Msync__Auth a = MSYNC__AUTH__INIT;
	struct msync_offer o[2] = { { bid0, svc0 }, { 11, MSYNC_SVC_MLD } };

	send_hello(MSYNC_PROTOCOL_VERSION, "rbs1");
	drain();
	send_msg(MSYNC_MSG_AUTH, &a);
	drain();
	tu_raw_offers(&rw, o, 2);
	drain();
}

static void establish(void)
{
	handshake(10, MSYNC_SVC_IGMP);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_RESYNC);
	tu_raw_begin_end(&rw);
	drain();
	ck_assert(rw.end_rx);
	tu_raw_ack(&rw, rw.end_seq);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_ESTABLISHED);
	tu_log_clear();
}

static void setup(void)
{
	struct msync_session_config cfg;
	struct msync_callbacks cb;

	tu_init();
	net = fake_net_new(3);
	ioa = fake_io_new(net, "10.0.0.1");
	ior = fake_io_new(net, "10.0.0.2");
	tu_cfg(&cfg, "rbs1", "10.0.0.2", "10.0.0.1", TU_PORT);
	tu_callbacks(&ra, &cb);
	A = msync_session_new(ioa, &cfg, &cb);
	msync_session_set_offers(A, tu_offers, 2);
	fake_net_run(net, 1);
	tu_raw_connect(&rw, net, ior, "10.0.0.1");
	ck_assert(fake_raw_connected(rw.c));
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_HELLO);
}

static void teardown(void)
{
	msync_session_free(&A);
	tu_raw_close(&rw);
	fake_io_free(&ioa);
	fake_io_free(&ior);
	fake_net_free(&net);
}

/* A was reset: it closed the connection and is no longer up. */
static void assert_reset(void)
{
	drain();
	ck_assert(fake_raw_eof(rw.c));
	ck_assert_int_ne(msync_session_state(A), MSYNC_ST_ESTABLISHED);
	ck_assert_int_ne(msync_session_state(A), MSYNC_ST_RESYNC);
}

static void assert_alive(void)
{
	drain();
	ck_assert(!fake_raw_eof(rw.c));
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_ESTABLISHED);
}

/* Protobuf views of an entry, with fields to break. */
struct pbent {
	Msync__Entry e;
	Msync__Key k;
	uint8_t g[16], s[16];
};

static void pbent(struct pbent *p, uint32_t bid, const char *group, const char *source)
{
	int fam = strchr(group, ':') ? AF_INET6 : AF_INET;

	msync__entry__init(&p->e);
	msync__key__init(&p->k);
	p->e.key = &p->k;
	p->k.has_backup_id = p->k.has_svc = p->k.has_group = true;
	p->k.backup_id = bid;
	p->k.svc = fam == AF_INET ? MSYNC__SVC_TYPE__SVC_IGMP : MSYNC__SVC_TYPE__SVC_MLD;
	p->k.ifname = (char *)"eth0";
	inet_pton(fam, group, p->g);
	p->k.group.data = p->g;
	p->k.group.len = fam == AF_INET ? 4 : 16;
	if (source) {
		inet_pton(fam, source, p->s);
		p->k.has_source = true;
		p->k.source.data = p->s;
		p->k.source.len = p->k.group.len;
	}
	p->e.has_filter = p->e.has_version = p->e.has_timer_ms = true;
	p->e.filter = MSYNC__FILTER_MODE__FILTER_EXCLUDE;
	p->e.version = fam == AF_INET ? 3 : 2;
	p->e.timer_ms = 10000;
}

static void send_update(struct pbent *ents, size_t n)
{
	Msync__Update u = MSYNC__UPDATE__INIT;
	Msync__Entry *ep[8];
	size_t i;

	for (i = 0; i < n; i++)
		ep[i] = &ents[i].e;
	u.n_entries = n;
	u.entries = ep;
	send_msg(MSYNC_MSG_UPDATE, &u);
}

/* One bad entry between two good ones: the bad one is dropped whole,
 * counted and logged; the good ones apply; the session stays up. */
static void one_bad_entry(struct pbent *bad, enum msync_err cls, const char *logged)
{
	struct pbent e[3];

	establish();
	pbent(&e[0], 10, "239.1.1.1", NULL);
	e[1] = *bad;
	e[1].e.key = e[1].e.key ? &e[1].k : NULL;
	if (e[1].k.group.data == bad->g)
		e[1].k.group.data = e[1].g;
	if (e[1].k.source.data == bad->s)
		e[1].k.source.data = e[1].s;
	pbent(&e[2], 11, "ff0e::1", "2001:db8::1");
	send_update(e, 3);
	ck_assert_uint_eq(err(cls), 1);
	ck_assert_msg(tu_log_has(logged), "no log line with \"%s\"", logged);
	ck_assert_uint_eq(msync_peer_count(A), 2);
	ck_assert_int_eq(ra.updates, 2);
	assert_alive();
}

/* ------------------------------------------------------------------ */

START_TEST(test_truncated)
{
	uint8_t b[14] = { 0, 0, 0, 100, MSYNC_FRAME_ENVELOPE };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_ESTABLISHED);
	fake_raw_close(rw.c);
	rw.c = NULL;
	fake_net_run(net, 1);
	ck_assert_uint_eq(err(MSYNC_ERR_TRUNCATED), 1);
	ck_assert(tu_log_has("closed inside a frame"));
	ck_assert_int_ne(msync_session_state(A), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(msync_peer_count(A), 0);
}
END_TEST

START_TEST(test_oversize)
{
	uint8_t b[8] = { 0, 1, 0, 1, MSYNC_FRAME_ENVELOPE };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_OVERSIZE), 1);
	ck_assert(tu_log_has("bad frame length (oversize)"));
	assert_reset();
	ck_assert_str_eq(msync_session_last_reason(A), "bad frame length (oversize)");
}
END_TEST

START_TEST(test_zero_length)
{
	uint8_t b[4] = { 0, 0, 0, 0 };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_ZERO_LENGTH), 1);
	ck_assert(tu_log_has("zero-length"));
	assert_reset();
}
END_TEST

/* No frame may be skipped in version 2 (it would still take a sequence
 * number): an unknown frame type or Envelope body resets. */
START_TEST(test_unknown_type)
{
	uint8_t b[9] = { 0, 0, 0, 5, 99, 1, 2, 3, 4 };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_UNKNOWN_TYPE), 1);
	ck_assert(tu_log_has("frame type 99"));
	assert_reset();
}
END_TEST

START_TEST(test_unknown_body)
{
	/* Envelope{seq 3, field 20: a body of a later version} */
	uint8_t b[10] = { 0, 0, 0, 6, MSYNC_FRAME_ENVELOPE, 0x08, 0x03, 0xa2, 0x01, 0x00 };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_UNKNOWN_TYPE), 1);
	ck_assert(tu_log_has("envelope 3 without a known body"));
	assert_reset();
}
END_TEST

START_TEST(test_decode)
{
	uint8_t b[10] = { 0, 0, 0, 6, MSYNC_FRAME_ENVELOPE, 0x12, 0xff, 0xff, 0xff, 0xff };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_DECODE), 1);
	ck_assert(tu_log_has("envelope: 5 bytes do not decode"));
	assert_reset();
	ck_assert_uint_eq(msync_peer_count(A), 0);
}
END_TEST

START_TEST(test_missing_seq)
{
	/* Envelope{keepalive} without seq */
	uint8_t b[7] = { 0, 0, 0, 3, MSYNC_FRAME_ENVELOPE, 0x12, 0x00 };

	establish();
	send_raw(b, sizeof(b));
	ck_assert_uint_eq(err(MSYNC_ERR_MISSING_FIELD), 1);
	ck_assert(tu_log_has("envelope: no sequence number"));
	assert_reset();
}
END_TEST

START_TEST(test_missing_hello_field)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	uint8_t buf[64];

	h.has_version = true;
	h.version = 2;
	h.service = (char *)"rbs1";
	send_raw(buf, msync_hello_pack(buf, sizeof(buf), &h));
	ck_assert_uint_eq(err(MSYNC_ERR_MISSING_FIELD), 1);
	ck_assert(tu_log_has("hello: no incarnation"));
	assert_reset();
}
END_TEST

START_TEST(test_missing_nonce)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	uint8_t buf[64];

	h.has_version = h.has_incarnation = true;
	h.version = 2;
	h.incarnation = 5;
	h.service = (char *)"rbs1";
	send_raw(buf, msync_hello_pack(buf, sizeof(buf), &h));
	ck_assert_uint_eq(err(MSYNC_ERR_MISSING_FIELD), 1);
	ck_assert(tu_log_has("hello: no nonce"));
	assert_reset();
}
END_TEST

START_TEST(test_missing_entry_field)
{
	struct pbent e;

	pbent(&e, 10, "239.1.1.2", NULL);
	e.k.has_group = false;
	one_bad_entry(&e, MSYNC_ERR_MISSING_FIELD, "entry without group");
}
END_TEST

START_TEST(test_missing_entry_key)
{
	struct pbent e;

	pbent(&e, 10, "239.1.1.2", NULL);
	e.e.key = NULL;
	one_bad_entry(&e, MSYNC_ERR_MISSING_FIELD, "entry without key");
}
END_TEST

START_TEST(test_missing_entry_timer)
{
	struct pbent e;

	pbent(&e, 10, "239.1.1.2", NULL);
	e.e.has_timer_ms = false;
	one_bad_entry(&e, MSYNC_ERR_MISSING_FIELD, "entry without timer");
}
END_TEST

/* A version 1 twin: its Hello (with offers, no nonce) is refused on its
 * version, and ours tells it "protocol version 2 on peer": what a version
 * 1 twin decodes of our Hello is its own Hello with version 2. */
START_TEST(test_version)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	Msync__Offer o = MSYNC__OFFER__INIT, *op = &o;
	uint8_t buf[128];

	h.has_version = h.has_incarnation = true;
	h.version = 1;
	h.incarnation = 0x1234;
	h.service = (char *)"rbs1";
	o.has_backup_id = o.has_svc = true;
	o.backup_id = 10;
	o.svc = MSYNC__SVC_TYPE__SVC_IGMP;
	h.n_offers = 1;
	h.offers = &op;
	send_raw(buf, msync_hello_pack(buf, sizeof(buf), &h));
	ck_assert_uint_eq(err(MSYNC_ERR_VERSION), 1);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(A), "protocol version 1 on peer, 2 here");
	ck_assert(tu_log_has("protocol version 1 on peer, 2 here"));
	drain();
	ck_assert(rw.hello_rx);
	ck_assert_uint_eq(rw.peer_version, 2);
	ck_assert(fake_raw_eof(rw.c));
}
END_TEST

/* A Hello of version 2 with offers: they only go after authentication. */
START_TEST(test_hello_offers)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	Msync__Offer o = MSYNC__OFFER__INIT, *op = &o;
	uint8_t buf[128], nonce[32] = { 1 };

	h.has_version = h.has_incarnation = h.has_nonce = true;
	h.version = 2;
	h.incarnation = 0x1234;
	h.nonce.len = 32;
	h.nonce.data = nonce;
	h.service = (char *)"rbs1";
	o.has_backup_id = o.has_svc = true;
	o.backup_id = 10;
	o.svc = MSYNC__SVC_TYPE__SVC_IGMP;
	h.n_offers = 1;
	h.offers = &op;
	send_raw(buf, msync_hello_pack(buf, sizeof(buf), &h));
	ck_assert_uint_eq(err(MSYNC_ERR_BAD_VALUE), 1);
	ck_assert(tu_log_has("hello: offers before authentication"));
	assert_reset();
}
END_TEST

/* Peer bytes of a service name are escaped in the reason and the log. */
START_TEST(test_service_name_escaped)
{
	send_hello(MSYNC_PROTOCOL_VERSION, "r\x1b[2Jb\n");
	ck_assert_uint_eq(err(MSYNC_ERR_HELLO_MISMATCH), 1);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_REFUSED);
	ck_assert(strstr(msync_session_last_reason(A), "\\x1b[2Jb\\x0a"));
	ck_assert(!strchr(msync_session_last_reason(A), 0x1b));
}
END_TEST

START_TEST(test_hello_mismatch)
{
	handshake(10, MSYNC_SVC_MLD);
	ck_assert_uint_eq(err(MSYNC_ERR_HELLO_MISMATCH), 1);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_REFUSED);
	ck_assert_str_eq(msync_session_last_reason(A),
			 "backup-id 10: service-type igmp here, mld on peer");
	/* retried with backoff: back to connect, not before 1.6 s */
	fake_net_run(net, 1500);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_REFUSED);
	fake_net_run(net, 1000);
	ck_assert_int_ne(msync_session_state(A), MSYNC_ST_REFUSED);
}
END_TEST

START_TEST(test_unknown_backup_id)
{
	struct pbent e;

	pbent(&e, 99, "239.1.1.2", NULL);
	one_bad_entry(&e, MSYNC_ERR_UNKNOWN_BACKUP_ID, "backup-id 99 not configured here");
}
END_TEST

START_TEST(test_unknown_backup_id_delete)
{
	Msync__Delete d = MSYNC__DELETE__INIT;
	struct pbent e;
	Msync__Key *kp;

	establish();
	pbent(&e, 99, "239.1.1.2", NULL);
	kp = &e.k;
	d.n_keys = 1;
	d.keys = &kp;
	send_msg(MSYNC_MSG_DELETE, &d);
	ck_assert_uint_eq(err(MSYNC_ERR_UNKNOWN_BACKUP_ID), 1);
	ck_assert(tu_log_has("delete dropped: backup-id 99"));
	assert_alive();
}
END_TEST

START_TEST(test_bad_group)
{
	struct pbent e;

	pbent(&e, 10, "10.1.1.1", NULL);
	one_bad_entry(&e, MSYNC_ERR_BAD_GROUP, "group 10.1.1.1 is not multicast");
}
END_TEST

START_TEST(test_bad_group6)
{
	struct pbent e;

	pbent(&e, 11, "2001:db8::5", NULL);
	one_bad_entry(&e, MSYNC_ERR_BAD_GROUP, "group 2001:db8::5 is not multicast");
}
END_TEST

/* An MLD entry in an IGMP profile. */
START_TEST(test_bad_family_svc)
{
	struct pbent e;

	pbent(&e, 10, "ff0e::1", NULL);
	one_bad_entry(&e, MSYNC_ERR_BAD_FAMILY, "backup-id 10 is service-type igmp, entry is mld");
}
END_TEST

/* A 16-byte group said to be IGMP. */
START_TEST(test_bad_family_len)
{
	struct pbent e;

	pbent(&e, 10, "ff0e::1", NULL);
	e.k.svc = MSYNC__SVC_TYPE__SVC_IGMP;
	one_bad_entry(&e, MSYNC_ERR_BAD_FAMILY, "16-byte group for service-type igmp");
}
END_TEST

START_TEST(test_bad_value)
{
	struct pbent e;

	pbent(&e, 10, "239.1.1.2", NULL);
	e.e.filter = 9;
	one_bad_entry(&e, MSYNC_ERR_BAD_VALUE, "filter mode 9");
}
END_TEST

START_TEST(test_bad_version_field)
{
	struct pbent e;

	pbent(&e, 11, "ff0e::2", NULL);
	e.e.version = 3;
	one_bad_entry(&e, MSYNC_ERR_BAD_VALUE, "MLD version 3");
}
END_TEST

START_TEST(test_sequence)
{
	struct pbent e;

	establish();
	rw.tx_seq += 5;
	pbent(&e, 10, "239.1.1.1", NULL);
	send_update(&e, 1);
	ck_assert_uint_eq(err(MSYNC_ERR_SEQUENCE), 1);
	ck_assert(tu_log_has("update seq 11, expected 6"));
	assert_reset();
	ck_assert_uint_eq(msync_peer_count(A), 0);
}
END_TEST

START_TEST(test_update_before_hello)
{
	struct pbent e;

	pbent(&e, 10, "239.1.1.1", NULL);
	send_update(&e, 1);
	ck_assert_uint_eq(err(MSYNC_ERR_UNEXPECTED), 1);
	ck_assert(tu_log_has("envelope before hello"));
	assert_reset();
	ck_assert_uint_eq(msync_peer_count(A), 0);
}
END_TEST

/* Between the Hello and the agreed offers only Auth, then Offers. */
START_TEST(test_update_before_offers)
{
	Msync__Auth a = MSYNC__AUTH__INIT;
	struct pbent e;

	send_hello(MSYNC_PROTOCOL_VERSION, "rbs1");
	drain();
	pbent(&e, 10, "239.1.1.1", NULL);
	send_update(&e, 1);
	ck_assert_uint_eq(err(MSYNC_ERR_UNEXPECTED), 1);
	ck_assert(tu_log_has("update before auth"));
	assert_reset();
	teardown();
	setup();
	send_hello(MSYNC_PROTOCOL_VERSION, "rbs1");
	drain();
	send_msg(MSYNC_MSG_AUTH, &a);
	drain();
	ck_assert(rw.offers_rx);
	send_update(&e, 1);
	ck_assert_uint_eq(err(MSYNC_ERR_UNEXPECTED), 1);
	ck_assert(tu_log_has("update before offers"));
	assert_reset();
	ck_assert_uint_eq(msync_peer_count(A), 0);
}
END_TEST

START_TEST(test_end_without_begin)
{
	Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

	establish();
	e.has_generation = true;
	e.generation = 5;
	send_msg(MSYNC_MSG_RESYNC_END, &e);
	ck_assert_uint_eq(err(MSYNC_ERR_UNEXPECTED), 1);
	ck_assert(tu_log_has("resync end 5 without its begin"));
	assert_reset();
}
END_TEST

START_TEST(test_ack_beyond)
{
	establish();
	tu_raw_ack(&rw, rw.rx_seq + 10);
	ck_assert_uint_eq(err(MSYNC_ERR_SEQUENCE), 1);
	ck_assert(tu_log_has("beyond the last sent"));
	assert_reset();
}
END_TEST

START_TEST(test_hold)
{
	establish();
	fake_net_run(net, 2900);
	ck_assert_int_eq(msync_session_state(A), MSYNC_ST_ESTABLISHED);
	fake_net_run(net, 200);
	ck_assert_uint_eq(err(MSYNC_ERR_HOLD_EXPIRED), 1);
	ck_assert(tu_log_has("hold timer expired"));
	assert_reset();
}
END_TEST

/* A bad role or digest item is refused without harm. */
START_TEST(test_role)
{
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__RoleItem ri = MSYNC__ROLE_ITEM__INIT, *rip = &ri;

	establish();
	ri.has_backup_id = ri.has_role = true;
	ri.backup_id = 77;
	ri.role = MSYNC__ROLE__ROLE_MASTER;
	r.n_items = 1;
	r.items = &rip;
	send_msg(MSYNC_MSG_ROLE, &r);
	ck_assert_uint_eq(err(MSYNC_ERR_UNKNOWN_BACKUP_ID), 1);
	ck_assert_int_eq(ra.roles, 0);
	assert_alive();

	ri.backup_id = 10;
	ri.role = 7;
	send_msg(MSYNC_MSG_ROLE, &r);
	ck_assert_uint_eq(err(MSYNC_ERR_BAD_VALUE), 1);
	ck_assert_int_eq(ra.roles, 0);
	assert_reset();
}
END_TEST

/* A digest that disagrees asks for a resync; one with a missing field
 * is a protocol error. */
START_TEST(test_digest)
{
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem di = MSYNC__DIGEST_ITEM__INIT, *dip = &di;

	establish();
	di.has_backup_id = di.has_count = di.has_sum = true;
	di.backup_id = 10;
	di.count = 1;
	di.sum = 42;
	d.n_items = 1;
	d.items = &dip;
	send_msg(MSYNC_MSG_DIGEST, &d);
	ck_assert_uint_eq(ctr()->digest_mismatches, 1);
	drain();
	ck_assert_int_eq(rw.resync_requests, 0);
	send_msg(MSYNC_MSG_DIGEST, &d);
	ck_assert_uint_eq(ctr()->digest_mismatches, 2);
	drain();
	ck_assert_int_eq(rw.resync_requests, 1);
	ck_assert(tu_log_has("digest mismatch on backup-id 10: 0 entries here, 1 on twin"));
	assert_alive();

	di.has_sum = false;
	send_msg(MSYNC_MSG_DIGEST, &d);
	ck_assert_uint_eq(err(MSYNC_ERR_MISSING_FIELD), 1);
	assert_reset();
}
END_TEST

/* Garbage in the middle of a frame stream: whatever was whole before is
 * applied, nothing after. */
START_TEST(test_no_partial_entry)
{
	static uint8_t buf[4096];
	Msync__Update u = MSYNC__UPDATE__INIT;
	Msync__Entry *ep[1];
	struct pbent e;
	size_t n;

	establish();
	pbent(&e, 10, "239.1.1.1", NULL);
	ep[0] = &e.e;
	u.n_entries = 1;
	u.entries = ep;
	n = tu_raw_pack(&rw, buf, sizeof(buf), MSYNC_MSG_UPDATE, &u.base, ++rw.tx_seq);
	/* the same frame cut short in its last field, then a new frame */
	send_raw(buf, n);
	pbent(&e, 10, "239.1.1.2", NULL);
	n = tu_raw_pack(&rw, buf, sizeof(buf), MSYNC_MSG_UPDATE, &u.base, ++rw.tx_seq);
	buf[3] -= 3; /* length now ends inside the entry */
	send_raw(buf, n - 3);
	ck_assert_uint_eq(err(MSYNC_ERR_DECODE), 1);
	assert_reset();
	ck_assert_uint_eq(msync_peer_count(A), 1);
	ck_assert_int_eq(ra.updates, 1);
	ck_assert(tu_log_has("envelope: "));
}
END_TEST

/* An authenticated but broken (or hostile) twin sends thousands of
 * entries of one backup-id: the peer table holds the bound, the rest is
 * counted, one log line says so; its digest then asks for nothing until
 * it deletes entries and so makes room: then one ResyncRequest. */
static void send_digest(uint32_t bid, uint64_t count, uint64_t sum)
{
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem di = MSYNC__DIGEST_ITEM__INIT, *dip = &di;

	di.has_backup_id = di.has_count = di.has_sum = true;
	di.backup_id = bid;
	di.count = count;
	di.sum = sum;
	d.n_items = 1;
	d.items = &dip;
	send_msg(MSYNC_MSG_DIGEST, &d);
}

START_TEST(test_peer_limit_flood)
{
	static struct pbent e[MSYNC_BATCH];
	Msync__Entry *ep[MSYNC_BATCH];
	Msync__Update u = MSYNC__UPDATE__INIT;
	Msync__Delete d = MSYNC__DELETE__INIT;
	Msync__Key *kp[10];
	struct msync_offer o[2] = { { 10, MSYNC_SVC_IGMP, 100 }, { 11, MSYNC_SVC_MLD, 0 } };
	struct msync_peer_limit pl;
	char g[32];
	int f, i;

	msync_session_set_offers(A, o, 2);
	establish();
	for (f = 0; f < 40; f++) {
		for (i = 0; i < MSYNC_BATCH; i++) {
			snprintf(g, sizeof(g), "239.1.%d.%d", f, i);
			pbent(&e[i], 10, g, NULL);
			ep[i] = &e[i].e;
		}
		u.n_entries = MSYNC_BATCH;
		u.entries = ep;
		send_msg(MSYNC_MSG_UPDATE, &u);
		drain();
	}
	ck_assert_int_eq(msync_peer_limit(A, 10, &pl), 0);
	ck_assert_uint_eq(pl.max_entries, 100);
	ck_assert_uint_eq(pl.held, 100);
	ck_assert_uint_eq(pl.dropped, 40 * MSYNC_BATCH - 100);
	ck_assert(pl.full);
	ck_assert_uint_eq(ctr()->peer_limit_drops, 40 * MSYNC_BATCH - 100);
	ck_assert_uint_eq(msync_peer_count(A), 100);
	ck_assert_int_eq(ra.updates, 100);
	ck_assert_uint_eq(tu_log_count("peer table full"), 1);
	ck_assert(tu_log_has("backup-id 10: peer table full (100 entries, max-entries 100)"));

	/* its digests differ, and are not acted on */
	for (i = 0; i < 5; i++)
		send_digest(10, 40 * MSYNC_BATCH, 42);
	drain();
	ck_assert_int_eq(rw.resync_requests, 0);
	ck_assert_uint_eq(ctr()->digest_mismatches, 0);
	assert_alive();

	/* it deletes ten of the held ones: room, one request */
	for (i = 0; i < 10; i++) {
		snprintf(g, sizeof(g), "239.1.0.%d", i);
		pbent(&e[i], 10, g, NULL);
		kp[i] = &e[i].k;
	}
	d.n_keys = 10;
	d.keys = kp;
	send_msg(MSYNC_MSG_DELETE, &d);
	ck_assert_int_eq(msync_peer_limit(A, 10, &pl), 0);
	ck_assert_uint_eq(pl.held, 90);
	send_digest(10, 40 * MSYNC_BATCH - 10, 42);
	drain();
	ck_assert_int_eq(rw.resync_requests, 1);
	ck_assert(tu_log_has("backup-id 10 has room again: 90 of 100 entries held, 5110 on twin"));
	for (i = 0; i < 5; i++)
		send_digest(10, 40 * MSYNC_BATCH - 10, 42);
	drain();
	ck_assert_int_eq(rw.resync_requests, 1);
	ck_assert_uint_eq(ctr()->resync_requests_sent, 1);
	assert_alive();
	/* the other backup-id still takes entries */
	pbent(&e[0], 11, "ff0e::1", NULL);
	ep[0] = &e[0].e;
	u.n_entries = 1;
	send_msg(MSYNC_MSG_UPDATE, &u);
	ck_assert_uint_eq(msync_peer_count(A), 91);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_badinput");
	TCase *tc = tcase_create("badinput");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	TU_ADD(tc, test_truncated);
	TU_ADD(tc, test_oversize);
	TU_ADD(tc, test_zero_length);
	TU_ADD(tc, test_unknown_type);
	TU_ADD(tc, test_unknown_body);
	TU_ADD(tc, test_decode);
	TU_ADD(tc, test_missing_seq);
	TU_ADD(tc, test_missing_hello_field);
	TU_ADD(tc, test_missing_nonce);
	TU_ADD(tc, test_missing_entry_field);
	TU_ADD(tc, test_missing_entry_key);
	TU_ADD(tc, test_missing_entry_timer);
	TU_ADD(tc, test_version);
	TU_ADD(tc, test_hello_offers);
	TU_ADD(tc, test_service_name_escaped);
	TU_ADD(tc, test_hello_mismatch);
	TU_ADD(tc, test_unknown_backup_id);
	TU_ADD(tc, test_unknown_backup_id_delete);
	TU_ADD(tc, test_bad_group);
	TU_ADD(tc, test_bad_group6);
	TU_ADD(tc, test_bad_family_svc);
	TU_ADD(tc, test_bad_family_len);
	TU_ADD(tc, test_bad_value);
	TU_ADD(tc, test_bad_version_field);
	TU_ADD(tc, test_sequence);
	TU_ADD(tc, test_update_before_hello);
	TU_ADD(tc, test_update_before_offers);
	TU_ADD(tc, test_end_without_begin);
	TU_ADD(tc, test_ack_beyond);
	TU_ADD(tc, test_hold);
	TU_ADD(tc, test_role);
	TU_ADD(tc, test_digest);
	TU_ADD(tc, test_peer_limit_flood);
	TU_ADD(tc, test_no_partial_entry);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
