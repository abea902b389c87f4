// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync framing: frame reader and write queue.
 */
#include <zebra.h>

#include "memory.h"
#include "network.h"

#include "mldsync/msync.h"
#include "mldsync/msync_frame.h"
#include "mldsync/msync_private.h"

DEFINE_MTYPE_STATIC(MSYNC, MSYNC_RBUF, "mldsync receive buffer");
DEFINE_MTYPE_STATIC(MSYNC, MSYNC_WQ, "mldsync write queue chunk");

#define RBUF_SIZE (MSYNC_FRAME_LEN + MSYNC_FRAME_MAX)

void msync_rbuf_init(struct msync_rbuf *rb)
{
	memset(rb, 0, sizeof(*rb));
}

void msync_rbuf_fini(struct msync_rbuf *rb)
{
	XFREE(MTYPE_MSYNC_RBUF, rb->buf);
	rb->start = rb->end = 0;
}

uint8_t *msync_rbuf_space(struct msync_rbuf *rb, size_t *avail)
{
	/* allocated on first use: idle links cost nothing */
	if (!rb->buf)
		rb->buf = XMALLOC(MTYPE_MSYNC_RBUF, RBUF_SIZE);
	if (rb->start == rb->end) {
		rb->start = rb->end = 0;
	} else if (rb->start > 0) {
		/* whatever is left is less than one frame */
		memmove(rb->buf, rb->buf + rb->start, rb->end - rb->start);
		rb->end -= rb->start;
		rb->start = 0;
	}
	/* a frame never exceeds the buffer, and next() consumes whole ones,
	 * so there is always room here */
	assert(rb->end < RBUF_SIZE);
	*avail = RBUF_SIZE - rb->end;
	return rb->buf + rb->end;
}

void msync_rbuf_added(struct msync_rbuf *rb, size_t n)
{
	assert(rb->end + n <= RBUF_SIZE);
	rb->end += n;
}

int msync_rbuf_next(struct msync_rbuf *rb, struct msync_frame *f, int *err)
{
	size_t have = rb->end - rb->start;
	const uint8_t *p;
	uint32_t len;

	if (have < MSYNC_FRAME_LEN)
		return 0;
	p = rb->buf + rb->start;
	len = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	      (uint32_t)p[3];
	if (len == 0) {
		*err = MSYNC_ERR_ZERO_LENGTH;
		return -1;
	}
	if (len > MSYNC_FRAME_MAX) {
		*err = MSYNC_ERR_OVERSIZE;
		return -1;
	}
	if (have < MSYNC_FRAME_LEN + (size_t)len)
		return 0;
	f->type = p[MSYNC_FRAME_LEN];
	f->payload = p + MSYNC_FRAME_HDR;
	f->len = len - 1;
	rb->start += MSYNC_FRAME_LEN + len;
	return 1;
}

size_t msync_rbuf_pending(const struct msync_rbuf *rb)
{
	return rb->end - rb->start;
}

struct msync_wq_chunk {
	struct msync_wq_chunk *next;
	size_t start, end, cap;
	uint8_t data[];
};

void msync_wq_init(struct msync_wq *wq)
{
	memset(wq, 0, sizeof(*wq));
}

void msync_wq_fini(struct msync_wq *wq)
{
	struct msync_wq_chunk *c;

	while ((c = wq->head)) {
		wq->head = c->next;
		XFREE(MTYPE_MSYNC_WQ, c);
	}
	XFREE(MTYPE_MSYNC_WQ, wq->spare);
	wq->tail = NULL;
	wq->bytes = 0;
}

uint8_t *msync_wq_reserve(struct msync_wq *wq, size_t len)
{
	struct msync_wq_chunk *c = wq->tail;
	size_t cap;

	assert(len <= MSYNC_FRAME_LEN + MSYNC_FRAME_MAX);
	if (c && c->cap - c->end >= len)
		return c->data + c->end;

	cap = MAX(len, (size_t)MSYNC_WQ_CHUNK);
	if (wq->spare && wq->spare->cap >= cap) {
		c = wq->spare;
		wq->spare = NULL;
	} else {
		c = XMALLOC(MTYPE_MSYNC_WQ, sizeof(*c) + cap);
		c->cap = cap;
	}
	c->next = NULL;
	c->start = c->end = 0;
	if (wq->tail)
		wq->tail->next = c;
	else
		wq->head = c;
	wq->tail = c;
	return c->data;
}

void msync_wq_commit(struct msync_wq *wq, size_t len)
{
	struct msync_wq_chunk *c = wq->tail;

	assert(c && c->cap - c->end >= len);
	c->end += len;
	wq->bytes += len;
}

int msync_wq_flush(struct msync_wq *wq, msync_write_fn wr, void *ctx)
{
	struct msync_wq_chunk *c;
	ssize_t n;

	while ((c = wq->head)) {
		if (c->start == c->end) {
			if (c == wq->tail)
				break;
			goto next;
		}
		n = wr(ctx, c->data + c->start, c->end - c->start);
		if (n < 0) {
			if (ERRNO_IO_RETRY(errno))
				return 0;
			return -1;
		}
		if (n == 0)
			return 0;
		c->start += n;
		wq->bytes -= n;
		if (c->start < c->end)
			return 0; /* partial write: the socket is full */
		if (c == wq->tail) {
			c->start = c->end = 0;
			break;
		}
next:
		wq->head = c->next;
		/* keep one standard chunk to avoid malloc churn */
		if (!wq->spare && c->cap == MSYNC_WQ_CHUNK)
			wq->spare = c;
		else
			XFREE(MTYPE_MSYNC_WQ, c);
	}
	return 0;
}

void msync_frame_hdr(uint8_t *p, uint8_t type, size_t plen)
{
	uint32_t len = (uint32_t)plen + 1;

	p[0] = len >> 24;
	p[1] = len >> 16;
	p[2] = len >> 8;
	p[3] = len;
	p[4] = type;
}
