// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync codec: protobuf-c messages to and from frames, and the checks a
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

/* Frame type bytes (= msync.proto MsgType). */
enum msync_msg_type {
	MSYNC_MSG_HELLO = MSYNC__MSG_TYPE__MSG_HELLO,
	MSYNC_MSG_KEEPALIVE = MSYNC__MSG_TYPE__MSG_KEEPALIVE,
	MSYNC_MSG_RESYNC_BEGIN = MSYNC__MSG_TYPE__MSG_RESYNC_BEGIN,
	MSYNC_MSG_RESYNC_END = MSYNC__MSG_TYPE__MSG_RESYNC_END,
	MSYNC_MSG_UPDATE = MSYNC__MSG_TYPE__MSG_UPDATE,
	MSYNC_MSG_DELETE = MSYNC__MSG_TYPE__MSG_DELETE,
	MSYNC_MSG_ACK = MSYNC__MSG_TYPE__MSG_ACK,
	MSYNC_MSG_DIGEST = MSYNC__MSG_TYPE__MSG_DIGEST,
	MSYNC_MSG_RESYNC_REQUEST = MSYNC__MSG_TYPE__MSG_RESYNC_REQUEST,
	MSYNC_MSG_ROLE = MSYNC__MSG_TYPE__MSG_ROLE,
	MSYNC_MSG_MAX,
};

const char *msync_msg_name(uint8_t type);
/* Is this a data message (carries a sequence number)? */
bool msync_msg_is_data(uint8_t type);

/* A decoded message; pb is the protobuf-c message of the frame's type. */
struct msync_msg {
	uint8_t type;
	ProtobufCMessage *pb;
};

/* Decodes and checks a frame: 0 when good (free it with msync_msg_free),
 * else -1 (nothing to free) with the error class in *err and the reason in
 * why. */
int msync_msg_decode(const struct msync_frame *f, struct msync_msg *m, enum msync_err *err,
		     char *why, size_t whylen);
void msync_msg_free(struct msync_msg *m);

/* Encodes pb as a frame of the given type at the tail of wq; returns the
 * frame's size, 0 if it would exceed MSYNC_FRAME_MAX (nothing queued). */
size_t msync_msg_put(struct msync_wq *wq, uint8_t type, const ProtobufCMessage *pb);
/* Same into a flat buffer (tests, fuzzer corpus); 0 if buf too small. */
size_t msync_msg_pack(uint8_t *buf, size_t len, uint8_t type, const ProtobufCMessage *pb);

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
