// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync authentication: the transcript hash of a connection's Hellos and
 * the MAC of its frames (doc/protocol.md 4.2), with FRR lib's SHA-256.
 */
#include <zebra.h>

#include "sha256.h"

#include "mldsync/msync_private.h"

static const char hello_label[] = "mldsync-v2 hello";
static const char frame_label[] = "mldsync-v2 frame";

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void msync_transcript(uint8_t out[MSYNC_HASH_LEN], const uint8_t *hi, size_t hilen,
		      const uint8_t *hr, size_t hrlen)
{
	SHA256_CTX ctx;
	uint8_t len[4];

	SHA256_Init(&ctx);
	SHA256_Update(&ctx, hello_label, sizeof(hello_label) - 1);
	/* lengths first: no two pairs of Hellos hash alike */
	put_be32(len, hilen);
	SHA256_Update(&ctx, len, 4);
	SHA256_Update(&ctx, hi, hilen);
	put_be32(len, hrlen);
	SHA256_Update(&ctx, len, 4);
	SHA256_Update(&ctx, hr, hrlen);
	SHA256_Final(out, &ctx);
}

void msync_frame_mac(uint8_t out[MSYNC_MAC_LEN], const uint8_t *key, size_t keylen, uint8_t dir,
		     const uint8_t transcript[MSYNC_HASH_LEN], uint32_t key_id, const uint8_t *env,
		     size_t envlen)
{
	HMAC_SHA256_CTX ctx;
	uint8_t full[32], id[4];

	HMAC__SHA256_Init(&ctx, key, keylen);
	HMAC__SHA256_Update(&ctx, frame_label, sizeof(frame_label) - 1);
	HMAC__SHA256_Update(&ctx, &dir, 1);
	HMAC__SHA256_Update(&ctx, transcript, MSYNC_HASH_LEN);
	put_be32(id, key_id);
	HMAC__SHA256_Update(&ctx, id, 4);
	HMAC__SHA256_Update(&ctx, env, envlen);
	HMAC__SHA256_Final(full, &ctx);
	memcpy(out, full, MSYNC_MAC_LEN);
	explicit_bzero(full, sizeof(full));
	explicit_bzero(&ctx, sizeof(ctx));
}

bool msync_mac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t d = 0;
	size_t i;

	/* no early exit: the time says nothing of where they differ */
	for (i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* ------------------------------------------------------------------ */
/* logs a peer can cause */

bool msync_ratelimit_ok(struct msync_ratelimit *rl, int64_t now, unsigned int burst,
			unsigned int *dropped)
{
	if (dropped)
		*dropped = 0;
	if (rl->window_start == 0 || now - rl->window_start >= MSYNC_LOG_WINDOW_MS) {
		if (dropped)
			*dropped = rl->dropped;
		rl->window_start = now ? now : 1;
		rl->n = 0;
		rl->dropped = 0;
	}
	if (rl->n >= burst) {
		rl->dropped++;
		return false;
	}
	rl->n++;
	return true;
}

void msync_ratelimit_flush_at_end(struct msync_io *io, const struct msync_ratelimit *rl,
				  struct msync_timer *t, void (*fn)(void *), void *arg)
{
	int64_t left;

	if (msync_timer_on(io, t))
		return;
	left = rl->window_start + MSYNC_LOG_WINDOW_MS - msync_now(io);
	msync_timer_set(io, t, left > 0 ? (uint32_t)left : 0, fn, arg);
}

char *msync_sanitize(char *out, size_t outlen, const void *in, size_t inlen, size_t max)
{
	const uint8_t *p = in;
	size_t i, o = 0;

	if (!outlen)
		return out;
	for (i = 0; i < inlen && i < max; i++) {
		char tmp[5];
		size_t n;

		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '"') {
			tmp[0] = p[i];
			n = 1;
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", p[i]);
			n = 4;
		}
		if (o + n + 1 > outlen)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	if ((i < inlen) && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
