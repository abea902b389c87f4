// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync codec.
 *
 * Every field in msync.proto is optional, so presence is checked here:
 * a message that reaches the session has all the fields it needs, and an
 * entry or key that converts has a valid family, addresses and values.
 */
#include <zebra.h>

#include "mldsync/msync_private.h"
#include "mldsync/msync_codec.h"

static const char *const msg_names[MSYNC_MSG_MAX] = {
	[MSYNC_MSG_HELLO] = "hello",
	[MSYNC_MSG_KEEPALIVE] = "keepalive",
	[MSYNC_MSG_RESYNC_BEGIN] = "resync-begin",
	[MSYNC_MSG_RESYNC_END] = "resync-end",
	[MSYNC_MSG_UPDATE] = "update",
	[MSYNC_MSG_DELETE] = "delete",
	[MSYNC_MSG_ACK] = "ack",
	[MSYNC_MSG_DIGEST] = "digest",
	[MSYNC_MSG_RESYNC_REQUEST] = "resync-request",
	[MSYNC_MSG_ROLE] = "role",
	[MSYNC_MSG_AUTH] = "auth",
	[MSYNC_MSG_OFFERS] = "offers",
	[MSYNC_MSG_PROBE] = "probe",
	[MSYNC_MSG_PROBE_REPLY] = "probe-reply",
	[MSYNC_MSG_BYE] = "bye",
};

const char *msync_msg_name(uint8_t type)
{
	if (type < MSYNC_MSG_MAX && msg_names[type])
		return msg_names[type];
	return "unknown";
}

bool msync_msg_is_data(uint8_t type)
{
	switch (type) {
	case MSYNC_MSG_RESYNC_BEGIN:
	case MSYNC_MSG_RESYNC_END:
	case MSYNC_MSG_UPDATE:
	case MSYNC_MSG_DELETE:
		return true;
	}
	return false;
}

#define FAIL(cls, ...)                                                                             \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		*err = (cls);                                                                      \
		return -1;                                                                         \
	} while (0)
#define MISSING(name) FAIL(MSYNC_ERR_MISSING_FIELD, "%s: no %s", msync_msg_name(m->type), name)
/* section 3: a message over a limit is refused whole */
#define LIMIT(n, max, what)                                                                        \
	do {                                                                                       \
		if ((n) > (max))                                                                   \
			FAIL(MSYNC_ERR_BAD_VALUE, "%s: %zu %s (at most %u)",                       \
			     msync_msg_name(m->type), (size_t)(n), what, (unsigned int)(max));     \
	} while (0)

static bool role_valid(int role)
{
	return role == MSYNC__ROLE__ROLE_UNKNOWN || role == MSYNC__ROLE__ROLE_MASTER ||
	       role == MSYNC__ROLE__ROLE_BACKUP;
}

/* Presence checks of the fields each message needs, and the limits of
 * doc/protocol.md section 3.  Entries and keys of Update/Delete are
 * checked one by one by the session, so that one bad entry does not cost
 * the good ones of the same frame.  0 if the message passes, else -1 with
 * the error class in *err and the reason in why. */
static int msg_check(struct msync_msg *m, enum msync_err *err, char *why, size_t whylen)
{
	size_t i;

	switch (m->type) {
	case MSYNC_MSG_HELLO: {
		Msync__Hello *h = (Msync__Hello *)m->pb;

		/* what version 1 required: an older twin gets its reason
		 * (version) rather than a missing field */
		if (!h->has_version)
			MISSING("version");
		if (!h->service)
			MISSING("service name");
		if (!h->has_incarnation)
			MISSING("incarnation");
		if (strlen(h->service) >= MSYNC_NAME_MAX)
			FAIL(MSYNC_ERR_BAD_VALUE, "hello: service name too long");
		break;
	}
	case MSYNC_MSG_OFFERS: {
		Msync__Offers *o = (Msync__Offers *)m->pb;

		LIMIT(o->n_offers, MSYNC_OFFERS_MAX, "offers");
		for (i = 0; i < o->n_offers; i++) {
			if (!o->offers[i]->has_backup_id)
				MISSING("offer backup-id");
			if (!o->offers[i]->has_svc)
				MISSING("offer service-type");
			if (o->offers[i]->svc != MSYNC__SVC_TYPE__SVC_IGMP &&
			    o->offers[i]->svc != MSYNC__SVC_TYPE__SVC_MLD)
				FAIL(MSYNC_ERR_BAD_VALUE, "offers: backup-id %u service-type %d",
				     o->offers[i]->backup_id, (int)o->offers[i]->svc);
		}
		break;
	}
	case MSYNC_MSG_RESYNC_BEGIN:
		if (!((Msync__ResyncBegin *)m->pb)->has_generation)
			MISSING("generation");
		break;
	case MSYNC_MSG_RESYNC_END:
		if (!((Msync__ResyncEnd *)m->pb)->has_generation)
			MISSING("generation");
		break;
	case MSYNC_MSG_UPDATE:
		LIMIT(((Msync__Update *)m->pb)->n_entries, MSYNC_BATCH, "entries");
		break;
	case MSYNC_MSG_DELETE:
		LIMIT(((Msync__Delete *)m->pb)->n_keys, MSYNC_BATCH, "keys");
		break;
	case MSYNC_MSG_ACK:
		if (!((Msync__Ack *)m->pb)->has_seq)
			MISSING("sequence number");
		break;
	case MSYNC_MSG_PROBE:
		if (!((Msync__Probe *)m->pb)->has_id)
			MISSING("id");
		break;
	case MSYNC_MSG_PROBE_REPLY:
		if (!((Msync__ProbeReply *)m->pb)->has_id)
			MISSING("id");
		break;
	case MSYNC_MSG_BYE: {
		Msync__Bye *b = (Msync__Bye *)m->pb;

		if (b->reason && strlen(b->reason) > MSYNC_REASON_MAX)
			FAIL(MSYNC_ERR_BAD_VALUE, "bye: reason of %zu bytes (at most %u)",
			     strlen(b->reason), MSYNC_REASON_MAX);
		break;
	}
	case MSYNC_MSG_RESYNC_REQUEST: {
		Msync__ResyncRequest *r = (Msync__ResyncRequest *)m->pb;

		if (r->reason && strlen(r->reason) > MSYNC_REASON_MAX)
			FAIL(MSYNC_ERR_BAD_VALUE, "resync-request: reason of %zu bytes (at most %u)",
			     strlen(r->reason), MSYNC_REASON_MAX);
		break;
	}
	case MSYNC_MSG_DIGEST: {
		Msync__Digest *d = (Msync__Digest *)m->pb;

		LIMIT(d->n_items, MSYNC_OFFERS_MAX, "items");
		for (i = 0; i < d->n_items; i++) {
			if (!d->items[i]->has_backup_id)
				MISSING("item backup-id");
			if (!d->items[i]->has_count)
				MISSING("item count");
			if (!d->items[i]->has_sum)
				MISSING("item sum");
		}
		break;
	}
	case MSYNC_MSG_ROLE: {
		Msync__RoleReport *r = (Msync__RoleReport *)m->pb;

		LIMIT(r->n_items, MSYNC_OFFERS_MAX, "items");
		for (i = 0; i < r->n_items; i++) {
			if (!r->items[i]->has_backup_id)
				MISSING("item backup-id");
			if (!r->items[i]->has_role)
				MISSING("item role");
			if (!role_valid(r->items[i]->role))
				FAIL(MSYNC_ERR_BAD_VALUE, "role: backup-id %u role %d",
				     r->items[i]->backup_id, (int)r->items[i]->role);
			if (r->items[i]->has_priority && r->items[i]->priority > 255)
				FAIL(MSYNC_ERR_BAD_VALUE, "role: backup-id %u priority %u",
				     r->items[i]->backup_id, r->items[i]->priority);
		}
		break;
	}
	}
	return 0;
}

int msync_hello_decode(const uint8_t *buf, size_t len, struct msync_msg *m, enum msync_err *err,
		       char *why, size_t whylen)
{
	memset(m, 0, sizeof(*m));
	m->type = MSYNC_MSG_HELLO;
	m->pb = protobuf_c_message_unpack(&msync__hello__descriptor, NULL, len, buf);
	if (!m->pb)
		FAIL(MSYNC_ERR_DECODE, "hello: %zu bytes do not decode", len);
	if (msg_check(m, err, why, whylen) < 0) {
		msync_msg_free(m);
		return -1;
	}
	return 0;
}

/* The body of an Envelope, as the generic message of its type. */
static ProtobufCMessage *env_body(Msync__Envelope *e)
{
	switch (e->body_case) {
	case MSYNC__ENVELOPE__BODY_KEEPALIVE:
		return &e->keepalive->base;
	case MSYNC__ENVELOPE__BODY_RESYNC_BEGIN:
		return &e->resync_begin->base;
	case MSYNC__ENVELOPE__BODY_RESYNC_END:
		return &e->resync_end->base;
	case MSYNC__ENVELOPE__BODY_UPDATE:
		return &e->update->base;
	case MSYNC__ENVELOPE__BODY_DELETE:
		return &e->delete_->base;
	case MSYNC__ENVELOPE__BODY_ACK:
		return &e->ack->base;
	case MSYNC__ENVELOPE__BODY_DIGEST:
		return &e->digest->base;
	case MSYNC__ENVELOPE__BODY_RESYNC_REQUEST:
		return &e->resync_request->base;
	case MSYNC__ENVELOPE__BODY_ROLE:
		return &e->role->base;
	case MSYNC__ENVELOPE__BODY_AUTH:
		return &e->auth->base;
	case MSYNC__ENVELOPE__BODY_OFFERS:
		return &e->offers->base;
	case MSYNC__ENVELOPE__BODY_PROBE:
		return &e->probe->base;
	case MSYNC__ENVELOPE__BODY_PROBE_REPLY:
		return &e->probe_reply->base;
	case MSYNC__ENVELOPE__BODY_BYE:
		return &e->bye->base;
	case MSYNC__ENVELOPE__BODY__NOT_SET:
	case _MSYNC__ENVELOPE__BODY__CASE_IS_INT_SIZE:
		break;
	}
	return NULL;
}

static const ProtobufCMessageDescriptor *const body_desc[MSYNC_MSG_MAX] = {
	[MSYNC_MSG_KEEPALIVE] = &msync__keepalive__descriptor,
	[MSYNC_MSG_RESYNC_BEGIN] = &msync__resync_begin__descriptor,
	[MSYNC_MSG_RESYNC_END] = &msync__resync_end__descriptor,
	[MSYNC_MSG_UPDATE] = &msync__update__descriptor,
	[MSYNC_MSG_DELETE] = &msync__delete__descriptor,
	[MSYNC_MSG_ACK] = &msync__ack__descriptor,
	[MSYNC_MSG_DIGEST] = &msync__digest__descriptor,
	[MSYNC_MSG_RESYNC_REQUEST] = &msync__resync_request__descriptor,
	[MSYNC_MSG_ROLE] = &msync__role_report__descriptor,
	[MSYNC_MSG_AUTH] = &msync__auth__descriptor,
	[MSYNC_MSG_OFFERS] = &msync__offers__descriptor,
	[MSYNC_MSG_PROBE] = &msync__probe__descriptor,
	[MSYNC_MSG_PROBE_REPLY] = &msync__probe_reply__descriptor,
	[MSYNC_MSG_BYE] = &msync__bye__descriptor,
};

/* Sets the body of e to pb, a message of the given type; false if the
 * type is not an Envelope body or pb is not of that type. */
static bool env_set_body(Msync__Envelope *e, uint8_t type, const ProtobufCMessage *pb)
{
	ProtobufCMessage *b = (ProtobufCMessage *)pb;

	if (type >= MSYNC_MSG_MAX || !body_desc[type] || pb->descriptor != body_desc[type])
		return false;
	switch (type) {
	case MSYNC_MSG_KEEPALIVE:
		e->keepalive = (Msync__Keepalive *)b;
		break;
	case MSYNC_MSG_RESYNC_BEGIN:
		e->resync_begin = (Msync__ResyncBegin *)b;
		break;
	case MSYNC_MSG_RESYNC_END:
		e->resync_end = (Msync__ResyncEnd *)b;
		break;
	case MSYNC_MSG_UPDATE:
		e->update = (Msync__Update *)b;
		break;
	case MSYNC_MSG_DELETE:
		e->delete_ = (Msync__Delete *)b;
		break;
	case MSYNC_MSG_ACK:
		e->ack = (Msync__Ack *)b;
		break;
	case MSYNC_MSG_DIGEST:
		e->digest = (Msync__Digest *)b;
		break;
	case MSYNC_MSG_RESYNC_REQUEST:
		e->resync_request = (Msync__ResyncRequest *)b;
		break;
	case MSYNC_MSG_ROLE:
		e->role = (Msync__RoleReport *)b;
		break;
	case MSYNC_MSG_AUTH:
		e->auth = (Msync__Auth *)b;
		break;
	case MSYNC_MSG_OFFERS:
		e->offers = (Msync__Offers *)b;
		break;
	case MSYNC_MSG_PROBE:
		e->probe = (Msync__Probe *)b;
		break;
	case MSYNC_MSG_PROBE_REPLY:
		e->probe_reply = (Msync__ProbeReply *)b;
		break;
	case MSYNC_MSG_BYE:
		e->bye = (Msync__Bye *)b;
		break;
	default:
		return false;
	}
	e->body_case = (Msync__Envelope__BodyCase)type;
	return env_body(e) == b;
}

int msync_env_decode(const uint8_t *buf, size_t len, struct msync_msg *m, enum msync_err *err,
		     char *why, size_t whylen)
{
	Msync__Envelope *e;

	memset(m, 0, sizeof(*m));
	e = msync__envelope__unpack(NULL, len, buf);
	if (!e)
		FAIL(MSYNC_ERR_DECODE, "envelope: %zu bytes do not decode", len);
	m->env = e;
	m->pb = env_body(e);
	m->type = m->pb ? (uint8_t)e->body_case : 0;
	if (!e->has_seq) {
		msync_msg_free(m);
		FAIL(MSYNC_ERR_MISSING_FIELD, "envelope: no sequence number");
	}
	m->seq = e->seq;
	if (!m->pb) {
		uint64_t seq = e->seq;

		msync_msg_free(m);
		FAIL(MSYNC_ERR_UNKNOWN_TYPE, "envelope %" PRIu64 " without a known body", seq);
	}
	if (msg_check(m, err, why, whylen) < 0) {
		msync_msg_free(m);
		return -1;
	}
	return 0;
}

void msync_msg_free(struct msync_msg *m)
{
	if (m->env)
		msync__envelope__free_unpacked(m->env, NULL);
	else if (m->pb)
		protobuf_c_message_free_unpacked(m->pb, NULL);
	m->env = NULL;
	m->pb = NULL;
}

size_t msync_frame_put(struct msync_wq *wq, uint8_t type, const uint8_t *payload, size_t plen)
{
	uint8_t *p;

	if (plen + 1 > MSYNC_FRAME_MAX)
		return 0;
	p = msync_wq_reserve(wq, MSYNC_FRAME_HDR + plen);
	msync_frame_hdr(p, type, plen);
	memcpy(p + MSYNC_FRAME_HDR, payload, plen);
	msync_wq_commit(wq, MSYNC_FRAME_HDR + plen);
	return MSYNC_FRAME_HDR + plen;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Envelope and trailer into p, which has room for *plen bytes; false if
 * the body is not an Envelope body or the frame would be too big. */
static size_t env_size(uint8_t type, uint64_t seq, const ProtobufCMessage *body,
		       const struct msync_seal *seal, Msync__Envelope *e)
{
	size_t n;

	msync__envelope__init(e);
	e->has_seq = true;
	e->seq = seq;
	if (!env_set_body(e, type, body))
		return 0;
	n = msync__envelope__get_packed_size(e) + (seal ? MSYNC_TRAILER_LEN : 0);
	if (n + 1 > MSYNC_FRAME_MAX)
		return 0;
	return n;
}

static void env_write(uint8_t *p, size_t plen, Msync__Envelope *e, const struct msync_seal *seal)
{
	size_t elen = msync__envelope__pack(e, p);

	if (!seal)
		return;
	assert(elen + MSYNC_TRAILER_LEN == plen);
	put_be32(p + elen, seal->key_id);
	msync_frame_mac(p + elen + 4, seal->key, seal->keylen, seal->dir, seal->transcript,
			seal->key_id, p, elen);
}

size_t msync_env_put(struct msync_wq *wq, uint8_t type, uint64_t seq, const ProtobufCMessage *body,
		     const struct msync_seal *seal)
{
	Msync__Envelope e;
	size_t plen = env_size(type, seq, body, seal, &e);
	uint8_t *p;

	if (!plen)
		return 0;
	p = msync_wq_reserve(wq, MSYNC_FRAME_HDR + plen);
	msync_frame_hdr(p, MSYNC_FRAME_ENVELOPE, plen);
	env_write(p + MSYNC_FRAME_HDR, plen, &e, seal);
	msync_wq_commit(wq, MSYNC_FRAME_HDR + plen);
	return MSYNC_FRAME_HDR + plen;
}

size_t msync_env_pack(uint8_t *buf, size_t len, uint8_t type, uint64_t seq,
		      const ProtobufCMessage *body, const struct msync_seal *seal)
{
	Msync__Envelope e;
	size_t plen = env_size(type, seq, body, seal, &e);

	if (!plen || MSYNC_FRAME_HDR + plen > len)
		return 0;
	msync_frame_hdr(buf, MSYNC_FRAME_ENVELOPE, plen);
	env_write(buf + MSYNC_FRAME_HDR, plen, &e, seal);
	return MSYNC_FRAME_HDR + plen;
}

size_t msync_hello_pack(uint8_t *buf, size_t len, const Msync__Hello *h)
{
	size_t plen = msync__hello__get_packed_size(h);

	if (plen + 1 > MSYNC_FRAME_MAX || MSYNC_FRAME_HDR + plen > len)
		return 0;
	msync_frame_hdr(buf, MSYNC_FRAME_HELLO, plen);
	msync__hello__pack(h, buf + MSYNC_FRAME_HDR);
	return MSYNC_FRAME_HDR + plen;
}

void msync_key_to_pb(const struct msync_key *k, Msync__Key *pb)
{
	static const union msync_addr zero;
	size_t alen = msync_addr_len(k->family);

	msync__key__init(pb);
	pb->has_backup_id = true;
	pb->backup_id = k->backup_id;
	pb->has_svc = true;
	pb->svc = (Msync__SvcType)msync_family_svc(k->family);
	/* protobuf-c does not write through this pointer */
	pb->ifname = (char *)k->ifname;
	pb->has_group = true;
	pb->group.len = alen;
	pb->group.data = (uint8_t *)&k->group;
	if (memcmp(&k->source, &zero, alen)) {
		pb->has_source = true;
		pb->source.len = alen;
		pb->source.data = (uint8_t *)&k->source;
	}
}

void msync_entry_to_pb(const struct msync_entry *e, uint32_t timer_ms, bool restored,
		       struct msync_pb_entry *pb)
{
	msync_key_to_pb(&e->key, &pb->k);
	msync__entry__init(&pb->e);
	pb->e.key = &pb->k;
	pb->e.has_filter = true;
	pb->e.filter = (Msync__FilterMode)e->filter;
	pb->e.has_version = true;
	pb->e.version = e->version;
	pb->e.has_timer_ms = true;
	pb->e.timer_ms = timer_ms;
	if (e->origin_role != MSYNC_ROLE_UNKNOWN) {
		pb->e.has_origin_role = true;
		pb->e.origin_role = (Msync__Role)e->origin_role;
	}
	if (restored) {
		pb->e.has_restored = true;
		pb->e.restored = true;
	}
}

#undef MISSING
#undef FAIL
#undef LIMIT
#define MISSING(name)                                                                              \
	do {                                                                                       \
		snprintf(why, whylen, "entry without %s", name);                                   \
		*err = MSYNC_ERR_MISSING_FIELD;                                                    \
		return -1;                                                                         \
	} while (0)

int msync_key_from_pb(const Msync__Key *pb, struct msync_key *k, enum msync_err *err, char *why,
		      size_t whylen)
{
	size_t alen;

	memset(k, 0, sizeof(*k));
	if (!pb->has_backup_id)
		MISSING("backup-id");
	if (!pb->has_svc)
		MISSING("service-type");
	if (!pb->ifname)
		MISSING("interface");
	if (!pb->has_group)
		MISSING("group");
	k->backup_id = pb->backup_id;
	k->family = msync_svc_family((enum msync_svc)pb->svc);
	alen = msync_addr_len(k->family);
	if (!alen) {
		snprintf(why, whylen, "backup-id %u: service-type %d", pb->backup_id, (int)pb->svc);
		*err = MSYNC_ERR_BAD_FAMILY;
		return -1;
	}
	if (pb->group.len != alen) {
		snprintf(why, whylen, "backup-id %u: %zu-byte group for service-type %s",
			 pb->backup_id, pb->group.len, msync_svc_name((enum msync_svc)pb->svc));
		*err = MSYNC_ERR_BAD_FAMILY;
		return -1;
	}
	if (pb->has_source && pb->source.len != 0 && pb->source.len != alen) {
		snprintf(why, whylen, "backup-id %u: %zu-byte source for service-type %s",
			 pb->backup_id, pb->source.len, msync_svc_name((enum msync_svc)pb->svc));
		*err = MSYNC_ERR_BAD_FAMILY;
		return -1;
	}
	if (strlen(pb->ifname) >= MSYNC_NAME_MAX) {
		snprintf(why, whylen, "backup-id %u: interface name too long", pb->backup_id);
		*err = MSYNC_ERR_BAD_VALUE;
		return -1;
	}
	strlcpy(k->ifname, pb->ifname, sizeof(k->ifname));
	memcpy(&k->group, pb->group.data, alen);
	if (pb->has_source && pb->source.len)
		memcpy(&k->source, pb->source.data, alen);
	return msync_key_check_why(k, err, why, whylen);
}

int msync_entry_from_pb(const Msync__Entry *pb, struct msync_entry *e, enum msync_err *err,
			char *why, size_t whylen)
{
	memset(e, 0, sizeof(*e));
	if (!pb->key)
		MISSING("key");
	if (msync_key_from_pb(pb->key, &e->key, err, why, whylen) < 0)
		return -1;
	if (!pb->has_filter)
		MISSING("filter mode");
	if (!pb->has_version)
		MISSING("version");
	if (!pb->has_timer_ms)
		MISSING("timer");
	e->filter = (enum msync_filter)pb->filter;
	e->version = pb->version > 255 ? 0 : pb->version;
	e->timer_ms = pb->timer_ms;
	e->origin_role = pb->has_origin_role ? (enum msync_role)pb->origin_role : MSYNC_ROLE_UNKNOWN;
	e->restored = pb->has_restored && pb->restored;
	return msync_entry_check_why(e, err, why, whylen);
}
