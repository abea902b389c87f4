// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync framing: length-prefixed frames on a byte stream.
 *
 *   uint32 length (network order; counts the type byte and the payload)
 *   uint8  type
 *   payload (length - 1 bytes)
 *
 * The reader copes with frames split over any number of reads; the write
 * queue holds encoded frames until the socket takes them.
 */
#ifndef _MSYNC_FRAME_H
#define _MSYNC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MSYNC_FRAME_LEN 4 /* length field */
#define MSYNC_FRAME_HDR 5 /* length field and type byte */
/* hard maximum of the length field: a frame is at most 4 + this */
#define MSYNC_FRAME_MAX 65536
#define MSYNC_WQ_CHUNK	16384

/* Receive side: one buffer big enough for the largest frame. */
struct msync_rbuf {
	uint8_t *buf;
	size_t start; /* first unconsumed byte */
	size_t end;   /* one past the last byte read */
};

struct msync_frame {
	uint8_t type;
	const uint8_t *payload; /* valid until the next msync_rbuf_space() */
	size_t len;
};

void msync_rbuf_init(struct msync_rbuf *rb);
void msync_rbuf_fini(struct msync_rbuf *rb);
/* Room to read into (compacts the buffer first); never 0 bytes. */
uint8_t *msync_rbuf_space(struct msync_rbuf *rb, size_t *avail);
void msync_rbuf_added(struct msync_rbuf *rb, size_t n);
/* 1: a whole frame is in f and consumed; 0: need more bytes;
 * -1: framing error, *err is an enum msync_err (the stream is lost). */
int msync_rbuf_next(struct msync_rbuf *rb, struct msync_frame *f, int *err);
/* Bytes of an incomplete frame held. */
size_t msync_rbuf_pending(const struct msync_rbuf *rb);

/* Send side: a list of chunks, frames appended at the tail. */
struct msync_wq_chunk;
struct msync_wq {
	struct msync_wq_chunk *head, *tail, *spare;
	size_t bytes; /* queued, not yet written */
};

typedef ssize_t (*msync_write_fn)(void *ctx, const void *buf, size_t len);

void msync_wq_init(struct msync_wq *wq);
void msync_wq_fini(struct msync_wq *wq);
/* Contiguous room for len bytes at the tail (len <= 4 + MSYNC_FRAME_MAX). */
uint8_t *msync_wq_reserve(struct msync_wq *wq, size_t len);
void msync_wq_commit(struct msync_wq *wq, size_t len);
/* Writes until empty or the writer would block.  Returns 0, or -1 on a
 * write error (errno set). */
int msync_wq_flush(struct msync_wq *wq, msync_write_fn wr, void *ctx);
/* Appends a frame header for a payload of plen bytes. */
void msync_frame_hdr(uint8_t *p, uint8_t type, size_t plen);

#ifdef __cplusplus
}
#endif

#endif /* _MSYNC_FRAME_H */
