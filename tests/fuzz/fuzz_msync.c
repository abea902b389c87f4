// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the mldsync frame reader, the handshake with its
 * authentication, and the message handler.
 *
 * The input is what a twin (or a stranger) sends on an RBS connection.  A
 * real session (fake transport, virtual clock) accepts the connection and
 * reads it in slices while its timers run.  Input layout:
 *
 *   byte 0   mode: bits 0-1 how far the harness takes the handshake first:
 *                  0 nothing, 1 the Hellos exchanged, 2 the handshake
 *                  complete (Auth, Offers), 3 and an empty resync both
 *                  ways (the session is ESTABLISHED);
 *                  bit 2 the session has local entries to resync,
 *                  bit 3 the twin closes the connection at the end,
 *                  bit 4 the clock runs past the hold time at the end,
 *                  bit 5 authentication: the session and the harness use
 *                        a key chain (the harness seals with its keys),
 *                  bit 6 the rest is records the harness seals (below),
 *                        else raw bytes on the stream,
 *                  bit 7 a first connection is established (mode 3) and
 *                        the rest goes on a second one (the session probes
 *                        the first before it may act on the second)
 *   byte 1   bits 0-6 largest read the transport returns (0: no limit),
 *            bit 7 the first connection answers probes
 *   rest     the byte stream, or records: [type][len: 2 bytes BE][body],
 *            each sent as an Envelope with the next sequence number and,
 *            with authentication, a MAC.  type bits 0-4: the body's field
 *            number (0: body is the whole Envelope; 31: no frame, the
 *            session's key chain loses, or gets back, its send key),
 *            bits 5-6: key 1, key 2 (accepted, not sent), key 3 (not
 *            accepted), key 1 with a wrong MAC; bit 7: the same sequence
 *            number again (replay).
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

/* a small bound on backup-id 10 so that inputs reach the peer table's
 * limit, its full state and the digest's room logic (protocol.md 6.5) */
static const struct msync_offer offers[2] = {
	{ .backup_id = 10, .svc = MSYNC_SVC_IGMP, .max_entries = 4 },
	{ .backup_id = 11, .svc = MSYNC_SVC_MLD },
};

/* the session's key chain: 1 sends and accepts, 2 only accepts, 3 is
 * not accepted (its lifetime ended) */
static const char *const keys[4] = { NULL, "fuzz-key-one", "fuzz-key-two", "fuzz-key-three" };
static bool send_key_gone;

static int fz_send_key(struct msync_session *s, struct msync_authkey *k, void *arg)
{
	if (send_key_gone)
		return -1;
	k->id = 1;
	k->secret = (const uint8_t *)keys[1];
	k->len = strlen(keys[1]);
	return 0;
}

static int fz_accept_key(struct msync_session *s, uint32_t id, struct msync_authkey *k, void *arg)
{
	if (id != 1 && id != 2)
		return -1;
	k->id = id;
	k->secret = (const uint8_t *)keys[id];
	k->len = strlen(keys[id]);
	return 0;
}

/* ---- the harness's end of a connection ---- */

struct hconn {
	struct msync_conn *c;
	bool auth;
	uint64_t seq;
	uint8_t hello[256];
	size_t hello_len;
	uint8_t peer_hello[512];
	size_t peer_hello_len;
	uint8_t transcript[MSYNC_HASH_LEN];
	struct msync_rbuf rb;
	bool end_rx, probe_rx;
	uint64_t end_seq, probe_id;
};

struct out {
	uint8_t buf[1 << 16];
	size_t len;
};

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
		n++;
	} while (v);
	return n;
}

/* seals env (Envelope bytes) as a frame into o: key selector as in the
 * header comment */
static void seal(struct hconn *h, struct out *o, const uint8_t *env, size_t elen, int keysel)
{
	uint32_t id = keysel == 1 ? 2 : keysel == 2 ? 3 : 1;
	size_t plen = elen + (h->auth ? MSYNC_TRAILER_LEN : 0);
	uint8_t *p;

	if (plen + 1 > MSYNC_FRAME_MAX || o->len + MSYNC_FRAME_HDR + plen > sizeof(o->buf))
		return;
	p = o->buf + o->len;
	msync_frame_hdr(p, MSYNC_FRAME_ENVELOPE, plen);
	memcpy(p + MSYNC_FRAME_HDR, env, elen);
	if (h->auth) {
		put_u32(p + MSYNC_FRAME_HDR + elen, id);
		msync_frame_mac(p + MSYNC_FRAME_HDR + elen + 4, (const uint8_t *)keys[id],
				strlen(keys[id]), 'I', h->transcript, id, p + MSYNC_FRAME_HDR, elen);
		if (keysel == 3)
			p[MSYNC_FRAME_HDR + plen - 1] ^= 1;
	}
	o->len += MSYNC_FRAME_HDR + plen;
}

static void put_env(struct hconn *h, struct out *o, uint8_t type, const ProtobufCMessage *pb)
{
	static uint8_t frame[MSYNC_FRAME_MAX + 8];
	size_t n = msync_env_pack(frame, sizeof(frame), type, ++h->seq, pb, NULL);

	if (n)
		seal(h, o, frame + MSYNC_FRAME_HDR, n - MSYNC_FRAME_HDR, 0);
}

static void put_hello(struct hconn *h, struct out *o, bool auth)
{
	Msync__Hello m = MSYNC__HELLO__INIT;
	uint8_t nonce[MSYNC_NONCE_LEN];

	memset(nonce, 0x5e, sizeof(nonce));
	m.has_version = m.has_incarnation = m.has_nonce = true;
	m.version = MSYNC_PROTOCOL_VERSION;
	m.service = (char *)"rbs1";
	m.incarnation = 0x5eed;
	m.nonce.len = sizeof(nonce);
	m.nonce.data = nonce;
	m.has_hold_ms = m.has_keepalive_ms = true;
	m.hold_ms = 3000;
	m.keepalive_ms = 1000;
	if (auth) {
		m.has_auth = true;
		m.auth = MSYNC__AUTH_TYPE__AUTH_HMAC_SHA256;
	}
	h->hello_len = msync__hello__get_packed_size(&m);
	msync__hello__pack(&m, h->hello);
	o->len += msync_hello_pack(o->buf + o->len, sizeof(o->buf) - o->len, &m);
}

static void put_auth_offers(struct hconn *h, struct out *o)
{
	Msync__Auth a = MSYNC__AUTH__INIT;
	Msync__Offers m = MSYNC__OFFERS__INIT;
	Msync__Offer of[2] = { MSYNC__OFFER__INIT, MSYNC__OFFER__INIT };
	Msync__Offer *op[2] = { &of[0], &of[1] };
	size_t i;

	put_env(h, o, MSYNC_MSG_AUTH, &a.base);
	for (i = 0; i < 2; i++) {
		of[i].has_backup_id = of[i].has_svc = true;
		of[i].backup_id = offers[i].backup_id;
		of[i].svc = (Msync__SvcType)offers[i].svc;
	}
	m.n_offers = 2;
	m.offers = op;
	put_env(h, o, MSYNC_MSG_OFFERS, &m.base);
}

static void put_begin_end(struct hconn *h, struct out *o, uint64_t gen)
{
	Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT;
	Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

	b.has_generation = true;
	b.generation = gen;
	put_env(h, o, MSYNC_MSG_RESYNC_BEGIN, &b.base);
	e.has_generation = e.has_count = true;
	e.generation = gen;
	e.count = 0;
	put_env(h, o, MSYNC_MSG_RESYNC_END, &e.base);
}

static void put_ack(struct hconn *h, struct out *o, uint64_t seq)
{
	Msync__Ack a = MSYNC__ACK__INIT;

	a.has_seq = true;
	a.seq = seq;
	put_env(h, o, MSYNC_MSG_ACK, &a.base);
}

/* What the session sent: its Hello (for the transcript), the seq of its
 * resync End, probes.  MACs are not checked here. */
static void hconn_read(struct hconn *h)
{
	struct msync_frame f;
	struct msync_msg m;
	size_t avail, n;
	uint8_t *p;
	int r, e;
	enum msync_err class;
	char why[160];

	if (!h->c)
		return;
	for (;;) {
		p = msync_rbuf_space(&h->rb, &avail);
		n = fake_raw_recv(h->c, p, avail);
		if (!n)
			break;
		msync_rbuf_added(&h->rb, n);
		while ((r = msync_rbuf_next(&h->rb, &f, &e)) == 1) {
			size_t elen = f.len;

			if (f.type == MSYNC_FRAME_HELLO) {
				h->peer_hello_len = MIN(f.len, sizeof(h->peer_hello));
				memcpy(h->peer_hello, f.payload, h->peer_hello_len);
				continue;
			}
			if (h->auth) {
				if (elen < MSYNC_TRAILER_LEN)
					continue;
				elen -= MSYNC_TRAILER_LEN;
			}
			if (msync_env_decode(f.payload, elen, &m, &class, why, sizeof(why)) < 0)
				continue;
			if (m.type == MSYNC_MSG_RESYNC_END) {
				h->end_rx = true;
				h->end_seq = m.seq;
			} else if (m.type == MSYNC_MSG_PROBE) {
				h->probe_rx = true;
				h->probe_id = ((Msync__Probe *)m.pb)->id;
			}
			msync_msg_free(&m);
		}
		if (r < 0)
			break;
	}
}

static void hconn_send(struct fake_net *net, struct hconn *h, struct out *o)
{
	if (h->c && o->len)
		fake_raw_send(h->c, o->buf, o->len);
	o->len = 0;
	fake_net_run(net, 1);
	hconn_read(h);
}

/* the handshake up to a level (mode bits 0-1) */
static void hconn_handshake(struct fake_net *net, struct hconn *h, int level, bool entries)
{
	static struct out o;

	o.len = 0;
	hconn_read(h);
	if (level < 1)
		return;
	put_hello(h, &o, h->auth);
	hconn_send(net, h, &o);
	msync_transcript(h->transcript, h->hello, h->hello_len, h->peer_hello, h->peer_hello_len);
	if (level < 2)
		return;
	put_auth_offers(h, &o);
	hconn_send(net, h, &o);
	/* past the session's wait for a colliding connection */
	fake_net_run(net, MSYNC_COLLIDE_WAIT_MS);
	hconn_read(h);
	if (level < 3)
		return;
	put_begin_end(h, &o, 1);
	hconn_send(net, h, &o);
	/* ours: the session's End, then acked */
	(void)entries;
	if (h->end_rx)
		put_ack(h, &o, h->end_seq);
	hconn_send(net, h, &o);
}

/* records -> sealed Envelopes (header comment) */
static void records(struct hconn *h, struct out *o, const uint8_t *data, size_t size, size_t *off)
{
	static uint8_t env[MSYNC_FRAME_MAX];

	while (*off + 3 <= size && o->len < sizeof(o->buf) / 2) {
		uint8_t type = data[*off];
		size_t len = ((size_t)data[*off + 1] << 8) | data[*off + 2], elen = 0;
		uint8_t field = type & 0x1f;

		*off += 3;
		len = MIN(len, size - *off);
		if (field == 0x1f) {
			/* the key chain's send lifetime ends, or begins again */
			send_key_gone = !send_key_gone;
			*off += len;
			continue;
		}
		if (!(type & 0x80) || !h->seq)
			h->seq++;
		if (field) {
			env[elen++] = 0x08;
			elen += put_varint(env + elen, h->seq);
			elen += put_varint(env + elen, ((uint64_t)field << 3) | 2);
			elen += put_varint(env + elen, len);
		}
		if (elen + len > sizeof(env))
			len = sizeof(env) - elen;
		memcpy(env + elen, data + *off, len);
		elen += len;
		*off += len;
		seal(h, o, env, elen, (type >> 5) & 3);
	}
	/* a tail too short for a record header */
	if (*off + 3 > size)
		*off = size;
}

/* ---- seed corpus ---- */

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

/* a record: [type][len][body] */
static void put_record(struct out *o, uint8_t type, const ProtobufCMessage *pb)
{
	size_t n = protobuf_c_message_get_packed_size(pb);

	if (o->len + 3 + n > sizeof(o->buf))
		return;
	o->buf[o->len] = type;
	o->buf[o->len + 1] = n >> 8;
	o->buf[o->len + 2] = n;
	protobuf_c_message_pack(pb, o->buf + o->len + 3);
	o->len += 3 + n;
}

static void rec_update(struct out *o, int n, uint8_t flags)
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
	u.n_entries = n;
	u.entries = ep;
	put_record(o, MSYNC_MSG_UPDATE | flags, &u.base);
}

static void rec_delete(struct out *o, int n)
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
	d.n_keys = n;
	d.keys = kp;
	put_record(o, MSYNC_MSG_DELETE, &d.base);
}

static void rec_misc(struct out *o)
{
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem di = MSYNC__DIGEST_ITEM__INIT, *dip = &di;
	Msync__RoleReport r = MSYNC__ROLE_REPORT__INIT;
	Msync__RoleItem ri = MSYNC__ROLE_ITEM__INIT, *rip = &ri;
	Msync__ResyncRequest rq = MSYNC__RESYNC_REQUEST__INIT;
	Msync__Probe p = MSYNC__PROBE__INIT;
	Msync__ProbeReply pr = MSYNC__PROBE_REPLY__INIT;
	Msync__Bye bye = MSYNC__BYE__INIT;

	put_record(o, MSYNC_MSG_KEEPALIVE, &k.base);
	di.has_backup_id = di.has_count = di.has_sum = true;
	di.backup_id = 10;
	di.count = 2;
	di.sum = 12345;
	d.n_items = 1;
	d.items = &dip;
	put_record(o, MSYNC_MSG_DIGEST, &d.base);
	put_record(o, MSYNC_MSG_DIGEST, &d.base);
	ri.has_backup_id = ri.has_role = true;
	ri.backup_id = 11;
	ri.role = MSYNC__ROLE__ROLE_BACKUP;
	r.n_items = 1;
	r.items = &rip;
	put_record(o, MSYNC_MSG_ROLE, &r.base);
	/* where it stands on forwarding, and asking for the twin's */
	ri.has_able = ri.has_forwarding = ri.has_released = ri.has_synced = true;
	ri.able = ri.released = true;
	ri.has_priority = true;
	ri.priority = 300; /* out of range: refused */
	r.has_ask = r.ask = true;
	put_record(o, MSYNC_MSG_ROLE, &r.base);
	rq.reason = (char *)"fuzz \x1b[2J";
	put_record(o, MSYNC_MSG_RESYNC_REQUEST, &rq.base);
	p.has_id = true;
	p.id = 7;
	put_record(o, MSYNC_MSG_PROBE, &p.base);
	pr.has_id = true;
	pr.id = 7;
	put_record(o, MSYNC_MSG_PROBE_REPLY, &pr.base);
	bye.reason = (char *)"fuzz \x1b[2J";
	bye.has_stopping = bye.stopping = true;
	put_record(o, MSYNC_MSG_BYE, &bye.base);
}

static void rec_begin_end(struct out *o, uint64_t gen, bool end)
{
	Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT;
	Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

	b.has_generation = e.has_generation = true;
	b.generation = e.generation = gen;
	if (end)
		put_record(o, MSYNC_MSG_RESYNC_END, &e.base);
	else
		put_record(o, MSYNC_MSG_RESYNC_BEGIN, &b.base);
}

static void rec_auth_offers(struct out *o, uint32_t bid0)
{
	Msync__Auth a = MSYNC__AUTH__INIT;
	Msync__Offers m = MSYNC__OFFERS__INIT;
	Msync__Offer of[2] = { MSYNC__OFFER__INIT, MSYNC__OFFER__INIT };
	Msync__Offer *op[2] = { &of[0], &of[1] };

	put_record(o, MSYNC_MSG_AUTH, &a.base);
	of[0].has_backup_id = of[0].has_svc = of[1].has_backup_id = of[1].has_svc = true;
	of[0].backup_id = bid0;
	of[0].svc = MSYNC__SVC_TYPE__SVC_IGMP;
	of[1].backup_id = 11;
	of[1].svc = MSYNC__SVC_TYPE__SVC_MLD;
	m.n_offers = 2;
	m.offers = op;
	put_record(o, MSYNC_MSG_OFFERS, &m.base);
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
	static struct hconn h;
	uint8_t junk[9] = { 0, 0, 0, 5, 99, 1, 2, 3, 4 };

	/* raw streams, no authentication: a whole conversation from the
	 * Hello on (the harness seals nothing) */
	memset(&h, 0, sizeof(h));
	o.len = 0;
	put_hello(&h, &o, false);
	put_auth_offers(&h, &o);
	put_begin_end(&h, &o, 1);
	put_ack(&h, &o, 3);
	write_seed(dir, "conversation", 0x04, 0, &o);
	write_seed(dir, "conversation-slow", 0x14, 3, &o);
	o.len = 0;
	put_hello(&h, &o, false);
	o.len -= 3;
	write_seed(dir, "truncated-hello", 0x08, 1, &o);
	o.len = 0;
	memcpy(o.buf, junk, sizeof(junk));
	o.len = sizeof(junk);
	write_seed(dir, "unknown-type", 0x03, 0, &o);
	o.len = 0;
	put_hello(&h, &o, true);
	write_seed(dir, "hello-auth", 0x20, 0, &o);

	/* records sealed by the harness: incremental traffic after the
	 * handshake, with and without authentication */
	o.len = 0;
	rec_update(&o, 8, 0);
	rec_delete(&o, 3);
	rec_misc(&o);
	rec_begin_end(&o, 2, false);
	rec_update(&o, 2, 0);
	rec_begin_end(&o, 2, true);
	write_seed(dir, "established", 0x47, 0, &o);
	write_seed(dir, "established-auth", 0x67, 0, &o);
	write_seed(dir, "established-auth-close", 0x6f, 7, &o);
	/* keys: 2 (accepted), 3 (not), a bad MAC, a replay */
	o.len = 0;
	rec_update(&o, 2, 0x20);
	rec_update(&o, 2, 0x80);
	rec_update(&o, 2, 0x40);
	rec_update(&o, 2, 0x60);
	write_seed(dir, "keys-replay", 0x67, 0, &o);
	/* the handshake after the Hellos: Auth, Offers (agreeing, not) */
	o.len = 0;
	rec_auth_offers(&o, 10);
	rec_begin_end(&o, 1, false);
	rec_begin_end(&o, 1, true);
	rec_update(&o, 3, 0);
	write_seed(dir, "handshake-auth", 0x61, 0, &o);
	o.len = 0;
	rec_auth_offers(&o, 12);
	write_seed(dir, "handshake-mismatch", 0x61, 0, &o);
	/* the send key goes while up, then comes back */
	o.len = 0;
	rec_update(&o, 2, 0);
	memcpy(o.buf + o.len, "\x1f\x00\x00", 3);
	o.len += 3;
	rec_update(&o, 2, 0);
	memcpy(o.buf + o.len, "\x1f\x00\x00", 3);
	o.len += 3;
	rec_misc(&o);
	write_seed(dir, "send-key-gone", 0x67, 0, &o);
	write_seed(dir, "send-key-gone-second", 0xe1, 0x80, &o);
	/* a second connection while the first is up: answered, not */
	o.len = 0;
	rec_auth_offers(&o, 10);
	rec_update(&o, 2, 0);
	rec_misc(&o);
	write_seed(dir, "second-answered", 0xe1, 0x80, &o);
	write_seed(dir, "second-silent", 0xf1, 0x00, &o);
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

/* the live connection: alive (a keepalive) and answering probes */
static void answer_probe(struct fake_net *net, struct hconn *h)
{
	static struct out o;
	Msync__ProbeReply r = MSYNC__PROBE_REPLY__INIT;
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;

	hconn_read(h);
	o.len = 0;
	put_env(h, &o, MSYNC_MSG_KEEPALIVE, &k.base);
	if (h->probe_rx) {
		h->probe_rx = false;
		r.has_id = true;
		r.id = h->probe_id;
		put_env(h, &o, MSYNC_MSG_PROBE_REPLY, &r.base);
	}
	hconn_send(net, h, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out o;
	static struct hconn h1, h2;
	struct msync_session_config cfg;
	struct msync_callbacks cb;
	struct fake_net *net;
	struct msync_io *ioa, *ior;
	struct msync_session *s;
	struct hconn *h;
	uint8_t mode, chunk;
	bool auth, second, answer;
	size_t off = 0, n;

	if (size < 2)
		return 0;
	send_key_gone = false;
	mode = data[0];
	chunk = data[1] & 0x7f;
	answer = data[1] & 0x80;
	data += 2;
	size -= 2;
	auth = mode & 0x20;
	second = mode & 0x80;

	net = fake_net_new(1);
	fake_net_set_max_read(net, chunk);
	ioa = fake_io_new(net, "10.0.0.1");
	ior = fake_io_new(net, "10.0.0.2");
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "rbs1");
	str2sockunion("10.0.0.2", &cfg.peer);
	cfg.port = PORT;
	cfg.digest_ms = 50;
	if (auth)
		cfg.auth = MSYNC_AUTH_HMAC_SHA256;
	memset(&cb, 0, sizeof(cb));
	cb.send_key = fz_send_key;
	cb.accept_key = fz_accept_key;
	s = msync_session_new(ioa, &cfg, &cb);
	msync_session_set_offers(s, offers, 2);
	msync_session_set_role(s, 10, MSYNC_ROLE_MASTER);
	if (mode & 0x04)
		session_entries(s);
	fake_net_run(net, 1);

	memset(&h1, 0, sizeof(h1));
	memset(&h2, 0, sizeof(h2));
	h1.auth = h2.auth = auth;
	msync_rbuf_init(&h1.rb);
	msync_rbuf_init(&h2.rb);
	h1.c = fake_raw_connect(ior, "10.0.0.1", PORT);
	fake_net_run(net, 1);
	h = &h1;
	if (second) {
		hconn_handshake(net, &h1, 3, mode & 0x04);
		h2.c = fake_raw_connect(ior, "10.0.0.1", PORT);
		fake_net_run(net, 1);
		h = &h2;
	}
	hconn_handshake(net, h, mode & 0x03, mode & 0x04);

	o.len = 0;
	while (off < size) {
		if (mode & 0x40) {
			records(h, &o, data, size, &off);
		} else {
			n = MIN(size - off, (size_t)SLICE);
			memcpy(o.buf, data + off, n);
			o.len = n;
			off += n;
		}
		if (h->c)
			fake_raw_send(h->c, o.buf, o.len);
		o.len = 0;
		fake_net_run(net, 7);
		hconn_read(h);
		if (second && answer)
			answer_probe(net, &h1);
	}
	if (mode & 0x08) {
		fake_raw_close(h->c);
		h->c = NULL;
	}
	if (second && answer) {
		/* the live connection keeps answering while time passes */
		for (n = 0; n < 10; n++) {
			fake_net_run(net, 400);
			answer_probe(net, &h1);
		}
	}
	fake_net_run(net, mode & 0x10 ? 4000 : 10);

	msync_session_free(&s);
	if (h1.c)
		fake_raw_close(h1.c);
	if (h2.c)
		fake_raw_close(h2.c);
	msync_rbuf_fini(&h1.rb);
	msync_rbuf_fini(&h2.rb);
	fake_io_free(&ioa);
	fake_io_free(&ior);
	fake_net_free(&net);
	return 0;
}
