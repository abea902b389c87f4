// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the mldsync frame reader and message handler.
 *
 * The input is what a twin sends on the RBS connection.  A real session
 * (fake transport, virtual clock) accepts the connection and reads it in
 * slices while its timers run.  Input layout:
 *
 *   byte 0   mode: bit 0 the harness sends a valid Hello first,
 *                  bit 1 and a complete empty resync plus the Ack of ours
 *                        (the session is then ESTABLISHED),
 *                  bit 2 the session has local entries to resync,
 *                  bit 3 the twin closes the connection at the end,
 *                  bit 4 the clock runs past the hold time at the end
 *   byte 1   largest read the transport returns (0: no limit)
 *   rest     the byte stream
 *
 * MSYNC_FUZZ_GEN_CORPUS=DIR writes a seed corpus into DIR and exits.
 */
#include <zebra.h>

#include "zlog.h"

#include "mldsync/msync_codec.h"
#include "mldsync/msync_private.h"
#include "tests/unit/fake_io.h"

#define PORT  7000
#define SLICE 700

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const struct msync_offer offers[2] = {
	{ .backup_id = 10, .svc = MSYNC_SVC_IGMP },
	{ .backup_id = 11, .svc = MSYNC_SVC_MLD },
};

/* ---- building frames ---- */

struct out {
	uint8_t buf[1 << 16];
	size_t len;
};

static void put(struct out *o, uint8_t type, const void *pb)
{
	o->len += msync_msg_pack(o->buf + o->len, sizeof(o->buf) - o->len, type, pb);
}

static void put_hello(struct out *o)
{
	Msync__Hello h = MSYNC__HELLO__INIT;
	Msync__Offer of[2] = { MSYNC__OFFER__INIT, MSYNC__OFFER__INIT };
	Msync__Offer *op[2] = { &of[0], &of[1] };
	size_t i;

	h.has_version = h.has_incarnation = true;
	h.version = MSYNC_PROTOCOL_VERSION;
	h.service = (char *)"rbs1";
	h.incarnation = 0x5eed;
	h.has_hold_ms = h.has_keepalive_ms = true;
	h.hold_ms = 3000;
	h.keepalive_ms = 1000;
	for (i = 0; i < 2; i++) {
		of[i].has_backup_id = of[i].has_svc = true;
		of[i].backup_id = offers[i].backup_id;
		of[i].svc = (Msync__SvcType)offers[i].svc;
	}
	h.n_offers = 2;
	h.offers = op;
	put(o, MSYNC_MSG_HELLO, &h.base);
}

static void put_begin_end(struct out *o, uint64_t seq, uint64_t gen, bool end)
{
	if (!end) {
		Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT;

		b.has_seq = b.has_generation = true;
		b.seq = seq;
		b.generation = gen;
		put(o, MSYNC_MSG_RESYNC_BEGIN, &b.base);
	} else {
		Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

		e.has_seq = e.has_generation = e.has_count = true;
		e.seq = seq;
		e.generation = gen;
		e.count = 0;
		put(o, MSYNC_MSG_RESYNC_END, &e.base);
	}
}

static void put_ack(struct out *o, uint64_t seq)
{
	Msync__Ack a = MSYNC__ACK__INIT;

	a.has_seq = true;
	a.seq = seq;
	put(o, MSYNC_MSG_ACK, &a.base);
}

static void entry(struct msync_entry *e, uint32_t bid, int i)
{
	memset(e, 0, sizeof(*e));
	e->key.backup_id = bid;
	snprintf(e->key.ifname, sizeof(e->key.ifname), "eth%d", i % 3);
	if (bid == 10) {
		e->key.family = AF_INET;
		e->key.group.v4.s_addr = htonl(0xef000001 + i);
		if (i % 2)
			e->key.source.v4.s_addr = htonl(0x0a000001 + i);
		e->version = 3;
	} else {
		e->key.family = AF_INET6;
		e->key.group.v6.s6_addr[0] = 0xff;
		e->key.group.v6.s6_addr[1] = 0x0e;
		e->key.group.v6.s6_addr[15] = i + 1;
		e->version = 2;
	}
	e->filter = i % 2 ? MSYNC_FILTER_INCLUDE : MSYNC_FILTER_EXCLUDE;
	e->timer_ms = i % 3 ? 1000 * i : 0;
	e->origin_role = MSYNC_ROLE_MASTER;
}

static void put_update(struct out *o, uint64_t seq, int n)
{
	Msync__Update u = MSYNC__UPDATE__INIT;
	struct msync_entry e[8];
	struct msync_pb_entry pe[8];
	Msync__Entry *ep[8];
	int i;

	for (i = 0; i < n; i++) {
		entry(&e[i], i % 2 ? 11 : 10, i);
		msync_entry_to_pb(&e[i], e[i].timer_ms, i == 5, &pe[i]);
		ep[i] = &pe[i].e;
	}
	u.has_seq = true;
	u.seq = seq;
	u.n_entries = n;
	u.entries = ep;
	put(o, MSYNC_MSG_UPDATE, &u.base);
}

static void put_delete(struct out *o, uint64_t seq, int n)
{
	Msync__Delete d = MSYNC__DELETE__INIT;
	struct msync_entry e[8];
	Msync__Key k[8], *kp[8];
	int i;

	for (i = 0; i < n; i++) {
		entry(&e[i], i % 2 ? 11 : 10, i);
		msync_key_to_pb(&e[i].key, &k[i]);
		kp[i] = &k[i];
	}
	d.has_seq = true;
	d.seq = seq;
	d.n_keys = n;
	d.keys = kp;
	put(o, MSYNC_MSG_DELETE, &d.base);
}

static void put_misc(struct out *o)
{
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem di = MSYNC__DIGEST_ITEM__INIT, *dip = &di;
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__RoleItem ri = MSYNC__ROLE_ITEM__INIT, *rip = &ri;
	Msync__ResyncRequest rq = MSYNC__RESYNC_REQUEST__INIT;

	put(o, MSYNC_MSG_KEEPALIVE, &k.base);
	di.has_backup_id = di.has_count = di.has_sum = true;
	di.backup_id = 10;
	di.count = 2;
	di.sum = 12345;
	d.n_items = 1;
	d.items = &dip;
	put(o, MSYNC_MSG_DIGEST, &d.base);
	put(o, MSYNC_MSG_DIGEST, &d.base);
	ri.has_backup_id = ri.has_role = true;
	ri.backup_id = 11;
	ri.role = MSYNC__ROLE__ROLE_BACKUP;
	r.n_items = 1;
	r.items = &rip;
	put(o, MSYNC_MSG_ROLE, &r.base);
	rq.reason = (char *)"fuzz";
	put(o, MSYNC_MSG_RESYNC_REQUEST, &rq.base);
}

static void write_seed(const char *dir, const char *name, uint8_t mode, uint8_t chunk,
		       const struct out *o)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputc(mode, f);
	fputc(chunk, f);
	fwrite(o->buf, 1, o->len, f);
	fclose(f);
}

static void gen_corpus(const char *dir)
{
	static struct out o;
	uint8_t junk[9] = { 0, 0, 0, 5, 99, 1, 2, 3, 4 };

	/* a whole conversation from the Hello on */
	o.len = 0;
	put_hello(&o);
	put_begin_end(&o, 1, 1, false);
	put_update(&o, 2, 6);
	put_delete(&o, 3, 2);
	put_begin_end(&o, 4, 1, true);
	put_ack(&o, 3);
	put_misc(&o);
	write_seed(dir, "conversation", 0x04, 0, &o);
	write_seed(dir, "conversation-slow", 0x14, 3, &o);

	/* after the harness's Hello and resync: incremental traffic */
	o.len = 0;
	put_update(&o, 3, 8);
	put_delete(&o, 4, 3);
	put_misc(&o);
	put_begin_end(&o, 5, 2, false);
	put_update(&o, 6, 2);
	put_begin_end(&o, 7, 2, true);
	write_seed(dir, "established", 0x07, 0, &o);
	write_seed(dir, "established-close", 0x0f, 7, &o);

	/* framing edge cases */
	o.len = 0;
	memcpy(o.buf, junk, sizeof(junk));
	o.len = sizeof(junk);
	put_update(&o, 3, 1);
	write_seed(dir, "unknown-type", 0x03, 0, &o);
	o.len = 0;
	put_hello(&o);
	o.len -= 3;
	write_seed(dir, "truncated-hello", 0x08, 1, &o);
	o.len = 0;
	put_hello(&o);
	write_seed(dir, "hello", 0x00, 0, &o);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("MSYNC_FUZZ_GEN_CORPUS");

	/* quiet: warnings for every bad input would drown the fuzzer's output */
	zlog_startup_end();
	if (dir)
		gen_corpus(dir);
	return 0;
}

/* ---- one run ---- */

static void session_entries(struct msync_session *s)
{
	struct msync_entry e;
	int i;

	for (i = 0; i < 5; i++) {
		entry(&e, i % 2 ? 11 : 10, 20 + i);
		msync_local_update(s, &e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out pre;
	struct msync_session_config cfg;
	struct fake_net *net;
	struct msync_io *ioa, *ior;
	struct msync_session *s;
	struct msync_conn *raw;
	uint8_t mode, chunk;
	size_t off = 0, n;

	if (size < 2)
		return 0;
	mode = data[0];
	chunk = data[1];
	data += 2;
	size -= 2;

	net = fake_net_new(1);
	fake_net_set_max_read(net, chunk);
	ioa = fake_io_new(net, "10.0.0.1");
	ior = fake_io_new(net, "10.0.0.2");
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "rbs1");
	str2sockunion("10.0.0.2", &cfg.peer);
	cfg.port = PORT;
	cfg.digest_ms = 50;
	s = msync_session_new(ioa, &cfg, NULL);
	msync_session_set_offers(s, offers, 2);
	msync_session_set_role(s, 10, MSYNC_ROLE_MASTER);
	if (mode & 0x04)
		session_entries(s);
	fake_net_run(net, 1);
	raw = fake_raw_connect(ior, "10.0.0.1", PORT);
	fake_net_run(net, 1);

	pre.len = 0;
	if (mode & 0x01)
		put_hello(&pre);
	if ((mode & 0x03) == 0x03) {
		/* ours: Begin 1, End 2; its: Begin 1, [Update 2,] End 2|3 */
		put_begin_end(&pre, 1, 1, false);
		put_begin_end(&pre, 2, 1, true);
		put_ack(&pre, mode & 0x04 ? 3 : 2);
	}
	if (pre.len) {
		fake_raw_send(raw, pre.buf, pre.len);
		fake_net_run(net, 1);
	}
	while (off < size) {
		n = MIN(size - off, (size_t)SLICE);
		fake_raw_send(raw, data + off, n);
		off += n;
		fake_net_run(net, 7);
		/* what the session sends back is not looked at */
		while (fake_raw_recv(raw, pre.buf, sizeof(pre.buf)))
			;
	}
	if (mode & 0x08) {
		fake_raw_close(raw);
		raw = NULL;
	}
	fake_net_run(net, mode & 0x10 ? 4000 : 10);

	msync_session_free(&s);
	if (raw)
		fake_raw_close(raw);
	fake_io_free(&ioa);
	fake_io_free(&ior);
	fake_net_free(&net);
	return 0;
}
