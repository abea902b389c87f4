// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of vrrpd-track's E-Trunk pieces: the hello (encode, decode,
 * authentication, every malformed packet we can think of and random
 * ones), the replay guard, the election, the load-balancing share of a
 * group (common/rbp_common.h) and the bond's rtnetlink messages.  Every
 * truncated buffer is a heap copy of its exact length, so that ASan sees
 * a read past its end.
 */
#include <zebra.h>

#include <check.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>

#include "common/rbp_common.h"
#include "vrrpd-track/etrunk_pkt.h"
#include "vrrpd-track/etrunk_bond.h"

static const uint8_t key1[] = "the E-Trunk security key";
static const uint8_t key2[] = "the E-Trunk security kez";
#define KEY1 key1, sizeof(key1) - 1
#define KEY2 key2, sizeof(key2) - 1

static void hello_fill(struct etrunk_hello *h, unsigned int n_trunks)
{
	static const uint8_t sysid[6] = { 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e };

	memset(h, 0, sizeof(*h));
	h->priority = 100;
	h->etrunk_id = 16;
	h->state = ETRUNK_ST_BACKUP;
	h->hello_ms = 1000;
	h->hold_ms = 3000;
	memcpy(h->system_id, sysid, sizeof(sysid));
	h->boot = 0x65a1b2c3;
	h->seq = 0xfedcba98;
	h->n_trunks = n_trunks;
	for (unsigned int i = 0; i < n_trunks; i++) {
		h->trunks[i].trunk_id = i == 0 ? 4096 : i;
		h->trunks[i].flags = i & 0x07;
	}
}

static void hello_eq(const struct etrunk_hello *a, const struct etrunk_hello *b)
{
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->priority, b->priority);
	ck_assert_uint_eq(a->etrunk_id, b->etrunk_id);
	ck_assert_uint_eq(a->state, b->state);
	ck_assert_uint_eq(a->hello_ms, b->hello_ms);
	ck_assert_uint_eq(a->hold_ms, b->hold_ms);
	ck_assert_mem_eq(a->system_id, b->system_id, sizeof(a->system_id));
	ck_assert_uint_eq(a->boot, b->boot);
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_uint_eq(a->n_trunks, b->n_trunks);
	for (unsigned int i = 0; i < a->n_trunks; i++) {
		ck_assert_uint_eq(a->trunks[i].trunk_id, b->trunks[i].trunk_id);
		ck_assert_uint_eq(a->trunks[i].flags, b->trunks[i].flags);
	}
}

/* decode a heap copy of exactly len bytes */
static enum etrunk_decode_err decode_copy(const uint8_t *buf, size_t len, const uint8_t *key,
					  size_t keylen, struct etrunk_hello *h)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum etrunk_decode_err err;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, buf, len);
	err = etrunk_hello_decode(copy, len, key, keylen, h);
	free(copy);
	return err;
}

/* encode h (with or without a key) and decode: the decoder's verdict */
static enum etrunk_decode_err encode_decode(const struct etrunk_hello *h, bool keyed)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello d;
	int len;

	len = keyed ? etrunk_hello_encode(h, KEY1, buf, sizeof(buf))
		    : etrunk_hello_encode(h, NULL, 0, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	return keyed ? decode_copy(buf, len, KEY1, &d) : decode_copy(buf, len, NULL, 0, &d);
}

#define ck_assert_dec(got, want)                                                                   \
	do {                                                                                       \
		enum etrunk_decode_err got_ = (got), want_ = (want);                               \
		ck_assert_msg(got_ == want_, "%s: got \"%s\", want \"%s\"", #got,                  \
			      etrunk_decode_err_str(got_), etrunk_decode_err_str(want_));          \
	} while (0)

/* --- 1. round trip ----------------------------------------------------- */

START_TEST(test_round_trip)
{
	static const unsigned int counts[] = { 0, 1, ETRUNK_MAX_TRUNKS };
	uint8_t buf[ETRUNK_HELLO_MAX + 8];

	for (unsigned int c = 0; c < array_size(counts); c++) {
		for (int keyed = 0; keyed <= 1; keyed++) {
			struct etrunk_hello h, d;
			size_t want = ETRUNK_HDR_LEN + counts[c] * ETRUNK_TRUNK_LEN +
				      (keyed ? ETRUNK_HMAC_LEN : 0);
			int len;

			hello_fill(&h, counts[c]);
			if (keyed) {
				len = etrunk_hello_encode(&h, KEY1, buf, sizeof(buf));
				h.flags |= ETRUNK_HF_AUTH;
			} else {
				len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
			}
			ck_assert_int_eq(len, want);
			/* the wire layout, spot-checked */
			ck_assert_uint_eq(buf[0], 'R');
			ck_assert_uint_eq(buf[3], 'T');
			ck_assert_uint_eq(buf[4], ETRUNK_VERSION);
			ck_assert_uint_eq(buf[5], ETRUNK_TYPE_HELLO);
			ck_assert_uint_eq(buf[6], h.flags);
			ck_assert_uint_eq(buf[7], 100);
			ck_assert_uint_eq(buf[8] << 8 | buf[9], 16);
			ck_assert_uint_eq(buf[10], counts[c]);
			ck_assert_uint_eq(buf[11], ETRUNK_ST_BACKUP);
			ck_assert_uint_eq(buf[14] << 8 | buf[15], 1000);
			ck_assert_uint_eq(buf[18] << 8 | buf[19], 3000);
			ck_assert_uint_eq(buf[21], 0x1b);
			ck_assert_uint_eq(buf[26] | buf[27], 0);
			ck_assert_uint_eq(buf[28], 0x65);
			ck_assert_uint_eq(buf[35], 0x98);
			if (counts[c]) {
				ck_assert_uint_eq(buf[36] << 8 | buf[37], 4096);
				ck_assert_uint_eq(buf[39], 0);
			}

			memset(&d, 0xa5, sizeof(d));
			if (keyed)
				ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_OK);
			else
				ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_OK);
			hello_eq(&h, &d);
		}
	}
}
END_TEST

START_TEST(test_encode_limits)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h;

	hello_fill(&h, ETRUNK_MAX_TRUNKS);
	ck_assert_int_eq(etrunk_hello_encode(&h, KEY1, buf, ETRUNK_HELLO_MAX), ETRUNK_HELLO_MAX);
	ck_assert_int_eq(etrunk_hello_encode(&h, KEY1, buf, ETRUNK_HELLO_MAX - 1), -1);
	ck_assert_int_eq(etrunk_hello_encode(&h, NULL, 0, buf, ETRUNK_HELLO_MAX - ETRUNK_HMAC_LEN),
			 ETRUNK_HELLO_MAX - ETRUNK_HMAC_LEN);
	/* a key of length 0 is no key */
	ck_assert_int_eq(etrunk_hello_encode(&h, key1, 0, buf, sizeof(buf)),
			 ETRUNK_HELLO_MAX - ETRUNK_HMAC_LEN);
	ck_assert_uint_eq(buf[6] & ETRUNK_HF_AUTH, 0);
	h.n_trunks = ETRUNK_MAX_TRUNKS + 1;
	ck_assert_int_eq(etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf)), -1);
}
END_TEST

/* --- 2. keys ----------------------------------------------------------- */

START_TEST(test_keys)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h, d;
	int len;

	hello_fill(&h, 3);
	len = etrunk_hello_encode(&h, KEY1, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_dec(decode_copy(buf, len, KEY2, &d), ETRUNK_DEC_AUTH_BAD);
	/* a key that is a prefix of the right one */
	ck_assert_dec(decode_copy(buf, len, key1, sizeof(key1) - 2, &d), ETRUNK_DEC_AUTH_BAD);
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_AUTH_UNEXPECTED);
	ck_assert_dec(decode_copy(buf, len, key1, 0, &d), ETRUNK_DEC_AUTH_UNEXPECTED);
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_OK);

	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_AUTH_MISSING);
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_OK);

	/* authentication before the fields: a stranger learns nothing of
	 * what the fields must be */
	h.priority = 0;
	h.flags = 0x80;
	len = etrunk_hello_encode(&h, KEY2, buf, sizeof(buf));
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_AUTH_BAD);
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_AUTH_UNEXPECTED);
	ck_assert_dec(decode_copy(buf, len, KEY2, &d), ETRUNK_DEC_BAD_FIELD);
	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_AUTH_MISSING);
}
END_TEST

/* --- 3. any altered byte ----------------------------------------------- */

START_TEST(test_flip_every_byte)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h, d;
	int len;

	hello_fill(&h, 5);
	len = etrunk_hello_encode(&h, KEY1, buf, sizeof(buf));
	ck_assert_int_eq(len, ETRUNK_HDR_LEN + 5 * ETRUNK_TRUNK_LEN + ETRUNK_HMAC_LEN);
	for (int i = 0; i < len; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			buf[i] ^= 1 << bit;
			ck_assert_msg(decode_copy(buf, len, KEY1, &d) != ETRUNK_DEC_OK,
				      "byte %d bit %u altered: accepted", i, bit);
			buf[i] ^= 1 << bit;
		}
		buf[i] ^= 0xff;
		ck_assert_msg(decode_copy(buf, len, KEY1, &d) != ETRUNK_DEC_OK,
			      "byte %d inverted: accepted", i);
		buf[i] ^= 0xff;
	}
	/* the reserved fields are covered by the HMAC too */
	buf[26] = 1;
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_AUTH_BAD);
	buf[26] = 0;
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_OK);
}
END_TEST

/* --- 4. truncated, trailing, not ours ---------------------------------- */

START_TEST(test_truncated)
{
	uint8_t buf[ETRUNK_HELLO_MAX + 1];
	struct etrunk_hello h, d;

	for (int keyed = 0; keyed <= 1; keyed++) {
		int len;

		hello_fill(&h, 4);
		len = keyed ? etrunk_hello_encode(&h, KEY1, buf, sizeof(buf))
			    : etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
		ck_assert_int_gt(len, 0);
		for (int t = 0; t < len; t++) {
			enum etrunk_decode_err err;

			err = keyed ? decode_copy(buf, t, KEY1, &d)
				    : decode_copy(buf, t, NULL, 0, &d);
			ck_assert_msg(err == ETRUNK_DEC_SHORT, "%d of %d bytes: %s", t, len,
				      etrunk_decode_err_str(err));
		}
		buf[len] = 0;
		if (keyed)
			ck_assert_dec(decode_copy(buf, len + 1, KEY1, &d), ETRUNK_DEC_TRAILING);
		else
			ck_assert_dec(decode_copy(buf, len + 1, NULL, 0, &d), ETRUNK_DEC_TRAILING);
	}
}
END_TEST

START_TEST(test_not_ours)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h, d;
	int len;

	hello_fill(&h, 2);
	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);

	for (int i = 0; i < 4; i++) {
		buf[i] ^= 0x20;
		ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_MAGIC);
		buf[i] ^= 0x20;
	}
	buf[4] = 0;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_VERSION);
	buf[4] = 2;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_VERSION);
	buf[4] = ETRUNK_VERSION;
	buf[5] = 0;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_TYPE);
	buf[5] = 2;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_TYPE);
	buf[5] = ETRUNK_TYPE_HELLO;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_OK);

	/* the order of the checks: magic before the length of the trunks */
	buf[0] = 0;
	ck_assert_dec(decode_copy(buf, ETRUNK_HDR_LEN, NULL, 0, &d), ETRUNK_DEC_MAGIC);
}
END_TEST

/* --- 5. invalid fields ------------------------------------------------- */

START_TEST(test_bad_fields)
{
	struct etrunk_hello h;

	for (int keyed = 0; keyed <= 1; keyed++) {
		hello_fill(&h, 3);
		ck_assert_dec(encode_decode(&h, keyed), ETRUNK_DEC_OK);

#define BAD(stmt)                                                                                  \
	do {                                                                                       \
		hello_fill(&h, 3);                                                                 \
		stmt;                                                                              \
		ck_assert_dec(encode_decode(&h, keyed), ETRUNK_DEC_BAD_FIELD);                     \
	} while (0)
#define GOOD(stmt)                                                                                 \
	do {                                                                                       \
		hello_fill(&h, 3);                                                                 \
		stmt;                                                                              \
		ck_assert_dec(encode_decode(&h, keyed), ETRUNK_DEC_OK);                            \
	} while (0)

		BAD(h.priority = 0);
		BAD(h.priority = 255);
		GOOD(h.priority = 1);
		GOOD(h.priority = 254);
		BAD(h.etrunk_id = 0);
		BAD(h.etrunk_id = 17);
		BAD(h.etrunk_id = 0x8001);
		GOOD(h.etrunk_id = 1);
		BAD(h.state = 3);
		BAD(h.state = 255);
		GOOD(h.state = ETRUNK_ST_INIT);
		GOOD(h.state = ETRUNK_ST_MASTER);
		BAD(h.hello_ms = 0);
		BAD(h.hello_ms = 0; h.hold_ms = 0);
		BAD(h.hold_ms = h.hello_ms - 1);
		GOOD(h.hold_ms = h.hello_ms);
		BAD(h.trunks[1].trunk_id = 0);
		BAD(h.trunks[2].trunk_id = 4097);
		BAD(h.trunks[0].trunk_id = 0xffff);
		GOOD(h.trunks[2].trunk_id = 1);
		BAD(h.trunks[1].flags = 0x08);
		BAD(h.trunks[2].flags = 0x80);
		GOOD(h.trunks[1].flags = 0x07);
		BAD(h.flags = 0x02);
		BAD(h.flags = 0x80);
#undef BAD
#undef GOOD
	}
}
END_TEST

START_TEST(test_too_many_trunks)
{
	uint8_t buf[ETRUNK_HDR_LEN + 33 * ETRUNK_TRUNK_LEN + ETRUNK_HMAC_LEN];
	struct etrunk_hello h, d;
	int len;

	/* a valid hello with 32 trunks, then n_trunks 33 and one trunk more */
	hello_fill(&h, ETRUNK_MAX_TRUNKS);
	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	ck_assert_int_eq(len, ETRUNK_HDR_LEN + 32 * ETRUNK_TRUNK_LEN);
	buf[10] = 33;
	buf[len] = 0;
	buf[len + 1] = 7;
	buf[len + 2] = 0;
	buf[len + 3] = 0;
	ck_assert_dec(decode_copy(buf, len + 4, NULL, 0, &d), ETRUNK_DEC_BAD_FIELD);
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_BAD_FIELD);
	ck_assert_dec(decode_copy(buf, ETRUNK_HDR_LEN, NULL, 0, &d), ETRUNK_DEC_BAD_FIELD);
	ck_assert_dec(decode_copy(buf, len + 4, KEY1, &d), ETRUNK_DEC_BAD_FIELD);
	buf[10] = 255;
	ck_assert_dec(decode_copy(buf, ETRUNK_HDR_LEN, NULL, 0, &d), ETRUNK_DEC_BAD_FIELD);
	buf[10] = 32;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_OK);
}
END_TEST

/* the header says n trunks, the packet has fewer or more */
START_TEST(test_trunk_count_mismatch)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h, d;
	int len;

	hello_fill(&h, 4);
	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	buf[10] = 5;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_SHORT);
	buf[10] = 3;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_TRAILING);
	/* AUTH set without the HMAC: 32 bytes short */
	buf[10] = 4;
	buf[6] |= ETRUNK_HF_AUTH;
	ck_assert_dec(decode_copy(buf, len, KEY1, &d), ETRUNK_DEC_SHORT);
}
END_TEST

/* the reserved fields: 0 on send, ignored on receive */
START_TEST(test_reserved_ignored)
{
	uint8_t buf[ETRUNK_HELLO_MAX];
	struct etrunk_hello h, d;
	int len;

	hello_fill(&h, 2);
	len = etrunk_hello_encode(&h, NULL, 0, buf, sizeof(buf));
	buf[26] = 0xff;
	buf[27] = 0x01;
	buf[ETRUNK_HDR_LEN + 3] = 0x5a;
	buf[ETRUNK_HDR_LEN + ETRUNK_TRUNK_LEN + 3] = 0xff;
	ck_assert_dec(decode_copy(buf, len, NULL, 0, &d), ETRUNK_DEC_OK);
	hello_eq(&h, &d);
}
END_TEST

START_TEST(test_err_str)
{
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_OK), "ok");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_SHORT), "packet too short");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_MAGIC), "bad magic");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_VERSION), "unsupported version");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_TYPE), "not a hello");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_TRAILING), "trailing bytes");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_BAD_FIELD), "invalid field");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_AUTH_MISSING), "authentication missing");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_AUTH_UNEXPECTED),
			 "authentication not expected");
	ck_assert_str_eq(etrunk_decode_err_str(ETRUNK_DEC_AUTH_BAD), "authentication failed");
	ck_assert_ptr_nonnull(etrunk_decode_err_str((enum etrunk_decode_err)99));
}
END_TEST

/* --- random buffers ---------------------------------------------------- */

START_TEST(test_random_buffers)
{
	unsigned int ok_keyed = 0, ok_plain = 0;

	srandom(1);
	for (int i = 0; i < 10000; i++) {
		size_t len = random() % 301;
		uint8_t *buf = malloc(len ? len : 1);
		struct etrunk_hello d, d2;

		ck_assert_ptr_nonnull(buf);
		for (size_t j = 0; j < len; j++)
			buf[j] = random();
		/* half of them get past the first checks */
		if ((i & 1) && len >= ETRUNK_HDR_LEN) {
			buf[0] = 'R';
			buf[1] = 'B';
			buf[2] = 'E';
			buf[3] = 'T';
			buf[4] = ETRUNK_VERSION;
			buf[5] = ETRUNK_TYPE_HELLO;
			buf[10] %= ETRUNK_MAX_TRUNKS + 1;
		}
		if (etrunk_hello_decode(buf, len, KEY1, &d) == ETRUNK_DEC_OK)
			ok_keyed++;
		if (etrunk_hello_decode(buf, len, NULL, 0, &d2) == ETRUNK_DEC_OK) {
			uint8_t re[ETRUNK_HELLO_MAX];

			/* what was accepted encodes the same, but the
			 * reserved bytes */
			ok_plain++;
			ck_assert_int_eq(etrunk_hello_encode(&d2, NULL, 0, re, sizeof(re)), len);
			re[26] = buf[26];
			re[27] = buf[27];
			for (unsigned int t = 0; t < d2.n_trunks; t++)
				re[ETRUNK_HDR_LEN + t * ETRUNK_TRUNK_LEN + 3] =
					buf[ETRUNK_HDR_LEN + t * ETRUNK_TRUNK_LEN + 3];
			ck_assert_mem_eq(re, buf, len);
		}
		free(buf);
	}
	ck_assert_uint_eq(ok_keyed, 0);
	(void)ok_plain;
}
END_TEST

/* --- 6. replay guard --------------------------------------------------- */

START_TEST(test_fresh)
{
	ck_assert(etrunk_hello_fresh(false, 0, 0, 0, 0));
	ck_assert(etrunk_hello_fresh(false, 500, 900, 7, 3));
	ck_assert(etrunk_hello_fresh(true, 500, 900, 500, 901));
	ck_assert(etrunk_hello_fresh(true, 500, 900, 500, 1000000));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 500, 900));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 500, 899));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 500, 0));
	ck_assert(etrunk_hello_fresh(true, 500, 900, 501, 0));
	ck_assert(etrunk_hello_fresh(true, 500, 900, 501, 900));
	ck_assert(etrunk_hello_fresh(true, 500, 900, 0xffffffff, 1));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 499, 901));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 499, 0xffffffff));
	ck_assert(!etrunk_hello_fresh(true, 500, 900, 0, 5));
}
END_TEST

/* --- 7. election ------------------------------------------------------- */

START_TEST(test_elect)
{
	static const uint8_t lo[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t hi[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x56 };
	static const uint8_t big[6] = { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00 };

	/* no peer */
	ck_assert(etrunk_elect(200, hi, false, 1, lo));
	ck_assert(etrunk_elect(1, lo, false, 1, lo));
	/* smaller priority wins, whatever the system IDs */
	ck_assert(etrunk_elect(10, hi, true, 20, lo));
	ck_assert(!etrunk_elect(20, lo, true, 10, hi));
	ck_assert(etrunk_elect(1, big, true, 254, lo));
	ck_assert(!etrunk_elect(254, lo, true, 1, big));
	/* then the smaller system ID */
	ck_assert(etrunk_elect(100, lo, true, 100, hi));
	ck_assert(!etrunk_elect(100, hi, true, 100, lo));
	ck_assert(etrunk_elect(100, hi, true, 100, big));
	ck_assert(!etrunk_elect(100, big, true, 100, hi));
	/* equal: both master */
	ck_assert(etrunk_elect(100, lo, true, 100, lo));
}
END_TEST

/* --- 8. group shares --------------------------------------------------- */

START_TEST(test_group_share)
{
	unsigned int ones4 = 0, ones6 = 0;

	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t a = htonl(0xef010000u + i); /* 239.1.0.0 + i */
		unsigned int s = rbp_group_share(&a, sizeof(a));

		ck_assert_uint_le(s, 1);
		ck_assert_uint_eq(s, rbp_group_share(&a, sizeof(a)));
		ones4 += s;
	}
	for (uint32_t i = 0; i < 1000; i++) {
		uint8_t a[16] = { 0xff, 0x15 };
		uint32_t low = htonl(0x00010000u + i); /* ff15::1:0 + i */
		unsigned int s;

		memcpy(a + 12, &low, sizeof(low));
		s = rbp_group_share(a, sizeof(a));
		ck_assert_uint_le(s, 1);
		ck_assert_uint_eq(s, rbp_group_share(a, sizeof(a)));
		ones6 += s;
	}
	ck_assert_msg(ones4 >= 450 && ones4 <= 550, "IPv4: %u of 1000 share 1", ones4);
	ck_assert_msg(ones6 >= 450 && ones6 <= 550, "IPv6: %u of 1000 share 1", ones6);
}
END_TEST

/* --- 9. the bond's messages -------------------------------------------- */

static const uint8_t actor[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

START_TEST(test_bond_round_trip)
{
	uint8_t buf[256];
	struct etrunk_bond_info info;
	struct nlmsghdr nlh;
	int len;

	len = etrunk_bond_msg_actor(buf, sizeof(buf), 77, 12, actor, 65535);
	ck_assert_int_gt(len, 0);
	memcpy(&nlh, buf, sizeof(nlh));
	ck_assert_uint_eq(nlh.nlmsg_len, len);
	ck_assert_uint_eq(nlh.nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(nlh.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(nlh.nlmsg_seq, 77);
	/* header, ifinfomsg, linkinfo { kind "bond\0", data { system, prio } } */
	ck_assert_int_eq(len, 16 + 16 + 4 + 12 + 4 + 12 + 8);

	memset(&info, 0xa5, sizeof(info));
	ck_assert_int_eq(etrunk_bond_parse(buf, len, &info), 0);
	ck_assert(info.is_bond);
	ck_assert_int_eq(info.ifindex, 12);
	ck_assert(info.has_actor);
	ck_assert_mem_eq(info.actor_system, actor, 6);
	ck_assert(info.has_prio);
	ck_assert_uint_eq(info.actor_prio, 65535);

	len = etrunk_bond_msg_actor(buf, sizeof(buf), 78, 0x7fffffff, actor, 0);
	ck_assert_int_eq(len, 16 + 16 + 4 + 12 + 4 + 12);
	ck_assert_int_eq(etrunk_bond_parse(buf, len, &info), 0);
	ck_assert(info.is_bond);
	ck_assert_int_eq(info.ifindex, 0x7fffffff);
	ck_assert(info.has_actor);
	ck_assert_mem_eq(info.actor_system, actor, 6);
	ck_assert(!info.has_prio);

	len = etrunk_bond_msg_actor(buf, sizeof(buf), 79, 3, actor, 1);
	ck_assert_int_eq(etrunk_bond_parse(buf, len, &info), 0);
	ck_assert(info.has_prio);
	ck_assert_uint_eq(info.actor_prio, 1);
}
END_TEST

START_TEST(test_bond_small_buffer)
{
	uint8_t buf[256];
	int len, len0;

	len = etrunk_bond_msg_actor(buf, sizeof(buf), 1, 5, actor, 100);
	len0 = etrunk_bond_msg_actor(buf, sizeof(buf), 1, 5, actor, 0);
	ck_assert_int_gt(len, len0);
	for (int size = 0; size < len; size++) {
		uint8_t *b = malloc(size ? size : 1);

		ck_assert_ptr_nonnull(b);
		ck_assert_int_eq(etrunk_bond_msg_actor(b, size, 1, 5, actor, 100), -1);
		if (size < len0)
			ck_assert_int_eq(etrunk_bond_msg_actor(b, size, 1, 5, actor, 0), -1);
		free(b);
	}
	ck_assert_int_eq(etrunk_bond_msg_actor(buf, len, 1, 5, actor, 100), len);
}
END_TEST

static int parse_copy(const uint8_t *buf, size_t len, struct etrunk_bond_info *info)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, buf, len);
	ret = etrunk_bond_parse(copy, len, info);
	free(copy);
	return ret;
}

START_TEST(test_bond_truncated)
{
	uint8_t buf[256];
	struct etrunk_bond_info info;
	int len;

	len = etrunk_bond_msg_actor(buf, sizeof(buf), 1, 9, actor, 300);
	ck_assert_int_gt(len, 0);
	/* the buffer cut short: nlmsg_len claims more than there is */
	for (int t = 0; t < len; t++)
		ck_assert_int_eq(parse_copy(buf, t, &info), -1);

	/* nlmsg_len cut short too: a consistent answer or -1 */
	for (int t = 0; t < len; t++) {
		struct nlmsghdr nlh;
		int ret;

		memcpy(&nlh, buf, sizeof(nlh));
		nlh.nlmsg_len = t;
		memcpy(buf, &nlh, sizeof(nlh));
		ret = parse_copy(buf, t, &info);
		if (t < 32) {
			ck_assert_int_eq(ret, -1);
			continue;
		}
		if (ret < 0)
			continue;
		ck_assert_int_eq(info.ifindex, 9);
		if (info.has_actor) {
			ck_assert(info.is_bond);
			ck_assert_mem_eq(info.actor_system, actor, 6);
		}
		if (info.has_prio) {
			ck_assert(info.is_bond);
			ck_assert_uint_eq(info.actor_prio, 300);
		}
	}
}
END_TEST

/* offsets in the message etrunk_bond_msg_actor() builds */
#define OFF_LINKINFO 32
#define OFF_KIND     36
#define OFF_DATA     48
#define OFF_SYSTEM   52
#define OFF_PRIO     64

static void set_rta_len(uint8_t *buf, size_t off, unsigned short len)
{
	struct rtattr rta;

	memcpy(&rta, buf + off, sizeof(rta));
	rta.rta_len = len;
	memcpy(buf + off, &rta, sizeof(rta));
}

static unsigned short rta_type_at(const uint8_t *buf, size_t off)
{
	struct rtattr rta;

	memcpy(&rta, buf + off, sizeof(rta));
	return rta.rta_type;
}

START_TEST(test_bond_malformed)
{
	uint8_t buf[256], orig[256];
	struct etrunk_bond_info info;
	struct nlmsghdr nlh;
	int len;

	len = etrunk_bond_msg_actor(orig, sizeof(orig), 1, 9, actor, 300);
	ck_assert_int_eq(len, 72);
	/* where the attributes are; iproute2 sets no NLA_F_NESTED */
	ck_assert_uint_eq(rta_type_at(orig, OFF_LINKINFO), IFLA_LINKINFO);
	ck_assert_uint_eq(rta_type_at(orig, OFF_KIND), IFLA_INFO_KIND);
	ck_assert_uint_eq(rta_type_at(orig, OFF_DATA), IFLA_INFO_DATA);
	ck_assert_uint_eq(rta_type_at(orig, OFF_SYSTEM), IFLA_BOND_AD_ACTOR_SYSTEM);
	ck_assert_uint_eq(rta_type_at(orig, OFF_PRIO), IFLA_BOND_AD_ACTOR_SYS_PRIO);
	ck_assert_mem_eq(orig + OFF_KIND + 4, "bond", 5);

	/* IFLA_INFO_DATA claims more than remains of IFLA_LINKINFO */
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_DATA, len - OFF_DATA + 4);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* ... the attributes in it too */
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_PRIO, 12);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_SYSTEM, 200);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* IFLA_LINKINFO more than remains of the message */
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_LINKINFO, len - OFF_LINKINFO + 4);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* an attribute shorter than its header */
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_KIND, 3);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_LINKINFO, 0);
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* an actor system of 5 bytes, a priority of 1 */
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_SYSTEM, RTA_LENGTH(5));
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	memcpy(buf, orig, len);
	set_rta_len(buf, OFF_PRIO, RTA_LENGTH(1));
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* not RTM_NEWLINK */
	memcpy(buf, orig, len);
	memcpy(&nlh, buf, sizeof(nlh));
	nlh.nlmsg_type = RTM_DELLINK;
	memcpy(buf, &nlh, sizeof(nlh));
	ck_assert_int_eq(parse_copy(buf, len, &info), -1);
	/* another kind: not a bond, its data not read */
	memcpy(buf, orig, len);
	memcpy(buf + OFF_KIND + 4, "bone", 4);
	ck_assert_int_eq(parse_copy(buf, len, &info), 0);
	ck_assert(!info.is_bond && !info.has_actor && !info.has_prio);
	memcpy(buf, orig, len);
	memcpy(buf + OFF_KIND + 4, "bond2", 5);
	ck_assert_int_eq(parse_copy(buf, len, &info), 0);
	ck_assert(!info.is_bond);
	/* more bytes than the message: the message alone is read */
	memcpy(buf, orig, len);
	memset(buf + len, 0xff, 8);
	ck_assert_int_eq(parse_copy(buf, len + 8, &info), 0);
	ck_assert(info.is_bond && info.has_actor && info.has_prio);
	/* NLA_F_NESTED set, as the kernel may: the same */
	memcpy(buf, orig, len);
	buf[OFF_LINKINFO + 3] |= NLA_F_NESTED >> 8;
	buf[OFF_DATA + 3] |= NLA_F_NESTED >> 8;
	ck_assert_int_eq(parse_copy(buf, len, &info), 0);
	ck_assert(info.is_bond && info.has_actor && info.has_prio);
	ck_assert_uint_eq(info.actor_prio, 300);
}
END_TEST

/* random damage: no read past the end (ASan), no crash */
START_TEST(test_bond_random)
{
	uint8_t orig[256];
	struct etrunk_bond_info info;
	int len;

	len = etrunk_bond_msg_actor(orig, sizeof(orig), 1, 9, actor, 300);
	srandom(2);
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[256];
		size_t l = random() % (len + 1);

		memcpy(buf, orig, len);
		for (int n = random() % 4; n >= 0; n--)
			buf[random() % len] = random();
		(void)parse_copy(buf, l, &info);
	}
}
END_TEST

/* without CAP_NET_ADMIN or without such an interface: an error, no hang */
START_TEST(test_bond_set_actor_fails)
{
	int ret = etrunk_bond_set_actor(NULL, 0x7ffffff0, actor, 100);

	ck_assert_msg(ret < 0, "set_actor on no interface: %d", ret);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("etrunk");
	TCase *tp = tcase_create("hello");
	TCase *tm = tcase_create("misc");
	TCase *tb = tcase_create("bond");
	SRunner *sr;
	int failed;

	tcase_add_test(tp, test_round_trip);
	tcase_add_test(tp, test_encode_limits);
	tcase_add_test(tp, test_keys);
	tcase_add_test(tp, test_flip_every_byte);
	tcase_add_test(tp, test_truncated);
	tcase_add_test(tp, test_not_ours);
	tcase_add_test(tp, test_bad_fields);
	tcase_add_test(tp, test_too_many_trunks);
	tcase_add_test(tp, test_trunk_count_mismatch);
	tcase_add_test(tp, test_reserved_ignored);
	tcase_add_test(tp, test_err_str);
	tcase_add_test(tp, test_random_buffers);
	tcase_set_timeout(tp, 60);
	suite_add_tcase(s, tp);

	tcase_add_test(tm, test_fresh);
	tcase_add_test(tm, test_elect);
	tcase_add_test(tm, test_group_share);
	suite_add_tcase(s, tm);

	tcase_add_test(tb, test_bond_round_trip);
	tcase_add_test(tb, test_bond_small_buffer);
	tcase_add_test(tb, test_bond_truncated);
	tcase_add_test(tb, test_bond_malformed);
	tcase_add_test(tb, test_bond_random);
	tcase_add_test(tb, test_bond_set_actor_fails);
	tcase_set_timeout(tb, 30);
	suite_add_tcase(s, tb);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
