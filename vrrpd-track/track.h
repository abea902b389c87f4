// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: VRRP state publication and object tracking for vrrpd.
 */
#ifndef _VRRP_TRACK_H
#define _VRRP_TRACK_H

#include "debug.h"

struct event_loop;
struct vrrp_router;

extern struct debug track_dbg;

/* track_vty.c */
void track_vty_init(void);

/* track_state.c: every VRRP state transition, kept and published */
void track_state_init(struct event_loop *loop);
void track_state_fini(void);
const char *track_state_name(int state);

#endif /* _VRRP_TRACK_H */
