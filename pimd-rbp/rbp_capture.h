// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: publishes this router's local memberships on bound interfaces
 * to the twin (the local table of the profile's channel).
 */
#ifndef _RBP_CAPTURE_H
#define _RBP_CAPTURE_H

struct event_loop;

void rbp_capture_init(struct event_loop *loop);
void rbp_capture_fini(void);
/* Bring every channel's local table in line with bindings and state, and
 * send the membership timers that refreshes moved, at once
 */
void rbp_capture_reconcile(void);
/* The same for what the local tables hold, in slices of the event loop
 * (the periodic pass; one in progress goes on)
 */
void rbp_capture_refresh(void);

#endif /* _RBP_CAPTURE_H */
