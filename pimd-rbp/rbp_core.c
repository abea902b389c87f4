// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: the coordinator.
 *
 * The configuration store (rbp_config.c) holds services, profiles and
 * interface states; this file decides when they go, and detaches what
 * refers to them first: a profile's install records, a service's channel.
 * It is also the one place that decides to bring everything in line with
 * the configuration ("a pass"), and the one that derives roles and fans
 * them out.  The parts it drives call each other never and it never back:
 *
 *   rbp_session  one RBS channel per service (mldsync)
 *   rbp_capture  local memberships -> the channel's local table
 *   rbp_install  the twin's entries -> TIB joins
 *   rbp_gate     who forwards: DR override, OIF mute, asserts
 *   rbp_role     what a VRRP group says (vrrpd-track, macvlan)
 *
 * Upcalls come through function pointers: mldsync's callbacks and
 * rbp_role's notification.
 */
#include <zebra.h>

#include "command.h"
#include "frrevent.h"

#include "rbp.h"
#include "rbp_core.h"
#include "rbp_capture.h"
#include "rbp_gate.h"
#include "rbp_handover.h"
#include "rbp_install.h"
#include "rbp_role.h"
#include "rbp_session.h"

/* what a pass must do */
#define RBP_PASS_CONFIG 0x01 /* everything */
#define RBP_PASS_ROLES	0x02 /* roles and what follows from them */

/* a configuration file whose end marker never comes is applied anyway */
#define RBP_CONFIG_READ_MAX_MS 10000

/* housekeeping: retry installations every tick, re-read membership timers
 * every RBP_REFRESH_TICKS ticks (the twin's copies expire only after a
 * whole membership interval, 260 s by default)
 */
#define RBP_TICK_MS	  5000
#define RBP_REFRESH_TICKS 2

/* split brain: how long both twins may say master before one yields */
#define RBP_SPLIT_GRACE_MS 1500

/* a restarted daemon waits this long at most for the twin's word before
 * it forwards as VRRP master: the twin may forward for it (it took over
 * when this daemon died) and hands back once this one is synced */
#define RBP_START_WAIT_MS 3000

static struct event_loop *rbp_loop;
static struct event *t_pass;
static struct event *t_tick;
static struct event *t_start_wait;
static int64_t rbp_start_ms;
static unsigned int rbp_pending;
static unsigned int rbp_ticks;
/* between vtysh's XFRR_start_configuration and XFRR_end_configuration */
static bool rbp_reading;
static int64_t rbp_reading_deadline;

static void rbp_core_pass(struct event *t);
static void rbp_core_roles(void);

static void rbp_core_schedule(unsigned int what)
{
	rbp_pending |= what;
	EVENT_OFF(t_pass);
	if (rbp_reading && rbp_pending == RBP_PASS_CONFIG) {
		int64_t wait = rbp_reading_deadline - rbp_now_ms();

		event_add_timer_msec(rbp_loop, rbp_core_pass, NULL, MAX(wait, 0), &t_pass);
		return;
	}
	event_add_event(rbp_loop, rbp_core_pass, NULL, 0, &t_pass);
}

void rbp_core_changed(void)
{
	if (rbp_loop)
		rbp_core_schedule(RBP_PASS_CONFIG);
}

bool rbp_core_reading_config(void)
{
	return rbp_reading;
}

/* --- roles -------------------------------------------------------------- */

/* Whether a profile forwards changed: re-evaluate its entries (warm ones
 * are installed at takeover), and mark its interfaces
 */
static void rbp_core_forwarding_changed(struct rbp_profile *prf)
{
	struct rbp_if *rif;

	rbp_install_profile_changed(prf);
	frr_each (rbp_ifs, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			rif->dirty = true;
}

/* Push the forwarding decisions of the marked interfaces into pimd */
static void rbp_core_apply_dirty(void)
{
	struct rbp_if *rif;

	frr_each (rbp_ifs, &rbp_ifs, rif)
		if (rif->dirty) {
			rif->dirty = false;
			rbp_gate_apply(rif, true);
		}
}

/*
 * Split brain: both twins master of a profile's VRRP group (their VRRP
 * link cut, the RBS channel still up) would both forward onto the LAN,
 * and with assert state ignored nothing else stops the duplicates.  Each
 * tells the other its role over the channel; when both say master for
 * longer than a grace time, the twin with the higher channel address
 * yields: it keeps its state hot but mutes, until either is no longer
 * master.
 */
static bool rbp_core_both_master(const struct rbp_profile *prf)
{
	struct msync_role_info peer;

	/* where one released (priorities differ) the handover decided; a
	 * twin that has not answered since VRRP elected this router may be
	 * dead (a power loss looks so until the hold timer): not master */
	return !prf->balance && prf->role == MSYNC_ROLE_MASTER && !prf->released &&
	       !prf->peer_stale && rbp_session_peer_report(prf, &peer) &&
	       peer.role == MSYNC_ROLE_MASTER && !peer.released;
}

static bool rbp_core_split_set(struct rbp_profile *prf, bool yield)
{
	if (prf->yield == yield)
		return false;
	prf->yield = yield;
	if (yield)
		zlog_warn("remote-backup-profile %s: split brain, both twins are VRRP master for more than %d ms; this router (%pSU) yields to %pSU and stops forwarding",
			  prf->name, RBP_SPLIT_GRACE_MS, &prf->service->source, &prf->service->peer);
	else
		zlog_info("remote-backup-profile %s: split brain over", prf->name);
	return true;
}

static void rbp_core_split_timer(struct event *t)
{
	struct rbp_profile *prf = EVENT_ARG(t);

	if (rbp_core_both_master(prf) &&
	    sockunion_cmp(&prf->service->source, &prf->service->peer) > 0 &&
	    rbp_core_split_set(prf, true))
		rbp_core_roles();
}

/* Returns whether the yield changed */
static bool rbp_core_split_eval(struct rbp_profile *prf)
{
	if (!rbp_core_both_master(prf)) {
		EVENT_OFF(prf->t_split);
		return rbp_core_split_set(prf, false);
	}
	if (!prf->yield && !prf->t_split)
		event_add_timer_msec(rbp_loop, rbp_core_split_timer, prf, RBP_SPLIT_GRACE_MS,
				     &prf->t_split);
	return false;
}

/* One of its interfaces is up (none bound: as far as it knows) */
static bool rbp_core_profile_if_up(const struct rbp_profile *prf)
{
	const struct rbp_if *rif;
	bool bound = false;

	frr_each (rbp_ifs_const, &rbp_ifs, rif) {
		if (!rbp_if_bound(rif, prf))
			continue;
		if (rbp_role_if_operative(rif->name))
			return true;
		bound = true;
	}
	return !bound;
}

/*
 * Who forwards the profile (rbp_handover.c), from this router's view and
 * the twin's last report.  Returns whether anything the twin is told
 * changed; *fwd_changed whether forwarding (or the release) did.
 */
static bool rbp_core_handover(struct rbp_profile *prf, const struct rbp_role_view *v,
			      bool *fwd_changed)
{
	struct rbp_ho_in in = {
		.role = prf->role,
		.able = v->able && rbp_core_profile_if_up(prf),
		.priority = v->priority,
		.yield = prf->yield,
		.balance = prf->balance,
		.force_master = v->force_master,
		.forwarding = prf->forwarding,
		.peer_gone = prf->peer_gone,
		.takeover = prf->takeover,
		.last_why = prf->ho_why,
	};
	struct rbp_ho_out out;
	bool told;

	in.synced = rbp_session_synced(prf) && !prf->n_queued;
	in.peer_known = rbp_session_peer_report(prf, &in.peer) && !prf->peer_stale;
	in.start_wait = !prf->peer_heard && prf->service && prf->service->peer_set &&
			rbp_now_ms() < rbp_start_ms + RBP_START_WAIT_MS;
	rbp_handover_decide(&in, &out);

	/* released too: it mutes interfaces that track the same group */
	*fwd_changed |= out.forwarding != prf->forwarding || out.released != prf->released;
	if (out.forwarding != prf->forwarding || out.why != prf->ho_why)
		zlog_info("remote-backup-profile %s: %s -> %s (%s)", prf->name,
			  prf->forwarding ? "forwarding" : "not forwarding",
			  out.forwarding ? "forwarding" : "not forwarding",
			  rbp_ho_why_name(out.why));
	if (out.forwarding && !prf->forwarding && prf->role != MSYNC_ROLE_MASTER)
		prf->takeovers++;
	if (out.released && !prf->released)
		prf->releases++;
	told = *fwd_changed || out.released != prf->released || in.able != prf->able ||
	       in.synced != prf->synced || in.priority != prf->priority;
	prf->forwarding = out.forwarding;
	prf->released = out.released;
	prf->takeover = out.takeover;
	prf->ho_why = out.why;
	prf->able = in.able;
	prf->synced = in.synced;
	prf->priority = in.priority;
	return told;
}

/* vrrpd-track's wait-sync: tell it whether the profile is synced, for its
 * current group; again after each of its dumps (it may have restarted) */
static void rbp_core_tell_sync(struct rbp_profile *prf)
{
	bool same = prf->sync_ref.family == prf->vrrp.family &&
		    prf->sync_ref.vrid == prf->vrrp.vrid &&
		    !strcmp(prf->sync_ref.ifname, prf->vrrp.ifname);

	if (prf->sync_ref.family && !same) {
		rbp_role_send_sync(prf->name, &prf->sync_ref, false, true);
		memset(&prf->sync_ref, 0, sizeof(prf->sync_ref));
	}
	/* wait-sync is VRRP's (vrrpd-track's preempt delay) */
	if (!prf->vrrp.family || prf->vrrp.family == RBP_FAMILY_ETRUNK || prf->type != RBP_SVC_SELF)
		return;
	if (same && prf->sync_sent == prf->synced && prf->sync_dumps == rbp_role_dumps())
		return;
	if (!rbp_role_send_sync(prf->name, &prf->vrrp, prf->synced, false))
		return;
	prf->sync_ref = prf->vrrp;
	prf->sync_sent = prf->synced;
	prf->sync_dumps = rbp_role_dumps();
}

/*
 * E-Trunk active-active: both Eth-Trunks force-master and aggregated
 * (vrrpd-track says so), and the twin's daemon forwards its share: it
 * spoke since this daemon started, did not die since, and does not say
 * it cannot forward.  A twin merely unheard for a while (the channel
 * down, the E-Trunk still up) keeps its share: the E-Trunk, not the
 * channel, says whether the twin router is there.  Returns whether the
 * split changed.
 */
static bool rbp_core_balance(struct rbp_profile *prf)
{
	struct msync_role_info peer;
	bool share1 = false;
	bool balance = rbp_role_balance(&prf->vrrp, &share1) && prf->peer_heard &&
		       !prf->peer_gone &&
		       !(rbp_session_peer_report(prf, &peer) && !prf->peer_stale && !peer.able);

	if (balance == prf->balance && (!balance || share1 == prf->share1))
		return false;
	if (balance)
		zlog_info("remote-backup-profile %s: load balanced with the twin, forwarding share %u of the groups",
			  prf->name, share1);
	else
		zlog_info("remote-backup-profile %s: no longer load balanced with the twin",
			  prf->name);
	prf->balance = balance;
	prf->share1 = balance && share1;
	return true;
}

static void rbp_core_profile_off(struct rbp_profile *prf)
{
	EVENT_OFF(prf->t_split);
	prf->role = MSYNC_ROLE_UNKNOWN;
	prf->yield = false;
	prf->forwarding = prf->released = prf->takeover = false;
	prf->peer_gone = prf->peer_stale = prf->vrrp_master = false;
	prf->balance = prf->share1 = false;
	prf->ho_why = RBP_HO_BACKUP;
}

/*
 * Re-derive every role, then act on those that changed.  All roles are
 * derived before any is acted on: one VRRP state may move a profile and
 * an interface's own tracking at once, and the interface must not be
 * unmuted for the one and muted again for the other.
 */
static void rbp_core_roles(void)
{
	struct rbp_profile *prf;
	struct rbp_service *svc;
	struct rbp_if *rif;
	bool ask = false;

	frr_each (rbp_profiles, &rbp_profiles, prf) {
		struct rbp_role_scope scope = { .lan = rbp_profile_vrrp_on_lan(prf) };
		struct rbp_role_view view;
		bool changed = false, fwd_changed;

		if (prf->type != RBP_SVC_SELF) {
			rbp_core_profile_off(prf);
			rbp_core_tell_sync(prf);
			continue;
		}
		rbp_role_view(&prf->vrrp, scope, &view);
		/* VRRP elected this router: the twin may have died silently,
		 * its last word must not hold us back (not so when only our
		 * interface came back: VRRP was Master all along) */
		if (view.vrrp_master && !prf->vrrp_master && rbp_profile_session(prf)) {
			prf->peer_stale = true;
			prf->service->ask = true;
			ask = true;
		}
		prf->vrrp_master = view.vrrp_master;
		if (view.role != prf->role) {
			zlog_info("remote-backup-profile %s: role %s -> %s (%s)", prf->name,
				  rbp_role_name(prf->role), rbp_role_name(view.role),
				  rbp_role_source(&prf->vrrp, scope));
			prf->role = view.role;
			changed = true;
		}
		/* a change of the split re-mutes the interfaces' groups */
		fwd_changed = rbp_core_balance(prf);
		changed |= rbp_core_split_eval(prf);
		changed |= rbp_core_handover(prf, &view, &fwd_changed);
		/* queued: written after the interfaces are muted, below */
		if (changed)
			rbp_session_send_role(prf);
		if (fwd_changed)
			rbp_core_forwarding_changed(prf);
		rbp_core_tell_sync(prf);
	}
	if (ask)
		frr_each (rbp_services, &rbp_services, svc)
			if (svc->ask) {
				svc->ask = false;
				rbp_session_ask_roles(svc);
			}

	frr_each (rbp_ifs, &rbp_ifs, rif) {
		struct rbp_role_scope scope = {
			.lan = !strcmp(rif->track.ifname, rif->name),
			.ignore_if_down = rif->track_ignore_if_down,
		};
		enum msync_role role;

		if (!rif->track.family)
			continue;
		role = rbp_role_of(&rif->track, scope);
		if (role == rif->track_role)
			continue;
		zlog_info("interface %s: multicast forwarding follows %s %u on %s: %s -> %s (%s)",
			  rif->name, rif->track.family == 4 ? "VRRP" : "VRRP6", rif->track.vrid,
			  rif->track.ifname, rbp_role_name(rif->track_role), rbp_role_name(role),
			  rbp_role_source(&rif->track, scope));
		rif->track_role = role;
		rif->dirty = true;
	}
	rbp_core_apply_dirty();
}

static void rbp_core_role_notify(bool now)
{
	if (now)
		rbp_core_roles();
	else
		rbp_core_schedule(RBP_PASS_ROLES);
}

/* --- the channels' callbacks -------------------------------------------- */

static bool rbp_state_up(enum msync_state st)
{
	return st == MSYNC_ST_RESYNC || st == MSYNC_ST_ESTABLISHED;
}

/*
 * The twin's end of the channel closed without a Bye (its kernel closed
 * the socket of a dead process), or with one saying its daemon stops:
 * it forwards no more, whatever its VRRP says.  Its entries stay while
 * this router forwards them.
 */
static void rbp_core_twin_gone(struct rbp_service *svc, enum msync_peer_gone gone)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf) {
		if (prf->service != svc || !rbp_profile_is_ours(prf) || prf->peer_gone)
			continue;
		prf->peer_gone = true;
		zlog_warn("remote-backup-profile %s: the twin's %s %s: taking over its forwarding",
			  prf->name, RBP_DAEMON,
			  gone == MSYNC_GONE_STOPPING
				  ? "is stopping"
				  : "closed the channel without a goodbye (it died)");
		rbp_install_twin_gone(prf);
	}
}

static void rbp_core_cb_state(struct msync_session *s, enum msync_state old, enum msync_state new,
			      const char *reason, void *arg)
{
	struct rbp_service *svc = arg;

	if (rbp_state_up(old) && !rbp_state_up(new) && msync_session_peer_gone(s) != MSYNC_GONE_NO) {
		/* at once: this is where a partial failure's gap ticks */
		rbp_core_twin_gone(svc, msync_session_peer_gone(s));
		rbp_core_roles();
	}
	/* the twin's roles are unknown while the channel is down; synced */
	if (old == MSYNC_ST_ESTABLISHED || new == MSYNC_ST_ESTABLISHED)
		rbp_core_schedule(RBP_PASS_ROLES);

	/* refusals: mldsync logs them, rate-limited (a stranger without a
	 * key can cause one per connection) */
	if (new == MSYNC_ST_ESTABLISHED || old == MSYNC_ST_ESTABLISHED)
		zlog_info("remote-backup-service %s: channel %s -> %s%s%s", svc->name,
			  msync_state_name(old), msync_state_name(new),
			  reason && *reason ? ": " : "", reason ? reason : "");
	else
		DEBUGD(&rbp_dbg_session, "remote-backup-service %s: channel %s -> %s%s%s",
		       svc->name, msync_state_name(old), msync_state_name(new),
		       reason && *reason ? ": " : "", reason ? reason : "");
}

static void rbp_core_cb_peer_update(struct msync_session *s, const struct msync_entry *e,
				    void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, e->key.backup_id);

	if (prf && rbp_profile_is_ours(prf))
		rbp_install_peer_update(prf, e);
}

static void rbp_core_cb_peer_delete(struct msync_session *s, const struct msync_entry *e,
				    enum msync_del_reason why, void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, e->key.backup_id);

	if (prf)
		rbp_install_peer_delete(prf, e, why);
}

static void rbp_core_cb_peer_role(struct msync_session *s, uint32_t backup_id,
				  enum msync_role role, void *arg)
{
	struct rbp_profile *prf = rbp_profile_by_id(arg, backup_id);
	struct msync_role_info ri;

	if (prf && rbp_session_peer_report(prf, &ri)) {
		/* the twin spoke: alive, and its word is current */
		prf->peer_gone = false;
		prf->peer_stale = false;
		prf->peer_heard = true;
		DEBUGD(&rbp_dbg_role, "profile %s: twin's role %s%s%s%s%s priority %u", prf->name,
		       rbp_role_name(ri.role), ri.able ? "" : ", cannot forward",
		       ri.forwarding ? ", forwarding" : "", ri.released ? ", released" : "",
		       ri.synced ? ", synced" : "", ri.priority);
	} else if (msync_session_peer_gone(s) != MSYNC_GONE_NO) {
		/* the channel is going down; the twin died or stops */
		rbp_core_twin_gone(arg, msync_session_peer_gone(s));
	}
	rbp_core_roles();
}

static void rbp_core_cb_resync_done(struct msync_session *s, void *arg)
{
	struct rbp_service *svc = arg;

	DEBUGD(&rbp_dbg_session, "remote-backup-service %s: peer resync done", svc->name);
	rbp_core_schedule(RBP_PASS_ROLES);
}

/* a profile's install queue drained: it may be synced now */
static void rbp_core_install_drained(void)
{
	rbp_core_schedule(RBP_PASS_ROLES);
}

static void rbp_core_start_wait_over(struct event *t)
{
	rbp_core_schedule(RBP_PASS_ROLES);
}

static const struct msync_callbacks rbp_core_callbacks = {
	.state_change = rbp_core_cb_state,
	.peer_update = rbp_core_cb_peer_update,
	.peer_delete = rbp_core_cb_peer_delete,
	.peer_role = rbp_core_cb_peer_role,
	.resync_done = rbp_core_cb_resync_done,
};

/* --- lifetimes ----------------------------------------------------------- */

/* A channel's tables go without callbacks: the install records built from
 * them go with it
 */
static void rbp_core_stop_channel(struct rbp_service *svc)
{
	struct rbp_profile *prf;

	rbp_session_stop(svc);
	rbp_install_reconcile();
	/* no channel, no word of the twin: VRRP alone decides */
	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (prf->service == svc)
			prf->peer_gone = prf->peer_stale = false;
}

const char *rbp_core_service_delete(struct rbp_service *svc)
{
	const char *err = rbp_service_del_check(svc);

	if (err)
		return err;
	if (svc->session)
		rbp_core_stop_channel(svc);
	rbp_service_free(svc);
	rbp_core_changed();
	return NULL;
}

const char *rbp_core_profile_delete(struct rbp_profile *prf)
{
	const char *err = rbp_profile_del_check(prf);
	struct msync_session *s = rbp_profile_session(prf);

	if (err)
		return err;
	rbp_install_flush(prf);
	if (s) {
		/* the twin drops what we published for it */
		msync_local_flush(s, prf->backup_id);
		msync_peer_flush(s, prf->backup_id);
	}
	EVENT_OFF(prf->t_split);
	if (prf->sync_ref.family)
		rbp_role_send_sync(prf->name, &prf->sync_ref, false, true);
	rbp_profile_free(prf);
	rbp_core_changed();
	return NULL;
}

/* --- the pass ------------------------------------------------------------ */

static void rbp_core_sync_config(void)
{
	struct rbp_service *svc;
	struct rbp_profile *prf;

	frr_each (rbp_services, &rbp_services, svc) {
		if (rbp_session_needed(svc))
			rbp_session_sync(svc);
		else if (svc->session)
			rbp_core_stop_channel(svc);
	}
	rbp_core_roles();
	/* entries of profiles that are no longer ours, or have moved */
	rbp_install_reconcile();
	rbp_capture_reconcile();
	rbp_gate_apply_all();
	frr_each (rbp_profiles, &rbp_profiles, prf)
		rbp_session_send_role(prf);
}

static void rbp_core_pass(struct event *t)
{
	unsigned int todo = rbp_pending;

	if (rbp_reading && (todo & RBP_PASS_CONFIG)) {
		if (rbp_now_ms() < rbp_reading_deadline) {
			/* roles now, the rest at the end of the file */
			rbp_pending = RBP_PASS_CONFIG;
			if (todo & RBP_PASS_ROLES)
				rbp_core_roles();
			rbp_core_schedule(0);
			return;
		}
		zlog_warn("configuration read started %d s ago and has not ended: applying it now",
			  RBP_CONFIG_READ_MAX_MS / 1000);
		rbp_reading = false;
	}
	rbp_pending = 0;
	if (todo & RBP_PASS_CONFIG)
		rbp_core_sync_config();
	else if (todo & RBP_PASS_ROLES)
		rbp_core_roles();
}

/*
 * vtysh sends a file (vtysh -b at boot, vtysh -f, copy) one line per read
 * event: a pass after each line would start a channel with half the
 * profiles, and the twin would refuse its Hello (a hello-mismatch error
 * and a reconnect backoff at every start).  So while a file is read the
 * pass waits for its end.
 */
static void rbp_core_read_start(void)
{
	rbp_reading = true;
	rbp_reading_deadline = rbp_now_ms() + RBP_CONFIG_READ_MAX_MS;
}

static void rbp_core_read_end(void)
{
	rbp_reading = false;
	if (rbp_pending)
		rbp_core_schedule(0);
}

static void rbp_core_tick(struct event *t)
{
	event_add_timer_msec(rbp_loop, rbp_core_tick, NULL, RBP_TICK_MS, &t_tick);
	/* a pass is due and does all of this */
	if (rbp_pending & RBP_PASS_CONFIG)
		return;
	rbp_install_retry();
	if (++rbp_ticks % RBP_REFRESH_TICKS == 0)
		rbp_capture_refresh();
}

/* --- init ------------------------------------------------------------------ */

void rbp_core_init(struct event_loop *loop)
{
	rbp_loop = loop;
	rbp_config_init();
	rbp_session_init(loop, &rbp_core_callbacks);
	rbp_install_init(loop, rbp_core_install_drained);
	rbp_capture_init(loop);
	rbp_gate_init();
	rbp_role_init(loop, rbp_core_role_notify);
	/* pimd and pim6d register no config callbacks of their own (10.3) */
	cmd_init_config_callbacks(rbp_core_read_start, rbp_core_read_end);
	event_add_timer_msec(loop, rbp_core_tick, NULL, RBP_TICK_MS, &t_tick);
	rbp_start_ms = rbp_now_ms();
	event_add_timer_msec(loop, rbp_core_start_wait_over, NULL, RBP_START_WAIT_MS + 1,
			     &t_start_wait);
}

/* pimd is going down: nothing is given back to it */
void rbp_core_fini(void)
{
	struct rbp_service *svc;
	struct rbp_profile *prf;

	cmd_init_config_callbacks(NULL, NULL);
	EVENT_OFF(t_pass);
	EVENT_OFF(t_tick);
	EVENT_OFF(t_start_wait);
	/* the twin takes over at once instead of after VRRP's detection */
	frr_each (rbp_services, &rbp_services, svc)
		rbp_session_goodbye(svc, RBP_DAEMON " stopping");
	frr_each (rbp_profiles, &rbp_profiles, prf)
		EVENT_OFF(prf->t_split);
	frr_each (rbp_services, &rbp_services, svc)
		rbp_session_stop(svc);
	rbp_role_fini();
	rbp_gate_fini();
	rbp_capture_fini();
	rbp_install_fini();
	rbp_session_fini();
	rbp_config_fini();
	rbp_loop = NULL;
}
