// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: configuration store of services, profiles and interface
 * bindings, with the checks that keep it consistent.  Every setter either
 * applies the whole change or none of it and says why.  The store calls
 * no other part of the module: the CLI tells the coordinator about
 * changes, and only the coordinator frees a service or a profile.
 */
#include <zebra.h>

#include "memory.h"
#include "sockunion.h"
#include "vrf.h"

#include "rbp.h"

DEFINE_MGROUP(RBP, "remote backup (pimd-rbp)");
DEFINE_MTYPE_STATIC(RBP, RBP_SERVICE, "remote-backup-service");
DEFINE_MTYPE_STATIC(RBP, RBP_PROFILE, "remote-backup-profile");
DEFINE_MTYPE_STATIC(RBP, RBP_IF, "remote-backup interface");

DEFINE_QOBJ_TYPE(rbp_service);
DEFINE_QOBJ_TYPE(rbp_profile);

struct rbp_services_head rbp_services;
struct rbp_profiles_head rbp_profiles;
struct rbp_ifs_head rbp_ifs;

/* messages are returned to the CLI, which prints them after "% "; names
 * in them are at most RBP_NAME_MAX or IFNAMSIZ long (checked first)
 */
static char rbp_errbuf[512];

PRINTFRR(1, 2)
static const char *rbp_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintfrr(rbp_errbuf, sizeof(rbp_errbuf), fmt, ap);
	va_end(ap);
	return rbp_errbuf;
}

const char *rbp_role_name(enum msync_role role)
{
	switch (role) {
	case MSYNC_ROLE_MASTER:
		return "master";
	case MSYNC_ROLE_BACKUP:
		return "backup";
	case MSYNC_ROLE_UNKNOWN:
		break;
	}
	return "unknown";
}

/* Names go into the channel's Hello and into logs: printable, no spaces */
static const char *rbp_name_check(const char *what, const char *name, size_t max)
{
	size_t len = strlen(name);

	if (len >= max)
		return rbp_err("%s name is too long (%zu characters, at most %zu)", what, len,
			       max - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			return rbp_err("%s name may only contain printable characters", what);
	return NULL;
}

static const char *rbp_ifname_check(const char *ifname)
{
	return rbp_name_check("interface", ifname, IFNAMSIZ);
}

/* --- services --------------------------------------------------------- */

struct rbp_service *rbp_service_find(const char *name)
{
	struct rbp_service key;

	if (strlcpy(key.name, name, sizeof(key.name)) >= sizeof(key.name))
		return NULL;
	return rbp_services_find(&rbp_services, &key);
}

struct rbp_service *rbp_service_get(const char *name, const char **err)
{
	struct rbp_service *svc = rbp_service_find(name);

	*err = NULL;
	if (svc)
		return svc;
	*err = rbp_name_check("remote-backup-service", name, RBP_NAME_MAX);
	if (*err)
		return NULL;

	svc = XCALLOC(MTYPE_RBP_SERVICE, sizeof(*svc));
	strlcpy(svc->name, name, sizeof(svc->name));
	QOBJ_REG(svc, rbp_service);
	rbp_services_add(&rbp_services, svc);
	DEBUGD(&rbp_dbg_config, "service %s created", svc->name);
	return svc;
}

const char *rbp_service_del_check(const struct rbp_service *svc)
{
	const struct rbp_profile *prf;

	frr_each (rbp_profiles_const, &rbp_profiles, prf)
		if (prf->service == svc)
			return rbp_err("remote-backup-service %s is used by remote-backup-profile %s; remove the profile's backup-id first",
				       svc->name, prf->name);
	return NULL;
}

void rbp_service_free(struct rbp_service *svc)
{
	assert(!svc->session);
	assert(!rbp_service_del_check(svc));
	DEBUGD(&rbp_dbg_config, "service %s deleted", svc->name);
	rbp_services_del(&rbp_services, svc);
	QOBJ_UNREG(svc);
	XFREE(MTYPE_RBP_SERVICE, svc);
}

/* An address a twin router can have: unicast, not ours by definition
 * (loopback), reachable without an interface (not IPv6 link-local)
 */
static const char *rbp_peer_check(const union sockunion *su, const char *what)
{
	if (sockunion_family(su) == AF_INET) {
		uint32_t a = ntohl(su->sin.sin_addr.s_addr);

		if (a == INADDR_ANY || a == INADDR_BROADCAST || IN_MULTICAST(a) || IN_EXPERIMENTAL(a))
			return rbp_err("%s %pSU is not a unicast address", what, su);
		if ((a >> 24) == IN_LOOPBACKNET)
			return rbp_err("%s %pSU is a loopback address", what, su);
		return NULL;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&su->sin6.sin6_addr) ||
	    IN6_IS_ADDR_MULTICAST(&su->sin6.sin6_addr) || IN6_IS_ADDR_V4MAPPED(&su->sin6.sin6_addr))
		return rbp_err("%s %pSU is not a unicast address", what, su);
	if (IN6_IS_ADDR_LOOPBACK(&su->sin6.sin6_addr))
		return rbp_err("%s %pSU is a loopback address", what, su);
	if (IN6_IS_ADDR_LINKLOCAL(&su->sin6.sin6_addr))
		return rbp_err("%s %pSU is link-local: use a global address (the channel has no interface)",
			       what, su);
	return NULL;
}

static bool rbp_address_is_local(const union sockunion *su)
{
	const void *addr = sockunion_family(su) == AF_INET ? (const void *)&su->sin.sin_addr
							    : (const void *)&su->sin6.sin6_addr;

	return if_address_is_local(addr, sockunion_family(su), VRF_DEFAULT);
}

const char *rbp_service_problem(const struct rbp_service *svc)
{
	if (!svc->peer_set)
		return NULL;
	if (!rbp_address_is_local(&svc->source))
		return rbp_err("source %pSU is not an address of this router", &svc->source);
	return NULL;
}

const char *rbp_service_set_peer(struct rbp_service *svc, const union sockunion *peer,
				 const union sockunion *source, long port, bool strict)
{
	const struct rbp_service *other;
	const char *err;

	if (sockunion_family(peer) != sockunion_family(source))
		return rbp_err("peer %pSU and source %pSU are not of the same address family", peer,
			       source);
	if (sockunion_same(peer, source))
		return rbp_err("peer and source are the same address %pSU", peer);
	err = rbp_peer_check(peer, "peer");
	if (!err)
		err = rbp_peer_check(source, "source");
	if (err)
		return err;
	/* at boot the service comes before the interface addresses */
	if (strict && !rbp_address_is_local(source))
		return rbp_err("source %pSU is not an address of this router", source);
	/* pim6d uses port + 1 for the MLD channel of the same service */
	if (port < 1 || port > 65534)
		return rbp_err("port %ld is not valid: use 1-65534 (the MLD channel uses port + 1)",
			       port);

	/* two services on one source address need distinct port pairs */
	frr_each (rbp_services_const, &rbp_services, other) {
		if (other == svc || !other->peer_set || !sockunion_same(&other->source, source))
			continue;
		if (labs((long)other->port - port) < 2)
			return rbp_err("port %ld overlaps remote-backup-service %s (source %pSU, ports %u-%u)",
				       port, other->name, source, other->port, other->port + 1);
	}

	svc->peer = *peer;
	svc->source = *source;
	svc->port = port;
	svc->peer_set = true;
	DEBUGD(&rbp_dbg_config, "service %s: peer %pSU source %pSU port %u", svc->name, &svc->peer,
	       &svc->source, svc->port);
	return NULL;
}

void rbp_service_unset_peer(struct rbp_service *svc)
{
	svc->peer_set = false;
	memset(&svc->peer, 0, sizeof(svc->peer));
	memset(&svc->source, 0, sizeof(svc->source));
	svc->port = 0;
}

const char *rbp_service_set_auth(struct rbp_service *svc, const char *keychain)
{
	const char *err;

	if (!keychain) {
		svc->auth_keychain[0] = '\0';
		return NULL;
	}
	err = rbp_name_check("key chain", keychain, sizeof(svc->auth_keychain));
	if (err)
		return err;
	strlcpy(svc->auth_keychain, keychain, sizeof(svc->auth_keychain));
	DEBUGD(&rbp_dbg_config, "service %s: authentication key-chain %s", svc->name, keychain);
	return NULL;
}

const char *rbp_service_set_password(struct rbp_service *svc, const char *password)
{
	size_t len;

	if (!password) {
		svc->password[0] = '\0';
		return NULL;
	}
	len = strlen(password);
	if (len > MSYNC_TCP_KEY_MAX)
		return rbp_err("password is too long (%zu characters, TCP-MD5 takes at most %d)",
			       len, MSYNC_TCP_KEY_MAX);
	/* the kernel uses one of TCP-MD5 and TCP-AO per connection */
	if (svc->tcp_ao_keychain[0])
		return rbp_err("remote-backup-service %s uses tcp-ao key-chain %s: remove it first (the kernel signs a connection with one of TCP-MD5 and TCP-AO)",
			       svc->name, svc->tcp_ao_keychain);
	strlcpy(svc->password, password, sizeof(svc->password));
	return NULL;
}

void rbp_service_set_ttl_security(struct rbp_service *svc, bool on)
{
	svc->ttl_security = on;
}

const char *rbp_service_set_tcp_ao(struct rbp_service *svc, const char *keychain)
{
	const char *err;

	if (!keychain) {
		svc->tcp_ao_keychain[0] = '\0';
		return NULL;
	}
	err = rbp_name_check("key chain", keychain, sizeof(svc->tcp_ao_keychain));
	if (err)
		return err;
	if (svc->password[0])
		return rbp_err("remote-backup-service %s has a password: remove it first (the kernel signs a connection with one of TCP-MD5 and TCP-AO)",
			       svc->name);
	strlcpy(svc->tcp_ao_keychain, keychain, sizeof(svc->tcp_ao_keychain));
	return NULL;
}

const char *rbp_service_set_timers(struct rbp_service *svc, uint32_t keepalive_ms, uint32_t hold_ms)
{
	if (!keepalive_ms && !hold_ms) {
		svc->keepalive_ms = svc->hold_ms = 0;
		return NULL;
	}
	if (keepalive_ms < RBP_KEEPALIVE_MIN || keepalive_ms > RBP_KEEPALIVE_MAX)
		return rbp_err("keepalive %u ms is out of range (%u-%u)", keepalive_ms,
			       RBP_KEEPALIVE_MIN, RBP_KEEPALIVE_MAX);
	if (hold_ms < MSYNC_HOLD_MIN || hold_ms > RBP_HOLD_MAX)
		return rbp_err("hold %u ms is out of range (%u-%u)", hold_ms, MSYNC_HOLD_MIN,
			       RBP_HOLD_MAX);
	if (hold_ms < 3 * keepalive_ms)
		return rbp_err("hold %u ms is less than 3 x keepalive (%u ms): a twin would be declared dead after fewer than 3 keepalives",
			       hold_ms, 3 * keepalive_ms);
	svc->keepalive_ms = keepalive_ms;
	svc->hold_ms = hold_ms;
	DEBUGD(&rbp_dbg_config, "service %s: timers keepalive %u hold %u", svc->name, keepalive_ms,
	       hold_ms);
	return NULL;
}

const char *rbp_service_set_digest(struct rbp_service *svc, uint32_t digest_ms)
{
	if (digest_ms && (digest_ms < RBP_DIGEST_MIN || digest_ms > RBP_DIGEST_MAX))
		return rbp_err("digest %u ms is out of range (%u-%u)", digest_ms, RBP_DIGEST_MIN,
			       RBP_DIGEST_MAX);
	svc->digest_ms = digest_ms;
	DEBUGD(&rbp_dbg_config, "service %s: timers digest %u", svc->name, digest_ms);
	return NULL;
}

/* --- profiles --------------------------------------------------------- */

struct rbp_profile *rbp_profile_find(const char *name)
{
	struct rbp_profile key;

	if (strlcpy(key.name, name, sizeof(key.name)) >= sizeof(key.name))
		return NULL;
	return rbp_profiles_find(&rbp_profiles, &key);
}

struct rbp_profile *rbp_profile_get(const char *name, const char **err)
{
	struct rbp_profile *prf = rbp_profile_find(name);

	*err = NULL;
	if (prf)
		return prf;
	*err = rbp_name_check("remote-backup-profile", name, RBP_NAME_MAX);
	if (*err)
		return NULL;

	prf = XCALLOC(MTYPE_RBP_PROFILE, sizeof(*prf));
	strlcpy(prf->name, name, sizeof(prf->name));
	prf->role = MSYNC_ROLE_UNKNOWN;
	prf->max_entries = RBP_MAX_ENTRIES_DEFAULT;
	QOBJ_REG(prf, rbp_profile);
	rbp_profiles_add(&rbp_profiles, prf);
	DEBUGD(&rbp_dbg_config, "profile %s created", prf->name);
	return prf;
}

struct rbp_profile *rbp_profile_by_id(const struct rbp_service *svc, uint32_t backup_id)
{
	struct rbp_profile *prf;

	frr_each (rbp_profiles, &rbp_profiles, prf)
		if (prf->service == svc && prf->backup_id == backup_id)
			return prf;
	return NULL;
}

bool rbp_if_bound(const struct rbp_if *rif, const struct rbp_profile *prf)
{
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i] == prf)
			return true;
	return false;
}

static const struct rbp_if *rbp_profile_first_if(const struct rbp_profile *prf)
{
	const struct rbp_if *rif;

	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			return rif;
	return NULL;
}

const char *rbp_profile_del_check(const struct rbp_profile *prf)
{
	const struct rbp_if *rif = rbp_profile_first_if(prf);

	if (rif)
		return rbp_err("remote-backup-profile %s is bound to interface %s; unbind it first",
			       prf->name, rif->name);
	return NULL;
}

void rbp_profile_free(struct rbp_profile *prf)
{
	assert(!rbp_profile_del_check(prf));
	assert(!prf->t_split);
	DEBUGD(&rbp_dbg_config, "profile %s deleted", prf->name);
	rbp_profiles_del(&rbp_profiles, prf);
	QOBJ_UNREG(prf);
	XFREE(MTYPE_RBP_PROFILE, prf);
}

const char *rbp_profile_set_backup_id(struct rbp_profile *prf, long id, const char *service)
{
	struct rbp_service *svc = rbp_service_find(service);
	const struct rbp_profile *other;

	if (!svc)
		return rbp_name_check("remote-backup-service", service, RBP_NAME_MAX)
			       ?: rbp_err("remote-backup-service %s does not exist; create it first",
					  service);
	if (id < 1 || id > 65535)
		return rbp_err("backup-id %ld is not valid: use 1-65535", id);

	frr_each (rbp_profiles_const, &rbp_profiles, other)
		if (other != prf && other->service == svc && other->backup_id == id)
			return rbp_err("backup-id %ld is already used by remote-backup-profile %s on remote-backup-service %s",
				       id, other->name, svc->name);

	prf->backup_id = id;
	prf->service = svc;
	DEBUGD(&rbp_dbg_config, "profile %s: backup-id %u service %s", prf->name, prf->backup_id,
	       svc->name);
	return NULL;
}

void rbp_profile_unset_backup_id(struct rbp_profile *prf)
{
	prf->backup_id = 0;
	prf->service = NULL;
}

static uint8_t rbp_svc_family(enum msync_svc type)
{
	return type == MSYNC_SVC_IGMP ? 4 : type == MSYNC_SVC_MLD ? 6 : 0;
}

const char *rbp_profile_set_type(struct rbp_profile *prf, enum msync_svc type)
{
	const struct rbp_if *rif = rbp_profile_first_if(prf);

	if (type == prf->type)
		return NULL;
	if (rif && type == MSYNC_SVC_NONE)
		return rbp_err("remote-backup-profile %s is bound to interface %s; unbind it first",
			       prf->name, rif->name);
	if (type != MSYNC_SVC_NONE && prf->vrrp.family && prf->vrrp.family != RBP_FAMILY_ETRUNK &&
	    prf->vrrp.family != rbp_svc_family(type))
		return rbp_err("service-type %s needs a %s group: remove %s %u first",
			       msync_svc_name(type), type == MSYNC_SVC_IGMP ? "vrrp-id" : "vrrp6-id",
			       prf->vrrp.family == 4 ? "vrrp-id" : "vrrp6-id", prf->vrrp.vrid);

	/* another profile of the same type on one of our interfaces */
	frr_each (rbp_ifs_const, &rbp_ifs, rif) {
		if (!rbp_if_bound(rif, prf))
			continue;
		for (int i = 0; i < RBP_IF_MAX_PROFILES; i++) {
			const struct rbp_profile *o = rif->profiles[i];

			if (o && o != prf && o->type == type)
				return rbp_err("interface %s is bound to remote-backup-profile %s of service-type %s already",
					       rif->name, o->name, msync_svc_name(type));
		}
	}
	prf->type = type;
	DEBUGD(&rbp_dbg_config, "profile %s: service-type %s", prf->name, msync_svc_name(type));
	return NULL;
}

const char *rbp_profile_set_hot(struct rbp_profile *prf, bool hot)
{
	prf->hot = hot;
	return NULL;
}

const char *rbp_profile_set_max_entries(struct rbp_profile *prf, long max)
{
	if (max < 1 || max > 1000000)
		return rbp_err("max-entries %ld is not valid: use 1-1000000", max);
	prf->max_entries = max;
	return NULL;
}

const char *rbp_profile_set_vrrp(struct rbp_profile *prf, uint8_t family, long vrid,
				 const char *ifname)
{
	const char *err;

	if (vrid < 1 || vrid > 255)
		return rbp_err("VRRP virtual router id %ld is not valid: use 1-255", vrid);
	err = rbp_ifname_check(ifname);
	if (err)
		return err;
	if (prf->type != MSYNC_SVC_NONE && family != rbp_svc_family(prf->type))
		return rbp_err("remote-backup-profile %s is of service-type %s: use %s", prf->name,
			       msync_svc_name(prf->type),
			       prf->type == MSYNC_SVC_IGMP ? "vrrp-id" : "vrrp6-id");

	prf->vrrp.family = family;
	prf->vrrp.vrid = vrid;
	strlcpy(prf->vrrp.ifname, ifname, sizeof(prf->vrrp.ifname));
	return NULL;
}

const char *rbp_profile_set_etrunk(struct rbp_profile *prf, long id, const char *ifname)
{
	const char *err;

	if (id < 1 || id > 16)
		return rbp_err("E-Trunk ID %ld is not valid: use 1-16", id);
	err = rbp_ifname_check(ifname);
	if (err)
		return err;
	prf->vrrp.family = RBP_FAMILY_ETRUNK;
	prf->vrrp.vrid = id;
	strlcpy(prf->vrrp.ifname, ifname, sizeof(prf->vrrp.ifname));
	return NULL;
}

void rbp_profile_unset_vrrp(struct rbp_profile *prf)
{
	memset(&prf->vrrp, 0, sizeof(prf->vrrp));
}

bool rbp_profile_vrrp_on_lan(const struct rbp_profile *prf)
{
	const struct rbp_if *rif = rbp_if_find(prf->vrrp.ifname);

	return rif && rbp_if_bound(rif, prf);
}

bool rbp_profile_is_ours(const struct rbp_profile *prf)
{
	return prf->type == RBP_SVC_SELF && prf->service && prf->service->peer_set;
}

/* --- interface bindings ----------------------------------------------- */

struct rbp_if *rbp_if_find(const char *ifname)
{
	struct rbp_if key;

	if (strlcpy(key.name, ifname, sizeof(key.name)) >= sizeof(key.name))
		return NULL;
	return rbp_ifs_find(&rbp_ifs, &key);
}

struct rbp_profile *rbp_if_profile(const struct rbp_if *rif)
{
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i] && rif->profiles[i]->type == RBP_SVC_SELF)
			return rif->profiles[i];
	return NULL;
}

const struct rbp_vrrp_ref *rbp_if_role_ref(const struct rbp_if *rif, bool *lan)
{
	const struct rbp_profile *prf;

	if (rif->track.family) {
		*lan = !strcmp(rif->track.ifname, rif->name);
		return &rif->track;
	}
	prf = rbp_if_profile(rif);
	if (prf && prf->vrrp.family) {
		*lan = !strcmp(prf->vrrp.ifname, rif->name);
		return &prf->vrrp;
	}
	*lan = false;
	return NULL;
}

static bool rbp_if_empty(const struct rbp_if *rif)
{
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i])
			return false;
	return !rif->track.family && !rif->ignore_dr && !rif->ignore_assert;
}

/* The interface's state, created on demand */
static struct rbp_if *rbp_if_get(const char *ifname, const char **err)
{
	struct rbp_if *rif = rbp_if_find(ifname);

	*err = NULL;
	if (rif)
		return rif;
	*err = rbp_ifname_check(ifname);
	if (*err)
		return NULL;
	rif = XCALLOC(MTYPE_RBP_IF, sizeof(*rif));
	strlcpy(rif->name, ifname, sizeof(rif->name));
	rif->track_role = MSYNC_ROLE_UNKNOWN;
	rbp_ifs_add(&rbp_ifs, rif);
	return rif;
}

/* Released when it holds nothing; nothing keeps an rbp_if pointer across
 * events (entries and decisions refer to interfaces by name)
 */
static void rbp_if_release(struct rbp_if *rif)
{
	if (!rbp_if_empty(rif))
		return;
	rbp_ifs_del(&rbp_ifs, rif);
	XFREE(MTYPE_RBP_IF, rif);
}

const char *rbp_if_set_track(const char *ifname, uint8_t family, long vrid, const char *vrrp_ifname,
			     bool ignore_if_down)
{
	const char *err;
	struct rbp_if *rif;

	if (vrid < 1 || vrid > 255)
		return rbp_err("VRRP virtual router id %ld is not valid: use 1-255", vrid);
	if (vrrp_ifname) {
		err = rbp_ifname_check(vrrp_ifname);
		if (err)
			return err;
	}
	rif = rbp_if_get(ifname, &err);
	if (!rif)
		return err;
	rif->track.family = family;
	rif->track.vrid = vrid;
	rif->track_admin = vrrp_ifname != NULL;
	rif->track_ignore_if_down = vrrp_ifname && ignore_if_down;
	strlcpy(rif->track.ifname, vrrp_ifname ? vrrp_ifname : ifname, sizeof(rif->track.ifname));
	return NULL;
}

void rbp_if_unset_track(const char *ifname)
{
	struct rbp_if *rif = rbp_if_find(ifname);

	if (!rif)
		return;
	memset(&rif->track, 0, sizeof(rif->track));
	rif->track_admin = false;
	rif->track_ignore_if_down = false;
	rif->track_role = MSYNC_ROLE_UNKNOWN;
	rbp_if_release(rif);
}

const char *rbp_if_set_ignore(const char *ifname, bool dr, bool on)
{
	const char *err;
	struct rbp_if *rif = on ? rbp_if_get(ifname, &err) : rbp_if_find(ifname);

	if (!rif)
		return on ? err : NULL;
	if (dr)
		rif->ignore_dr = on;
	else
		rif->ignore_assert = on;
	if (!on)
		rbp_if_release(rif);
	return NULL;
}

const char *rbp_if_bind(const char *ifname, const char *profile)
{
	struct rbp_profile *prf = rbp_profile_find(profile);
	struct rbp_if *rif = rbp_if_find(ifname);
	const char *err;
	int slot = -1;

	if (!prf)
		return rbp_name_check("remote-backup-profile", profile, RBP_NAME_MAX)
			       ?: rbp_err("remote-backup-profile %s does not exist; create it first",
					  profile);
	if (rif && rbp_if_bound(rif, prf))
		return NULL;
	/* the type says which daemon acts on the interface's memberships */
	if (prf->type == MSYNC_SVC_NONE)
		return rbp_err("remote-backup-profile %s has no service-type; set it first",
			       prf->name);

	for (int i = 0; rif && i < RBP_IF_MAX_PROFILES; i++) {
		const struct rbp_profile *o = rif->profiles[i];

		if (!o) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (o->type == prf->type)
			return rbp_err("interface %s is bound to remote-backup-profile %s of service-type %s already",
				       ifname, o->name, msync_svc_name(o->type));
	}
	if (rif && slot < 0)
		return rbp_err("interface %s is bound to %d profiles already (one per service type)",
			       ifname, RBP_IF_MAX_PROFILES);

	if (!rif) {
		rif = rbp_if_get(ifname, &err);
		if (!rif)
			return err;
		slot = 0;
	}
	rif->profiles[slot] = prf;
	DEBUGD(&rbp_dbg_config, "interface %s bound to profile %s", ifname, prf->name);
	return NULL;
}

const char *rbp_if_unbind(const char *ifname, const char *profile)
{
	struct rbp_if *rif = rbp_if_find(ifname);
	struct rbp_profile *prf = rbp_profile_find(profile);

	if (!rif || !prf || !rbp_if_bound(rif, prf))
		return rbp_name_check("remote-backup-profile", profile, RBP_NAME_MAX)
			       ?: rbp_err("interface %s is not bound to remote-backup-profile %s",
					  ifname, profile);

	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i] == prf)
			rif->profiles[i] = NULL;
	DEBUGD(&rbp_dbg_config, "interface %s unbound from profile %s", ifname, prf->name);
	rbp_if_release(rif);
	return NULL;
}

/* --- init ------------------------------------------------------------- */

void rbp_config_init(void)
{
	rbp_services_init(&rbp_services);
	rbp_profiles_init(&rbp_profiles);
	rbp_ifs_init(&rbp_ifs);
}

/* The coordinator has stopped every channel and timer */
void rbp_config_fini(void)
{
	struct rbp_if *rif;
	struct rbp_profile *prf;
	struct rbp_service *svc;

	while ((rif = rbp_ifs_pop(&rbp_ifs)))
		XFREE(MTYPE_RBP_IF, rif);
	while ((prf = rbp_profiles_pop(&rbp_profiles))) {
		QOBJ_UNREG(prf);
		XFREE(MTYPE_RBP_PROFILE, prf);
	}
	while ((svc = rbp_services_pop(&rbp_services))) {
		QOBJ_UNREG(svc);
		XFREE(MTYPE_RBP_SERVICE, svc);
	}
	rbp_ifs_fini(&rbp_ifs);
	rbp_profiles_fini(&rbp_profiles);
	rbp_services_fini(&rbp_services);
}
