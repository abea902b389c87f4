// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync version 2: the twin authenticated (key chain, HMAC-SHA-256 on
 * every frame), keys rolled over on a live connection, and everything a
 * stranger or a broken twin can try: a wrong or unknown key, no key, a v1
 * twin, replayed, reordered, altered, truncated or injected frames, a
 * reflected proof, a second connection from the twin's address (with and
 * without a key), a Hello trickled byte by byte, a reader that stopped,
 * more than 128 entries in a frame, floods of log lines.  And the timers:
 * restored and non-expiring entries swept and digested, a group left on
 * the master while the channel was down gone within its timer.
 */
#include <zebra.h>

#include <check.h>

#include "mldsync/msync_codec.h"
#include "tests/unit/test_util.h"

static struct tu_twins T;
static struct tu_raw R;

static void setup_auth(void)
{
	tu_twins_new_auth(&T, 7);
	memset(&R, 0, sizeof(R));
}

static void setup_plain(void)
{
	tu_twins_new(&T, 7);
	memset(&R, 0, sizeof(R));
}

static void teardown(void)
{
	if (R.c)
		tu_raw_close(&R);
	tu_twins_free(&T);
}

static const struct msync_counters *ca(void)
{
	return msync_session_counters(T.a);
}

static void up(void)
{
	ck_assert_msg(fake_net_run_until(T.net, 10000, tu_both_settled, &T),
		      "not settled: A %s (%s), B %s (%s)",
		      msync_state_name(msync_session_state(T.a)), msync_session_last_reason(T.a),
		      msync_state_name(msync_session_state(T.b)), msync_session_last_reason(T.b));
}

static void add(struct msync_session *s, uint32_t bid, const char *ifn, const char *g,
		uint32_t timer)
{
	struct msync_entry e;

	tu_entry(&e, bid, ifn, g, NULL, MSYNC_FILTER_EXCLUDE, bid == 10 ? 3 : 2, timer);
	ck_assert_int_eq(msync_local_update(s, &e), 0);
}

static bool peer_has(struct msync_session *s, uint32_t bid, const char *ifn, const char *g)
{
	struct msync_key k;

	tu_key(&k, bid, ifn, g, NULL);
	return msync_peer_find(s, &k) != NULL;
}

/* An Update of one entry, as a protobuf view that outlives the call. */
struct upd {
	struct msync_entry e;
	struct msync_pb_entry pe;
	Msync__Entry *ep;
	Msync__Update u;
};

static Msync__Update *upd(struct upd *x, const char *group, uint32_t timer, bool restored)
{
	tu_entry(&x->e, 10, "eth0", group, NULL, MSYNC_FILTER_EXCLUDE, 3, timer);
	msync_entry_to_pb(&x->e, timer, restored, &x->pe);
	x->ep = &x->pe.e;
	msync__update__init(&x->u);
	x->u.n_entries = 1;
	x->u.entries = &x->ep;
	return &x->u;
}

/* A raw twin (from B's host: it holds the twin's address) through the
 * handshake and an empty resync each way: A is ESTABLISHED with it. */
static void raw_establish(struct tu_raw *r, const char *key, uint64_t inc)
{
	tu_raw_connect(r, T.net, T.iob, "10.0.0.1");
	if (key)
		tu_raw_key(r, 1, key);
	tu_raw_handshake(r, inc);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);
	tu_raw_begin_end(r);
	tu_raw_drain(r);
	ck_assert(r->end_rx);
	tu_raw_ack(r, r->end_seq);
	tu_raw_drain(r);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
}

/* B out of the way: A alone with the raw twin */
static void only_a(void)
{
	msync_session_free(&T.b);
	fake_net_run(T.net, 1);
}

/* ------------------------------------------------------------------ */
/* authentication */

START_TEST(test_auth_establish)
{
	uint32_t id;

	add(T.a, 10, "eth0", "239.1.1.1", 60000);
	add(T.b, 11, "eth1", "ff0e::1", 60000);
	up();
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1"));
	ck_assert(peer_has(T.a, 11, "eth1", "ff0e::1"));
	ck_assert(msync_session_tx_key(T.a, &id) && id == 1);
	ck_assert(msync_session_rx_key(T.a, &id) && id == 1);
	ck_assert_uint_gt(T.ka.send_calls, 3);
	ck_assert_uint_gt(T.ka.accept_calls, 3);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH], 0);
	ck_assert_uint_eq(ca()->sessions_up, 1);
}
END_TEST

/* A session deleted on purpose (its service's peer removed or changed)
 * says a signed Bye: the twin must not take it for a death and take over
 * (found by the packages' install test: the Bye went unsigned, failed,
 * and the twin forwarded along with the master). */
START_TEST(test_auth_free_says_bye)
{
	up();
	msync_session_free(&T.a);
	fake_net_run(T.net, 1);
	ck_assert_int_eq(T.rb.last_gone, MSYNC_GONE_NO);
	ck_assert_int_eq(msync_session_peer_gone(T.b), MSYNC_GONE_NO);
	ck_assert_msg(strstr(T.rb.down_reason, "twin closed the connection: session deleted"), "%s",
		      T.rb.down_reason);
	ck_assert_uint_eq(msync_session_counters(T.b)->errors[MSYNC_ERR_AUTH], 0);
}
END_TEST

/* Keys roll over on the live connection: the new key accepted on both,
 * then sent by one, by the other, the old one removed: no reset. */
START_TEST(test_auth_rollover)
{
	struct tu_key *k;
	uint32_t id;

	add(T.a, 10, "eth0", "239.1.1.1", 0);
	up();
	tu_keyring_add(&T.ka, 2, "key-two");
	tu_keyring_add(&T.kb, 2, "key-two");
	fake_net_run(T.net, 5000);
	ck_assert(msync_session_tx_key(T.a, &id) && id == 1);
	/* key 1's send lifetime ends on A */
	T.ka.keys[0].send_to = fake_net_now(T.net);
	fake_net_run(T.net, 3000);
	ck_assert(msync_session_tx_key(T.a, &id) && id == 2);
	ck_assert(msync_session_rx_key(T.b, &id) && id == 2);
	ck_assert(msync_session_rx_key(T.a, &id) && id == 1);
	/* then on B, then key 1 goes on both */
	T.kb.keys[0].send_to = fake_net_now(T.net);
	fake_net_run(T.net, 3000);
	ck_assert(msync_session_rx_key(T.a, &id) && id == 2);
	tu_keyring_del(&T.ka, 1);
	tu_keyring_del(&T.kb, 1);
	add(T.a, 10, "eth0", "239.1.1.2", 0);
	fake_net_run(T.net, 12000);
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.2"));
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(ca()->sessions_up, 1);
	ck_assert_uint_eq(msync_session_counters(T.b)->sessions_up, 1);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH], 0);
	/* a key whose accept lifetime has not begun is not accepted */
	k = tu_keyring_add(&T.kb, 3, "key-three");
	k->accept_from = fake_net_now(T.net) + 100000;
	tu_keyring_add(&T.ka, 3, "key-three");
	T.ka.keys[0].send_to = fake_net_now(T.net); /* A's key 2 */
	fake_net_run(T.net, 3000);
	ck_assert_uint_ge(msync_session_counters(T.b)->auth_failures[MSYNC_AUTH_FAIL_KEY_REJECTED],
			  1);
	ck_assert_int_ne(msync_session_state(T.b), MSYNC_ST_ESTABLISHED);
}
END_TEST

/* The twin's key string differs: never up, never refused, no offers. */
START_TEST(test_auth_wrong_key)
{
	tu_keyring_del(&T.kb, 1);
	tu_keyring_add(&T.kb, 1, "key-wrong");
	fake_net_run(T.net, 20000);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_uint_eq(ca()->sessions_up, 0);
	ck_assert_uint_ge(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH],
			  ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC]);
	ck_assert(strstr(msync_session_last_reason(T.a), "bad MAC (key id 1)"));
	ck_assert(tu_log_has("auth: bad MAC (key id 1) (bad-mac)"));
}
END_TEST

/* A stranger with the wrong key learns no profile and changes nothing. */
START_TEST(test_auth_wrong_key_no_offers)
{
	only_a();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "not-the-key");
	tu_raw_handshake(&R, 99);
	ck_assert(R.hello_rx);
	ck_assert(R.bad);	 /* A's Auth does not verify with its key */
	ck_assert(!R.offers_rx); /* and no profile came out */
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_uint_eq(ca()->sessions_up, 0);
}
END_TEST

START_TEST(test_auth_key_not_accepted)
{
	only_a();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "key-one");
	R.key_id = 9;
	tu_raw_handshake(&R, 99);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_KEY_REJECTED], 1);
	ck_assert(tu_log_has("key id 9 not accepted"));
}
END_TEST

/* Authentication on one side only, either way round. */
START_TEST(test_auth_mode_mismatch)
{
	only_a();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_handshake(&R, 99);
	ck_assert(fake_raw_eof(R.c));
	ck_assert(!R.offers_rx);
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_MODE], 1);
	ck_assert_str_eq(msync_session_last_reason(T.a),
			 "authentication hmac-sha-256 here, none on peer (mode-mismatch)");
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_REFUSED);
}
END_TEST

START_TEST(test_auth_mode_mismatch_plain)
{
	only_a();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "key-one");
	tu_raw_handshake(&R, 99);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_MODE], 1);
	ck_assert_str_eq(msync_session_last_reason(T.a),
			 "authentication none here, hmac-sha-256 on peer (mode-mismatch)");
}
END_TEST

/* No key valid for sending: the connection ends; back when one is. */
START_TEST(test_auth_no_send_key)
{
	up();
	T.ka.keys[0].send_to = fake_net_now(T.net);
	fake_net_run(T.net, 3000);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_ge(ca()->auth_failures[MSYNC_AUTH_FAIL_NO_SEND_KEY], 1);
	ck_assert(strstr(msync_session_last_reason(T.a), "no key of the key chain"));
	T.ka.keys[0].send_to = 0;
	up();
	ck_assert_uint_eq(ca()->sessions_up, 2);
}
END_TEST

/* The key chain runs out of send keys just when the live connection is
 * to be probed (an authenticated second connection): no crash, the live
 * connection ends (no-send-key), nothing comes up without a key, and
 * everything comes back with one. */
START_TEST(test_auth_no_send_key_while_probing)
{
	Msync__Auth a = MSYNC__AUTH__INIT;

	up();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "key-one");
	tu_raw_drain(&R);
	tu_raw_hello(&R, MSYNC_PROTOCOL_VERSION, "rbs1", 0x77);
	tu_raw_drain(&R);
	tu_raw_send(&R, MSYNC_MSG_AUTH, &a);
	tu_raw_drain(&R);
	ck_assert(R.offers_rx);
	T.ka.keys[0].send_to = fake_net_now(T.net);
	tu_raw_offers(&R, tu_offers, 2);
	fake_net_run(T.net, 500);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_ge(ca()->auth_failures[MSYNC_AUTH_FAIL_NO_SEND_KEY], 1);
	tu_raw_close(&R);
	T.ka.keys[0].send_to = 0;
	up();
}
END_TEST

/* ------------------------------------------------------------------ */
/* the stream: replay, reorder, alteration, truncation, injection */

START_TEST(test_auth_replay)
{
	static uint8_t f1[4096], f2[4096];
	struct upd x;
	size_t n1;

	only_a();
	raw_establish(&R, "key-one", 99);
	n1 = tu_raw_pack(&R, f1, sizeof(f1), MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, false),
			 ++R.tx_seq);
	tu_raw_bytes(&R, f1, n1);
	ck_assert(peer_has(T.a, 10, "eth0", "239.1.1.1"));
	/* the same frame again: out of sequence */
	tu_raw_bytes(&R, f1, n1);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_SEQUENCE], 1);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	tu_raw_close(&R);

	/* the same seq on a new connection: another transcript, bad MAC
	 * (the new connection's empty resync swept the entry) */
	raw_establish(&R, "key-one", 99);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
	memcpy(f2, f1, n1);
	/* f1 held seq 6 on the first connection, as it would here */
	ck_assert_uint_eq(R.tx_seq, 5);
	tu_raw_bytes(&R, f2, n1);
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
}
END_TEST

START_TEST(test_auth_reorder_drop)
{
	static uint8_t f1[4096], f2[4096];
	struct upd x, y;
	size_t n1, n2;

	only_a();
	raw_establish(&R, "key-one", 99);
	n1 = tu_raw_pack(&R, f1, sizeof(f1), MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, false),
			 R.tx_seq + 1);
	n2 = tu_raw_pack(&R, f2, sizeof(f2), MSYNC_MSG_UPDATE, upd(&y, "239.1.1.2", 60000, false),
			 R.tx_seq + 2);
	/* the second before the first (or the first dropped) */
	tu_raw_bytes(&R, f2, n2);
	tu_raw_bytes(&R, f1, n1);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_SEQUENCE], 1);
	ck_assert(tu_log_has("update seq 7, expected 6"));
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
}
END_TEST

/* Any byte of a sealed frame changed (key id, MAC, Envelope): refused. */
START_TEST(test_auth_altered)
{
	static uint8_t f[4096];
	struct upd x;
	size_t n, i, fails = 0;

	only_a();
	for (i = MSYNC_FRAME_HDR; i < 40; i += 5) {
		raw_establish(&R, "key-one", 99 + i);
		n = tu_raw_pack(&R, f, sizeof(f), MSYNC_MSG_UPDATE,
				upd(&x, "239.1.1.1", 60000, false), ++R.tx_seq);
		f[i < n ? i : n - 1] ^= 0x10;
		tu_raw_bytes(&R, f, n);
		fails++;
		ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH] + ca()->errors[MSYNC_ERR_DECODE] +
					  ca()->errors[MSYNC_ERR_SEQUENCE],
				  fails);
		ck_assert_uint_eq(msync_peer_count(T.a), 0);
		tu_raw_close(&R);
		fake_net_run(T.net, 1);
	}
	ck_assert_uint_ge(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
}
END_TEST

/* Frames cut short: nothing of them is taken; a frame without a trailer
 * (injected unsealed) fails its MAC. */
START_TEST(test_auth_truncated_injected)
{
	static uint8_t f[4096];
	struct upd x;
	size_t n;

	only_a();
	raw_establish(&R, "key-one", 99);
	n = tu_raw_pack(&R, f, sizeof(f), MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, false),
			++R.tx_seq);
	/* the length says 10 bytes less: the MAC is not where it should */
	f[3] -= 10;
	tu_raw_bytes(&R, f, n - 10);
	/* a key id out of the MAC's bytes, or a MAC that does not verify */
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH], 1);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
	tu_raw_close(&R);

	raw_establish(&R, "key-one", 100);
	/* half a frame, then the connection closes */
	n = tu_raw_pack(&R, f, sizeof(f), MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, false),
			++R.tx_seq);
	tu_raw_bytes(&R, f, n / 2);
	fake_raw_close(R.c);
	R.c = NULL;
	fake_net_run(T.net, 1);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_TRUNCATED], 1);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
	tu_raw_close(&R);

	/* an unsealed Envelope injected into an authenticated stream */
	raw_establish(&R, "key-one", 101);
	n = msync_env_pack(f, sizeof(f), MSYNC_MSG_UPDATE, ++R.tx_seq,
			   &upd(&x, "239.1.1.1", 60000, false)->base, NULL);
	tu_raw_bytes(&R, f, n);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_AUTH], 2);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
}
END_TEST

/* A's own Auth sent back to it: its direction differs, refused. */
START_TEST(test_auth_reflected)
{
	static uint8_t buf[4096];
	Msync__Auth a = MSYNC__AUTH__INIT;
	struct msync_seal seal;
	size_t n;

	only_a();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "key-one");
	tu_raw_drain(&R);
	tu_raw_hello(&R, MSYNC_PROTOCOL_VERSION, "rbs1", 99);
	tu_raw_drain(&R);
	ck_assert(R.auth_rx);
	/* A's Auth: seq 1, sealed as the responder ('R'); the raw twin
	 * cannot make the initiator's without the key, so it reflects */
	seal.key_id = 1;
	seal.key = (const uint8_t *)"key-one";
	seal.keylen = 7;
	seal.dir = 'R';
	seal.transcript = R.transcript;
	n = msync_env_pack(buf, sizeof(buf), MSYNC_MSG_AUTH, 1, &a.base, &seal);
	tu_raw_bytes(&R, buf, n);
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
	tu_raw_drain(&R);
	ck_assert(!R.offers_rx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* a second connection from the twin's address */

/* Without a key: a stranger with the twin's address (and a copied or a
 * new incarnation) neither replaces nor refuses the live session: the
 * twin answers the probe on it, the stranger's connection is closed. */
START_TEST(test_stranger_live_twin_plain)
{
	struct upd x;
	static const struct msync_offer bad[2] = { { 10, MSYNC_SVC_MLD }, { 11, MSYNC_SVC_MLD } };
	Msync__Auth a = MSYNC__AUTH__INIT;

	add(T.a, 10, "eth0", "239.1.1.1", 0);
	add(T.b, 10, "eth0", "239.2.2.2", 0);
	up();
	/* a new incarnation, agreeing offers, then entries */
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_handshake(&R, 0xbad);
	tu_raw_begin_end(&R);
	tu_raw_send(&R, MSYNC_MSG_UPDATE, upd(&x, "239.6.6.6", 0, false));
	fake_net_run(T.net, 100);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->probes_sent, 1);
	ck_assert_uint_eq(ca()->takeovers_refused, 1);
	ck_assert(!peer_has(T.a, 10, "eth0", "239.6.6.6"));
	ck_assert(peer_has(T.a, 10, "eth0", "239.2.2.2"));
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(ca()->sessions_up, 1);
	ck_assert(tu_log_has("the twin answered on the live connection"));
	tu_raw_close(&R);

	/* the same incarnation as B (it is in B's Hello): the same */
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_handshake(&R, T.b->incarnation);
	fake_net_run(T.net, 100);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->takeovers_refused, 2);
	ck_assert_uint_eq(ca()->sessions_up, 1);
	tu_raw_close(&R);

	/* a disagreeing Hello or disagreeing offers: not refused */
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_hello(&R, MSYNC_PROTOCOL_VERSION, "other-name", 0xbad);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	tu_raw_close(&R);
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_drain(&R);
	tu_raw_hello(&R, MSYNC_PROTOCOL_VERSION, "rbs1", 0xbad);
	tu_raw_drain(&R);
	tu_raw_send(&R, MSYNC_MSG_AUTH, &a);
	tu_raw_drain(&R);
	tu_raw_offers(&R, bad, 2);
	fake_net_run(T.net, 100);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(ca()->sessions_up, 1);
	ck_assert_uint_eq(ca()->sessions_down, 0);
	up();
}
END_TEST

/* Without a key, the twin dead (silent): the stranger only gets the
 * session when the live connection's own failure is detected (its hold
 * timer), not sooner. */
START_TEST(test_stranger_dead_twin_plain)
{
	struct msync_io *ios;
	int64_t last_rx, t;

	up();
	fake_io_set_down(T.iob, true);
	last_rx = T.a->active->last_rx_ms;
	ios = fake_io_new(T.net, "10.0.0.2");
	tu_raw_connect(&R, T.net, ios, "10.0.0.1");
	tu_raw_handshake(&R, 0xbad);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(ca()->probes_sent, 1);
	/* keep the stranger's connection alive meanwhile */
	while (msync_session_state(T.a) == MSYNC_ST_ESTABLISHED &&
	       fake_net_now(T.net) - last_rx < 10000) {
		Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;

		tu_raw_send(&R, MSYNC_MSG_KEEPALIVE, &k);
		fake_net_run(T.net, 50);
	}
	t = fake_net_now(T.net) - last_rx;
	ck_assert_int_ge(t, 3000);
	ck_assert_int_le(t, 3100);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_HOLD_EXPIRED], 1);
	fake_net_run(T.net, 10);
	tu_raw_drain(&R);
	/* the held connection became the session */
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);
	ck_assert_uint_eq(ca()->sessions_up, 2);
	tu_raw_close(&R);
	fake_io_free(&ios);
	fake_io_set_down(T.iob, false);
}
END_TEST

/* The live connection still delivers (keepalives) but no longer answers:
 * half dead.  The probe goes unanswered for the hold time: the live
 * connection is reset and the held one becomes the session. */
START_TEST(test_stranger_probe_timeout)
{
	struct tu_raw live;
	struct msync_io *ios;
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	int64_t t0;

	only_a();
	raw_establish(&live, NULL, 55);
	ios = fake_io_new(T.net, "10.0.0.2");
	tu_raw_connect(&R, T.net, ios, "10.0.0.1");
	t0 = fake_net_now(T.net);
	tu_raw_handshake(&R, 0xbad);
	ck_assert_uint_eq(ca()->probes_sent, 1);
	while (msync_session_state(T.a) == MSYNC_ST_ESTABLISHED && fake_net_now(T.net) - t0 < 10000) {
		tu_raw_send(&live, MSYNC_MSG_KEEPALIVE, &k);
		tu_raw_send(&R, MSYNC_MSG_KEEPALIVE, &k);
		fake_net_run(T.net, 50);
	}
	tu_raw_drain(&live);
	ck_assert_int_eq(live.probes, 1);
	ck_assert_int_ge(fake_net_now(T.net) - t0, 2950);
	ck_assert_uint_eq(ca()->probe_timeouts, 1);
	ck_assert(tu_log_has("no answer to a probe within 3000 ms"));
	ck_assert(fake_raw_eof(live.c));
	fake_net_run(T.net, 10);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_RESYNC);
	ck_assert_uint_eq(ca()->sessions_up, 2);
	tu_raw_close(&live);
	tu_raw_close(&R);
	fake_io_free(&ios);
}
END_TEST

/* With a key: a stranger without it has no effect at all, not even a
 * probe of the live connection. */
START_TEST(test_stranger_with_key)
{
	up();
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "guess");
	tu_raw_handshake(&R, T.b->incarnation);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	ck_assert(!R.offers_rx);
	ck_assert_uint_eq(ca()->probes_sent, 0);
	ck_assert_uint_eq(ca()->auth_failures[MSYNC_AUTH_FAIL_BAD_MAC], 1);
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_str_eq(msync_session_last_reason(T.a), "");
	tu_raw_close(&R);
	/* a wrong name or version does not refuse it either */
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	tu_raw_key(&R, 1, "guess");
	tu_raw_hello(&R, 1, "other", 5);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
	ck_assert_int_eq(msync_session_state(T.a), MSYNC_ST_ESTABLISHED);
	ck_assert_uint_eq(ca()->sessions_up, 1);
	ck_assert_uint_eq(ca()->sessions_down, 0);
}
END_TEST

/* With a key, B down: a stranger without the key cannot refuse A either
 * (REFUSED is only for an authenticated twin that disagrees). */
START_TEST(test_stranger_with_key_twin_down)
{
	struct msync_io *ios;

	fake_io_set_down(T.iob, true);
	fake_net_run(T.net, 100);
	ios = fake_io_new(T.net, "10.0.0.2");
	tu_raw_connect(&R, T.net, ios, "10.0.0.1");
	tu_raw_hello(&R, MSYNC_PROTOCOL_VERSION, "other", 5);
	fake_net_run(T.net, 10);
	ck_assert_int_ne(msync_session_state(T.a), MSYNC_ST_REFUSED);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_HELLO_MISMATCH], 1);
	ck_assert(strstr(msync_session_last_reason(T.a), "service name"));
	tu_raw_close(&R);
	fake_io_free(&ios);
	fake_io_set_down(T.iob, false);
	up();
}
END_TEST

/* Strangers holding every connection slot of A (silent, in their
 * handshake) neither push the twin's connection out nor keep A from
 * connecting: the twin comes up as fast as without them. */
START_TEST(test_strangers_hold_slots)
{
	struct msync_io *ios;
	struct msync_conn *c[MSYNC_LINKS_MAX + 2];
	int i;

	msync_session_free(&T.b);
	ios = fake_io_new(T.net, "10.0.0.2");
	for (i = 0; i < MSYNC_LINKS_MAX + 2; i++) {
		c[i] = fake_raw_connect(ios, "10.0.0.1", TU_PORT);
		fake_net_run(T.net, 100);
	}
	tu_twins_restart(&T, false);
	ck_assert(fake_net_run_until(T.net, 2000, tu_both_established, &T));
	ck_assert_uint_eq(ca()->sessions_up, 1);
	for (i = 0; i < MSYNC_LINKS_MAX + 2; i++)
		fake_raw_close(c[i]);
	fake_io_free(&ios);
	up();
}
END_TEST

/* ------------------------------------------------------------------ */
/* bounds */

/* A Hello trickled byte by byte never completes: closed after the hold
 * time whatever arrives (bytes restart nothing). */
START_TEST(test_slow_hello)
{
	static uint8_t buf[512];
	Msync__Hello h = MSYNC__HELLO__INIT;
	uint8_t nonce[32] = { 9 };
	size_t n, i;
	int64_t t0;

	only_a();
	h.has_version = h.has_incarnation = h.has_nonce = h.has_auth = true;
	h.version = 2;
	h.incarnation = 77;
	h.service = (char *)"rbs1";
	h.nonce.len = 32;
	h.nonce.data = nonce;
	h.auth = MSYNC__AUTH_TYPE__AUTH_HMAC_SHA256;
	n = msync_hello_pack(buf, sizeof(buf), &h);
	tu_raw_connect(&R, T.net, T.iob, "10.0.0.1");
	t0 = fake_net_now(T.net);
	for (i = 0; i + 1 < n && !fake_raw_eof(R.c); i++) {
		fake_raw_send(R.c, buf + i, 1);
		fake_net_run(T.net, 500);
		tu_raw_drain(&R);
	}
	ck_assert(fake_raw_eof(R.c));
	ck_assert_int_le(fake_net_now(T.net) - t0, 3600);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_HANDSHAKE_TIMEOUT], 1);
	ck_assert(tu_log_has("handshake not completed within 3000 ms"));
}
END_TEST

/* Up, a frame trickled: bytes are no sign of life, the hold expires. */
START_TEST(test_trickle_not_liveness)
{
	static uint8_t f[4096];
	struct upd x;
	size_t n, i;

	only_a();
	raw_establish(&R, "key-one", 99);
	n = tu_raw_pack(&R, f, sizeof(f), MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, false),
			++R.tx_seq);
	for (i = 0; i + 1 < n && !fake_raw_eof(R.c); i++) {
		fake_raw_send(R.c, f + i, 1);
		fake_net_run(T.net, 400);
		tu_raw_drain(&R);
	}
	ck_assert(fake_raw_eof(R.c));
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_HOLD_EXPIRED], 1);
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
}
END_TEST

/* The twin keeps sending (keepalives, data that wants acks, probes) but
 * stopped reading: A's queue stays bounded and A resets the connection
 * after the hold time without progress. */
START_TEST(test_stalled_reader)
{
	Msync__Keepalive k = MSYNC__KEEPALIVE__INIT;
	Msync__Probe p = MSYNC__PROBE__INIT;
	struct upd x;
	char g[32];
	int i;
	size_t maxq = 0;

	only_a();
	raw_establish(&R, "key-one", 99);
	/* from here on the raw twin reads nothing */
	fake_net_set_cap(T.net, 16384);
	for (i = 0; i < 3000; i++) {
		snprintf(g, sizeof(g), "239.1.%d.%d", i / 250, i % 250 + 1);
		add(T.a, 10, "eth0", g, 0);
	}
	p.has_id = true;
	for (i = 0; i < 100 && !ca()->errors[MSYNC_ERR_WRITE_STALLED]; i++) {
		tu_raw_send(&R, MSYNC_MSG_KEEPALIVE, &k);
		snprintf(g, sizeof(g), "239.9.%d.1", i);
		tu_raw_send(&R, MSYNC_MSG_UPDATE, upd(&x, g, 60000, false));
		p.id = i;
		tu_raw_send(&R, MSYNC_MSG_PROBE, &p);
		if (T.a->active)
			maxq = MAX(maxq, T.a->active->wq.bytes);
		fake_net_run(T.net, 100);
	}
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_WRITE_STALLED], 1);
	ck_assert(tu_log_has("the twin took no byte"));
	ck_assert_uint_le(maxq, MSYNC_WQ_HIGH + MSYNC_FRAME_MAX + 4096);
	ck_assert_int_le(i, 60);
}
END_TEST

/* 129 entries in an Update: the frame is refused whole, reset. */
START_TEST(test_frame_limit)
{
	static struct msync_entry e[MSYNC_BATCH + 1];
	static struct msync_pb_entry pe[MSYNC_BATCH + 1];
	static Msync__Entry *ep[MSYNC_BATCH + 1];
	Msync__Update u = MSYNC__UPDATE__INIT;
	int i;

	only_a();
	raw_establish(&R, "key-one", 99);
	for (i = 0; i <= MSYNC_BATCH; i++) {
		tu_entry(&e[i], 10, "eth0", "239.1.1.1", NULL, MSYNC_FILTER_EXCLUDE, 3, 60000);
		e[i].key.group.v4.s_addr = htonl(0xef010000 + i);
		msync_entry_to_pb(&e[i], 60000, false, &pe[i]);
		ep[i] = &pe[i].e;
	}
	u.n_entries = MSYNC_BATCH + 1;
	u.entries = ep;
	tu_raw_send(&R, MSYNC_MSG_UPDATE, &u);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_BAD_VALUE], 1);
	ck_assert(tu_log_has("update: 129 entries (at most 128)"));
	ck_assert_uint_eq(msync_peer_count(T.a), 0);
	tu_raw_drain(&R);
	ck_assert(fake_raw_eof(R.c));
}
END_TEST

/* A thousand connections from a stranger, a thousand bad Hellos from the
 * twin's address: a few log lines, not a thousand. */
START_TEST(test_log_flood)
{
	struct msync_io *ioc = fake_io_new(T.net, "10.0.0.9");
	struct msync_conn *c;
	unsigned int i;

	only_a();
	tu_log_clear();
	for (i = 0; i < 1000; i++) {
		c = fake_raw_connect(ioc, "10.0.0.1", TU_PORT);
		fake_net_run(T.net, 1);
		fake_raw_close(c);
	}
	ck_assert_uint_le(tu_log_count("not a configured peer"), MSYNC_LSNLOG_BURST);
	ck_assert_uint_le(tu_log_lines(), MSYNC_LSNLOG_BURST + 2);
	/* the count is said when the window ends, without waiting for
	 * another stranger (which may never come) */
	fake_net_run(T.net, MSYNC_LOG_WINDOW_MS);
	ck_assert(tu_log_has("more connections to 10.0.0.1 refused in the last 10 s"));
	ck_assert_uint_eq(tu_log_count("more connections to"), 1);
	/* and the next stranger starts a new window: logged, no count */
	c = fake_raw_connect(ioc, "10.0.0.1", TU_PORT);
	fake_net_run(T.net, 1);
	fake_raw_close(c);
	ck_assert_uint_eq(tu_log_count("not a configured peer"), MSYNC_LSNLOG_BURST + 1);
	ck_assert_uint_eq(tu_log_count("more connections to"), 1);

	tu_log_clear();
	for (i = 0; i < 1000; i++) {
		struct tu_raw r;

		tu_raw_connect(&r, T.net, T.iob, "10.0.0.1");
		tu_raw_key(&r, 1, "key-one");
		tu_raw_hello(&r, 2, "other", i + 5);
		tu_raw_close(&r);
	}
	ck_assert_uint_le(tu_log_lines(), MSYNC_LOG_BURST + 2);
	ck_assert_uint_eq(ca()->errors[MSYNC_ERR_HELLO_MISMATCH], 1000);
	/* the session's count too is said when its window ends, once */
	fake_net_run(T.net, MSYNC_LOG_WINDOW_MS);
	ck_assert(tu_log_has("similar messages not logged in the last 10 s"));
	ck_assert_uint_eq(tu_log_count("similar messages not logged"), 1);
	fake_net_run(T.net, 2 * MSYNC_LOG_WINDOW_MS);
	ck_assert_uint_eq(tu_log_count("similar messages not logged"), 1);
	fake_io_free(&ioc);
}
END_TEST

/* ------------------------------------------------------------------ */
/* timers and flags (doc/protocol.md 6.1, 6.3) */

/* A group left on the master while the channel was down (its Delete
 * never sent) goes from the twin within its timer. */
START_TEST(test_lost_delete_expires)
{
	struct msync_key k;
	int64_t t0;

	add(T.a, 10, "eth0", "239.1.1.1", 5000);
	up();
	ck_assert(peer_has(T.b, 10, "eth0", "239.1.1.1"));
	fake_net_cut(T.net, T.ioa, T.iob, true);
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	ck_assert_int_eq(msync_local_delete(T.a, &k), 0);
	t0 = fake_net_now(T.net);
	while (peer_has(T.b, 10, "eth0", "239.1.1.1") && fake_net_now(T.net) - t0 < 20000)
		fake_net_run(T.net, 100);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1"));
	ck_assert_int_le(fake_net_now(T.net) - t0, 5000);
	ck_assert_int_eq(T.rb.del_by[MSYNC_DEL_EXPIRED], 1);
	fake_net_cut(T.net, T.ioa, T.iob, false);
	up();
}
END_TEST

/* The same with the master restarting meanwhile (new incarnation): the
 * old entry ages on the backup, is restored to the master with what is
 * left of its time, and goes from both within the timer. */
START_TEST(test_lost_delete_restart)
{
	int64_t t0;

	add(T.a, 10, "eth0", "239.1.1.1", 8000);
	up();
	fake_io_set_down(T.ioa, true);
	tu_twins_restart(&T, true);
	fake_io_set_down(T.ioa, false);
	t0 = fake_net_now(T.net);
	up();
	ck_assert(peer_has(T.a, 10, "eth0", "239.1.1.1")); /* restored */
	while ((peer_has(T.a, 10, "eth0", "239.1.1.1") || peer_has(T.b, 10, "eth0", "239.1.1.1")) &&
	       fake_net_now(T.net) - t0 < 30000)
		fake_net_run(T.net, 100);
	ck_assert(!peer_has(T.a, 10, "eth0", "239.1.1.1"));
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1"));
	/* checked every 100 ms */
	ck_assert_int_le(fake_net_now(T.net) - t0, 8100);
}
END_TEST

/* An overdue local entry (its owner has not deleted it yet) goes out with
 * 1 ms, never as 0 ("never expires"). */
START_TEST(test_overdue_not_forever)
{
	struct msync_key k;
	const struct msync_entry *e;

	add(T.a, 10, "eth0", "239.1.1.1", 1);
	fake_net_run(T.net, 50);
	up();
	tu_key(&k, 10, "eth0", "239.1.1.1", NULL);
	e = msync_peer_find(T.b, &k);
	if (e) {
		ck_assert_uint_ge(e->timer_ms, 1);
		ck_assert_int_ne(e->expires_ms, INT64_MAX);
	}
	fake_net_run(T.net, 100);
	ck_assert(!peer_has(T.b, 10, "eth0", "239.1.1.1"));
}
END_TEST

/* Restored and non-expiring entries from the wire are swept at the end
 * of the twin's next resync and are part of the digest. */
START_TEST(test_restored_swept_digested)
{
	struct upd x, y;
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem di = MSYNC__DIGEST_ITEM__INIT, *dip = &di;

	only_a();
	raw_establish(&R, NULL, 99);
	tu_raw_send(&R, MSYNC_MSG_UPDATE, upd(&x, "239.1.1.1", 60000, true));
	tu_raw_send(&R, MSYNC_MSG_UPDATE, upd(&y, "239.1.1.2", 0, false));
	ck_assert(peer_has(T.a, 10, "eth0", "239.1.1.1"));
	ck_assert(peer_has(T.a, 10, "eth0", "239.1.1.2"));
	/* digested: a digest that leaves them out differs */
	di.has_backup_id = di.has_count = di.has_sum = true;
	di.backup_id = 10;
	d.n_items = 1;
	d.items = &dip;
	tu_raw_send(&R, MSYNC_MSG_DIGEST, &d);
	ck_assert_uint_eq(ca()->digest_mismatches, 1);
	tu_raw_send(&R, MSYNC_MSG_DIGEST, &d);
	ck_assert_uint_eq(ca()->digest_mismatches, 2);
	tu_raw_drain(&R);
	ck_assert_int_eq(R.resync_requests, 1);
	/* the resync that answers, without them: both swept */
	tu_raw_begin_end(&R);
	ck_assert(!peer_has(T.a, 10, "eth0", "239.1.1.1"));
	ck_assert(!peer_has(T.a, 10, "eth0", "239.1.1.2"));
	ck_assert_int_eq(T.ra.del_by[MSYNC_DEL_RESYNC], 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msync_auth");
	TCase *ta = tcase_create("auth");
	TCase *tp = tcase_create("plain");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(ta, setup_auth, teardown);
	TU_ADD(ta, test_auth_establish);
	TU_ADD(ta, test_auth_free_says_bye);
	TU_ADD(ta, test_auth_rollover);
	TU_ADD(ta, test_auth_wrong_key);
	TU_ADD(ta, test_auth_wrong_key_no_offers);
	TU_ADD(ta, test_auth_key_not_accepted);
	TU_ADD(ta, test_auth_mode_mismatch);
	TU_ADD(ta, test_auth_no_send_key);
	TU_ADD(ta, test_auth_no_send_key_while_probing);
	TU_ADD(ta, test_auth_replay);
	TU_ADD(ta, test_auth_reorder_drop);
	TU_ADD(ta, test_auth_altered);
	TU_ADD(ta, test_auth_truncated_injected);
	TU_ADD(ta, test_auth_reflected);
	TU_ADD(ta, test_stranger_with_key);
	TU_ADD(ta, test_stranger_with_key_twin_down);
	TU_ADD(ta, test_strangers_hold_slots);
	TU_ADD(ta, test_slow_hello);
	TU_ADD(ta, test_trickle_not_liveness);
	TU_ADD(ta, test_stalled_reader);
	TU_ADD(ta, test_frame_limit);
	TU_ADD(ta, test_log_flood);
	tcase_set_timeout(ta, 120);
	suite_add_tcase(s, ta);

	tcase_add_checked_fixture(tp, setup_plain, teardown);
	TU_ADD(tp, test_auth_mode_mismatch_plain);
	TU_ADD(tp, test_stranger_live_twin_plain);
	TU_ADD(tp, test_stranger_dead_twin_plain);
	TU_ADD(tp, test_stranger_probe_timeout);
	TU_ADD(tp, test_lost_delete_expires);
	TU_ADD(tp, test_lost_delete_restart);
	TU_ADD(tp, test_overdue_not_forever);
	TU_ADD(tp, test_restored_swept_digested);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
