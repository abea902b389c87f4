// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: the E-Trunk hello, encoded and decoded (the wire layout is
 * in etrunk_pkt.h), its HMAC-SHA-256, the replay guard and the election.
 * Pure: no sockets, no event loop, no clock.
 */
#include <zebra.h>

#include "sha256.h"

#include "etrunk_pkt.h"

/* offsets in the header */
#define OFF_MAGIC     0
#define OFF_VERSION   4
#define OFF_TYPE      5
#define OFF_FLAGS     6
#define OFF_PRIORITY  7
#define OFF_ETRUNK_ID 8
#define OFF_N_TRUNKS  10
#define OFF_STATE     11
#define OFF_HELLO_MS  12
#define OFF_HOLD_MS   16
#define OFF_SYSTEM_ID 20
#define OFF_RESERVED  26
#define OFF_BOOT      28
#define OFF_SEQ	      32

/* the header flags and trunk flags this version knows */
#define ETRUNK_HF_KNOWN (ETRUNK_HF_AUTH)
#define ETRUNK_TF_KNOWN (ETRUNK_TF_UP | ETRUNK_TF_MASTER | ETRUNK_TF_FORCE)

#define ETRUNK_ID_MAX 16
#define TRUNK_ID_MAX  4096

static void put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return ntohs(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

static void etrunk_hmac(const uint8_t *key, size_t keylen, const uint8_t *data, size_t len,
			uint8_t mac[ETRUNK_HMAC_LEN])
{
	HMAC_SHA256_CTX ctx;

	HMAC__SHA256_Init(&ctx, key, keylen);
	HMAC__SHA256_Update(&ctx, data, len);
	HMAC__SHA256_Final(mac, &ctx);
	memset(&ctx, 0, sizeof(ctx));
}

/* equal or not, in a time that does not depend on where they differ */
static bool etrunk_mac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int etrunk_hello_encode(const struct etrunk_hello *h, const uint8_t *key, size_t keylen,
			uint8_t *buf, size_t size)
{
	bool auth = key && keylen;
	size_t len;
	uint8_t flags;
	uint8_t *p;

	if (h->n_trunks > ETRUNK_MAX_TRUNKS)
		return -1;
	len = ETRUNK_HDR_LEN + (size_t)h->n_trunks * ETRUNK_TRUNK_LEN;
	if (auth)
		len += ETRUNK_HMAC_LEN;
	if (size < len)
		return -1;

	flags = h->flags & ~ETRUNK_HF_AUTH;
	if (auth)
		flags |= ETRUNK_HF_AUTH;

	memset(buf, 0, ETRUNK_HDR_LEN);
	put32(buf + OFF_MAGIC, ETRUNK_MAGIC);
	buf[OFF_VERSION] = ETRUNK_VERSION;
	buf[OFF_TYPE] = ETRUNK_TYPE_HELLO;
	buf[OFF_FLAGS] = flags;
	buf[OFF_PRIORITY] = h->priority;
	put16(buf + OFF_ETRUNK_ID, h->etrunk_id);
	buf[OFF_N_TRUNKS] = h->n_trunks;
	buf[OFF_STATE] = h->state;
	put32(buf + OFF_HELLO_MS, h->hello_ms);
	put32(buf + OFF_HOLD_MS, h->hold_ms);
	memcpy(buf + OFF_SYSTEM_ID, h->system_id, sizeof(h->system_id));
	/* OFF_RESERVED: 0 */
	put32(buf + OFF_BOOT, h->boot);
	put32(buf + OFF_SEQ, h->seq);

	p = buf + ETRUNK_HDR_LEN;
	for (unsigned int i = 0; i < h->n_trunks; i++) {
		put16(p, h->trunks[i].trunk_id);
		p[2] = h->trunks[i].flags;
		p[3] = 0;
		p += ETRUNK_TRUNK_LEN;
	}

	if (auth)
		etrunk_hmac(key, keylen, buf, (size_t)(p - buf), p);

	return (int)len;
}

enum etrunk_decode_err etrunk_hello_decode(const uint8_t *buf, size_t len, const uint8_t *key,
					   size_t keylen, struct etrunk_hello *h)
{
	bool have_key = key && keylen;
	struct etrunk_hello d;
	size_t body, want;
	const uint8_t *p;
	bool auth;

	if (len < ETRUNK_HDR_LEN)
		return ETRUNK_DEC_SHORT;
	if (get32(buf + OFF_MAGIC) != ETRUNK_MAGIC)
		return ETRUNK_DEC_MAGIC;
	if (buf[OFF_VERSION] != ETRUNK_VERSION)
		return ETRUNK_DEC_VERSION;
	if (buf[OFF_TYPE] != ETRUNK_TYPE_HELLO)
		return ETRUNK_DEC_TYPE;
	if (buf[OFF_N_TRUNKS] > ETRUNK_MAX_TRUNKS)
		return ETRUNK_DEC_BAD_FIELD;

	auth = buf[OFF_FLAGS] & ETRUNK_HF_AUTH;
	body = ETRUNK_HDR_LEN + (size_t)buf[OFF_N_TRUNKS] * ETRUNK_TRUNK_LEN;
	want = body + (auth ? ETRUNK_HMAC_LEN : 0);
	if (len < want)
		return ETRUNK_DEC_SHORT;
	if (len > want)
		return ETRUNK_DEC_TRAILING;

	/* authenticated before any field is trusted */
	if (have_key && !auth)
		return ETRUNK_DEC_AUTH_MISSING;
	if (auth && !have_key)
		return ETRUNK_DEC_AUTH_UNEXPECTED;
	if (auth) {
		uint8_t mac[ETRUNK_HMAC_LEN];
		bool equal;

		etrunk_hmac(key, keylen, buf, body, mac);
		equal = etrunk_mac_equal(mac, buf + body, ETRUNK_HMAC_LEN);
		if (!equal)
			return ETRUNK_DEC_AUTH_BAD;
	}

	memset(&d, 0, sizeof(d));
	d.flags = buf[OFF_FLAGS];
	d.priority = buf[OFF_PRIORITY];
	d.etrunk_id = get16(buf + OFF_ETRUNK_ID);
	d.n_trunks = buf[OFF_N_TRUNKS];
	d.state = buf[OFF_STATE];
	d.hello_ms = get32(buf + OFF_HELLO_MS);
	d.hold_ms = get32(buf + OFF_HOLD_MS);
	memcpy(d.system_id, buf + OFF_SYSTEM_ID, sizeof(d.system_id));
	d.boot = get32(buf + OFF_BOOT);
	d.seq = get32(buf + OFF_SEQ);

	if (d.flags & ~ETRUNK_HF_KNOWN)
		return ETRUNK_DEC_BAD_FIELD;
	if (d.priority == 0 || d.priority == 255)
		return ETRUNK_DEC_BAD_FIELD;
	if (d.etrunk_id == 0 || d.etrunk_id > ETRUNK_ID_MAX)
		return ETRUNK_DEC_BAD_FIELD;
	if (d.state > ETRUNK_ST_BACKUP)
		return ETRUNK_DEC_BAD_FIELD;
	if (d.hello_ms == 0 || d.hold_ms < d.hello_ms)
		return ETRUNK_DEC_BAD_FIELD;

	p = buf + ETRUNK_HDR_LEN;
	for (unsigned int i = 0; i < d.n_trunks; i++) {
		d.trunks[i].trunk_id = get16(p);
		d.trunks[i].flags = p[2];
		if (d.trunks[i].trunk_id == 0 || d.trunks[i].trunk_id > TRUNK_ID_MAX)
			return ETRUNK_DEC_BAD_FIELD;
		if (d.trunks[i].flags & ~ETRUNK_TF_KNOWN)
			return ETRUNK_DEC_BAD_FIELD;
		p += ETRUNK_TRUNK_LEN;
	}

	*h = d;
	return ETRUNK_DEC_OK;
}

const char *etrunk_decode_err_str(enum etrunk_decode_err err)
{
	switch (err) {
	case ETRUNK_DEC_OK:
		return "ok";
	case ETRUNK_DEC_SHORT:
		return "packet too short";
	case ETRUNK_DEC_MAGIC:
		return "bad magic";
	case ETRUNK_DEC_VERSION:
		return "unsupported version";
	case ETRUNK_DEC_TYPE:
		return "not a hello";
	case ETRUNK_DEC_TRAILING:
		return "trailing bytes";
	case ETRUNK_DEC_BAD_FIELD:
		return "invalid field";
	case ETRUNK_DEC_AUTH_MISSING:
		return "authentication missing";
	case ETRUNK_DEC_AUTH_UNEXPECTED:
		return "authentication not expected";
	case ETRUNK_DEC_AUTH_BAD:
		return "authentication failed";
	}
	return "unknown error";
}

bool etrunk_hello_fresh(bool have_last, uint32_t last_boot, uint32_t last_seq, uint32_t boot,
			uint32_t seq)
{
	if (!have_last)
		return true;
	if (boot != last_boot)
		return boot > last_boot;
	return seq > last_seq;
}

bool etrunk_elect(uint8_t prio, const uint8_t sysid[6], bool peer_alive, uint8_t peer_prio,
		  const uint8_t peer_sysid[6])
{
	if (!peer_alive)
		return true;
	if (prio != peer_prio)
		return prio < peer_prio;
	return memcmp(sysid, peer_sysid, 6) <= 0;
}
