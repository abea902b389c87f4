// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync codec: protobuf-c messages to and from frames (a Hello frame, or
 * an Envelope frame with its authentication trailer), and the checks a
 * decoded message must pass before the session looks at it.
 */
#ifndef _MSYNC_CODEC_H
#define _MSYNC_CODEC_H

#include "mldsync/msync.h"
#include "mldsync/msync_frame.h"
#include "mldsync/msync.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frame type bytes (= msync.proto FrameType). */
#define MSYNC_FRAME_HELLO    MSYNC__FRAME_TYPE__FRAME_HELLO
#define MSYNC_FRAME_ENVELOPE MSYNC__FRAME_TYPE__FRAME_ENVELOPE

/* Messages: the Hello (its own frame) and the Envelope bodies, numbered
 * as the body's field (version 1's frame types). */
enum msync_msg_type {
	MSYNC_MSG_HELLO = 1,
	MSYNC_MSG_KEEPALIVE = MSYNC__ENVELOPE__BODY_KEEPALIVE,
	MSYNC_MSG_RESYNC_BEGIN = MSYNC__ENVELOPE__BODY_RESYNC_BEGIN,
	MSYNC_MSG_RESYNC_END = MSYNC__ENVELOPE__BODY_RESYNC_END,
	MSYNC_MSG_UPDATE = MSYNC__ENVELOPE__BODY_UPDATE,
	MSYNC_MSG_DELETE = MSYNC__ENVELOPE__BODY_DELETE,
	MSYNC_MSG_ACK = MSYNC__ENVELOPE__BODY_ACK,
	MSYNC_MSG_DIGEST = MSYNC__ENVELOPE__BODY_DIGEST,
	MSYNC_MSG_RESYNC_REQUEST = MSYNC__ENVELOPE__BODY_RESYNC_REQUEST,
	MSYNC_MSG_ROLE = MSYNC__ENVELOPE__BODY_ROLE,
	MSYNC_MSG_AUTH = MSYNC__ENVELOPE__BODY_AUTH,
	MSYNC_MSG_OFFERS = MSYNC__ENVELOPE__BODY_OFFERS,
	MSYNC_MSG_PROBE = MSYNC__ENVELOPE__BODY_PROBE,
	MSYNC_MSG_PROBE_REPLY = MSYNC__ENVELOPE__BODY_PROBE_REPLY,
	MSYNC_MSG_BYE = MSYNC__ENVELOPE__BODY_BYE,
	MSYNC_MSG_MAX,
};

const char *msync_msg_name(uint8_t type);
/* Is this a data message (ResyncBegin, ResyncEnd, Update, Delete)? */
bool msync_msg_is_data(uint8_t type);

/* A decoded message: the Hello, or an Envelope's body (pb) with its seq. */
struct msync_msg {
	uint8_t type;
	uint64_t seq;
	ProtobufCMessage *pb;
	Msync__Envelope *env; /* owns pb when the message came in an Envelope */
};

/* Decode and check (presence of the required fields, limits of section
 * 3): 0 when good (free it with msync_msg_free), else -1 (nothing to free)
 * with the error class in *err and the reason in why.  A Hello is only
 * checked for what version 1 required too (version, service, incarnation),
 * so that an older twin is refused on its version. */
int msync_hello_decode(const uint8_t *buf, size_t len, struct msync_msg *m, enum msync_err *err,
		       char *why, size_t whylen);
/* buf: the Envelope's protobuf bytes (without the trailer) */
int msync_env_decode(const uint8_t *buf, size_t len, struct msync_msg *m, enum msync_err *err,
		     char *why, size_t whylen);
void msync_msg_free(struct msync_msg *m);

/* What makes an Envelope's trailer (doc/protocol.md 4.2). */
struct msync_seal {
	uint32_t key_id;
	const uint8_t *key;
	size_t keylen;
	uint8_t dir; /* 'I' initiator's frames, 'R' responder's */
	const uint8_t *transcript;
};

/* A frame of type with payload at the tail of wq; returns the frame's
 * size, 0 if it would exceed MSYNC_FRAME_MAX (nothing queued). */
size_t msync_frame_put(struct msync_wq *wq, uint8_t type, const uint8_t *payload, size_t plen);
/* Envelope{seq, body of type} (+ trailer if seal) at the tail of wq;
 * returns the frame's size, 0 if too big (nothing queued). */
size_t msync_env_put(struct msync_wq *wq, uint8_t type, uint64_t seq, const ProtobufCMessage *body,
		     const struct msync_seal *seal);
/* The same into flat buffers (tests, fuzzer corpus); 0 if buf too small. */
size_t msync_env_pack(uint8_t *buf, size_t len, uint8_t type, uint64_t seq,
		      const ProtobufCMessage *body, const struct msync_seal *seal);
size_t msync_hello_pack(uint8_t *buf, size_t len, const Msync__Hello *h);

/* Entries and keys.  The protobuf views point into e (or k): keep them
 * alive while the message is packed. */
struct msync_pb_entry {
	Msync__Entry e;
	Msync__Key k;
};

void msync_key_to_pb(const struct msync_key *k, Msync__Key *pb);
void msync_entry_to_pb(const struct msync_entry *e, uint32_t timer_ms, bool restored,
		       struct msync_pb_entry *pb);
/* 0 when the key (entry) is complete and valid, else -1 with the error
 * class in *err and the reason in why. */
int msync_key_from_pb(const Msync__Key *pb, struct msync_key *k, enum msync_err *err, char *why,
		      size_t whylen);
int msync_entry_from_pb(const Msync__Entry *pb, struct msync_entry *e, enum msync_err *err,
			char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_CODEC_H */
