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

static const ProtobufCMessageDescriptor *const msg_desc[MSYNC_MSG_MAX] = {
	[MSYNC_MSG_HELLO] = &msync__hello__descriptor,
	[MSYNC_MSG_KEEPALIVE] = &msync__keepalive__descriptor,
	[MSYNC_MSG_RESYNC_BEGIN] = &msync__resync_begin__descriptor,
	[MSYNC_MSG_RESYNC_END] = &msync__resync_end__descriptor,
	[MSYNC_MSG_UPDATE] = &msync__update__descriptor,
	[MSYNC_MSG_DELETE] = &msync__delete__descriptor,
	[MSYNC_MSG_ACK] = &msync__ack__descriptor,
	[MSYNC_MSG_DIGEST] = &msync__digest__descriptor,
	[MSYNC_MSG_RESYNC_REQUEST] = &msync__resync_request__descriptor,
	[MSYNC_MSG_ROLE] = &msync__role_report__descriptor,
};

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

#define MISSING(name)                                                                              \
	do {                                                                                       \
		snprintf(why, whylen, "%s: no %s", msync_msg_name(m->type), name);                 \
		*err = MSYNC_ERR_MISSING_FIELD;                                                    \
		return -1;                                                                         \
	} while (0)

static bool role_valid(int role)
{
	return role == MSYNC__ROLE__ROLE_UNKNOWN || role == MSYNC__ROLE__ROLE_MASTER ||
	       role == MSYNC__ROLE__ROLE_BACKUP;
}

/* Presence checks of the fields each message needs.  Entries and keys of
 * Update/Delete are checked one by one by the session, so that one bad
 * entry does not cost the good ones of the same frame.  0 if the message
 * passes, else -1 with the error class in *err and the reason in why. */
static int msg_check(struct msync_msg *m, enum msync_err *err, char *why, size_t whylen)
{
	size_t i;

	switch (m->type) {
	case MSYNC_MSG_HELLO: {
		Msync__Hello *h = (Msync__Hello *)m->pb;

		if (!h->has_version)
			MISSING("version");
		if (!h->service)
			MISSING("service name");
		if (!h->has_incarnation)
			MISSING("incarnation");
		if (strlen(h->service) >= MSYNC_NAME_MAX) {
			snprintf(why, whylen, "hello: service name too long");
			*err = MSYNC_ERR_BAD_VALUE;
			return -1;
		}
		if (h->n_offers > MSYNC_OFFERS_MAX) {
			snprintf(why, whylen, "hello: %zu offers (max %u)", h->n_offers,
				 MSYNC_OFFERS_MAX);
			*err = MSYNC_ERR_BAD_VALUE;
			return -1;
		}
		for (i = 0; i < h->n_offers; i++) {
			if (!h->offers[i]->has_backup_id)
				MISSING("offer backup-id");
			if (!h->offers[i]->has_svc)
				MISSING("offer service-type");
			if (h->offers[i]->svc != MSYNC__SVC_TYPE__SVC_IGMP &&
			    h->offers[i]->svc != MSYNC__SVC_TYPE__SVC_MLD) {
				snprintf(why, whylen, "hello: backup-id %u service-type %d",
					 h->offers[i]->backup_id, (int)h->offers[i]->svc);
				*err = MSYNC_ERR_BAD_VALUE;
				return -1;
			}
		}
		break;
	}
	case MSYNC_MSG_RESYNC_BEGIN: {
		Msync__ResyncBegin *b = (Msync__ResyncBegin *)m->pb;

		if (!b->has_seq)
			MISSING("sequence number");
		if (!b->has_generation)
			MISSING("generation");
		break;
	}
	case MSYNC_MSG_RESYNC_END: {
		Msync__ResyncEnd *e = (Msync__ResyncEnd *)m->pb;

		if (!e->has_seq)
			MISSING("sequence number");
		if (!e->has_generation)
			MISSING("generation");
		break;
	}
	case MSYNC_MSG_UPDATE:
		if (!((Msync__Update *)m->pb)->has_seq)
			MISSING("sequence number");
		break;
	case MSYNC_MSG_DELETE:
		if (!((Msync__Delete *)m->pb)->has_seq)
			MISSING("sequence number");
		break;
	case MSYNC_MSG_ACK:
		if (!((Msync__Ack *)m->pb)->has_seq)
			MISSING("sequence number");
		break;
	case MSYNC_MSG_DIGEST: {
		Msync__Digest *d = (Msync__Digest *)m->pb;

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

		for (i = 0; i < r->n_items; i++) {
			if (!r->items[i]->has_backup_id)
				MISSING("item backup-id");
			if (!r->items[i]->has_role)
				MISSING("item role");
			if (!role_valid(r->items[i]->role)) {
				snprintf(why, whylen, "role: backup-id %u role %d",
					 r->items[i]->backup_id, (int)r->items[i]->role);
				*err = MSYNC_ERR_BAD_VALUE;
				return -1;
			}
		}
		break;
	}
	}
	return 0;
}

int msync_msg_decode(const struct msync_frame *f, struct msync_msg *m, enum msync_err *err,
		     char *why, size_t whylen)
{
	m->type = f->type;
	m->pb = NULL;
	if (f->type >= MSYNC_MSG_MAX || !msg_desc[f->type]) {
		snprintf(why, whylen, "message type %u", f->type);
		*err = MSYNC_ERR_UNKNOWN_TYPE;
		return -1;
	}
	m->pb = protobuf_c_message_unpack(msg_desc[f->type], NULL, f->len, f->payload);
	if (!m->pb) {
		snprintf(why, whylen, "%s: %zu bytes do not decode", msync_msg_name(f->type),
			 f->len);
		*err = MSYNC_ERR_DECODE;
		return -1;
	}
	if (msg_check(m, err, why, whylen) < 0) {
		msync_msg_free(m);
		return -1;
	}
	return 0;
}

void msync_msg_free(struct msync_msg *m)
{
	if (m->pb)
		protobuf_c_message_free_unpacked(m->pb, NULL);
	m->pb = NULL;
}

size_t msync_msg_put(struct msync_wq *wq, uint8_t type, const ProtobufCMessage *pb)
{
	size_t plen = protobuf_c_message_get_packed_size(pb);
	uint8_t *p;

	if (plen + 1 > MSYNC_FRAME_MAX)
		return 0;
	p = msync_wq_reserve(wq, MSYNC_FRAME_HDR + plen);
	msync_frame_hdr(p, type, plen);
	protobuf_c_message_pack(pb, p + MSYNC_FRAME_HDR);
	msync_wq_commit(wq, MSYNC_FRAME_HDR + plen);
	return MSYNC_FRAME_HDR + plen;
}

size_t msync_msg_pack(uint8_t *buf, size_t len, uint8_t type, const ProtobufCMessage *pb)
{
	size_t plen = protobuf_c_message_get_packed_size(pb);

	if (plen + 1 > MSYNC_FRAME_MAX || MSYNC_FRAME_HDR + plen > len)
		return 0;
	msync_frame_hdr(buf, type, plen);
	protobuf_c_message_pack(pb, buf + MSYNC_FRAME_HDR);
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
