// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: IGMP (pimd) / MLD (pim6d) dual-device hot backup.
 *
 * One source, built twice: PIM_IPV=4 (pimd_rbp.so, service-type igmp) and
 * PIM_IPV=6 (pim6d_rbp.so, service-type mld).  Both daemons hold the whole
 * configuration, as vtysh sends it to both; each acts on the profiles of
 * its own service type and runs its own RBS channel (mldsync session) per
 * service: pimd on the service's port, pim6d on port + 1.
 *
 * The objects of this file (services, profiles, interface states) belong
 * to the configuration store (rbp_config.c); they are created by the CLI
 * and destroyed only by the coordinator (rbp_core.c), which first detaches
 * everything that points at them.  See doc/architecture.md.
 */
#ifndef _RBP_H
#define _RBP_H

#include "typesafe.h"
#include "qobj.h"
#include "sockunion.h"
#include "memory.h"
#include "if.h"
#include "monotime.h"

#include "mldsync/msync.h"
#include "common/rbp_common.h"
#include "rbp_policy.h"

#if PIM_IPV == 4
#define RBP_SVC_SELF	MSYNC_SVC_IGMP
#define RBP_AF		AF_INET
#define RBP_IP_STR	"ip"
#define RBP_DAEMON	"pimd"
#define RBP_PORT_OFFSET 0
#else
#define RBP_SVC_SELF	MSYNC_SVC_MLD
#define RBP_AF		AF_INET6
#define RBP_IP_STR	"ipv6"
#define RBP_DAEMON	"pim6d"
#define RBP_PORT_OFFSET 1
#endif

#define RBP_NAME_MAX MSYNC_NAME_MAX

/* timers of a service, ms (the CLI's ranges) */
#define RBP_KEEPALIVE_MIN MSYNC_KEEPALIVE_MIN
#define RBP_KEEPALIVE_MAX 60000
#define RBP_HOLD_MAX	  180000
#define RBP_DIGEST_MIN	  1000
#define RBP_DIGEST_MAX	  600000
/* key chain names (FRR sets no limit; these go into show and logs) */
#define RBP_KEYCHAIN_MAX 64

DECLARE_MGROUP(RBP);

PREDECL_RBTREE_UNIQ(rbp_services);
PREDECL_RBTREE_UNIQ(rbp_profiles);
PREDECL_RBTREE_UNIQ(rbp_ifs);

/* A VRRP group a role is taken from: family 4 (VRRP) or 6 (VRRP6), 0 none;
 * or an E-Trunk's Eth-Trunk: family RBP_FAMILY_ETRUNK, vrid the E-Trunk
 * ID, ifname the Eth-Trunk */
struct rbp_vrrp_ref {
	uint8_t family;
	uint8_t vrid;
	char ifname[IFNAMSIZ];
};

/* remote-backup-service NAME: the RBS channel to the twin router */
struct rbp_service {
	struct rbp_services_item item;
	char name[RBP_NAME_MAX];

	bool peer_set;
	union sockunion peer;
	union sockunion source;
	uint16_t port; /* as configured; this daemon uses port + offset */

	/* authentication key-chain NAME ("": none): the twin and every
	 * frame authenticated with the keys of that FRR key chain */
	char auth_keychain[RBP_KEYCHAIN_MAX];
	/* transport: password WORD (TCP-MD5), ttl-security (GTSM),
	 * tcp-ao key-chain NAME */
	char password[MSYNC_TCP_KEY_MAX + 1];
	bool ttl_security;
	char tcp_ao_keychain[RBP_KEYCHAIN_MAX];
	/* timers keepalive K hold H, timers digest D: ms, 0 for the
	 * default (msync.h MSYNC_KEEPALIVE_DEFAULT, 3 x keepalive,
	 * MSYNC_DIGEST_DEFAULT) */
	uint32_t keepalive_ms, hold_ms, digest_ms;

	/* the channel while a profile of our type uses it (rbp_session.c) */
	struct msync_session *session;
	/* runtime: the twin's reports are to be asked for again */
	bool ask;

	QOBJ_FIELDS;
};
DECLARE_QOBJ_TYPE(rbp_service);

/* remote-backup-profile NAME */
struct rbp_profile {
	struct rbp_profiles_item item;
	char name[RBP_NAME_MAX];

	uint32_t backup_id; /* 0: not set */
	struct rbp_service *service;
	enum msync_svc type; /* MSYNC_SVC_NONE: not set */
	bool hot;	     /* peer-backup hot */

	/* role source: vrrp-id / vrrp6-id N interface IF */
	struct rbp_vrrp_ref vrrp;
	/* max-entries N: the twin's entries held for the profile */
	uint32_t max_entries;

	/* runtime, kept by the coordinator */
	enum msync_role role; /* of the VRRP group */
	bool yield;	      /* split brain: both masters, the twin forwards */
	struct event *t_split;
	/* the handover (rbp_handover.c): what this router tells the twin,
	 * and whether it forwards */
	bool able, synced;
	bool vrrp_master; /* VRRP's own state (the role also weighs the LAN) */
	uint8_t priority;
	bool forwarding; /* its interfaces unmuted */
	bool released;	 /* told the twin to forward instead */
	bool takeover;	 /* forwards, or would, though not VRRP master */
	/* E-Trunk active-active: forwards only its share of the groups */
	bool balance, share1;
	uint8_t ho_why;	 /* enum rbp_ho_why */
	/* the twin's daemon died or stopped, and has not spoken since */
	bool peer_gone;
	/* this router became VRRP master: the twin's last report is stale
	 * until it answers */
	bool peer_stale;
	/* a report from the twin since this daemon started */
	bool peer_heard;
	uint64_t takeovers, releases; /* by the channel, not VRRP */
	/* what vrrpd-track was told of the resync (rbp_role_send_sync): for
	 * which group, synced or not, after how many of its dumps */
	struct rbp_vrrp_ref sync_ref;
	bool sync_sent;
	uint32_t sync_dumps;

	/* runtime, kept by the installer: its records of the profile, the
	 * twin's entries it refused by reason, and when it last said so
	 */
	uint32_t n_entries;
	uint32_t n_queued; /* of those, waiting for the installer's queue */
	uint64_t refused[RBP_REFUSE_MAX];
	int64_t refused_logged_ms;
	uint32_t refused_unlogged;

	QOBJ_FIELDS;
};
DECLARE_QOBJ_TYPE(rbp_profile);

#define RBP_IF_MAX_PROFILES 2

/* Module state of an interface, by name (the interface may not exist) */
struct rbp_if {
	struct rbp_ifs_item item;
	char name[IFNAMSIZ];

	/* interface remote-backup-profile NAME (one per service type) */
	struct rbp_profile *profiles[RBP_IF_MAX_PROFILES];

	/* ip multicast track vrrp vrid N / track admin-vrrp interface IF vrid
	 * N [ignore-if-down] (ipv6 ... vrrp6 in pim6d): forwarding follows
	 * that group
	 */
	struct rbp_vrrp_ref track;
	bool track_admin;
	bool track_ignore_if_down;
	/* ip pim ignore dr-state | assert-state */
	bool ignore_dr;
	bool ignore_assert;

	/* runtime, kept by the coordinator: the role of the tracked group,
	 * and whether its forwarding decision must be pushed into pimd
	 */
	enum msync_role track_role;
	bool dirty;
};

static inline int rbp_service_cmp(const struct rbp_service *a, const struct rbp_service *b)
{
	return strcmp(a->name, b->name);
}
DECLARE_RBTREE_UNIQ(rbp_services, struct rbp_service, item, rbp_service_cmp);

static inline int rbp_profile_cmp(const struct rbp_profile *a, const struct rbp_profile *b)
{
	return strcmp(a->name, b->name);
}
DECLARE_RBTREE_UNIQ(rbp_profiles, struct rbp_profile, item, rbp_profile_cmp);

static inline int rbp_if_cmp(const struct rbp_if *a, const struct rbp_if *b)
{
	return strcmp(a->name, b->name);
}
DECLARE_RBTREE_UNIQ(rbp_ifs, struct rbp_if, item, rbp_if_cmp);

extern struct rbp_services_head rbp_services;
extern struct rbp_profiles_head rbp_profiles;
extern struct rbp_ifs_head rbp_ifs;

/*
 * rbp_config.c: the configuration store and its checks.  The setters
 * return NULL on success or a message for the operator (printed after
 * "% "), and change nothing when they fail.  They only change the store:
 * the CLI tells the coordinator (rbp_core_changed()) after a change.
 */
void rbp_config_init(void);
void rbp_config_fini(void);

struct rbp_service *rbp_service_find(const char *name);
struct rbp_service *rbp_service_get(const char *name, const char **err);
/* Why the service cannot be deleted now, or NULL */
const char *rbp_service_del_check(const struct rbp_service *svc);
/* Frees it; only the coordinator calls this, after stopping its channel */
void rbp_service_free(struct rbp_service *svc);
/* strict: the source must be an address of this router now */
const char *rbp_service_set_peer(struct rbp_service *svc, const union sockunion *peer,
				 const union sockunion *source, long port, bool strict);
void rbp_service_unset_peer(struct rbp_service *svc);
/* NULL removes; a key chain may be configured before or after */
const char *rbp_service_set_auth(struct rbp_service *svc, const char *keychain);
const char *rbp_service_set_password(struct rbp_service *svc, const char *password);
void rbp_service_set_ttl_security(struct rbp_service *svc, bool on);
const char *rbp_service_set_tcp_ao(struct rbp_service *svc, const char *keychain);
/* timers keepalive K hold H (ms; both 0: the defaults): keepalive
 * RBP_KEEPALIVE_MIN..RBP_KEEPALIVE_MAX, hold up to RBP_HOLD_MAX and at
 * least 3 x keepalive */
const char *rbp_service_set_timers(struct rbp_service *svc, uint32_t keepalive_ms, uint32_t hold_ms);
/* timers digest D (ms; 0: the default) */
const char *rbp_service_set_digest(struct rbp_service *svc, uint32_t digest_ms);
/* Why the service's channel cannot work, or NULL (for show) */
const char *rbp_service_problem(const struct rbp_service *svc);

struct rbp_profile *rbp_profile_find(const char *name);
struct rbp_profile *rbp_profile_get(const char *name, const char **err);
const char *rbp_profile_del_check(const struct rbp_profile *prf);
/* Frees it; only the coordinator calls this, after detaching its entries */
void rbp_profile_free(struct rbp_profile *prf);
const char *rbp_profile_set_backup_id(struct rbp_profile *prf, long id, const char *service);
void rbp_profile_unset_backup_id(struct rbp_profile *prf);
const char *rbp_profile_set_type(struct rbp_profile *prf, enum msync_svc type);
const char *rbp_profile_set_hot(struct rbp_profile *prf, bool hot);
#define RBP_MAX_ENTRIES_DEFAULT 65536
const char *rbp_profile_set_max_entries(struct rbp_profile *prf, long max);
const char *rbp_profile_set_vrrp(struct rbp_profile *prf, uint8_t family, long vrid,
				 const char *ifname);
void rbp_profile_unset_vrrp(struct rbp_profile *prf);
/* e-trunk ID eth-trunk IFNAME: the role from that Eth-Trunk's E-Trunk */
const char *rbp_profile_set_etrunk(struct rbp_profile *prf, long id, const char *ifname);
/* whether this daemon replicates the profile's entries */
bool rbp_profile_is_ours(const struct rbp_profile *prf);
/* its VRRP group runs on one of its own interfaces (a down interface then
 * cannot make this router master)
 */
bool rbp_profile_vrrp_on_lan(const struct rbp_profile *prf);
/* the profile of a service with a backup-id, if any */
struct rbp_profile *rbp_profile_by_id(const struct rbp_service *svc, uint32_t backup_id);

struct rbp_if *rbp_if_find(const char *ifname);
const char *rbp_if_bind(const char *ifname, const char *profile);
const char *rbp_if_unbind(const char *ifname, const char *profile);
bool rbp_if_bound(const struct rbp_if *rif, const struct rbp_profile *prf);
/* ip multicast track vrrp|admin-vrrp (vrrp_ifname NULL: the interface's own) */
const char *rbp_if_set_track(const char *ifname, uint8_t family, long vrid, const char *vrrp_ifname,
			     bool ignore_if_down);
void rbp_if_unset_track(const char *ifname);
/* ip pim ignore dr-state (dr) | assert-state (!dr) */
const char *rbp_if_set_ignore(const char *ifname, bool dr, bool on);
/* The interface's profile of this daemon's service type, if any */
struct rbp_profile *rbp_if_profile(const struct rbp_if *rif);
/* The interface's own role source: its multicast track, else the VRRP
 * group of its profile; NULL if none.  *lan: the group runs on this
 * interface (a down interface cannot make its router master)
 */
const struct rbp_vrrp_ref *rbp_if_role_ref(const struct rbp_if *rif, bool *lan);

const char *rbp_role_name(enum msync_role role);

/* Whether this router forwards the profile's traffic: VRRP master, or
 * taken over from the twin over the channel, and not released, waiting
 * or yielding (rbp_handover.c)
 */
static inline bool rbp_profile_forwards(const struct rbp_profile *prf)
{
	return prf->forwarding;
}

/* Load balanced with the twin (E-Trunk active-active): whether the group
 * is the twin's share, muted here */
static inline bool rbp_profile_twins_group(const struct rbp_profile *prf, pim_addr grp)
{
	return prf && prf->balance && rbp_group_share(&grp, sizeof(grp)) != prf->share1;
}

/* The channel carrying a profile's entries, if this daemon runs it */
static inline struct msync_session *rbp_profile_session(const struct rbp_profile *prf)
{
	return rbp_profile_is_ours(prf) ? prf->service->session : NULL;
}

/* Monotonic milliseconds of the module's own timing (FRR's clock); times
 * that mldsync returns are compared with msync_now_ms() of their session
 */
static inline int64_t rbp_now_ms(void)
{
	struct timeval tv;

	monotime(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* rbp_debug.c */
#include "debug.h"
extern struct debug rbp_dbg_config;
extern struct debug rbp_dbg_session;
extern struct debug rbp_dbg_packet;
extern struct debug rbp_dbg_entry;
extern struct debug rbp_dbg_install;
extern struct debug rbp_dbg_role;
void rbp_debug_init(void);

#endif /* _RBP_H */
