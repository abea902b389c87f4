// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: E-Trunk (doc/etrunk.md).
 *
 * Each E-Trunk sends a hello to its peer every hello interval over UDP
 * (default port 1025), with its priority, system ID, E-Trunk state and
 * the state of each of its Eth-Trunks, authenticated with an HMAC of the
 * security key.  A peer is alive from its first accepted hello until its
 * hold time (carried in its hello) passes without one, or the BFD session
 * tracked for it goes down.  The election (etrunk_elect()): the smaller
 * priority, then the smaller system ID.  An Eth-Trunk is master (the CE
 * aggregates it) when this router is the E-Trunk master, when its mode is
 * force-master, or when the peer's paired Eth-Trunk is down; else backup.
 * Every change is sent to the peer at once (a triggered hello) and
 * published to pimd and pim6d (track_pub.c).
 */
#include <zebra.h>

#include "frrevent.h"
#include "hook.h"
#include "if.h"
#include "monotime.h"
#include "network.h"
#include "sockopt.h"
#include "sockunion.h"
#include "vrf.h"

#include "vrrpd/vrrp.h"

#include "track.h"
#include "etrunk.h"
#include "etrunk_bond.h"
#include "common/rbp_common.h"

DEFINE_MTYPE_STATIC(TRACK, ETRUNK, "E-Trunk");
DEFINE_MTYPE_STATIC(TRACK, ETRUNK_MEMBER, "E-Trunk member");
DEFINE_MTYPE_STATIC(TRACK, ETRUNK_BFD, "E-Trunk BFD tracking");

DEFINE_QOBJ_TYPE(etrunk);

struct etrunks_head etrunks;
struct etrunk_members_head etrunk_members;

static struct event_loop *etrunk_loop;
static struct event *t_etrunk_ifeval;

/* refused hellos are logged at most this often per E-Trunk */
#define ETRUNK_LOG_INTERVAL_MS 10000
/* a socket that could not be opened (its source address missing) */
#define ETRUNK_RETRY_MS 1000

static int64_t etrunk_ms(void)
{
	struct timeval tv;

	monotime(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

const char *etrunk_state_name(enum etrunk_state st)
{
	switch (st) {
	case ETRUNK_ST_INIT:
		return "init";
	case ETRUNK_ST_MASTER:
		return "master";
	case ETRUNK_ST_BACKUP:
		return "backup";
	}
	return "unknown";
}

const char *etrunk_member_state_name(uint8_t state)
{
	switch (state) {
	case RBP_VRRP_STATE_MASTER:
		return "master";
	case RBP_VRRP_STATE_BACKUP:
		return "backup";
	}
	return "down";
}

const char *etrunk_why_name(enum etrunk_why why)
{
	switch (why) {
	case ETRUNK_WHY_NONE:
		return "none";
	case ETRUNK_WHY_CONFIG:
		return "configuration";
	case ETRUNK_WHY_NO_PEER:
		return "no peer";
	case ETRUNK_WHY_PEER_UP:
		return "peer up";
	case ETRUNK_WHY_PEER_HOLD:
		return "peer hold time expired";
	case ETRUNK_WHY_PEER_BFD:
		return "BFD session to the peer down";
	case ETRUNK_WHY_PEER_CHANGED:
		return "peer changed";
	case ETRUNK_WHY_TRUNK:
		return "Eth-Trunk state";
	}
	return "unknown";
}

static uint32_t etrunk_hello_ms(const struct etrunk *et)
{
	return et->hello_100ms * 100u;
}

static uint32_t etrunk_hold_ms(const struct etrunk *et)
{
	return etrunk_hello_ms(et) * et->multiplier;
}

struct etrunk *etrunk_find(long id)
{
	struct etrunk ref = { .id = id };

	return etrunks_find(&etrunks, &ref);
}

struct etrunk_member *etrunk_member_find(const char *ifname)
{
	struct etrunk_member ref = {};

	strlcpy(ref.ifname, ifname, sizeof(ref.ifname));
	return etrunk_members_find(&etrunk_members, &ref);
}

/* --- this router's system ID -------------------------------------------- */

/* system-id, or the MAC of the interface holding the source address */
static void etrunk_own_sysid(struct etrunk *et)
{
	struct interface *ifp = NULL;

	if (et->system_id_set) {
		memcpy(et->own_sysid, et->system_id, 6);
		return;
	}
	if (et->peer_set) {
		if (sockunion_family(&et->source) == AF_INET)
			ifp = if_lookup_address_local(&et->source.sin.sin_addr, AF_INET,
						      VRF_DEFAULT);
		else
			ifp = if_lookup_address_local(&et->source.sin6.sin6_addr, AF_INET6,
						      VRF_DEFAULT);
	}
	if (ifp && ifp->hw_addr_len == 6)
		memcpy(et->own_sysid, ifp->hw_addr, 6);
	else
		memset(et->own_sysid, 0, 6);
}

/* --- the peer's view of a trunk ---------------------------------------- */

static const struct etrunk_trunk_info *etrunk_peer_trunk(const struct etrunk *et, uint16_t trunk_id)
{
	if (!et->peer_alive)
		return NULL;
	for (unsigned int i = 0; i < et->peer_hello.n_trunks; i++)
		if (et->peer_hello.trunks[i].trunk_id == trunk_id)
			return &et->peer_hello.trunks[i];
	return NULL;
}

static bool etrunk_member_up(const struct etrunk_member *m)
{
	struct interface *ifp = if_lookup_by_name(m->ifname, VRF_DEFAULT);

	return ifp && if_is_operative(ifp);
}

/*
 * Load balancing share: the E-Trunk master by election forwards share 0.
 * Both master by election (equal priority and system ID, a
 * misconfiguration): the smaller source address takes share 0, so that
 * the twins still split.
 */
static bool etrunk_share1(const struct etrunk *et)
{
	if (et->state != ETRUNK_ST_MASTER)
		return true;
	if (!et->peer_alive || et->peer_hello.state != ETRUNK_ST_MASTER)
		return false;
	return sockunion_cmp(&et->source, &et->peer) > 0;
}

static void etrunk_member_derive(const struct etrunk *et, const struct etrunk_member *m,
				 uint8_t *state, uint16_t *flags)
{
	const struct etrunk_trunk_info *pt;

	*flags = 0;
	if (!et || et->state == ETRUNK_ST_INIT || !etrunk_member_up(m)) {
		*state = RBP_VRRP_STATE_INITIALIZE;
		return;
	}
	pt = etrunk_peer_trunk(et, m->trunk_id);
	if (et->state == ETRUNK_ST_MASTER)
		*flags |= RBP_ET_F_ELECTED;
	if (m->force_master)
		*flags |= RBP_ET_F_FORCE;
	if (et->peer_alive)
		*flags |= RBP_ET_F_PEER;
	if (pt && (pt->flags & ETRUNK_TF_FORCE))
		*flags |= RBP_ET_F_PEER_FORCE;
	if (pt && (pt->flags & ETRUNK_TF_MASTER) && (pt->flags & ETRUNK_TF_UP))
		*flags |= RBP_ET_F_PEER_MASTER;
	if (etrunk_share1(et))
		*flags |= RBP_ET_F_SHARE1;

	if (m->force_master || et->state == ETRUNK_ST_MASTER)
		*state = RBP_VRRP_STATE_MASTER;
	/* the backup's Eth-Trunk takes over when the peer's is down or absent */
	else if (et->peer_alive && (!pt || !(pt->flags & ETRUNK_TF_UP)))
		*state = RBP_VRRP_STATE_MASTER;
	else
		*state = RBP_VRRP_STATE_BACKUP;
}

/* The bond's LACP actor system follows the Eth-Trunk's state */
static void etrunk_member_bond(const struct etrunk *et, struct etrunk_member *m)
{
	struct interface *ifp = if_lookup_by_name(m->ifname, VRF_DEFAULT);
	bool shared = m->state == RBP_VRRP_STATE_MASTER;
	const uint8_t *sys;
	int ret;

	if (!et || !et->lacp_set || !ifp || ifp->ifindex == IFINDEX_INTERNAL)
		return;
	/* not a bond (EOPNOTSUPP) or not in 802.3ad mode (EACCES): no retry */
	if (m->bond_tried && (m->bond_err == -EOPNOTSUPP || m->bond_err == -EACCES ||
			      (!m->bond_err && m->bond_shared == shared)))
		return;
	sys = shared ? et->lacp_system : et->own_sysid;
	ret = etrunk_bond_set_actor(&vrrp_privs, ifp->ifindex, sys, et->lacp_prio);
	if (ret != m->bond_err || !m->bond_tried) {
		if (ret)
			zlog_warn("e-trunk %u: %s: cannot set the LACP actor system: %s%s", et->id,
				  m->ifname, safe_strerror(-ret),
				  ret == -EOPNOTSUPP ? " (not a bond)"
				  : ret == -EACCES   ? " (not in 802.3ad mode)"
						     : "");
		else
			zlog_info("e-trunk %u: %s: LACP actor system %pEA (%s)", et->id, m->ifname,
				  (struct ethaddr *)sys,
				  shared ? "shared: aggregated" : "own: kept out");
	}
	m->bond_tried = true;
	m->bond_shared = shared;
	m->bond_err = ret;
}

/* --- publication -------------------------------------------------------- */

static etrunk_pub_fn etrunk_pub_hook;
static void *etrunk_pub_arg;

void etrunk_pub_each(etrunk_pub_fn fn, void *arg)
{
	const struct etrunk_member *m;

	frr_each (etrunk_members_const, &etrunk_members, m)
		if (m->etrunk_id)
			fn(m, false, arg);
}

/* --- hellos ------------------------------------------------------------- */

static void etrunk_send_hello(struct etrunk *et);

static void etrunk_hello_timer(struct event *t)
{
	struct etrunk *et = EVENT_ARG(t);

	etrunk_send_hello(et);
}

static void etrunk_send_hello(struct etrunk *et)
{
	struct etrunk_hello h = {
		.priority = et->priority,
		.etrunk_id = et->id,
		.state = et->state,
		.hello_ms = etrunk_hello_ms(et),
		.hold_ms = etrunk_hold_ms(et),
		.boot = et->boot,
	};
	uint8_t buf[ETRUNK_HELLO_MAX];
	const struct etrunk_member *m;
	union sockunion to;
	size_t keylen = strlen(et->key);
	int len;

	event_add_timer_msec(etrunk_loop, etrunk_hello_timer, et, etrunk_hello_ms(et), &et->t_hello);
	et->first_hello = false;
	if (et->sock < 0)
		return;
	memcpy(h.system_id, et->own_sysid, 6);
	frr_each (etrunk_members_const, &etrunk_members, m) {
		struct etrunk_trunk_info *ti;

		if (m->etrunk_id != et->id || h.n_trunks == ETRUNK_MAX_TRUNKS)
			continue;
		ti = &h.trunks[h.n_trunks++];
		ti->trunk_id = m->trunk_id;
		ti->flags = (etrunk_member_up(m) ? ETRUNK_TF_UP : 0) |
			    (m->state == RBP_VRRP_STATE_MASTER ? ETRUNK_TF_MASTER : 0) |
			    (m->force_master ? ETRUNK_TF_FORCE : 0);
	}
	h.seq = ++et->seq;
	len = etrunk_hello_encode(&h, keylen ? (const uint8_t *)et->key : NULL, keylen, buf,
				  sizeof(buf));
	if (len < 0)
		return;
	to = et->peer;
	if (sockunion_family(&to) == AF_INET)
		to.sin.sin_port = htons(et->port);
	else
		to.sin6.sin6_port = htons(et->port);
	if (sendto(et->sock, buf, len, 0, &to.sa, sockunion_sizeof(&to)) != len) {
		et->tx_err++;
		DEBUGD(&etrunk_dbg, "e-trunk %u: hello not sent: %s", et->id, safe_strerror(errno));
		return;
	}
	et->tx++;
	DEBUGD(&etrunk_dbg, "e-trunk %u: hello seq %u state %s priority %u, %u trunks", et->id,
	       h.seq, etrunk_state_name(h.state), h.priority, h.n_trunks);
}

/* a change the peer must hear now, not at the next interval */
static void etrunk_trigger_hello(struct etrunk *et)
{
	/* a new socket's first hello is due in a moment: it tells all */
	if (et->first_hello)
		return;
	EVENT_OFF(et->t_hello);
	event_add_timer_msec(etrunk_loop, etrunk_hello_timer, et, 0, &et->t_hello);
}

/* A new socket's first hello waits for the rest of the configuration
 * being applied (the key comes after the peer): one hello, authenticated */
#define ETRUNK_FIRST_HELLO_MS 20

/* --- the election and the Eth-Trunks' states --------------------------- */

static void etrunk_eval(struct etrunk *et, enum etrunk_why why);

static void etrunk_members_eval(struct etrunk *et, enum etrunk_why why, bool *tell_peer)
{
	struct etrunk_member *m;

	frr_each (etrunk_members, &etrunk_members, m) {
		const struct etrunk *met;
		uint8_t state;
		uint16_t flags;

		if (!m->etrunk_id || (et && m->etrunk_id != et->id))
			continue;
		met = et ?: etrunk_find(m->etrunk_id);
		etrunk_member_derive(met, m, &state, &flags);
		if (m->published && state == m->state && flags == m->flags) {
			/* the interface may have appeared meanwhile */
			etrunk_member_bond(met, m);
			continue;
		}
		/* the peer weighs our mode too (load balancing) */
		if ((flags ^ m->flags) & RBP_ET_F_FORCE)
			*tell_peer = true;
		if (state != m->state || !m->published) {
			zlog_info("e-trunk %u: Eth-Trunk %s (trunk-id %u): %s -> %s (%s)",
				  m->etrunk_id, m->ifname, m->trunk_id,
				  etrunk_member_state_name(m->state),
				  etrunk_member_state_name(state), etrunk_why_name(why));
			m->changes++;
			m->changed_ms = etrunk_ms();
			*tell_peer = true;
		}
		if (m->published && (flags ^ m->flags) & RBP_ET_F_PEER_MASTER)
			zlog_info("e-trunk %u: Eth-Trunk %s: the peer's Eth-Trunk is %s",
				  m->etrunk_id, m->ifname,
				  (flags & RBP_ET_F_PEER_MASTER) ? "master again"
								 : "no longer master");
		m->state = state;
		m->flags = flags;
		m->published = true;
		if (etrunk_pub_hook)
			etrunk_pub_hook(m, false, etrunk_pub_arg);
		etrunk_member_bond(met, m);
	}
}

static void etrunk_eval(struct etrunk *et, enum etrunk_why why)
{
	enum etrunk_state st;
	bool tell = false;

	etrunk_own_sysid(et);
	if (!et->peer_set) {
		st = ETRUNK_ST_MASTER;
	} else if (!et->peer_alive) {
		/* just started: backup until the peer is heard or its hold
		 * time passed (t_hold), as VRRP's master-down interval */
		st = et->t_hold ? ETRUNK_ST_BACKUP : ETRUNK_ST_MASTER;
	} else {
		st = etrunk_elect(et->priority, et->own_sysid, true, et->peer_hello.priority,
				  et->peer_hello.system_id)
			     ? ETRUNK_ST_MASTER
			     : ETRUNK_ST_BACKUP;
	}
	if (st != et->state) {
		zlog_info("e-trunk %u: %s -> %s (%s)", et->id, etrunk_state_name(et->state),
			  etrunk_state_name(st), etrunk_why_name(why));
		if (st == ETRUNK_ST_MASTER && et->peer_alive &&
		    et->peer_hello.state == ETRUNK_ST_MASTER)
			zlog_warn("e-trunk %u: the peer has the same priority and system ID: both are master",
				  et->id);
		et->state = st;
		et->why = why;
		et->changed_ms = etrunk_ms();
		et->elections++;
		tell = true;
	}
	etrunk_members_eval(et, why, &tell);
	if (tell)
		etrunk_trigger_hello(et);
}

static void etrunk_hold_expired(struct event *t)
{
	struct etrunk *et = EVENT_ARG(t);

	/* a restarted peer whose clock went back (a new boot number lower
	 * than the last) is heard again once it was declared down; a replay
	 * then needs a capture and an old peer gone */
	et->have_last = false;
	if (et->peer_alive) {
		et->peer_alive = false;
		et->peer_downs++;
		zlog_warn("e-trunk %u: peer %pSU: no hello for %u ms: peer down", et->id, &et->peer,
			  et->peer_hello.hold_ms);
		etrunk_eval(et, ETRUNK_WHY_PEER_HOLD);
	} else {
		etrunk_eval(et, ETRUNK_WHY_NO_PEER);
	}
}

/*
 * A failure is the session going from up to down (a session not yet up,
 * or administratively down, says nothing, RFC 5882); the peer then stays
 * down, whatever hellos come, until the session is up again.
 */
void etrunk_bfd_changed(struct etrunk *et, bool up, bool down)
{
	bool failed = et->bfd_up && down;

	et->bfd_up = up;
	if (up)
		et->bfd_down = false;
	if (!failed)
		return;
	et->bfd_down = true;
	if (!et->peer_alive)
		return;
	et->peer_alive = false;
	et->peer_downs++;
	EVENT_OFF(et->t_hold);
	zlog_warn("e-trunk %u: peer %pSU: BFD session down: peer down", et->id, &et->peer);
	etrunk_eval(et, ETRUNK_WHY_PEER_BFD);
}

static void etrunk_log_refused(struct etrunk *et, const union sockunion *from, const char *why)
{
	int64_t now = etrunk_ms();

	DEBUGD(&etrunk_dbg, "e-trunk %u: hello from %pSU refused: %s", et->id, from, why);
	if (et->rx_logged_ms && now - et->rx_logged_ms < ETRUNK_LOG_INTERVAL_MS)
		return;
	et->rx_logged_ms = now;
	zlog_warn("e-trunk %u: hello from %pSU refused: %s", et->id, from, why);
}

static bool etrunk_same_addr(const union sockunion *a, const union sockunion *b)
{
	if (sockunion_family(a) != sockunion_family(b))
		return false;
	if (sockunion_family(a) == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->sin6.sin6_addr, &b->sin6.sin6_addr);
}

static void etrunk_hello_rx(struct etrunk *et, const uint8_t *buf, size_t len,
			    const union sockunion *from)
{
	struct etrunk_hello h = {};
	enum etrunk_decode_err err;
	size_t keylen = strlen(et->key);
	bool changed;

	if (!etrunk_same_addr(from, &et->peer)) {
		et->rx_stranger++;
		etrunk_log_refused(et, from, "not the configured peer");
		return;
	}
	err = etrunk_hello_decode(buf, len, keylen ? (const uint8_t *)et->key : NULL, keylen, &h);
	if (err != ETRUNK_DEC_OK) {
		if (err == ETRUNK_DEC_AUTH_BAD || err == ETRUNK_DEC_AUTH_MISSING ||
		    err == ETRUNK_DEC_AUTH_UNEXPECTED)
			et->rx_auth++;
		else
			et->rx_bad++;
		etrunk_log_refused(et, from, etrunk_decode_err_str(err));
		return;
	}
	if (h.etrunk_id != et->id) {
		et->rx_bad++;
		etrunk_log_refused(et, from, "another E-Trunk ID");
		return;
	}
	if (!etrunk_hello_fresh(et->have_last, et->last_boot, et->last_seq, h.boot, h.seq)) {
		et->rx_stale++;
		etrunk_log_refused(et, from, "replayed or out of order");
		return;
	}
	et->have_last = true;
	et->last_boot = h.boot;
	et->last_seq = h.seq;
	et->rx++;
	et->peer_heard_ms = etrunk_ms();
	/* while the tracked BFD session is down the peer stays down */
	if (et->bfd_down)
		return;
	EVENT_OFF(et->t_hold);
	event_add_timer_msec(etrunk_loop, etrunk_hold_expired, et, h.hold_ms, &et->t_hold);

	changed = !et->peer_alive || h.priority != et->peer_hello.priority ||
		  h.state != et->peer_hello.state ||
		  memcmp(h.system_id, et->peer_hello.system_id, 6) ||
		  h.n_trunks != et->peer_hello.n_trunks;
	/* field by field: the structs' padding is not the peer's word */
	for (unsigned int i = 0; !changed && i < h.n_trunks; i++)
		changed = h.trunks[i].trunk_id != et->peer_hello.trunks[i].trunk_id ||
			  h.trunks[i].flags != et->peer_hello.trunks[i].flags;
	if (!et->peer_alive) {
		et->peer_alive = true;
		et->peer_ups++;
		zlog_info("e-trunk %u: peer %pSU up (priority %u, system ID %pEA)", et->id,
			  &et->peer, h.priority, (struct ethaddr *)h.system_id);
		et->peer_hello = h;
		etrunk_eval(et, ETRUNK_WHY_PEER_UP);
		/* tell a peer that just came up at once */
		etrunk_trigger_hello(et);
		return;
	}
	et->peer_hello = h;
	if (changed)
		etrunk_eval(et, ETRUNK_WHY_PEER_CHANGED);
}

static void etrunk_read(struct event *t)
{
	struct etrunk *et = EVENT_ARG(t);
	uint8_t buf[ETRUNK_HELLO_MAX + 1];

	event_add_read(etrunk_loop, etrunk_read, et, et->sock, &et->t_read);
	/* a bounded number per event: a flood cannot starve vrrpd */
	for (int i = 0; i < 16; i++) {
		union sockunion from = {};
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(et->sock, buf, sizeof(buf), 0, &from.sa, &fromlen);

		if (n < 0)
			break;
		etrunk_hello_rx(et, buf, n, &from);
	}
}

/* --- the socket ---------------------------------------------------------- */

static void etrunk_sock_close(struct etrunk *et)
{
	et->first_hello = false;
	EVENT_OFF(et->t_read);
	EVENT_OFF(et->t_retry);
	if (et->sock >= 0)
		close(et->sock);
	et->sock = -1;
}

static void etrunk_sock_open(struct etrunk *et);

static void etrunk_sock_retry(struct event *t)
{
	etrunk_sock_open(EVENT_ARG(t));
}

static void etrunk_sock_open(struct etrunk *et)
{
	union sockunion src;
	int fam, sock, on = 1, tos = IPTOS_PREC_INTERNETCONTROL;

	etrunk_sock_close(et);
	if (!et->peer_set)
		return;
	fam = sockunion_family(&et->source);
	src = et->source;
	if (fam == AF_INET)
		src.sin.sin_port = htons(et->port);
	else
		src.sin6.sin6_port = htons(et->port);
	sock = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		snprintf(et->sock_err, sizeof(et->sock_err), "socket: %s", safe_strerror(errno));
		goto retry;
	}
	setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fam == AF_INET6) {
		setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(sock, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	} else {
		setsockopt(sock, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	if (bind(sock, &src.sa, sockunion_sizeof(&src)) < 0) {
		snprintf(et->sock_err, sizeof(et->sock_err), "bind %pSU port %u: %s", &et->source,
			 et->port, safe_strerror(errno));
		close(sock);
		goto retry;
	}
	et->sock = sock;
	et->sock_err[0] = '\0';
	event_add_read(etrunk_loop, etrunk_read, et, sock, &et->t_read);
	DEBUGD(&etrunk_dbg, "e-trunk %u: listening on %pSU port %u", et->id, &et->source, et->port);
	EVENT_OFF(et->t_hello);
	event_add_timer_msec(etrunk_loop, etrunk_hello_timer, et, ETRUNK_FIRST_HELLO_MS,
			     &et->t_hello);
	et->first_hello = true;
	return;
retry:
	DEBUGD(&etrunk_dbg, "e-trunk %u: %s; retrying", et->id, et->sock_err);
	event_add_timer_msec(etrunk_loop, etrunk_sock_retry, et, ETRUNK_RETRY_MS, &et->t_retry);
}

/* A restart of the protocol: the peer forgotten, backup until heard */
static void etrunk_restart(struct etrunk *et, enum etrunk_why why)
{
	et->peer_alive = false;
	et->have_last = false;
	memset(&et->peer_hello, 0, sizeof(et->peer_hello));
	EVENT_OFF(et->t_hold);
	if (et->peer_set)
		event_add_timer_msec(etrunk_loop, etrunk_hold_expired, et, etrunk_hold_ms(et),
				     &et->t_hold);
	etrunk_sock_open(et);
	etrunk_eval(et, why);
}

/* --- configuration ------------------------------------------------------- */

struct etrunk *etrunk_get(long id, const char **err)
{
	struct etrunk *et = etrunk_find(id);

	*err = NULL;
	if (et)
		return et;
	et = XCALLOC(MTYPE_ETRUNK, sizeof(*et));
	et->id = id;
	et->priority = ETRUNK_PRIO_DEFAULT;
	et->port = ETRUNK_PORT_DEFAULT;
	et->hello_100ms = ETRUNK_HELLO_DEFAULT;
	et->multiplier = ETRUNK_MULT_DEFAULT;
	et->lacp_prio = ETRUNK_LACP_PRIO_DEFAULT;
	et->sock = -1;
	et->boot = (uint32_t)time(NULL);
	et->state = ETRUNK_ST_INIT;
	QOBJ_REG(et, etrunk);
	etrunks_add(&etrunks, et);
	zlog_info("e-trunk %u created", et->id);
	etrunk_eval(et, ETRUNK_WHY_CONFIG);
	return et;
}

static void etrunk_unset_bfd(struct etrunk *et);

static void etrunk_free(struct etrunk *et)
{
	etrunk_sock_close(et);
	EVENT_OFF(et->t_hello);
	EVENT_OFF(et->t_hold);
	etrunk_unset_bfd(et);
	etrunks_del(&etrunks, et);
	QOBJ_UNREG(et);
	XFREE(MTYPE_ETRUNK, et);
}

const char *etrunk_del(struct etrunk *et)
{
	uint8_t id = et->id;
	bool tell = false;

	etrunk_free(et);
	zlog_info("e-trunk %u deleted", id);
	/* its Eth-Trunks go down; their lines stay */
	etrunk_members_eval(NULL, ETRUNK_WHY_CONFIG, &tell);
	return NULL;
}

const char *etrunk_set_priority(struct etrunk *et, long prio)
{
	if (et->priority == prio)
		return NULL;
	et->priority = prio;
	etrunk_eval(et, ETRUNK_WHY_CONFIG);
	etrunk_trigger_hello(et);
	return NULL;
}

const char *etrunk_set_system_id(struct etrunk *et, const uint8_t *mac)
{
	static const uint8_t zero[6];

	if (mac && !memcmp(mac, zero, 6))
		return "the system ID cannot be 00:00:00:00:00:00";
	if (mac && (mac[0] & 0x01))
		return "the system ID must be a unicast MAC address";
	et->system_id_set = !!mac;
	if (mac)
		memcpy(et->system_id, mac, 6);
	etrunk_eval(et, ETRUNK_WHY_CONFIG);
	etrunk_trigger_hello(et);
	return NULL;
}

const char *etrunk_set_lacp(struct etrunk *et, const uint8_t *mac, long prio)
{
	static const uint8_t zero[6];
	struct etrunk_member *m;

	if (mac && (!memcmp(mac, zero, 6) || (mac[0] & 0x01)))
		return "the LACP system ID must be a unicast MAC address other than 00:00:00:00:00:00";
	et->lacp_set = !!mac;
	if (mac)
		memcpy(et->lacp_system, mac, 6);
	et->lacp_prio = prio ? prio : ETRUNK_LACP_PRIO_DEFAULT;
	frr_each (etrunk_members, &etrunk_members, m)
		if (m->etrunk_id == et->id) {
			m->bond_tried = false;
			etrunk_member_bond(et, m);
		}
	return NULL;
}

const char *etrunk_set_peer(struct etrunk *et, const union sockunion *peer,
			    const union sockunion *source, long port)
{
	if (peer) {
		if (sockunion_family(peer) != sockunion_family(source))
			return "the peer and source addresses must be of one address family";
		if (etrunk_same_addr(peer, source))
			return "the peer and source addresses must differ";
		if (!port)
			port = ETRUNK_PORT_DEFAULT;
		if (et->peer_set && etrunk_same_addr(peer, &et->peer) &&
		    etrunk_same_addr(source, &et->source) && port == et->port)
			return NULL;
		et->peer = *peer;
		et->source = *source;
		et->port = port;
	} else if (!et->peer_set) {
		return NULL;
	}
	et->peer_set = !!peer;
	etrunk_restart(et, ETRUNK_WHY_CONFIG);
	return NULL;
}

const char *etrunk_set_key(struct etrunk *et, const char *key)
{
	if (key && strlen(key) > ETRUNK_KEY_MAX)
		return "the security key is longer than 64 characters";
	if (!strcmp(et->key, key ? key : ""))
		return NULL;
	strlcpy(et->key, key ? key : "", sizeof(et->key));
	/* the peer's hellos must authenticate again */
	etrunk_restart(et, ETRUNK_WHY_CONFIG);
	return NULL;
}

const char *etrunk_set_timers(struct etrunk *et, long hello_100ms, long multiplier)
{
	et->hello_100ms = hello_100ms ? hello_100ms : ETRUNK_HELLO_DEFAULT;
	et->multiplier = multiplier ? multiplier : ETRUNK_MULT_DEFAULT;
	etrunk_trigger_hello(et);
	return NULL;
}

/* --- BFD --------------------------------------------------------------- */

static void etrunk_bfd_notify(struct track_obj *obj, enum bfd_session_state state)
{
	etrunk_bfd_changed(obj->etrunk, state == BSS_UP, state == BSS_DOWN);
}

static struct track_obj *etrunk_bfd_obj(struct etrunk *et)
{
	struct track_obj *obj;

	if (!et->bfd)
		return NULL;
	frr_each (track_bfd_users, &et->bfd->users, obj)
		if (obj->etrunk == et)
			return obj;
	return NULL;
}

static void etrunk_unset_bfd(struct etrunk *et)
{
	struct track_obj *obj = etrunk_bfd_obj(et);
	struct track_bfd *tb = et->bfd;

	if (!tb)
		return;
	if (obj) {
		track_bfd_users_del(&tb->users, obj);
		XFREE(MTYPE_ETRUNK_BFD, obj);
	}
	et->bfd = NULL;
	et->bfd_down = et->bfd_up = false;
	track_bfd_put(tb);
}

const char *etrunk_set_bfd(struct etrunk *et, const union sockunion *peer,
			   const union sockunion *local, const char *ifname, const char *profile)
{
	struct ipaddr p = {}, l = {};
	struct track_bfd *tb;
	struct track_obj *obj;
	const char *err;

	etrunk_unset_bfd(et);
	if (!peer)
		return NULL;
	if (sockunion_family(peer) == AF_INET) {
		p.ipa_type = IPADDR_V4;
		p.ipaddr_v4 = peer->sin.sin_addr;
	} else {
		p.ipa_type = IPADDR_V6;
		p.ipaddr_v6 = peer->sin6.sin6_addr;
	}
	if (!local) {
		SET_IPADDR_NONE(&l);
	} else if (sockunion_family(local) != sockunion_family(peer)) {
		return "the BFD peer and local addresses must be of one address family";
	} else if (sockunion_family(local) == AF_INET) {
		l.ipa_type = IPADDR_V4;
		l.ipaddr_v4 = local->sin.sin_addr;
	} else {
		l.ipa_type = IPADDR_V6;
		l.ipaddr_v6 = local->sin6.sin6_addr;
	}
	tb = track_bfd_get(&p, &l, ifname, profile, &err);
	if (!tb)
		return err;
	obj = XCALLOC(MTYPE_ETRUNK_BFD, sizeof(*obj));
	obj->type = TRACK_T_BFD;
	obj->mode = TRACK_M_PEER;
	obj->bfd = tb;
	obj->etrunk = et;
	obj->notify = etrunk_bfd_notify;
	track_bfd_users_add_tail(&tb->users, obj);
	et->bfd = tb;
	/* a shared session already up: its failure counts from now on */
	et->bfd_up = tb->state == BSS_UP;
	et->bfd_down = false;
	return NULL;
}

/* --- members ------------------------------------------------------------- */

static struct etrunk_member *etrunk_member_get(const char *ifname, const char **err)
{
	struct etrunk_member *m = etrunk_member_find(ifname);

	*err = track_name_check("interface", ifname, IFNAMSIZ);
	if (*err)
		return NULL;
	if (m)
		return m;
	m = XCALLOC(MTYPE_ETRUNK_MEMBER, sizeof(*m));
	strlcpy(m->ifname, ifname, sizeof(m->ifname));
	m->state = RBP_VRRP_STATE_INITIALIZE;
	etrunk_members_add(&etrunk_members, m);
	return m;
}

/* Drop a member that holds no configuration; publish its deletion */
static void etrunk_member_gc(struct etrunk_member *m)
{
	if (m->etrunk_id || m->force_master)
		return;
	etrunk_members_del(&etrunk_members, m);
	XFREE(MTYPE_ETRUNK_MEMBER, m);
}

const char *etrunk_member_set(const char *ifname, long etrunk_id, long trunk_id)
{
	struct etrunk_member *m, *o;
	const char *err;
	struct etrunk *old_et = NULL;
	bool tell = false;

	m = etrunk_id ? etrunk_member_get(ifname, &err) : etrunk_member_find(ifname);
	if (!m)
		return etrunk_id ? err : NULL;
	if (etrunk_id) {
		frr_each (etrunk_members, &etrunk_members, o)
			if (o != m && o->etrunk_id == etrunk_id && o->trunk_id == trunk_id) {
				static char buf[120];

				snprintf(buf, sizeof(buf),
					 "trunk-id %ld of e-trunk %ld is already interface %s's",
					 trunk_id, etrunk_id, o->ifname);
				return buf;
			}
	}
	if (m->etrunk_id == etrunk_id && m->trunk_id == trunk_id)
		return NULL;
	if (m->etrunk_id && m->published && etrunk_pub_hook) {
		/* leaves its E-Trunk: pimd forgets it */
		m->state = RBP_VRRP_STATE_INITIALIZE;
		m->flags = 0;
		etrunk_pub_hook(m, true, etrunk_pub_arg);
	}
	if (m->etrunk_id)
		old_et = etrunk_find(m->etrunk_id);
	m->etrunk_id = etrunk_id;
	m->trunk_id = trunk_id;
	m->published = false;
	m->bond_tried = false;
	if (old_et)
		etrunk_trigger_hello(old_et);
	if (etrunk_id) {
		struct etrunk *et = etrunk_find(etrunk_id);

		if (et)
			etrunk_eval(et, ETRUNK_WHY_CONFIG);
		else
			etrunk_members_eval(NULL, ETRUNK_WHY_CONFIG, &tell);
	}
	etrunk_member_gc(m);
	return NULL;
}

const char *etrunk_member_set_force(const char *ifname, bool force)
{
	struct etrunk_member *m;
	const char *err;
	struct etrunk *et;

	m = force ? etrunk_member_get(ifname, &err) : etrunk_member_find(ifname);
	if (!m)
		return force ? err : NULL;
	if (m->force_master == force)
		return NULL;
	m->force_master = force;
	et = m->etrunk_id ? etrunk_find(m->etrunk_id) : NULL;
	if (et)
		etrunk_eval(et, ETRUNK_WHY_CONFIG);
	etrunk_member_gc(m);
	return NULL;
}

/* --- interface events ----------------------------------------------------- */

static void etrunk_if_eval(struct event *t)
{
	struct etrunk *et;

	frr_each (etrunks, &etrunks, et)
		etrunk_eval(et, ETRUNK_WHY_TRUNK);
}

/* On the next pass: if_down runs modules before the daemon updates the
 * interface; a burst of changes is evaluated once */
static int etrunk_if_change(struct interface *ifp)
{
	if (etrunk_member_find(ifp->name) || etrunks_count(&etrunks))
		event_add_event(etrunk_loop, etrunk_if_eval, NULL, 0, &t_etrunk_ifeval);
	return 0;
}

/* --- module life ------------------------------------------------------------ */

void etrunk_set_pub(etrunk_pub_fn fn, void *arg)
{
	etrunk_pub_hook = fn;
	etrunk_pub_arg = arg;
}

void etrunk_init(struct event_loop *loop)
{
	etrunk_loop = loop;
	etrunks_init(&etrunks);
	etrunk_members_init(&etrunk_members);
	hook_register_prio(if_up, 1000, etrunk_if_change);
	hook_register_prio(if_down, 1000, etrunk_if_change);
	hook_register_prio(if_real, 1000, etrunk_if_change);
	hook_register_prio(if_unreal, 1000, etrunk_if_change);
	hook_register_prio(if_add, 1000, etrunk_if_change);
}

void etrunk_fini(void)
{
	struct etrunk *et;
	struct etrunk_member *m;

	EVENT_OFF(t_etrunk_ifeval);
	hook_unregister(if_up, etrunk_if_change);
	hook_unregister(if_down, etrunk_if_change);
	hook_unregister(if_real, etrunk_if_change);
	hook_unregister(if_unreal, etrunk_if_change);
	hook_unregister(if_add, etrunk_if_change);
	while ((et = etrunks_first(&etrunks)))
		etrunk_free(et);
	while ((m = etrunk_members_pop(&etrunk_members)))
		XFREE(MTYPE_ETRUNK_MEMBER, m);
	etrunks_fini(&etrunks);
	etrunk_members_fini(&etrunk_members);
}

/* --- config output and show ----------------------------------------------- */

int etrunk_config_write(struct vty *vty)
{
	const struct etrunk *et;
	int n = 0;

	frr_each (etrunks_const, &etrunks, et) {
		vty_out(vty, "e-trunk %u\n", et->id);
		if (et->priority != ETRUNK_PRIO_DEFAULT)
			vty_out(vty, " priority %u\n", et->priority);
		if (et->system_id_set)
			vty_out(vty, " system-id %pEA\n", (struct ethaddr *)et->system_id);
		if (et->lacp_set) {
			vty_out(vty, " lacp system-id %pEA", (struct ethaddr *)et->lacp_system);
			if (et->lacp_prio != ETRUNK_LACP_PRIO_DEFAULT)
				vty_out(vty, " priority %u", et->lacp_prio);
			vty_out(vty, "\n");
		}
		if (et->peer_set) {
			vty_out(vty, " peer %pSU source %pSU", &et->peer, &et->source);
			if (et->port != ETRUNK_PORT_DEFAULT)
				vty_out(vty, " port %u", et->port);
			vty_out(vty, "\n");
		}
		if (et->key[0])
			vty_out(vty, " security-key simple %s\n", et->key);
		if (et->hello_100ms != ETRUNK_HELLO_DEFAULT ||
		    et->multiplier != ETRUNK_MULT_DEFAULT) {
			vty_out(vty, " timer hello %u", et->hello_100ms);
			if (et->multiplier != ETRUNK_MULT_DEFAULT)
				vty_out(vty, " multiplier %u", et->multiplier);
			vty_out(vty, "\n");
		}
		if (et->bfd) {
			vty_out(vty, " track bfd peer %pIA", &et->bfd->peer);
			if (!IS_IPADDR_NONE(&et->bfd->local))
				vty_out(vty, " local-address %pIA", &et->bfd->local);
			if (et->bfd->ifname[0])
				vty_out(vty, " interface %s", et->bfd->ifname);
			if (et->bfd->profile[0])
				vty_out(vty, " profile %s", et->bfd->profile);
			vty_out(vty, "\n");
		}
		vty_out(vty, "exit\n!\n");
		n++;
	}
	return n;
}

int etrunk_members_config_write(struct vty *vty)
{
	const struct etrunk_member *m;
	int n = 0;

	frr_each (etrunk_members_const, &etrunk_members, m) {
		vty_frame(vty, "interface %s\n", m->ifname);
		if (m->etrunk_id)
			vty_out(vty, " e-trunk %u trunk-id %u\n", m->etrunk_id, m->trunk_id);
		if (m->force_master)
			vty_out(vty, " e-trunk mode force-master\n");
		vty_endframe(vty, "exit\n!\n");
		n++;
	}
	return n;
}

static void etrunk_ago(char *buf, size_t len, int64_t ms)
{
	if (!ms) {
		strlcpy(buf, "never", len);
		return;
	}
	snprintf(buf, len, "%.1f s ago", (etrunk_ms() - ms) / 1000.0);
}

static void etrunk_show_member(struct vty *vty, const struct etrunk *et,
			       const struct etrunk_member *m, json_object *jarr)
{
	const struct etrunk_trunk_info *pt = etrunk_peer_trunk(et, m->trunk_id);
	const char *peer_state = !et->peer_alive		  ? "unknown"
				 : !pt				  ? "absent"
				 : !(pt->flags & ETRUNK_TF_UP)	  ? "down"
				 : (pt->flags & ETRUNK_TF_MASTER) ? "master"
								  : "backup";
	bool balance = m->state == RBP_VRRP_STATE_MASTER && m->force_master && pt &&
		       (pt->flags & ETRUNK_TF_FORCE) && (pt->flags & ETRUNK_TF_MASTER) &&
		       (pt->flags & ETRUNK_TF_UP);
	char bond[96];
	char ago[32];

	if (!et->lacp_set)
		strlcpy(bond, "none (no lacp system-id)", sizeof(bond));
	else if (!m->bond_tried)
		strlcpy(bond, "not set yet", sizeof(bond));
	else if (m->bond_err == -EOPNOTSUPP)
		strlcpy(bond, "not a bond", sizeof(bond));
	else if (m->bond_err == -EACCES)
		strlcpy(bond, "bond not in 802.3ad mode", sizeof(bond));
	else if (m->bond_err)
		snprintf(bond, sizeof(bond), "error: %s", safe_strerror(-m->bond_err));
	else
		snprintf(bond, sizeof(bond), "%s actor system", m->bond_shared ? "shared" : "own");
	etrunk_ago(ago, sizeof(ago), m->changed_ms);

	if (jarr) {
		json_object *j = json_object_new_object();

		json_object_string_add(j, "interface", m->ifname);
		json_object_int_add(j, "trunkId", m->trunk_id);
		json_object_string_add(j, "mode", m->force_master ? "force-master" : "auto");
		json_object_string_add(j, "state", etrunk_member_state_name(m->state));
		json_object_string_add(j, "peerState", peer_state);
		json_object_boolean_add(j, "peerForceMaster", pt && (pt->flags & ETRUNK_TF_FORCE));
		json_object_boolean_add(j, "loadBalance", balance);
		if (balance)
			json_object_int_add(j, "share", (m->flags & RBP_ET_F_SHARE1) ? 1 : 0);
		json_object_string_add(j, "lacpActorSystem", bond);
		json_object_int_add(j, "changes", m->changes);
		json_object_array_add(jarr, j);
		return;
	}
	vty_out(vty, "  Eth-Trunk %s trunk-id %u: %s (mode %s), peer's %s, last change %s\n",
		m->ifname, m->trunk_id, etrunk_member_state_name(m->state),
		m->force_master ? "force-master" : "auto", peer_state, ago);
	if (balance)
		vty_out(vty, "    load balanced with the peer: this router forwards share %u\n",
			(m->flags & RBP_ET_F_SHARE1) ? 1 : 0);
	vty_out(vty, "    LACP actor system: %s\n", bond);
}

void etrunk_show(struct vty *vty, long id, json_object *js)
{
	const struct etrunk *et;

	frr_each (etrunks_const, &etrunks, et) {
		const struct etrunk_member *m;
		json_object *j = NULL, *jm = NULL;
		char ago[32], heard[32];
		bool tie = et->peer_alive && et->state == ETRUNK_ST_MASTER &&
			   et->peer_hello.state == ETRUNK_ST_MASTER;

		if (id && et->id != id)
			continue;
		etrunk_ago(ago, sizeof(ago), et->changed_ms);
		etrunk_ago(heard, sizeof(heard), et->peer_heard_ms);
		if (js) {
			char key[8], buf[64];

			j = json_object_new_object();
			snprintf(key, sizeof(key), "%u", et->id);
			json_object_object_add(js, key, j);
			json_object_int_add(j, "id", et->id);
			json_object_string_add(j, "state", etrunk_state_name(et->state));
			json_object_string_add(j, "reason", etrunk_why_name(et->why));
			json_object_int_add(j, "priority", et->priority);
			snprintfrr(buf, sizeof(buf), "%pEA", (struct ethaddr *)et->own_sysid);
			json_object_string_add(j, "systemId", buf);
			json_object_boolean_add(j, "authentication", !!et->key[0]);
			json_object_int_add(j, "helloMs", etrunk_hello_ms(et));
			json_object_int_add(j, "holdMs", etrunk_hold_ms(et));
			if (et->peer_set) {
				json_object *jp = json_object_new_object();

				json_object_object_add(j, "peer", jp);
				snprintfrr(buf, sizeof(buf), "%pSU", &et->peer);
				json_object_string_add(jp, "address", buf);
				snprintfrr(buf, sizeof(buf), "%pSU", &et->source);
				json_object_string_add(jp, "source", buf);
				json_object_int_add(jp, "port", et->port);
				json_object_boolean_add(jp, "alive", et->peer_alive);
				if (et->peer_alive) {
					json_object_int_add(jp, "priority", et->peer_hello.priority);
					snprintfrr(buf, sizeof(buf), "%pEA",
						   (struct ethaddr *)et->peer_hello.system_id);
					json_object_string_add(jp, "systemId", buf);
					json_object_string_add(jp, "state",
							       etrunk_state_name(
								       et->peer_hello.state));
					json_object_int_add(jp, "holdMs", et->peer_hello.hold_ms);
				}
				if (et->sock_err[0])
					json_object_string_add(jp, "socketError", et->sock_err);
			}
			if (et->bfd)
				json_object_string_add(j, "bfd",
						       track_bfd_state_name(et->bfd->state));
			json_object_boolean_add(j, "bothMaster", tie);
			json_object_int_add(j, "helloSent", et->tx);
			json_object_int_add(j, "helloSendErrors", et->tx_err);
			json_object_int_add(j, "helloReceived", et->rx);
			json_object_int_add(j, "helloInvalid", et->rx_bad);
			json_object_int_add(j, "helloAuthFailures", et->rx_auth);
			json_object_int_add(j, "helloStale", et->rx_stale);
			json_object_int_add(j, "helloNotFromPeer", et->rx_stranger);
			json_object_int_add(j, "peerUps", et->peer_ups);
			json_object_int_add(j, "peerDowns", et->peer_downs);
			json_object_int_add(j, "stateChanges", et->elections);
			jm = json_object_new_array();
			json_object_object_add(j, "ethTrunks", jm);
		} else {
			vty_out(vty, "E-Trunk %u: %s (%s, %s)\n", et->id,
				etrunk_state_name(et->state), etrunk_why_name(et->why), ago);
			vty_out(vty, "  priority %u, system ID %pEA, hello %u ms, hold %u ms%s\n",
				et->priority, (struct ethaddr *)et->own_sysid, etrunk_hello_ms(et),
				etrunk_hold_ms(et), et->key[0] ? ", authenticated" : "");
			if (!et->peer_set)
				vty_out(vty, "  no peer configured\n");
			else if (et->peer_alive)
				vty_out(vty,
					"  peer %pSU (source %pSU port %u): up, %s, priority %u, system ID %pEA, last hello %s\n",
					&et->peer, &et->source, et->port,
					etrunk_state_name(et->peer_hello.state),
					et->peer_hello.priority,
					(struct ethaddr *)et->peer_hello.system_id, heard);
			else
				vty_out(vty, "  peer %pSU (source %pSU port %u): down%s%s\n",
					&et->peer, &et->source, et->port,
					et->sock_err[0] ? ", " : "", et->sock_err);
			if (tie)
				vty_out(vty,
					"  warning: the peer has the same priority and system ID, both are master\n");
			if (et->bfd)
				vty_out(vty, "  BFD session to %pIA: %s\n", &et->bfd->peer,
					track_bfd_state_name(et->bfd->state));
			vty_out(vty,
				"  hellos: %" PRIu64 " sent (%" PRIu64 " errors), %" PRIu64
				" accepted; refused: %" PRIu64 " invalid, %" PRIu64
				" authentication, %" PRIu64 " stale, %" PRIu64
				" not from the peer\n",
				et->tx, et->tx_err, et->rx, et->rx_bad, et->rx_auth, et->rx_stale,
				et->rx_stranger);
			vty_out(vty, "  peer up %" PRIu64 " times, down %" PRIu64 " times\n",
				et->peer_ups, et->peer_downs);
		}
		frr_each (etrunk_members_const, &etrunk_members, m)
			if (m->etrunk_id == et->id)
				etrunk_show_member(vty, et, m, jm);
	}
}
