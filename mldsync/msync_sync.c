// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync replication: the local table the owner feeds, the peer table
 * the twin fills, full resync, incremental updates, digest and expiry.
 *
 * Sending is pull-based: changes mark a key dirty and a pump encodes
 * dirty keys and then the resync walk while the connection's write queue
 * is under its high watermark.  A key changed many times while the queue
 * is full is sent once, in its latest state; a paused resync resumes from
 * its cursor key when the queue drains.
 */
#include <zebra.h>

#include "memory.h"
#include "log.h"
#include "printfrr.h"

#include "mldsync/msync_private.h"
#include "mldsync/msync_codec.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_DIRTY, "mldsync pending change");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_TX_BATCH, "mldsync update batch");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_DIGEST_ITEMS, "mldsync digest items");

static int mdirty_cmp(const struct msync_dirty *a, const struct msync_dirty *b)
{
	return msync_key_cmp(&a->key, &b->key);
}

DECLARE_RBTREE_UNIQ(mdirty, struct msync_dirty, item, mdirty_cmp);

static void pump_cb(void *arg);
static void digest_cb(void *arg);
static void expire_cb(void *arg);

/* ------------------------------------------------------------------ */
/* sending */

uint32_t msync_digest_interval(const struct msync_session *s)
{
	return s->cfg.digest_ms ? s->cfg.digest_ms : MSYNC_DIGEST_DEFAULT;
}

/* Remaining time of a local entry, as the twin must age it. */
static uint32_t local_remaining(struct msync_session *s, const struct msync_tentry *te, int64_t now)
{
	int64_t rem;

	if (te->e.timer_ms == 0)
		return 0;
	rem = te->stamp_ms + te->e.timer_ms - now;
	/* the owner has not deleted it yet: let the twin drop it soon */
	if (rem < 1)
		rem = 1;
	return rem > UINT32_MAX ? UINT32_MAX : (uint32_t)rem;
}

/* An entry of the twin's earlier lives that we give back to it (6.3):
 * not our own echoed back, not expired, with a timer, not shadowed by a
 * key of our local table, of an agreed backup-id. */
static bool restorable(struct msync_session *s, struct msync_tentry *te, int64_t now)
{
	return !te->e.restored && te->inc != s->peer_inc && te->e.expires_ms != MSYNC_NEVER &&
	       te->e.expires_ms > now && msync_bid_sendable(s, &te->e.key) &&
	       !msync_table_find(&s->local, &te->e.key);
}

static uint32_t restored_remaining(const struct msync_tentry *te, int64_t now)
{
	int64_t rem = te->e.expires_ms - now;

	return rem > UINT32_MAX ? UINT32_MAX : (uint32_t)MAX(rem, 1);
}

static void dirty_clear(struct msync_session *s)
{
	struct msync_dirty *d;

	while ((d = mdirty_pop(&s->dirty)))
		XFREE(MTYPE_MSYNC_DIRTY, d);
}

static void mark_dirty(struct msync_session *s, const struct msync_key *k)
{
	struct msync_dirty ref = {}, *d;

	if (!msync_session_up(s))
		return; /* the resync at session up sends the table */
	ref.key = *k;
	if (!mdirty_find(&s->dirty, &ref)) {
		d = XCALLOC(MTYPE_MSYNC_DIRTY, sizeof(*d));
		d->key = *k;
		mdirty_add(&s->dirty, d);
	}
	msync_sync_kick(s);
}

/* Batches of entries and keys for one Update and one Delete frame. */
struct batch {
	size_t nu, nd;
	struct msync_pb_entry pbe[MSYNC_BATCH];
	Msync__Entry *eptr[MSYNC_BATCH];
	struct msync_key keys[MSYNC_BATCH];
	Msync__Key pbk[MSYNC_BATCH];
	Msync__Key *kptr[MSYNC_BATCH];
};

static void batch_entry(struct batch *b, const struct msync_entry *e, uint32_t timer_ms,
			bool restored)
{
	msync_entry_to_pb(e, timer_ms, restored, &b->pbe[b->nu]);
	b->eptr[b->nu] = &b->pbe[b->nu].e;
	b->nu++;
}

static void batch_send(struct msync_session *s, struct msync_link *l, struct batch *b)
{
	size_t i;

	if (b->nu) {
		Msync__Update u = MSYNC__UPDATE__INIT;

		u.n_entries = b->nu;
		u.entries = b->eptr;
		msync_link_send(l, MSYNC_MSG_UPDATE, &u);
		s->ctr.tx_updates += b->nu;
	}
	if (b->nd) {
		Msync__Delete d = MSYNC__DELETE__INIT;

		for (i = 0; i < b->nd; i++) {
			msync_key_to_pb(&b->keys[i], &b->pbk[i]);
			b->kptr[i] = &b->pbk[i];
		}
		d.n_keys = b->nd;
		d.keys = b->kptr;
		msync_link_send(l, MSYNC_MSG_DELETE, &d);
		s->ctr.tx_deletes += b->nd;
	}
	b->nu = b->nd = 0;
}

/* Is k still ahead of the resync walk (the walk will send it)? */
static bool walk_ahead(struct msync_session *s, const struct msync_key *k)
{
	if (!s->tx.active || s->tx.end_sent || s->tx.phase != MSYNC_TX_LOCAL)
		return false;
	return !s->tx.has_cursor || msync_key_cmp(k, &s->tx.cursor) > 0;
}

static void emit_dirty(struct msync_session *s, struct msync_link *l, struct batch *b, int64_t now)
{
	struct msync_dirty *d;

	while (b->nu < MSYNC_BATCH && b->nd < MSYNC_BATCH && (d = mdirty_pop(&s->dirty))) {
		struct msync_tentry *te = msync_table_find(&s->local, &d->key);
		struct msync_tentry *pe;

		if (te) {
			if (msync_bid_sendable(s, &te->e.key) && !walk_ahead(s, &te->e.key))
				batch_entry(b, &te->e, local_remaining(s, te, now), false);
		} else if ((pe = msync_table_find(&s->peer, &d->key)) && restorable(s, pe, now)) {
			/* our local entry went, the twin's old one is back */
			batch_entry(b, &pe->e, restored_remaining(pe, now), true);
		} else if (msync_bid_sendable(s, &d->key)) {
			b->keys[b->nd++] = d->key;
		}
		XFREE(MTYPE_MSYNC_DIRTY, d);
	}
	batch_send(s, l, b);
}

static void emit_resync(struct msync_session *s, struct msync_link *l, struct batch *b, int64_t now)
{
	struct msync_table *t = s->tx.phase == MSYNC_TX_LOCAL ? &s->local : &s->peer;
	struct msync_tentry *te;
	unsigned int visited = 0;

	if (s->tx.phase == MSYNC_TX_END) {
		Msync__ResyncEnd e = MSYNC__RESYNC_END__INIT;

		e.has_generation = true;
		e.generation = s->tx.generation;
		e.has_count = true;
		e.count = s->tx.count;
		s->tx.end_sent = true;
		if (msync_link_send(l, MSYNC_MSG_RESYNC_END, &e))
			s->tx.end_seq = l->tx_seq;
		if (msync_debug & MSYNC_DEBUG_SESSION)
			zlog_debug("rbs %s: resync %" PRIu64 " sent, %" PRIu64 " entries",
				   s->cfg.name, s->tx.generation, s->tx.count);
		return;
	}

	te = s->tx.has_cursor ? msync_table_after(t, &s->tx.cursor) : msync_table_first(t);
	/* bounded work per batch even when most entries are skipped */
	while (te && b->nu < MSYNC_BATCH && visited++ < 8 * MSYNC_BATCH) {
		if (!msync_bid_sendable(s, &te->e.key)) {
			/* not offered on this session */
		} else if (s->tx.phase == MSYNC_TX_LOCAL) {
			batch_entry(b, &te->e, local_remaining(s, te, now), false);
		} else if (restorable(s, te, now)) {
			/* an entry of the twin's previous life: give it back
			 * so the restarted twin recovers its memberships */
			batch_entry(b, &te->e, restored_remaining(te, now), true);
		}
		s->tx.cursor = te->e.key;
		s->tx.has_cursor = true;
		te = msync_table_next(t, te);
	}
	s->tx.count += b->nu;
	batch_send(s, l, b);
	if (!te) {
		s->tx.has_cursor = false;
		if (s->tx.phase == MSYNC_TX_LOCAL && s->tx.restore)
			s->tx.phase = MSYNC_TX_RESTORED;
		else
			s->tx.phase = MSYNC_TX_END;
	}
}

void msync_sync_pump(struct msync_session *s)
{
	struct msync_link *l = s->active;
	struct batch *b;
	int64_t now;

	if (!msync_session_up(s) || !l || l->dead)
		return;
	now = msync_now(s->io);
	b = XMALLOC(MTYPE_MSYNC_TX_BATCH, sizeof(*b));
	b->nu = b->nd = 0;
	while (!l->dead && l->wq.bytes < s->wq_high) {
		if (mdirty_count(&s->dirty))
			emit_dirty(s, l, b, now);
		else if (s->tx.active && !s->tx.end_sent)
			emit_resync(s, l, b, now);
		else
			break;
	}
	XFREE(MTYPE_MSYNC_TX_BATCH, b);
}

static void pump_cb(void *arg)
{
	msync_sync_pump(arg);
}

void msync_sync_kick(struct msync_session *s)
{
	/* coalesces every change made in this loop iteration into batches */
	if (!msync_timer_on(s->io, &s->t_pump))
		msync_timer_set(s->io, &s->t_pump, 0, pump_cb, s);
}

size_t msync_sync_dirty_count(struct msync_session *s)
{
	return mdirty_count(&s->dirty);
}

void msync_sync_start(struct msync_session *s)
{
	struct msync_link *l = s->active;
	Msync__ResyncBegin b = MSYNC__RESYNC_BEGIN__INIT;

	if (!l)
		return;

	s->tx.active = true;
	s->tx.end_sent = false;
	s->tx.done = false;
	s->tx.phase = MSYNC_TX_LOCAL;
	s->tx.has_cursor = false;
	s->tx.generation++;
	s->tx.count = 0;
	/* every resync gives back what we hold of the twin's earlier lives,
	 * so that its End sweeps restored entries like the others (6.3) */
	s->tx.restore = s->old_lives;
	s->tx.end_seq = 0;
	/* the walk sends the latest state of every key */
	dirty_clear(s);

	b.has_generation = true;
	b.generation = s->tx.generation;
	msync_link_send(l, MSYNC_MSG_RESYNC_BEGIN, &b);
	s->ctr.resyncs_sent++;
	msync_sync_kick(s);
	if (!msync_timer_on(s->io, &s->t_digest))
		msync_timer_set(s->io, &s->t_digest, msync_digest_interval(s), digest_cb, s);
}

void msync_sync_stop(struct msync_session *s)
{
	dirty_clear(s);
	/* tx.generation keeps counting: each resync has its own */
	s->tx.active = false;
	s->tx.end_sent = false;
	s->tx.done = false;
	s->tx.phase = MSYNC_TX_LOCAL;
	s->tx.has_cursor = false;
	s->tx.count = 0;
	s->tx.restore = false;
	s->tx.end_seq = 0;
	s->rx.active = false;
	s->rx.done = false;
	s->rx.requested = false;
	s->rx.mismatches = 0;
	msync_timer_off(s->io, &s->t_pump);
	msync_timer_off(s->io, &s->t_digest);
}

void msync_sync_init(struct msync_session *s)
{
	msync_table_init(&s->local);
	msync_table_init(&s->peer);
	mdirty_init(&s->dirty);
}

/* Frees both tables without callbacks. */
void msync_sync_fini(struct msync_session *s)
{
	msync_sync_stop(s);
	msync_timer_off(s->io, &s->t_expire);
	msync_table_fini(&s->local);
	msync_table_fini(&s->peer);
	mdirty_fini(&s->dirty);
}

void msync_sync_peer_inc_changed(struct msync_session *s)
{
	/* entries of the twin's earlier lives no longer describe its table:
	 * they leave the digest and age by their timers; while any is left
	 * we restore them (and digest what we restore) */
	msync_table_digest_clear(&s->peer);
	s->old_lives = msync_table_count(&s->peer) > 0;
}

/* Adds what we restore of a backup-id to a digest item (6.4): a walk,
 * only while entries of the twin's earlier lives are held. */
static void digest_restored(struct msync_session *s, uint32_t backup_id, uint64_t *count,
			    uint64_t *sum, int64_t now, bool *any)
{
	struct msync_tentry *te;

	for (te = msync_table_bid_first(&s->peer, backup_id);
	     te && te->e.key.backup_id == backup_id; te = msync_table_next(&s->peer, te)) {
		if (te->inc != s->peer_inc)
			*any = true;
		if (!restorable(s, te, now))
			continue;
		(*count)++;
		*sum += msync_entry_hash(&te->e);
	}
}

/* ------------------------------------------------------------------ */
/* digest */

void msync_sync_send_digest(struct msync_session *s)
{
	Msync__Digest d = MSYNC__DIGEST__INIT;
	Msync__DigestItem *items;
	Msync__DigestItem **ptrs;
	size_t i, n = 0;
	int64_t now = msync_now(s->io);
	bool old = false;

	if (!s->nbids)
		return;
	items = XCALLOC(MTYPE_MSYNC_DIGEST_ITEMS, s->nbids * sizeof(*items));
	ptrs = XCALLOC(MTYPE_MSYNC_DIGEST_ITEMS, s->nbids * sizeof(*ptrs));
	for (i = 0; i < s->nbids; i++) {
		struct msync_bid *bid = &s->bids[i];

		if (bid->svc == MSYNC_SVC_NONE)
			continue;
		msync__digest_item__init(&items[n]);
		items[n].has_backup_id = true;
		items[n].backup_id = bid->backup_id;
		items[n].has_count = items[n].has_sum = true;
		msync_table_digest(&s->local, bid->backup_id, msync_svc_family(bid->svc),
				   &items[n].count, &items[n].sum);
		if (s->old_lives)
			digest_restored(s, bid->backup_id, &items[n].count, &items[n].sum, now,
					&old);
		ptrs[n] = &items[n];
		n++;
	}
	/* none of the twin's earlier lives left: back to O(1) digests */
	if (s->old_lives && !old)
		s->old_lives = false;
	d.n_items = n;
	d.items = ptrs;
	if (n)
		msync_link_send(s->active, MSYNC_MSG_DIGEST, &d);
	XFREE(MTYPE_MSYNC_DIGEST_ITEMS, items);
	XFREE(MTYPE_MSYNC_DIGEST_ITEMS, ptrs);
}

void msync_sync_digest_rearm(struct msync_session *s)
{
	if (msync_timer_on(s->io, &s->t_digest))
		msync_timer_set(s->io, &s->t_digest, msync_digest_interval(s), digest_cb, s);
}

static void digest_cb(void *arg)
{
	struct msync_session *s = arg;

	if (!msync_session_up(s))
		return;
	/* only a settled table: with changes still queued here the twin
	 * would see a difference that is about to go away */
	if (s->state == MSYNC_ST_ESTABLISHED && !s->tx.active && !mdirty_count(&s->dirty) &&
	    s->active->wq.bytes <= s->wq_low)
		msync_sync_send_digest(s);
	msync_timer_set(s->io, &s->t_digest, msync_digest_interval(s), digest_cb, s);
}

void msync_rx_digest(struct msync_link *l, const void *pb)
{
	const Msync__Digest *d = pb;
	struct msync_session *s = l->s;
	Msync__ResyncRequest r = MSYNC__RESYNC_REQUEST__INIT;
	int64_t now = msync_now(s->io);
	char why[128] = "";
	bool room = false;
	size_t i, j;

	for (j = 0; j < d->n_items; j++) {
		struct msync_bid *b = msync_bid_find(s, d->items[j]->backup_id);

		if (!b || b->svc == MSYNC_SVC_NONE)
			msync_session_error(s, MSYNC_ERR_UNKNOWN_BACKUP_ID,
					    "digest for backup-id %u ignored",
					    d->items[j]->backup_id);
	}
	/* mid-resync the peer table is incomplete by design */
	if (s->state != MSYNC_ST_ESTABLISHED || s->rx.active || s->rx.requested)
		return;
	for (i = 0; i < s->nbids; i++) {
		struct msync_bid *b = &s->bids[i];
		uint64_t cnt, sum, rcnt = 0, rsum = 0;
		size_t held;

		if (b->svc == MSYNC_SVC_NONE)
			continue;
		for (j = 0; j < d->n_items; j++)
			if (d->items[j]->backup_id == b->backup_id) {
				rcnt = d->items[j]->count;
				rsum = d->items[j]->sum;
				break;
			}
		msync_table_digest(&s->peer, b->backup_id, msync_svc_family(b->svc), &cnt, &sum);
		if (cnt == rcnt && sum == rsum) {
			/* nothing of the twin's is missing here any more */
			b->full = false;
			continue;
		}
		if (b->full) {
			/* The difference is what the bound dropped (6.5): a
			 * resync would bring the same entries and drop them
			 * again.  Only once there is room (the twin deleted,
			 * entries expired, the bound went up) does asking help. */
			held = msync_table_bid_count(&s->peer, b->backup_id);
			if (held >= b->max_entries) {
				if (msync_debug & MSYNC_DEBUG_SESSION)
					zlog_debug("rbs %s: backup-id %u: digest differs, peer table full (%zu entries, %" PRIu64
						   " on twin)",
						   s->cfg.name, b->backup_id, held, rcnt);
				continue;
			}
			if (!room || !why[0])
				snprintf(why, sizeof(why),
					 "backup-id %u has room again: %zu of %u entries held, %" PRIu64
					 " on twin",
					 b->backup_id, held, b->max_entries, rcnt);
			room = true;
			continue;
		}
		if (!why[0])
			snprintf(why, sizeof(why),
				 "digest mismatch on backup-id %u: %" PRIu64
				 " entries here, %" PRIu64 " on twin",
				 b->backup_id, cnt, rcnt);
	}
	if (!why[0]) {
		s->rx.mismatches = 0;
		return;
	}
	s->ctr.digest_mismatches++;
	/* An entry expiring here a moment before its owner deletes it
	 * there differs for one digest only: ask for a resync when the
	 * difference persists.  Entries dropped at the bound are known to
	 * differ: ask as soon as there is room, at most once per digest
	 * interval. */
	++s->rx.mismatches;
	if (!room && s->rx.mismatches < 2) {
		if (msync_debug & MSYNC_DEBUG_SESSION)
			zlog_debug("rbs %s: %s", s->cfg.name, why);
		return;
	}
	if (s->rx.request_ms && now - s->rx.request_ms < msync_digest_interval(s))
		return;
	/* a control message: with the queue full, the next digest asks */
	if (!msync_link_ctrl_room(l))
		return;
	msync_session_info(s, "%s, requesting a resync", why);
	r.reason = why;
	s->rx.requested = true;
	s->rx.mismatches = 0;
	s->rx.request_ms = now;
	s->ctr.resync_requests_sent++;
	msync_link_send(l, MSYNC_MSG_RESYNC_REQUEST, &r);
}

void msync_rx_resync_request(struct msync_link *l, const void *pb)
{
	const Msync__ResyncRequest *r = pb;
	struct msync_session *s = l->s;
	char reason[4 * 64 + 4];

	/* the twin's words: escaped, cut short, rate-limited */
	msync_session_info(s, "twin requests a resync%s%s", r->reason ? ": " : "",
			   r->reason ? msync_sanitize(reason, sizeof(reason), r->reason,
						      strlen(r->reason), 64)
				     : "");
	/* one in progress already carries the whole table */
	if (s->tx.active)
		return;
	msync_sync_start(s);
}

/* ------------------------------------------------------------------ */
/* receiving */

void msync_rx_begin(struct msync_link *l, const void *pb)
{
	const Msync__ResyncBegin *b = pb;
	struct msync_session *s = l->s;

	s->rx.active = true;
	s->rx.requested = false;
	s->rx.mismatches = 0;
	/* a full resync starts over: what it cannot hold sets it again */
	for (size_t i = 0; i < s->nbids; i++)
		s->bids[i].full = false;
	s->rx.generation = b->generation;
	s->rx.count = 0;
	if (++s->rx.mark == 0)
		s->rx.mark = 1;
	s->ctr.resyncs_received++;
	if (msync_debug & MSYNC_DEBUG_SESSION)
		zlog_debug("rbs %s: twin starts resync %" PRIu64, s->cfg.name, b->generation);
}

static void peer_del(struct msync_session *s, struct msync_tentry *te, enum msync_del_reason why)
{
	if (msync_debug & MSYNC_DEBUG_ENTRY) {
		char k[128];

		zlog_debug("rbs %s: peer entry %s removed (%d)", s->cfg.name,
			   msync_key_str(&te->e.key, k, sizeof(k)), why);
	}
	if (s->cb.peer_delete)
		s->cb.peer_delete(s, &te->e, why, s->cb.arg);
	msync_table_del(&s->peer, te);
}

void msync_rx_end(struct msync_link *l, const void *pb)
{
	const Msync__ResyncEnd *e = pb;
	struct msync_session *s = l->s;
	struct msync_tentry *te, *next;

	if (!s->rx.active || e->generation != s->rx.generation) {
		msync_link_fail(l, MSYNC_ERR_UNEXPECTED, "resync end %" PRIu64 " without its begin",
				e->generation);
		return;
	}
	/* Entries of this incarnation the resync did not mention are gone
	 * on the twin, restored and non-expiring ones too (6.3).  Entries of
	 * its earlier lives (it restarted and lost them) age by their
	 * timers; those without one never would: they go now. */
	for (te = msync_table_first(&s->peer); te; te = next) {
		next = msync_table_next(&s->peer, te);
		if (te->inc == s->peer_inc ? te->mark != s->rx.mark
					   : te->e.expires_ms == MSYNC_NEVER)
			peer_del(s, te, MSYNC_DEL_RESYNC);
	}
	if (e->has_count && e->count != s->rx.count)
		msync_session_info(s, "twin sent %" PRIu64 " entries, %" PRIu64 " accepted",
				   e->count, s->rx.count);
	s->rx.active = false;
	s->rx.done = true;
	msync_sync_expire_rearm(s);
	if (s->cb.resync_done)
		s->cb.resync_done(s, s->cb.arg);
	msync_session_check_established(s);
}

/* Backup-id and family of a received key against the agreed profiles:
 * 0 if agreed, else -1 with the error class in *err and the reason. */
static int key_agreed(struct msync_session *s, const struct msync_key *k, enum msync_err *err,
		      char *why, size_t whylen)
{
	struct msync_bid *b = msync_bid_find(s, k->backup_id);

	if (!b || b->svc == MSYNC_SVC_NONE) {
		snprintf(why, whylen, "backup-id %u not configured here", k->backup_id);
		*err = MSYNC_ERR_UNKNOWN_BACKUP_ID;
		return -1;
	}
	if (msync_svc_family(b->svc) != k->family) {
		snprintf(why, whylen, "backup-id %u is service-type %s, entry is %s", k->backup_id,
			 msync_svc_name(b->svc), msync_svc_name(msync_family_svc(k->family)));
		*err = MSYNC_ERR_BAD_FAMILY;
		return -1;
	}
	return 0;
}

/* The bound of the peer table (6.5): a new key of a backup-id that holds
 * its max_entries already is not stored.  Counted, logged once per log
 * window and backup-id; the digest of the backup-id is then expected to
 * differ until there is room again. */
static bool peer_room(struct msync_session *s, const struct msync_entry *in, int64_t now)
{
	struct msync_bid *b = msync_bid_find(s, in->key.backup_id);
	uint32_t max = b && b->max_entries ? b->max_entries : MSYNC_PEER_ENTRIES_DEFAULT;
	size_t held = msync_table_bid_count(&s->peer, in->key.backup_id);

	if (held < max)
		return true;
	s->ctr.peer_limit_drops++;
	if (b) {
		b->limit_drops++;
		b->full = true;
	}
	if (msync_debug & MSYNC_DEBUG_ENTRY) {
		char k[128];

		zlog_debug("rbs %s: peer entry %s dropped: backup-id %u holds %zu entries",
			   s->cfg.name, msync_key_str(&in->key, k, sizeof(k)), in->key.backup_id,
			   held);
	}
	/* a hostile twin can send them by the thousand: one line per window,
	 * with the count so far */
	if (b && msync_ratelimit_ok(&b->rl_limit, now, 1, NULL)) {
		char k[128];

		zlog_warn("rbs %s: backup-id %u: peer table full (%zu entries, max-entries %u): the twin's entry %s not stored (%" PRIu64
			  " dropped so far)",
			  s->cfg.name, in->key.backup_id, held, max,
			  msync_key_str(&in->key, k, sizeof(k)), b->limit_drops);
	}
	return false;
}

/* false: not stored (the bound of its backup-id) */
static bool peer_apply(struct msync_session *s, const struct msync_entry *in, int64_t now)
{
	struct msync_tentry *te = msync_table_find(&s->peer, &in->key);
	/* one we gave back is the twin's own again: it goes from what we
	 * restore, say so (6.3) */
	bool was_restorable = te && msync_session_up(s) && restorable(s, te, now);

	if (!te) {
		if (!peer_room(s, in, now))
			return false;
		te = msync_table_add(&s->peer, in);
	} else {
		msync_table_digest_leave(&s->peer, te);
		te->e.filter = in->filter;
		te->e.version = in->version;
		te->e.origin_role = in->origin_role;
	}
	te->e.timer_ms = in->timer_ms;
	te->e.restored = in->restored;
	te->inc = s->peer_inc;
	te->mark = s->rx.mark;
	msync_table_set_expiry(&s->peer, te, in->timer_ms ? now + in->timer_ms : MSYNC_NEVER);
	/* restored ones too: nothing the twin holds hides from the digest */
	msync_table_digest_join(&s->peer, te);
	if (was_restorable)
		mark_dirty(s, &te->e.key);
	if (msync_debug & MSYNC_DEBUG_ENTRY) {
		char k[128];

		zlog_debug("rbs %s: peer entry %s %s v%u timer %u%s", s->cfg.name,
			   msync_key_str(&te->e.key, k, sizeof(k)),
			   te->e.filter == MSYNC_FILTER_INCLUDE ? "include" : "exclude",
			   te->e.version, te->e.timer_ms, te->e.restored ? " restored" : "");
	}
	if (s->cb.peer_update)
		s->cb.peer_update(s, &te->e, s->cb.arg);
	return true;
}

void msync_rx_update(struct msync_link *l, const void *pb)
{
	const Msync__Update *u = pb;
	struct msync_session *s = l->s;
	int64_t now = msync_now(s->io);
	struct msync_entry e;
	char why[160];
	size_t i;
	enum msync_err err;

	for (i = 0; i < u->n_entries && !l->dead; i++) {
		if (msync_entry_from_pb(u->entries[i], &e, &err, why, sizeof(why)) < 0 ||
		    key_agreed(s, &e.key, &err, why, sizeof(why)) < 0) {
			/* one bad entry is dropped whole; the rest apply */
			msync_session_error(s, err, "entry dropped: %s", why);
			continue;
		}
		s->ctr.rx_updates++;
		if (!peer_apply(s, &e, now))
			continue;
		if (s->rx.active)
			s->rx.count++;
	}
	msync_sync_expire_rearm(s);
}

void msync_rx_delete(struct msync_link *l, const void *pb)
{
	const Msync__Delete *d = pb;
	struct msync_session *s = l->s;
	struct msync_key k;
	struct msync_tentry *te;
	char why[160];
	size_t i;
	enum msync_err err;

	for (i = 0; i < d->n_keys && !l->dead; i++) {
		if (msync_key_from_pb(d->keys[i], &k, &err, why, sizeof(why)) < 0 ||
		    key_agreed(s, &k, &err, why, sizeof(why)) < 0) {
			msync_session_error(s, err, "delete dropped: %s", why);
			continue;
		}
		s->ctr.rx_deletes++;
		te = msync_table_find(&s->peer, &k);
		if (te)
			peer_del(s, te, MSYNC_DEL_PEER);
		else if (msync_debug & MSYNC_DEBUG_ENTRY)
			zlog_debug("rbs %s: delete of %s: not held", s->cfg.name,
				   msync_key_str(&k, why, sizeof(why)));
	}
	msync_sync_expire_rearm(s);
}

void msync_rx_ack(struct msync_link *l, const void *pb)
{
	const Msync__Ack *a = pb;
	struct msync_session *s = l->s;

	if (a->seq > l->tx_seq) {
		msync_link_fail(l, MSYNC_ERR_SEQUENCE,
				"ack %" PRIu64 " beyond the last sent %" PRIu64, a->seq, l->tx_seq);
		return;
	}
	if (a->seq <= l->tx_acked)
		return;
	l->tx_acked = a->seq;
	if (s->tx.active && s->tx.end_sent && a->seq >= s->tx.end_seq) {
		s->tx.active = false;
		s->tx.done = true;
		msync_session_check_established(s);
	}
}

/* ------------------------------------------------------------------ */
/* expiry of peer entries */

void msync_sync_expire_rearm(struct msync_session *s)
{
	int64_t next = msync_table_next_expiry(&s->peer);
	int64_t now;

	if (next == MSYNC_NEVER) {
		msync_timer_off(s->io, &s->t_expire);
		s->expire_at = MSYNC_NEVER;
		return;
	}
	/* an early timer only re-arms itself: move it earlier, never later */
	if (msync_timer_on(s->io, &s->t_expire) && s->expire_at <= next)
		return;
	now = msync_now(s->io);
	s->expire_at = next;
	msync_timer_set(s->io, &s->t_expire, next > now ? (uint32_t)MIN(next - now, INT32_MAX) : 0,
			expire_cb, s);
}

static void expire_cb(void *arg)
{
	struct msync_session *s = arg;
	int64_t now = msync_now(s->io);
	struct msync_tentry *te;

	s->expire_at = MSYNC_NEVER;
	while ((te = msync_table_expired(&s->peer, now)))
		peer_del(s, te, MSYNC_DEL_EXPIRED);
	msync_sync_expire_rearm(s);
}

/* ------------------------------------------------------------------ */
/* API: tables */

int msync_local_update(struct msync_session *s, const struct msync_entry *e)
{
	struct msync_entry n = *e;
	struct msync_tentry *te;
	struct msync_bid *b;
	char why[160], k[128];
	int64_t now;
	enum msync_err err;
	int ret;

	msync_key_normalize(&n.key);
	n.restored = false;
	ret = msync_entry_check_why(&n, &err, why, sizeof(why));
	if (ret == 0) {
		b = msync_bid_find(s, n.key.backup_id);
		if (b && b->svc != MSYNC_SVC_NONE && msync_svc_family(b->svc) != n.key.family) {
			snprintf(why, sizeof(why), "backup-id %u is service-type %s",
				 n.key.backup_id, msync_svc_name(b->svc));
			ret = -1;
		}
	}
	if (ret < 0) {
		zlog_warn("rbs %s: local entry %s rejected: %s", s->cfg.name,
			  msync_key_str(&n.key, k, sizeof(k)), why);
		errno = EINVAL;
		return -1;
	}

	now = msync_now(s->io);
	te = msync_table_find(&s->local, &n.key);
	if (te) {
		/* nothing the twin does not know: same content and the same
		 * expiry (a timer given again later is a refresh) */
		if (te->e.filter == n.filter && te->e.version == n.version &&
		    te->e.origin_role == n.origin_role &&
		    (te->e.timer_ms == 0) == (n.timer_ms == 0) &&
		    (n.timer_ms == 0 || te->stamp_ms + te->e.timer_ms == now + n.timer_ms))
			return 0;
		msync_table_digest_leave(&s->local, te);
		te->e.filter = n.filter;
		te->e.version = n.version;
		te->e.origin_role = n.origin_role;
		te->e.timer_ms = n.timer_ms;
	} else {
		te = msync_table_add(&s->local, &n);
	}
	te->stamp_ms = now;
	msync_table_digest_join(&s->local, te);
	if (msync_debug & MSYNC_DEBUG_ENTRY)
		zlog_debug("rbs %s: local entry %s %s v%u timer %u", s->cfg.name,
			   msync_key_str(&te->e.key, k, sizeof(k)),
			   te->e.filter == MSYNC_FILTER_INCLUDE ? "include" : "exclude",
			   te->e.version, te->e.timer_ms);
	mark_dirty(s, &te->e.key);
	return 0;
}

int msync_local_delete(struct msync_session *s, const struct msync_key *k)
{
	struct msync_key n = *k;
	struct msync_tentry *te;

	msync_key_normalize(&n);
	te = msync_table_find(&s->local, &n);
	if (!te) {
		errno = ENOENT;
		return -1;
	}
	if (msync_debug & MSYNC_DEBUG_ENTRY) {
		char ks[128];

		zlog_debug("rbs %s: local entry %s deleted", s->cfg.name,
			   msync_key_str(&n, ks, sizeof(ks)));
	}
	msync_table_del(&s->local, te);
	/* sent as a Delete, or as the twin's own entry we restore */
	mark_dirty(s, &n);
	return 0;
}

void msync_local_flush(struct msync_session *s, uint32_t backup_id)
{
	struct msync_tentry *te, *next;
	struct msync_key k;

	for (te = msync_table_bid_first(&s->local, backup_id);
	     te && te->e.key.backup_id == backup_id; te = next) {
		next = msync_table_next(&s->local, te);
		k = te->e.key;
		msync_table_del(&s->local, te);
		mark_dirty(s, &k);
	}
}

void msync_peer_flush(struct msync_session *s, uint32_t backup_id)
{
	struct msync_tentry *te, *next;

	for (te = msync_table_bid_first(&s->peer, backup_id);
	     te && te->e.key.backup_id == backup_id; te = next) {
		next = msync_table_next(&s->peer, te);
		peer_del(s, te, MSYNC_DEL_CONFIG);
	}
	msync_sync_expire_rearm(s);
}

void msync_peer_extend(struct msync_session *s, uint32_t backup_id, uint32_t min_ms)
{
	int64_t until = msync_now(s->io) + min_ms;
	struct msync_tentry *te;

	for (te = msync_table_bid_first(&s->peer, backup_id);
	     te && te->e.key.backup_id == backup_id; te = msync_table_next(&s->peer, te))
		if (te->e.expires_ms != MSYNC_NEVER && te->e.expires_ms < until)
			msync_table_set_expiry(&s->peer, te, until);
	msync_sync_expire_rearm(s);
}

void msync_sync_limit_changed(struct msync_session *s, uint32_t backup_id)
{
	struct msync_bid *b = msync_bid_find(s, backup_id);
	struct msync_tentry *te, *next;
	size_t held = msync_table_bid_count(&s->peer, backup_id), keep, n = 0;

	if (!b || b->svc == MSYNC_SVC_NONE || held <= b->max_entries)
		return;
	keep = b->max_entries;
	zlog_info("rbs %s: backup-id %u: max-entries %u, %zu of the twin's entries held: the last %zu go",
		  s->cfg.name, backup_id, b->max_entries, held, held - keep);
	/* the first keys stay, the last go; what goes is counted like what
	 * the bound drops on receive, and the digest waits for room */
	for (te = msync_table_bid_first(&s->peer, backup_id);
	     te && te->e.key.backup_id == backup_id; te = next) {
		next = msync_table_next(&s->peer, te);
		if (n++ < keep)
			continue;
		s->ctr.peer_limit_drops++;
		peer_del(s, te, MSYNC_DEL_LIMIT);
		/* callbacks may have moved the backup-ids */
		b = msync_bid_find(s, backup_id);
		if (b) {
			b->limit_drops++;
			b->full = true;
		}
	}
	msync_sync_expire_rearm(s);
}

const struct msync_entry *msync_local_find(struct msync_session *s, const struct msync_key *k)
{
	struct msync_key n = *k;
	struct msync_tentry *te;

	msync_key_normalize(&n);
	te = msync_table_find(&s->local, &n);
	return te ? &te->e : NULL;
}

int64_t msync_local_expiry(struct msync_session *s, const struct msync_key *k)
{
	struct msync_key n = *k;
	struct msync_tentry *te;

	msync_key_normalize(&n);
	te = msync_table_find(&s->local, &n);
	if (!te)
		return -1;
	return te->e.timer_ms ? te->stamp_ms + te->e.timer_ms : MSYNC_NEVER;
}

const struct msync_entry *msync_peer_find(struct msync_session *s, const struct msync_key *k)
{
	struct msync_key n = *k;
	struct msync_tentry *te;

	msync_key_normalize(&n);
	te = msync_table_find(&s->peer, &n);
	return te ? &te->e : NULL;
}

static int table_walk_from(struct msync_table *t, const struct msync_key *after, msync_walk_cb cb,
			   void *arg)
{
	struct msync_tentry *te, *next;
	int r;

	for (te = after ? msync_table_after(t, after) : msync_table_first(t); te; te = next) {
		next = msync_table_next(t, te);
		r = cb(&te->e, arg);
		if (r)
			return r;
	}
	return 0;
}

int msync_local_walk(struct msync_session *s, msync_walk_cb cb, void *arg)
{
	return table_walk_from(&s->local, NULL, cb, arg);
}

int msync_local_walk_from(struct msync_session *s, const struct msync_key *after, msync_walk_cb cb,
			  void *arg)
{
	return table_walk_from(&s->local, after, cb, arg);
}

int msync_peer_walk(struct msync_session *s, msync_walk_cb cb, void *arg)
{
	return table_walk_from(&s->peer, NULL, cb, arg);
}

size_t msync_local_count(struct msync_session *s)
{
	return msync_table_count(&s->local);
}

size_t msync_peer_count(struct msync_session *s)
{
	return msync_table_count(&s->peer);
}
