// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync entry table: entries ordered by key (msync_key_cmp), a heap by
 * expiry, and an incrementally maintained digest per (backup-id, family).
 */
#ifndef _MSYNC_TABLE_H
#define _MSYNC_TABLE_H

#include "typesafe.h"

#include "mldsync/msync.h"

#ifdef __cplusplus
extern "C" {
#endif

PREDECL_RBTREE_UNIQ(mtab);
PREDECL_HEAP(mexp);
PREDECL_RBTREE_UNIQ(mdig);
PREDECL_RBTREE_UNIQ(mbidc);

#define MSYNC_NEVER INT64_MAX

struct msync_tentry {
	struct msync_entry e; /* first: the public view */
	struct mtab_item kitem;
	struct mexp_item xitem;
	uint32_t mark; /* peer table: resync it was last seen in */
	/* one per table: an entry never moves from one to the other */
	union {
		uint64_t inc;	  /* peer table: incarnation of the sender */
		int64_t stamp_ms; /* local table: when timer_ms was given */
	};
	/* in its digest: the entry's hash is in the sum (its key, filter and
	 * version do not change while it is, so it is computed again to
	 * leave instead of being kept: one entry per membership, memory
	 * counts) */
	bool in_digest;
};

/* One digest accumulator: count and 64-bit sum of entry hashes. */
struct msync_dig {
	struct mdig_item item;
	uint32_t backup_id;
	uint8_t family;
	uint64_t count;
	uint64_t sum;
};

/* Entries of a backup-id, all of them (in the digest or not). */
struct msync_bidcount {
	struct mbidc_item item;
	uint32_t backup_id;
	size_t count;
};

struct msync_table {
	struct mtab_head keys;
	struct mexp_head exp;
	struct mdig_head digs;
	struct mbidc_head bidc;
};

void msync_table_init(struct msync_table *t);
/* Frees every entry without callbacks. */
void msync_table_fini(struct msync_table *t);

size_t msync_table_count(const struct msync_table *t);
struct msync_tentry *msync_table_find(struct msync_table *t, const struct msync_key *k);
struct msync_tentry *msync_table_first(struct msync_table *t);
struct msync_tentry *msync_table_next(struct msync_table *t, struct msync_tentry *te);
/* First entry with a key strictly greater than k: a resumable cursor. */
struct msync_tentry *msync_table_after(struct msync_table *t, const struct msync_key *k);
/* First entry of a backup-id. */
struct msync_tentry *msync_table_bid_first(struct msync_table *t, uint32_t backup_id);
/* Number of entries of a backup-id (O(log backup-ids)). */
size_t msync_table_bid_count(const struct msync_table *t, uint32_t backup_id);

/* Inserts a copy of e (key must not be present); not in the digest nor
 * in the expiry heap yet. */
struct msync_tentry *msync_table_add(struct msync_table *t, const struct msync_entry *e);
/* Removes te from every structure and frees it. */
void msync_table_del(struct msync_table *t, struct msync_tentry *te);

/* Expiry: MSYNC_NEVER takes the entry out of the heap. */
void msync_table_set_expiry(struct msync_table *t, struct msync_tentry *te, int64_t expires_ms);
int64_t msync_table_next_expiry(const struct msync_table *t);
/* The entry that expires first if it is due at now, else NULL; it stays
 * in the table (the caller deletes it). */
struct msync_tentry *msync_table_expired(struct msync_table *t, int64_t now);

/* Digest membership; call digest_leave before changing content that the
 * hash covers and digest_join after. */
void msync_table_digest_join(struct msync_table *t, struct msync_tentry *te);
void msync_table_digest_leave(struct msync_table *t, struct msync_tentry *te);
/* Takes every entry out of the digest (O(n)). */
void msync_table_digest_clear(struct msync_table *t);
void msync_table_digest(const struct msync_table *t, uint32_t backup_id, uint8_t family,
			uint64_t *count, uint64_t *sum);

/* 64-bit hash of key, filter and version (not timers, not role). */
uint64_t msync_entry_hash(const struct msync_entry *e);

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_TABLE_H */
