// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync entry table.
 *
 * Lookups, inserts and deletes are O(log n) in a red-black tree keyed by
 * msync_key_cmp; walks resume from a key, so a paused resync never copies
 * the table.  Expiry uses a binary heap (O(log n) add, change, delete).
 * The digest is a per (backup-id, family) sum of entry hashes plus a
 * count, updated with every change so comparing tables costs nothing.
 */
#include <zebra.h>

#include "memory.h"

#include "mldsync/msync_private.h"
#include "mldsync/msync_table.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_ENTRY, "mldsync entry");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_DIGEST, "mldsync digest");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_BIDCOUNT, "mldsync entries per backup-id");

static int mtab_cmp(const struct msync_tentry *a, const struct msync_tentry *b)
{
	return msync_key_cmp(&a->e.key, &b->e.key);
}

DECLARE_RBTREE_UNIQ(mtab, struct msync_tentry, kitem, mtab_cmp);

static int mexp_cmp(const struct msync_tentry *a, const struct msync_tentry *b)
{
	return numcmp(a->e.expires_ms, b->e.expires_ms);
}

DECLARE_HEAP(mexp, struct msync_tentry, xitem, mexp_cmp);

static int mdig_cmp(const struct msync_dig *a, const struct msync_dig *b)
{
	if (a->backup_id != b->backup_id)
		return numcmp(a->backup_id, b->backup_id);
	return numcmp(a->family, b->family);
}

DECLARE_RBTREE_UNIQ(mdig, struct msync_dig, item, mdig_cmp);

static int mbidc_cmp(const struct msync_bidcount *a, const struct msync_bidcount *b)
{
	return numcmp(a->backup_id, b->backup_id);
}

DECLARE_RBTREE_UNIQ(mbidc, struct msync_bidcount, item, mbidc_cmp);

/* One more (delta 1) or one fewer (-1) entry of a backup-id. */
static void bidc_add(struct msync_table *t, uint32_t backup_id, int delta)
{
	struct msync_bidcount ref = {}, *c;

	ref.backup_id = backup_id;
	c = mbidc_find(&t->bidc, &ref);
	if (!c) {
		assert(delta > 0);
		c = XCALLOC(MTYPE_MSYNC_BIDCOUNT, sizeof(*c));
		c->backup_id = backup_id;
		mbidc_add(&t->bidc, c);
	}
	if (delta > 0) {
		c->count++;
		return;
	}
	assert(c->count > 0);
	if (--c->count == 0) {
		mbidc_del(&t->bidc, c);
		XFREE(MTYPE_MSYNC_BIDCOUNT, c);
	}
}

void msync_table_init(struct msync_table *t)
{
	mtab_init(&t->keys);
	mexp_init(&t->exp);
	mdig_init(&t->digs);
	mbidc_init(&t->bidc);
}

void msync_table_fini(struct msync_table *t)
{
	struct msync_tentry *te;
	struct msync_dig *d;
	struct msync_bidcount *c;

	while ((te = mexp_pop(&t->exp)))
		;
	while ((te = mtab_pop(&t->keys)))
		XFREE(MTYPE_MSYNC_ENTRY, te);
	while ((d = mdig_pop(&t->digs)))
		XFREE(MTYPE_MSYNC_DIGEST, d);
	while ((c = mbidc_pop(&t->bidc)))
		XFREE(MTYPE_MSYNC_BIDCOUNT, c);
	mexp_fini(&t->exp);
	mtab_fini(&t->keys);
	mdig_fini(&t->digs);
	mbidc_fini(&t->bidc);
}

size_t msync_table_count(const struct msync_table *t)
{
	return mtab_count(&t->keys);
}

struct msync_tentry *msync_table_find(struct msync_table *t, const struct msync_key *k)
{
	struct msync_tentry ref = {};

	ref.e.key = *k;
	return mtab_find(&t->keys, &ref);
}

struct msync_tentry *msync_table_first(struct msync_table *t)
{
	return mtab_first(&t->keys);
}

struct msync_tentry *msync_table_next(struct msync_table *t, struct msync_tentry *te)
{
	return mtab_next(&t->keys, te);
}

struct msync_tentry *msync_table_after(struct msync_table *t, const struct msync_key *k)
{
	struct msync_tentry ref = {}, *te;

	ref.e.key = *k;
	te = mtab_find_gteq(&t->keys, &ref);
	if (te && msync_key_cmp(&te->e.key, k) == 0)
		te = mtab_next(&t->keys, te);
	return te;
}

struct msync_tentry *msync_table_bid_first(struct msync_table *t, uint32_t backup_id)
{
	struct msync_tentry ref = {};

	/* the smallest key of a backup-id: empty name, family 0 */
	memset(&ref.e.key, 0, sizeof(ref.e.key));
	ref.e.key.backup_id = backup_id;
	return mtab_find_gteq(&t->keys, &ref);
}

size_t msync_table_bid_count(const struct msync_table *t, uint32_t backup_id)
{
	struct msync_bidcount ref = {};
	const struct msync_bidcount *c;

	ref.backup_id = backup_id;
	c = mbidc_const_find(&t->bidc, &ref);
	return c ? c->count : 0;
}

struct msync_tentry *msync_table_add(struct msync_table *t, const struct msync_entry *e)
{
	struct msync_tentry *te = XCALLOC(MTYPE_MSYNC_ENTRY, sizeof(*te));
	struct msync_tentry *old;

	te->e = *e;
	te->e.expires_ms = MSYNC_NEVER;
	old = mtab_add(&t->keys, te);
	assert(!old);
	bidc_add(t, te->e.key.backup_id, 1);
	return te;
}

void msync_table_del(struct msync_table *t, struct msync_tentry *te)
{
	msync_table_digest_leave(t, te);
	msync_table_set_expiry(t, te, MSYNC_NEVER);
	mtab_del(&t->keys, te);
	bidc_add(t, te->e.key.backup_id, -1);
	XFREE(MTYPE_MSYNC_ENTRY, te);
}

void msync_table_set_expiry(struct msync_table *t, struct msync_tentry *te, int64_t expires_ms)
{
	if (te->e.expires_ms != MSYNC_NEVER)
		mexp_del(&t->exp, te);
	te->e.expires_ms = expires_ms;
	if (expires_ms != MSYNC_NEVER)
		mexp_add(&t->exp, te);
}

int64_t msync_table_next_expiry(const struct msync_table *t)
{
	const struct msync_tentry *te = mexp_const_first(&t->exp);

	return te ? te->e.expires_ms : MSYNC_NEVER;
}

struct msync_tentry *msync_table_expired(struct msync_table *t, int64_t now)
{
	struct msync_tentry *te = mexp_first(&t->exp);

	if (!te || te->e.expires_ms > now)
		return NULL;
	return te;
}

static struct msync_dig *dig_get(struct msync_table *t, uint32_t backup_id, uint8_t family,
				 bool create)
{
	struct msync_dig ref = {}, *d;

	ref.backup_id = backup_id;
	ref.family = family;
	d = mdig_find(&t->digs, &ref);
	if (d || !create)
		return d;
	d = XCALLOC(MTYPE_MSYNC_DIGEST, sizeof(*d));
	d->backup_id = backup_id;
	d->family = family;
	mdig_add(&t->digs, d);
	return d;
}

void msync_table_digest_join(struct msync_table *t, struct msync_tentry *te)
{
	struct msync_dig *d;

	if (te->in_digest)
		return;
	d = dig_get(t, te->e.key.backup_id, te->e.key.family, true);
	d->count++;
	d->sum += msync_entry_hash(&te->e);
	te->in_digest = true;
}

void msync_table_digest_leave(struct msync_table *t, struct msync_tentry *te)
{
	struct msync_dig *d;

	if (!te->in_digest)
		return;
	d = dig_get(t, te->e.key.backup_id, te->e.key.family, false);
	assert(d && d->count > 0);
	d->count--;
	d->sum -= msync_entry_hash(&te->e);
	te->in_digest = false;
	if (d->count == 0) {
		mdig_del(&t->digs, d);
		XFREE(MTYPE_MSYNC_DIGEST, d);
	}
}

void msync_table_digest_clear(struct msync_table *t)
{
	struct msync_tentry *te;
	struct msync_dig *d;

	frr_each (mtab, &t->keys, te)
		te->in_digest = false;
	while ((d = mdig_pop(&t->digs)))
		XFREE(MTYPE_MSYNC_DIGEST, d);
}

void msync_table_digest(const struct msync_table *t, uint32_t backup_id, uint8_t family,
			uint64_t *count, uint64_t *sum)
{
	struct msync_dig ref = {};
	const struct msync_dig *d;

	ref.backup_id = backup_id;
	ref.family = family;
	d = mdig_const_find(&t->digs, &ref);
	*count = d ? d->count : 0;
	*sum = d ? d->sum : 0;
}

static inline uint64_t fnv1a(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t msync_entry_hash(const struct msync_entry *e)
{
	const struct msync_key *k = &e->key;
	size_t alen = msync_addr_len(k->family);
	uint8_t v[4];
	uint64_t h = 0xcbf29ce484222325ULL;

	v[0] = k->backup_id >> 24;
	v[1] = k->backup_id >> 16;
	v[2] = k->backup_id >> 8;
	v[3] = k->backup_id;
	h = fnv1a(h, v, 4);
	h = fnv1a(h, k->ifname, strnlen(k->ifname, MSYNC_NAME_MAX) + 1);
	v[0] = k->family == AF_INET6 ? 6 : 4;
	v[1] = e->filter;
	v[2] = e->version;
	h = fnv1a(h, v, 3);
	h = fnv1a(h, &k->group, alen);
	h = fnv1a(h, &k->source, alen);
	/* splitmix64 finaliser: spreads FNV's weak high bits before summing */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}
