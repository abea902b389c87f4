// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: the E-Trunk hello (doc/etrunk.md) and the election rule.
 * Pure: no sockets, no event loop, no clock; unit-tested on constructed
 * packets (tests/unit/test_etrunk.c).
 */
#ifndef _ETRUNK_PKT_H
#define _ETRUNK_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETRUNK_MAGIC	  0x52424554u /* "RBET" */
#define ETRUNK_VERSION	  1
#define ETRUNK_TYPE_HELLO 1
#define ETRUNK_MAX_TRUNKS 32
#define ETRUNK_HMAC_LEN	  32 /* HMAC-SHA-256 */
#define ETRUNK_KEY_MAX	  64
#define ETRUNK_HDR_LEN	  36
#define ETRUNK_TRUNK_LEN  4
/* the largest hello: header, every trunk, the HMAC */
#define ETRUNK_HELLO_MAX (ETRUNK_HDR_LEN + ETRUNK_MAX_TRUNKS * ETRUNK_TRUNK_LEN + ETRUNK_HMAC_LEN)

/* header flags */
#define ETRUNK_HF_AUTH 0x01 /* an HMAC-SHA-256 of the packet follows the trunks */

/* E-Trunk states, as the hello and show carry them */
enum etrunk_state {
	ETRUNK_ST_INIT = 0, /* no hello sent yet / disabled */
	ETRUNK_ST_MASTER = 1,
	ETRUNK_ST_BACKUP = 2,
};

/* per-trunk flags */
#define ETRUNK_TF_UP	 0x01 /* the Eth-Trunk interface is operative */
#define ETRUNK_TF_MASTER 0x02 /* the sender's Eth-Trunk is master (aggregated by the CE) */
#define ETRUNK_TF_FORCE	 0x04 /* e-trunk mode force-master */

struct etrunk_trunk_info {
	uint16_t trunk_id; /* pairs the twins' Eth-Trunks (1-4096) */
	uint8_t flags;	   /* ETRUNK_TF_* */
};

/*
 * One hello, decoded (host order).  On the wire (network order):
 *
 *   0  magic u32 | 4 version u8 | 5 type u8 | 6 flags u8 | 7 priority u8
 *   8  etrunk_id u16 | 10 n_trunks u8 | 11 state u8
 *  12  hello_ms u32 | 16 hold_ms u32
 *  20  system_id[6] | 26 reserved u16 (0)
 *  28  boot u32 | 32 seq u32
 *  36  trunks: n_trunks x { trunk_id u16 | flags u8 | reserved u8 }
 *      then, with ETRUNK_HF_AUTH, HMAC-SHA-256 (32 bytes) over all the
 *      bytes before it, keyed with the security key
 */
struct etrunk_hello {
	uint8_t flags;
	uint8_t priority; /* 1-254, smaller wins */
	uint16_t etrunk_id;
	uint8_t state; /* enum etrunk_state */
	uint32_t hello_ms;
	uint32_t hold_ms; /* the receiver declares the sender dead after this */
	uint8_t system_id[6];
	uint32_t boot; /* the sender's start (seconds, realtime): grows across restarts */
	uint32_t seq;  /* +1 per hello within a boot */
	uint8_t n_trunks;
	struct etrunk_trunk_info trunks[ETRUNK_MAX_TRUNKS];
};

/*
 * Encode into buf (size >= ETRUNK_HELLO_MAX).  key/keylen: the security
 * key; NULL or 0 sends no HMAC.  Returns the length, or -1 (too many
 * trunks, buffer too small).
 */
int etrunk_hello_encode(const struct etrunk_hello *h, const uint8_t *key, size_t keylen,
			uint8_t *buf, size_t size);

enum etrunk_decode_err {
	ETRUNK_DEC_OK = 0,
	ETRUNK_DEC_SHORT,	    /* shorter than its header or its trunks */
	ETRUNK_DEC_MAGIC,	    /* not an E-Trunk packet */
	ETRUNK_DEC_VERSION,	    /* another version */
	ETRUNK_DEC_TYPE,	    /* not a hello */
	ETRUNK_DEC_TRAILING,	    /* bytes past the trunks (and HMAC) */
	ETRUNK_DEC_BAD_FIELD,	    /* priority 0 or 255, too many trunks, timers 0, ... */
	ETRUNK_DEC_AUTH_MISSING,    /* we have a key, the packet no HMAC */
	ETRUNK_DEC_AUTH_UNEXPECTED, /* the packet has an HMAC, we no key */
	ETRUNK_DEC_AUTH_BAD,	    /* the HMAC does not match */
};

/* Decode and check a received packet; h is valid only on ETRUNK_DEC_OK */
enum etrunk_decode_err etrunk_hello_decode(const uint8_t *buf, size_t len, const uint8_t *key,
					   size_t keylen, struct etrunk_hello *h);
const char *etrunk_decode_err_str(enum etrunk_decode_err err);

/*
 * Replay guard: whether a hello with (boot, seq) may follow the last one
 * accepted (last_boot, last_seq; have_last false: none yet).  A later boot
 * is accepted (the peer restarted), an earlier one never; within a boot
 * the sequence must grow.
 */
bool etrunk_hello_fresh(bool have_last, uint32_t last_boot, uint32_t last_seq, uint32_t boot,
			uint32_t seq);

/*
 * The election: whether this router is the E-Trunk master.  Without a
 * live peer it is.  Otherwise the smaller priority wins, then the smaller
 * system ID; equal in both, both are master (the vendor's behaviour,
 * which `show e-trunk` flags as a misconfiguration).
 */
bool etrunk_elect(uint8_t prio, const uint8_t sysid[6], bool peer_alive, uint8_t peer_prio,
		  const uint8_t peer_sysid[6]);

#endif /* _ETRUNK_PKT_H */
