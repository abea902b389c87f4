// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: show commands of services, profiles, entries, interfaces and
 * the VRRP states this daemon knows.  They read; they change nothing.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "json.h"
#include "if.h"
#include "vrf.h"

#include "rbp.h"
#include "rbp_gate.h"
#include "rbp_gm.h"
#include "rbp_handover.h"
#include "rbp_install.h"
#include "rbp_role.h"
#include "rbp_session.h"
#include "rbp_vty.h"

#include "pimd-rbp/rbp_show_clippy.c"

/* --- services ---------------------------------------------------------- */

#define RBP_NOAUTH_WARNING                                                                         \
	"no authentication: any host with the peer's address can act as the twin"

static void rbp_show_auth_json(const struct rbp_service *svc, const struct rbp_session_info *si,
			       json_object *js)
{
	json_object *jf = json_object_new_object();

	json_object_string_add(js, "authentication", si->auth ? "hmac-sha-256" : "none");
	if (si->auth)
		json_object_string_add(js, "authKeyChain", svc->auth_keychain);
	else
		json_object_string_add(js, "authWarning", RBP_NOAUTH_WARNING);
	if (si->auth_problem[0])
		json_object_string_add(js, "authProblem", si->auth_problem);
	if (si->tx_key_valid)
		json_object_int_add(js, "authSendKeyId", si->tx_key);
	if (si->rx_key_valid)
		json_object_int_add(js, "authAcceptKeyId", si->rx_key);
	json_object_boolean_add(js, "tcpMd5", svc->password[0] != '\0');
	json_object_boolean_add(js, "ttlSecurity", svc->ttl_security);
	json_object_string_add(js, "tcpAo", si->tcp_ao);
	if (svc->tcp_ao_keychain[0])
		json_object_string_add(js, "tcpAoKeyChain", svc->tcp_ao_keychain);
	for (int f = 0; f < MSYNC_AUTH_FAIL_MAX; f++)
		json_object_int_add(jf, msync_auth_fail_name(f), si->c.auth_failures[f]);
	json_object_object_add(js, "authFailures", jf);
	json_object_int_add(js, "probesSent", si->c.probes_sent);
	json_object_int_add(js, "takeoversRefused", si->c.takeovers_refused);
	json_object_int_add(js, "probeTimeouts", si->c.probe_timeouts);
}

static void rbp_show_auth_text(struct vty *vty, const struct rbp_service *svc,
			       const struct rbp_session_info *si)
{
	bool any = false;

	if (si->auth) {
		vty_out(vty, "  Authentication   : key chain %s (HMAC-SHA-256)", svc->auth_keychain);
		if (si->tx_key_valid)
			vty_out(vty, ", sending with key %u", si->tx_key);
		if (si->rx_key_valid)
			vty_out(vty, ", last accepted key %u", si->rx_key);
		vty_out(vty, "\n");
		if (si->auth_problem[0])
			vty_out(vty, "  Auth problem     : %s\n", si->auth_problem);
	} else {
		vty_out(vty, "  Authentication   : none\n");
		vty_out(vty, "  Warning          : %s\n", RBP_NOAUTH_WARNING);
	}
	vty_out(vty, "  TCP-MD5          : %s\n", svc->password[0] ? "on" : "off");
	vty_out(vty, "  TTL security     : %s\n",
		svc->ttl_security ? "on (TTL 255 sent, 255 required)" : "off");
	if (svc->tcp_ao_keychain[0])
		vty_out(vty, "  TCP-AO           : key chain %s, %s\n", svc->tcp_ao_keychain,
			si->tcp_ao);
	else
		vty_out(vty, "  TCP-AO           : off\n");
	vty_out(vty, "  Auth failures    :");
	for (int f = 0; f < MSYNC_AUTH_FAIL_MAX; f++)
		if (si->c.auth_failures[f]) {
			vty_out(vty, " %s %" PRIu64, msync_auth_fail_name(f),
				si->c.auth_failures[f]);
			any = true;
		}
	vty_out(vty, "%s\n", any ? "" : " none");
	vty_out(vty,
		"  Takeovers        : %" PRIu64 " refused (the twin answered a probe), %" PRIu64
		" after a probe timed out\n",
		si->c.takeovers_refused, si->c.probe_timeouts);
}

static void rbp_show_timers_json(const struct rbp_service *svc, const struct msync_timers *t,
				 json_object *js)
{
	json_object_int_add(js, "keepaliveMs", t->keepalive_ms);
	json_object_int_add(js, "holdMs", t->hold_ms);
	json_object_int_add(js, "digestMs", t->digest_ms);
	json_object_boolean_add(js, "timersConfigured", svc->keepalive_ms || svc->hold_ms);
	json_object_boolean_add(js, "digestConfigured", svc->digest_ms != 0);
	if (!t->live)
		return;
	json_object_int_add(js, "negotiatedHoldMs", t->conn_hold_ms);
	json_object_int_add(js, "negotiatedKeepaliveMs", t->conn_keepalive_ms);
	if (t->peer_hold_ms)
		json_object_int_add(js, "peerHoldMs", t->peer_hold_ms);
	if (t->peer_keepalive_ms)
		json_object_int_add(js, "peerKeepaliveMs", t->peer_keepalive_ms);
}

static void rbp_show_timers_text(struct vty *vty, const struct rbp_service *svc,
				 const struct msync_timers *t)
{
	vty_out(vty, "  Timers           : keepalive %u ms, hold %u ms%s, digest %u ms%s\n",
		t->keepalive_ms, t->hold_ms, svc->keepalive_ms || svc->hold_ms ? "" : " (defaults)",
		t->digest_ms, svc->digest_ms ? "" : " (default)");
	if (!t->live)
		return;
	vty_out(vty, "  Connection timers: hold %u ms, keepalive every %u ms", t->conn_hold_ms,
		t->conn_keepalive_ms);
	if (t->peer_hold_ms)
		vty_out(vty, " (the twin asked for hold %u ms, keepalive %u ms)", t->peer_hold_ms,
			t->peer_keepalive_ms);
	vty_out(vty, "\n");
}

static void rbp_show_service(struct vty *vty, const struct rbp_service *svc, json_object *js)
{
	struct rbp_session_info si;
	const struct rbp_profile *prf;
	json_object *jprf = NULL, *jerr = NULL;
	char profiles[256] = "";

	rbp_session_info(svc, &si);

	if (js) {
		json_object_string_add(js, "name", svc->name);
		json_object_string_add(js, "serviceType", msync_svc_name(RBP_SVC_SELF));
		if (svc->peer_set) {
			json_object_string_addf(js, "peer", "%pSU", &svc->peer);
			json_object_string_addf(js, "source", "%pSU", &svc->source);
			json_object_int_add(js, "port", svc->port);
			json_object_int_add(js, "channelPort", svc->port + RBP_PORT_OFFSET);
		}
		json_object_string_add(js, "tcpState", si.state);
		json_object_string_add(js, "resyncState", si.resync);
		if (si.up_since_s >= 0)
			json_object_int_add(js, "upSeconds", si.up_since_s);
		json_object_string_add(js, "lastReason", si.last_reason);
		if (si.problem)
			json_object_string_add(js, "problem", si.problem);
		json_object_int_add(js, "entriesSent", si.local_entries);
		json_object_int_add(js, "entriesReceived", si.peer_entries);
		json_object_int_add(js, "updatesSent", si.c.tx_updates);
		json_object_int_add(js, "updatesReceived", si.c.rx_updates);
		json_object_int_add(js, "deletesSent", si.c.tx_deletes);
		json_object_int_add(js, "deletesReceived", si.c.rx_deletes);
		json_object_int_add(js, "messagesSent", si.c.tx_msgs);
		json_object_int_add(js, "messagesReceived", si.c.rx_msgs);
		json_object_int_add(js, "resyncsSent", si.c.resyncs_sent);
		json_object_int_add(js, "resyncsReceived", si.c.resyncs_received);
		json_object_int_add(js, "digestMismatches", si.c.digest_mismatches);
		json_object_int_add(js, "resyncRequestsSent", si.c.resync_requests_sent);
		json_object_int_add(js, "peerLimitDrops", si.c.peer_limit_drops);
		json_object_int_add(js, "sessionsUp", si.c.sessions_up);
		json_object_int_add(js, "sessionsDown", si.c.sessions_down);
		jerr = json_object_new_object();
		for (int e = 0; e < MSYNC_ERR_MAX; e++)
			json_object_int_add(jerr, msync_err_name(e), si.c.errors[e]);
		json_object_object_add(js, "errors", jerr);
		rbp_show_timers_json(svc, &si.timers, js);
		rbp_show_auth_json(svc, &si, js);
		jprf = json_object_new_array();
	}

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		if (prf->service != svc)
			continue;
		if (jprf)
			json_object_array_add(jprf, json_object_new_string(prf->name));
		else
			snprintf(profiles + strlen(profiles), sizeof(profiles) - strlen(profiles),
				 "%s%s(%s)", profiles[0] ? " " : "", prf->name,
				 msync_svc_name(prf->type));
	}
	if (js) {
		json_object_object_add(js, "profiles", jprf);
		return;
	}

	vty_out(vty, "Remote backup service %s\n", svc->name);
	if (svc->peer_set) {
		vty_out(vty, "  Peer             : %pSU\n", &svc->peer);
		vty_out(vty, "  Source           : %pSU\n", &svc->source);
		vty_out(vty, "  TCP port         : %u (%s channel on %u)\n", svc->port,
			msync_svc_name(RBP_SVC_SELF), svc->port + RBP_PORT_OFFSET);
	} else
		vty_out(vty, "  Peer             : not configured\n");
	if (si.problem)
		vty_out(vty, "  Problem          : %s\n", si.problem);
	rbp_show_auth_text(vty, svc, &si);
	vty_out(vty, "  TCP state        : %s\n", si.state);
	rbp_show_timers_text(vty, svc, &si.timers);
	if (si.up_since_s >= 0)
		vty_out(vty, "  Up for           : %llds\n", (long long)si.up_since_s);
	vty_out(vty, "  Resync           : %s\n", si.resync);
	if (si.last_reason[0])
		vty_out(vty, "  Last reason      : %s\n", si.last_reason);
	vty_out(vty, "  Profiles         : %s\n", profiles[0] ? profiles : "-");
	vty_out(vty, "  Entries          : %zu sent, %zu received\n", si.local_entries,
		si.peer_entries);
	vty_out(vty, "  Messages         : %" PRIu64 " sent, %" PRIu64 " received\n", si.c.tx_msgs,
		si.c.rx_msgs);
	vty_out(vty,
		"  Updates/deletes  : %" PRIu64 "/%" PRIu64 " sent, %" PRIu64 "/%" PRIu64
		" received\n",
		si.c.tx_updates, si.c.tx_deletes, si.c.rx_updates, si.c.rx_deletes);
	vty_out(vty,
		"  Resyncs          : %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64
		" digest mismatches\n",
		si.c.resyncs_sent, si.c.resyncs_received, si.c.digest_mismatches);
	vty_out(vty,
		"  Resync requests  : %" PRIu64 " sent; %" PRIu64
		" of the twin's entries not stored at max-entries\n",
		si.c.resync_requests_sent, si.c.peer_limit_drops);
	vty_out(vty, "  Errors           :");
	bool any = false;

	for (int e = 0; e < MSYNC_ERR_MAX; e++)
		if (si.c.errors[e]) {
			vty_out(vty, " %s %" PRIu64, msync_err_name(e), si.c.errors[e]);
			any = true;
		}
	vty_out(vty, "%s\n", any ? "" : " none");
}

/* DEFPY_NOSH: vtysh has its own command that asks pimd and pim6d in turn
 * and wraps their json output (vtysh/rbp_vtysh.c).
 */
DEFPY_NOSH(show_rbp_service, show_rbp_service_cmd,
	   "show remote-backup-service [WORD$name] [json$json]",
	   SHOW_STR RBS_STR RBS_NAME_STR JSON_STR)
{
	const struct rbp_service *svc;
	json_object *js = NULL, *jsvcs = NULL;

	if (name && !rbp_service_find(name)) {
		if (json)
			vty_out(vty, "{}\n");
		else
			vty_out(vty, "%% remote-backup-service %s does not exist\n", name);
		return CMD_WARNING;
	}
	if (json) {
		js = json_object_new_object();
		jsvcs = json_object_new_object();
		json_object_object_add(js, "services", jsvcs);
	}
	frr_each (rbp_services_const, &rbp_services, svc) {
		if (name && strcmp(name, svc->name))
			continue;
		if (js) {
			json_object *jsvc = json_object_new_object();

			rbp_show_service(vty, svc, jsvc);
			json_object_object_add(jsvcs, svc->name, jsvc);
		} else
			rbp_show_service(vty, svc, NULL);
	}
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

static const char *rbp_profile_state(const struct rbp_profile *prf)
{
	if (prf->type == MSYNC_SVC_NONE)
		return "no service-type";
	if (prf->type != RBP_SVC_SELF)
		return prf->type == MSYNC_SVC_IGMP ? "handled by pimd" : "handled by pim6d";
	if (!prf->service)
		return "no backup-id";
	if (!prf->service->peer_set)
		return "service has no peer";
	return rbp_role_name(prf->role);
}

static void rbp_show_profile(struct vty *vty, const struct rbp_profile *prf, json_object *js)
{
	const struct rbp_if *rif;
	bool ours = rbp_profile_is_ours(prf);
	struct msync_session *s = ours ? rbp_profile_session(prf) : NULL;
	/* the channel's peer table holds at most max-entries of the twin's
	 * entries for the profile; what it did not store counts as refused
	 * at max-entries too (the installer's own limit then rarely bites) */
	struct msync_peer_limit pl = {};
	bool have_pl = s && msync_peer_limit(s, prf->backup_id, &pl) == 0;
	uint64_t refused[RBP_REFUSE_MAX];

	memcpy(refused, prf->refused, sizeof(refused));
	refused[RBP_REFUSE_LIMIT] += pl.dropped;
	const char *peer_state = ours ? rbp_role_name(rbp_session_peer_role(prf)) : "-";
	struct rbp_role_scope scope = { .lan = rbp_profile_vrrp_on_lan(prf) };
	json_object *jifs = js ? json_object_new_array() : NULL;

	if (js) {
		json_object_string_add(js, "name", prf->name);
		json_object_string_add(js, "serviceType", msync_svc_name(prf->type));
		if (prf->service) {
			json_object_int_add(js, "backupId", prf->backup_id);
			json_object_string_add(js, "service", prf->service->name);
		}
		json_object_string_add(js, "backupMode", prf->hot ? "hot" : "warm");
		json_object_string_add(js, "trackProtocol",
				       prf->vrrp.family == RBP_FAMILY_ETRUNK ? "e-trunk"
				       : prf->vrrp.family		     ? "vrrp"
									     : "none");
		if (prf->vrrp.family == RBP_FAMILY_ETRUNK) {
			json_object_int_add(js, "etrunkId", prf->vrrp.vrid);
			json_object_string_add(js, "ethTrunk", prf->vrrp.ifname);
		} else if (prf->vrrp.family) {
			json_object_int_add(js, "vrrpFamily", prf->vrrp.family);
			json_object_int_add(js, "vrrpId", prf->vrrp.vrid);
			json_object_string_add(js, "vrrpInterface", prf->vrrp.ifname);
		}
		json_object_string_add(js, "state", rbp_profile_state(prf));
		json_object_string_add(js, "roleSource", rbp_role_source(&prf->vrrp, scope));
		json_object_string_add(js, "peerState", peer_state);
		if (ours) {
			struct msync_role_info ri;

			json_object_boolean_add(js, "splitBrainYield", prf->yield);
			json_object_boolean_add(js, "forwarding", prf->forwarding);
			json_object_string_add(js, "forwardingReason", rbp_ho_why_name(prf->ho_why));
			json_object_boolean_add(js, "released", prf->released);
			json_object_boolean_add(js, "synced", prf->synced);
			json_object_int_add(js, "priority", prf->priority);
			json_object_int_add(js, "channelTakeovers", prf->takeovers);
			json_object_int_add(js, "channelReleases", prf->releases);
			if (prf->vrrp.family == RBP_FAMILY_ETRUNK) {
				json_object_boolean_add(js, "loadBalance", prf->balance);
				if (prf->balance)
					json_object_int_add(js, "share", prf->share1);
			}
			if (rbp_session_peer_report(prf, &ri)) {
				json_object *jt = json_object_new_object();

				json_object_string_add(jt, "role", rbp_role_name(ri.role));
				json_object_boolean_add(jt, "able", ri.able);
				json_object_boolean_add(jt, "forwarding", ri.forwarding);
				json_object_boolean_add(jt, "released", ri.released);
				json_object_boolean_add(jt, "synced", ri.synced);
				json_object_int_add(jt, "priority", ri.priority);
				json_object_object_add(js, "twin", jt);
			}
		}
		json_object_boolean_add(js, "active", ours);
		json_object_int_add(js, "maxEntries", prf->max_entries);
		if (ours) {
			json_object *jref = json_object_new_object();

			json_object_int_add(js, "twinEntries", prf->n_entries);
			json_object_int_add(js, "twinEntriesQueued", prf->n_queued);
			json_object_int_add(js, "peerTableEntries", pl.held);
			json_object_int_add(js, "peerTableDropped", pl.dropped);
			json_object_boolean_add(js, "peerTableFull", pl.full);
			for (int r = 0; r < RBP_REFUSE_MAX; r++)
				json_object_int_add(jref, rbp_refusal_key(r), refused[r]);
			json_object_object_add(js, "refused", jref);
		}
		frr_each (rbp_ifs_const, &rbp_ifs, rif)
			if (rbp_if_bound(rif, prf))
				json_object_array_add(jifs, json_object_new_string(rif->name));
		json_object_object_add(js, "interfaces", jifs);
		return;
	}

	vty_out(vty, "Remote backup profile %s\n", prf->name);
	vty_out(vty, "  Service type     : %s\n", msync_svc_name(prf->type));
	if (prf->service) {
		vty_out(vty, "  Remote backup svc: %s\n", prf->service->name);
		vty_out(vty, "  Backup ID        : %u\n", prf->backup_id);
	} else {
		vty_out(vty, "  Remote backup svc: -\n");
		vty_out(vty, "  Backup ID        : -\n");
	}
	if (prf->vrrp.family == RBP_FAMILY_ETRUNK) {
		vty_out(vty, "  Track protocol   : E-Trunk\n");
		vty_out(vty, "  E-Trunk ID       : %u\n", prf->vrrp.vrid);
		vty_out(vty, "  Eth-Trunk        : %s\n", prf->vrrp.ifname);
	} else if (prf->vrrp.family) {
		vty_out(vty, "  Track protocol   : %s\n", prf->vrrp.family == 4 ? "VRRP" : "VRRP6");
		vty_out(vty, "  VRRP ID          : %u\n", prf->vrrp.vrid);
		vty_out(vty, "  VRRP interface   : %s\n", prf->vrrp.ifname);
	} else
		vty_out(vty, "  Track protocol   : -\n");
	vty_out(vty, "  State            : %s\n", rbp_profile_state(prf));
	if (prf->vrrp.family)
		vty_out(vty, "  Role source      : %s\n", rbp_role_source(&prf->vrrp, scope));
	vty_out(vty, "  Peer state       : %s\n", peer_state);
	if (ours) {
		struct msync_role_info ri;

		vty_out(vty, "  Forwarding       : %s (%s)\n", prf->forwarding ? "yes" : "no",
			rbp_ho_why_name(prf->ho_why));
		if (prf->balance)
			vty_out(vty,
				"  Load balancing   : with the twin, this router forwards share %u of the groups\n",
				prf->share1);
		vty_out(vty,
			"  Handover         : priority %u, %s, %s; %" PRIu64 " takeovers, %" PRIu64
			" releases over the channel\n",
			prf->priority, prf->synced ? "synced" : "not synced",
			prf->released ? "released to the twin" : "not released", prf->takeovers,
			prf->releases);
		if (rbp_session_peer_report(prf, &ri))
			vty_out(vty, "  Twin             : %s, priority %u%s%s%s%s\n",
				rbp_role_name(ri.role), ri.priority,
				ri.able ? "" : ", cannot forward",
				ri.forwarding ? ", forwarding" : "",
				ri.released ? ", released" : "", ri.synced ? ", synced" : "");
	}
	if (prf->yield)
		vty_out(vty, "  Split brain      : both twins master, this router yields\n");
	vty_out(vty, "  Interfaces       :");
	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			vty_out(vty, " %s", rif->name);
	vty_out(vty, "\n  Backup mode      : %s\n", prf->hot ? "hot" : "warm");
	if (!rbp_profile_is_ours(prf)) {
		vty_out(vty, "  Max entries      : %u\n", prf->max_entries);
		return;
	}
	vty_out(vty, "  Twin's entries   : %u of at most %u", prf->n_entries, prf->max_entries);
	if (prf->n_queued)
		vty_out(vty, " (%u queued for pimd)", prf->n_queued);
	vty_out(vty, "\n");
	if (have_pl)
		vty_out(vty,
			"  Peer table       : %zu of at most %u held, %" PRIu64
			" not stored at max-entries%s\n",
			pl.held, pl.max_entries, pl.dropped,
			pl.full ? " (full: waits for room to resync)" : "");
	vty_out(vty, "  Refused          :");
	bool any = false;

	for (int r = 0; r < RBP_REFUSE_MAX; r++)
		if (refused[r]) {
			vty_out(vty, "%s %s %" PRIu64, any ? "," : "", rbp_refusal_text(r),
				refused[r]);
			any = true;
		}
	vty_out(vty, "%s\n", any ? "" : " none");
}

DEFPY_NOSH(show_rbp_profile, show_rbp_profile_cmd,
	   "show remote-backup-profile [WORD$name] [json$json]",
	   SHOW_STR RBP_STR RBP_NAME_STR JSON_STR)
{
	const struct rbp_profile *prf;
	json_object *js = NULL, *jprfs = NULL;

	if (name && !rbp_profile_find(name)) {
		if (json)
			vty_out(vty, "{}\n");
		else
			vty_out(vty, "%% remote-backup-profile %s does not exist\n", name);
		return CMD_WARNING;
	}
	if (json) {
		js = json_object_new_object();
		jprfs = json_object_new_object();
		json_object_object_add(js, "profiles", jprfs);
	}
	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		if (name && strcmp(name, prf->name))
			continue;
		if (js) {
			json_object *jprf = json_object_new_object();

			rbp_show_profile(vty, prf, jprf);
			json_object_object_add(jprfs, prf->name, jprf);
		} else
			rbp_show_profile(vty, prf, NULL);
	}
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

/* --- entries ---------------------------------------------------------- */

struct rbp_show_local {
	struct vty *vty;
	json_object *jarr;
	const struct rbp_profile *prf;
	uint32_t backup_id;
	struct msync_session *session;
	int64_t now_ms;
};

static int rbp_show_local_one(const struct msync_entry *e, void *arg)
{
	struct rbp_show_local *sl = arg;
	pim_sgaddr sg = rbp_key_to_sg(&e->key);
	const struct rbp_profile *prf = sl->prf;
	int64_t exp = msync_local_expiry(sl->session, &e->key);
	int64_t left = exp >= 0 && exp != INT64_MAX ? (exp - sl->now_ms) / 1000 : -1;
	const char *filter = e->filter == MSYNC_FILTER_EXCLUDE ? "exclude" : "include";

	if (sl->jarr) {
		json_object *jo = json_object_new_object();

		json_object_string_add(jo, "interface", e->key.ifname);
		json_object_string_addf(jo, "group", "%pPA", &sg.grp);
		json_object_string_addf(jo, "source", "%pPA", &sg.src);
		json_object_string_add(jo, "origin", "local");
		json_object_string_add(jo, "profile", prf->name);
		if (prf->balance)
			json_object_string_add(jo, "forwarder",
					       rbp_profile_twins_group(prf, sg.grp) ? "twin"
										    : "local");
		json_object_string_add(jo, "state", "published");
		json_object_string_add(jo, "filterMode", filter);
		json_object_int_add(jo, "version", e->version);
		if (left >= 0)
			json_object_int_add(jo, "remainingSeconds", left);
		json_object_array_add(sl->jarr, jo);
		return 0;
	}
	vty_out(sl->vty, "%-16s %-18pPAs %-18pPA %-6s %-12s %-9s ", e->key.ifname, &sg.src, &sg.grp,
		"local", prf->name, "published");
	if (left >= 0)
		vty_out(sl->vty, "%llds\n", (long long)left);
	else
		vty_out(sl->vty, "-\n");
	return 0;
}

static int rbp_show_local_filter(const struct msync_entry *e, void *arg)
{
	struct rbp_show_local *sl = arg;

	return e->key.backup_id == sl->backup_id ? rbp_show_local_one(e, arg) : 0;
}

#if PIM_IPV == 4
DEFPY(show_rbp_entries, show_rbp_ip_entries_cmd,
      "show ip remote-backup entries [json$json]",
      SHOW_STR IP_STR RB_SHOW_STR
      "Entries: published to the twin (local) and the twin's (peer)\n"
      JSON_STR)
#else
DEFPY(show_rbp_entries, show_rbp_ipv6_entries_cmd,
      "show ipv6 remote-backup entries [json$json]",
      SHOW_STR IPV6_STR RB_SHOW_STR
      "Entries: published to the twin (local) and the twin's (peer)\n"
      JSON_STR)
#endif
{
	struct rbp_show_local sl = { .vty = vty };
	json_object *js = NULL;
	const struct rbp_profile *prf;

	if (json) {
		js = json_object_new_object();
		sl.jarr = json_object_new_array();
		json_object_object_add(js, "entries", sl.jarr);
	} else
		vty_out(vty, "%-16s %-18s %-18s %-6s %-12s %-9s %s\n", "Interface", "Source",
			"Group", "Origin", "Profile", "State", "Remaining");

	frr_each (rbp_profiles_const, &rbp_profiles, prf) {
		struct msync_session *s = rbp_profile_session(prf);
		struct rbp_show_local one;

		if (!s)
			continue;
		one = sl;
		one.prf = prf;
		one.backup_id = prf->backup_id;
		one.session = s;
		one.now_ms = msync_now_ms(s);
		/* a service's table holds all its profiles: filter ours */
		msync_local_walk(s, rbp_show_local_filter, &one);
	}
	rbp_install_show(vty, sl.jarr);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

/* --- interfaces -------------------------------------------------------- */

static void rbp_show_if(struct vty *vty, const struct rbp_if *rif, json_object *jarr)
{
	struct interface *ifp = if_lookup_by_name(rif->name, VRF_DEFAULT);
	const struct rbp_profile *prf = rbp_if_profile(rif);
	bool forwarder = ifp && rbp_gate_forwarder(ifp);
	bool muted = rbp_gate_if_muted(rif);
	bool tracked = rbp_gate_tracked(rif);
	const char *follows = rif->track.family		? "track"
			      : prf && prf->vrrp.family ? "profile"
							: "pim";
	struct rbp_role_scope scope = {};
	const struct rbp_vrrp_ref *ref = rbp_if_role_ref(rif, &scope.lan);

	if (rif->track.family)
		scope.ignore_if_down = rif->track_ignore_if_down;

	if (jarr) {
		json_object *jo = json_object_new_object();

		json_object_string_add(jo, "interface", rif->name);
		json_object_boolean_add(jo, "exists", ifp != NULL);
		if (prf)
			json_object_string_add(jo, "profile", prf->name);
		json_object_string_add(jo, "forwardingFollows", follows);
		if (ref && ref->family == RBP_FAMILY_ETRUNK) {
			json_object_int_add(jo, "etrunkId", ref->vrid);
			json_object_string_add(jo, "ethTrunk", ref->ifname);
			json_object_string_add(jo, "roleSource", rbp_role_source(ref, scope));
		} else if (ref && ref->family) {
			json_object_int_add(jo, "vrrpFamily", ref->family);
			json_object_int_add(jo, "vrrpId", ref->vrid);
			json_object_string_add(jo, "vrrpInterface", ref->ifname);
			json_object_string_add(jo, "roleSource", rbp_role_source(ref, scope));
		}
		if (rif->track.family) {
			json_object_string_add(jo, "role", rbp_role_name(rif->track_role));
			if (rif->track_admin)
				json_object_boolean_add(jo, "ignoreIfDown",
							rif->track_ignore_if_down);
		}
		if (prf && prf->yield)
			json_object_boolean_add(jo, "splitBrainYield", true);
		/* the role of what decides: the interface's own track first */
		if (!rif->track.family && !(prf && prf->yield) && prf && prf->vrrp.family)
			json_object_string_add(jo, "role", rbp_role_name(prf->role));
		json_object_boolean_add(jo, "ignoreDrState", rif->ignore_dr);
		json_object_boolean_add(jo, "ignoreAssertState", rif->ignore_assert);
		json_object_boolean_add(jo, "forwarderOverride", forwarder);
		json_object_boolean_add(jo, "tracked", tracked);
		json_object_boolean_add(jo, "muted", muted);
		json_object_array_add(jarr, jo);
		return;
	}
	vty_out(vty, "%-16s %-12s %-8s %-22s %-8s %-9s %s\n", rif->name, prf ? prf->name : "-",
		follows, ref && ref->family ? rbp_role_source(ref, scope) : "-",
		prf && prf->yield	  ? "yield"
		: rif->track.family	  ? rbp_role_name(rif->track_role)
		: prf && prf->vrrp.family ? rbp_role_name(prf->role)
					  : "-",
		forwarder ? "yes" : "no", muted ? "muted" : "forwarding");
}

#if PIM_IPV == 4
DEFPY(show_rbp_ifs, show_rbp_ip_ifs_cmd,
      "show ip remote-backup interfaces [json$json]",
      SHOW_STR IP_STR RB_SHOW_STR
      "Interfaces: bindings, what decides forwarding, and the decision\n"
      JSON_STR)
#else
DEFPY(show_rbp_ifs, show_rbp_ipv6_ifs_cmd,
      "show ipv6 remote-backup interfaces [json$json]",
      SHOW_STR IPV6_STR RB_SHOW_STR
      "Interfaces: bindings, what decides forwarding, and the decision\n"
      JSON_STR)
#endif
{
	const struct rbp_if *rif;
	json_object *js = NULL, *jarr = NULL;

	if (json) {
		js = json_object_new_object();
		jarr = json_object_new_array();
		json_object_object_add(js, "interfaces", jarr);
	} else
		vty_out(vty, "%-16s %-12s %-8s %-22s %-8s %-9s %s\n", "Interface", "Profile",
			"Follows", "Role source", "Role", "Joins", "LAN");
	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		rbp_show_if(vty, rif, jarr);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}


/* --- VRRP states ---------------------------------------------------------- */

#if PIM_IPV == 4
DEFPY(show_rbp_vrrp, show_rbp_ip_vrrp_cmd,
      "show ip remote-backup vrrp [json$json]",
      SHOW_STR IP_STR RB_SHOW_STR
      "VRRP states heard from vrrpd-track, which give the roles\n"
      JSON_STR)
#else
DEFPY(show_rbp_vrrp, show_rbp_ipv6_vrrp_cmd,
      "show ipv6 remote-backup vrrp [json$json]",
      SHOW_STR IPV6_STR RB_SHOW_STR
      "VRRP states heard from vrrpd-track, which give the roles\n"
      JSON_STR)
#endif
{
	json_object *js = json ? json_object_new_object() : NULL;

	rbp_role_show(vty, js);
	if (js)
		vty_json(vty, js);
	return CMD_SUCCESS;
}

void rbp_show_init(void)
{
	install_element(VIEW_NODE, &show_rbp_service_cmd);
	install_element(VIEW_NODE, &show_rbp_profile_cmd);
#if PIM_IPV == 4
	install_element(VIEW_NODE, &show_rbp_ip_entries_cmd);
	install_element(VIEW_NODE, &show_rbp_ip_ifs_cmd);
	install_element(VIEW_NODE, &show_rbp_ip_vrrp_cmd);
#else
	install_element(VIEW_NODE, &show_rbp_ipv6_entries_cmd);
	install_element(VIEW_NODE, &show_rbp_ipv6_ifs_cmd);
	install_element(VIEW_NODE, &show_rbp_ipv6_vrrp_cmd);
#endif
}
