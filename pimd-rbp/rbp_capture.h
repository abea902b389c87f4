// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: publishes this router's local memberships on bound interfaces
 * to the twin (the local table of the profile's channel).
 */
#ifndef _RBP_CAPTURE_H
#define _RBP_CAPTURE_H

void rbp_capture_init(void);
void rbp_capture_fini(void);
/* Bring every channel's local table in line with bindings and state, and
 * send the membership timers that refreshes moved
 */
void rbp_capture_reconcile(void);

#endif /* _RBP_CAPTURE_H */
