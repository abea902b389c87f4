// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pimd-rbp: configuration store of services, profiles and interface
 * bindings, with the checks that keep it consistent.  Every setter either
 * applies the whole change or none of it and says why.
 */
#include <zebra.h>

#include "memory.h"
#include "sockunion.h"

#include "rbp.h"
#include "rbp_role.h"

DEFINE_MGROUP(RBP, "remote backup (pimd-rbp)");
DEFINE_MTYPE_STATIC(RBP, RBP_SERVICE, "remote-backup-service");
DEFINE_MTYPE_STATIC(RBP, RBP_PROFILE, "remote-backup-profile");
DEFINE_MTYPE_STATIC(RBP, RBP_IF, "remote-backup interface");

DEFINE_QOBJ_TYPE(rbp_service);
DEFINE_QOBJ_TYPE(rbp_profile);

struct rbp_services_head rbp_services;
struct rbp_profiles_head rbp_profiles;
struct rbp_ifs_head rbp_ifs;

/* messages are returned to the CLI, which prints them after "% " */
static char rbp_errbuf[256];

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

static const char *rbp_name_check(const char *what, const char *name)
{
	if (strlen(name) >= RBP_NAME_MAX)
		return rbp_err("%s name %s is too long (at most %d characters)", what, name,
			       RBP_NAME_MAX - 1);
	return NULL;
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
	*err = rbp_name_check("remote-backup-service", name);
	if (*err)
		return NULL;

	svc = XCALLOC(MTYPE_RBP_SERVICE, sizeof(*svc));
	strlcpy(svc->name, name, sizeof(svc->name));
	QOBJ_REG(svc, rbp_service);
	rbp_services_add(&rbp_services, svc);
	DEBUGD(&rbp_dbg_config, "service %s created", svc->name);
	return svc;
}

size_t rbp_service_profile_count(const struct rbp_service *svc)
{
	const struct rbp_profile *prf;
	size_t n = 0;

	frr_each (rbp_profiles_const, &rbp_profiles, prf)
		if (prf->service == svc)
			n++;
	return n;
}

const char *rbp_service_del(struct rbp_service *svc)
{
	const struct rbp_profile *prf;

	frr_each (rbp_profiles_const, &rbp_profiles, prf)
		if (prf->service == svc)
			return rbp_err("remote-backup-service %s is used by remote-backup-profile %s; remove the profile's backup-id first",
				       svc->name, prf->name);

	DEBUGD(&rbp_dbg_config, "service %s deleted", svc->name);
	rbp_services_del(&rbp_services, svc);
	QOBJ_UNREG(svc);
	XFREE(MTYPE_RBP_SERVICE, svc);
	rbp_config_changed();
	return NULL;
}

const char *rbp_service_set_peer(struct rbp_service *svc, const union sockunion *peer,
				 const union sockunion *source, long port)
{
	const struct rbp_service *other;

	if (sockunion_family(peer) != sockunion_family(source))
		return rbp_err("peer %pSU and source %pSU are not of the same address family", peer,
			       source);
	if (sockunion_same(peer, source))
		return rbp_err("peer and source are the same address %pSU", peer);
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

	if (svc->peer_set && sockunion_same(&svc->peer, peer) &&
	    sockunion_same(&svc->source, source) && svc->port == port)
		return NULL;

	svc->peer = *peer;
	svc->source = *source;
	svc->port = port;
	svc->peer_set = true;
	DEBUGD(&rbp_dbg_config, "service %s: peer %pSU source %pSU port %u", svc->name, &svc->peer,
	       &svc->source, svc->port);
	rbp_config_changed();
	return NULL;
}

void rbp_service_unset_peer(struct rbp_service *svc)
{
	if (!svc->peer_set)
		return;
	svc->peer_set = false;
	memset(&svc->peer, 0, sizeof(svc->peer));
	memset(&svc->source, 0, sizeof(svc->source));
	svc->port = 0;
	rbp_config_changed();
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
	*err = rbp_name_check("remote-backup-profile", name);
	if (*err)
		return NULL;

	prf = XCALLOC(MTYPE_RBP_PROFILE, sizeof(*prf));
	strlcpy(prf->name, name, sizeof(prf->name));
	prf->role = MSYNC_ROLE_UNKNOWN;
	QOBJ_REG(prf, rbp_profile);
	rbp_profiles_add(&rbp_profiles, prf);
	DEBUGD(&rbp_dbg_config, "profile %s created", prf->name);
	return prf;
}

bool rbp_if_bound(const struct rbp_if *rif, const struct rbp_profile *prf)
{
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i] == prf)
			return true;
	return false;
}

size_t rbp_profile_if_count(const struct rbp_profile *prf)
{
	const struct rbp_if *rif;
	size_t n = 0;

	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			n++;
	return n;
}

const char *rbp_profile_del(struct rbp_profile *prf)
{
	const struct rbp_if *rif;

	frr_each (rbp_ifs_const, &rbp_ifs, rif)
		if (rbp_if_bound(rif, prf))
			return rbp_err("remote-backup-profile %s is bound to interface %s; unbind it first",
				       prf->name, rif->name);

	DEBUGD(&rbp_dbg_config, "profile %s deleted", prf->name);
	rbp_role_profile_gone(prf);
	rbp_profiles_del(&rbp_profiles, prf);
	QOBJ_UNREG(prf);
	XFREE(MTYPE_RBP_PROFILE, prf);
	rbp_config_changed();
	return NULL;
}

const char *rbp_profile_set_backup_id(struct rbp_profile *prf, long id, const char *service)
{
	struct rbp_service *svc = rbp_service_find(service);
	const struct rbp_profile *other;

	if (!svc)
		return rbp_err("remote-backup-service %s does not exist; create it first", service);
	if (id < 1 || id > 65535)
		return rbp_err("backup-id %ld is not valid: use 1-65535", id);

	frr_each (rbp_profiles_const, &rbp_profiles, other)
		if (other != prf && other->service == svc && other->backup_id == id)
			return rbp_err("backup-id %ld is already used by remote-backup-profile %s on remote-backup-service %s",
				       id, other->name, svc->name);

	if (prf->backup_id == id && prf->service == svc)
		return NULL;
	prf->backup_id = id;
	prf->service = svc;
	DEBUGD(&rbp_dbg_config, "profile %s: backup-id %u service %s", prf->name, prf->backup_id,
	       svc->name);
	rbp_config_changed();
	return NULL;
}

void rbp_profile_unset_backup_id(struct rbp_profile *prf)
{
	if (!prf->service)
		return;
	prf->backup_id = 0;
	prf->service = NULL;
	rbp_config_changed();
}

/* Another profile of the same service type bound with prf on one interface */
static const char *rbp_profile_type_conflict(const struct rbp_profile *prf, enum msync_svc type)
{
	const struct rbp_if *rif;

	if (type == MSYNC_SVC_NONE)
		return NULL;
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
	return NULL;
}

const char *rbp_profile_set_type(struct rbp_profile *prf, enum msync_svc type)
{
	const char *err = rbp_profile_type_conflict(prf, type);

	if (err)
		return err;
	if (prf->type == type)
		return NULL;
	prf->type = type;
	DEBUGD(&rbp_dbg_config, "profile %s: service-type %s", prf->name, msync_svc_name(type));
	rbp_config_changed();
	return NULL;
}

const char *rbp_profile_set_vrrp(struct rbp_profile *prf, uint8_t family, long vrid,
				 const char *ifname)
{
	if (vrid < 1 || vrid > 255)
		return rbp_err("VRRP virtual router id %ld is not valid: use 1-255", vrid);
	if (strlen(ifname) >= sizeof(prf->vrrp.ifname))
		return rbp_err("interface name %s is too long", ifname);

	if (prf->vrrp.family == family && prf->vrrp.vrid == vrid &&
	    !strcmp(prf->vrrp.ifname, ifname))
		return NULL;
	prf->vrrp.family = family;
	prf->vrrp.vrid = vrid;
	strlcpy(prf->vrrp.ifname, ifname, sizeof(prf->vrrp.ifname));
	rbp_config_changed();
	return NULL;
}

void rbp_profile_unset_vrrp(struct rbp_profile *prf)
{
	if (!prf->vrrp.family)
		return;
	prf->vrrp.family = 0;
	prf->vrrp.vrid = 0;
	prf->vrrp.ifname[0] = '\0';
	rbp_config_changed();
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

static bool rbp_if_empty(const struct rbp_if *rif)
{
	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i])
			return false;
	return !rif->track.family && !rif->ignore_dr && !rif->ignore_assert;
}

struct rbp_if *rbp_if_get(const char *ifname, const char **err)
{
	struct rbp_if *rif = rbp_if_find(ifname);

	*err = NULL;
	if (rif)
		return rif;
	if (strlen(ifname) >= sizeof(rif->name)) {
		*err = rbp_err("interface name %s is too long", ifname);
		return NULL;
	}
	rif = XCALLOC(MTYPE_RBP_IF, sizeof(*rif));
	strlcpy(rif->name, ifname, sizeof(rif->name));
	rif->track_role = MSYNC_ROLE_UNKNOWN;
	rbp_ifs_add(&rbp_ifs, rif);
	return rif;
}

void rbp_if_release(struct rbp_if *rif)
{
	if (!rbp_if_empty(rif))
		return;
	rbp_ifs_del(&rbp_ifs, rif);
	XFREE(MTYPE_RBP_IF, rif);
}

const char *rbp_if_set_track(const char *ifname, uint8_t family, long vrid, const char *vrrp_ifname)
{
	const char *err;
	struct rbp_if *rif;

	if (vrid < 1 || vrid > 255)
		return rbp_err("VRRP virtual router id %ld is not valid: use 1-255", vrid);
	if (vrrp_ifname && strlen(vrrp_ifname) >= IFNAMSIZ)
		return rbp_err("interface name %s is too long", vrrp_ifname);
	rif = rbp_if_get(ifname, &err);
	if (!rif)
		return err;
	rif->track.family = family;
	rif->track.vrid = vrid;
	rif->track_admin = vrrp_ifname != NULL;
	strlcpy(rif->track.ifname, vrrp_ifname ? vrrp_ifname : ifname, sizeof(rif->track.ifname));
	rbp_config_changed();
	return NULL;
}

void rbp_if_unset_track(const char *ifname)
{
	struct rbp_if *rif = rbp_if_find(ifname);

	if (!rif || !rif->track.family)
		return;
	memset(&rif->track, 0, sizeof(rif->track));
	rif->track_admin = false;
	rif->track_role = MSYNC_ROLE_UNKNOWN;
	rbp_config_changed();
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
	rbp_config_changed();
	if (!on)
		rbp_if_release(rif);
	return NULL;
}

const char *rbp_if_bind(const char *ifname, const char *profile)
{
	struct rbp_profile *prf = rbp_profile_find(profile);
	struct rbp_if *rif = rbp_if_find(ifname);
	int slot = -1;

	if (!prf)
		return rbp_err("remote-backup-profile %s does not exist; create it first", profile);
	if (rif && rbp_if_bound(rif, prf))
		return NULL;

	for (int i = 0; rif && i < RBP_IF_MAX_PROFILES; i++) {
		const struct rbp_profile *o = rif->profiles[i];

		if (!o) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (prf->type != MSYNC_SVC_NONE && o->type == prf->type)
			return rbp_err("interface %s is bound to remote-backup-profile %s of service-type %s already",
				       ifname, o->name, msync_svc_name(o->type));
	}
	if (rif && slot < 0)
		return rbp_err("interface %s is bound to %d profiles already (one per service type)",
			       ifname, RBP_IF_MAX_PROFILES);

	if (!rif) {
		const char *err;

		rif = rbp_if_get(ifname, &err);
		if (!rif)
			return err;
		slot = 0;
	}
	rif->profiles[slot] = prf;
	DEBUGD(&rbp_dbg_config, "interface %s bound to profile %s", ifname, prf->name);
	rbp_config_changed();
	return NULL;
}

const char *rbp_if_unbind(const char *ifname, const char *profile)
{
	struct rbp_if *rif = rbp_if_find(ifname);
	struct rbp_profile *prf = rbp_profile_find(profile);

	if (!rif || !prf || !rbp_if_bound(rif, prf))
		return rbp_err("interface %s is not bound to remote-backup-profile %s", ifname,
			       profile);

	for (int i = 0; i < RBP_IF_MAX_PROFILES; i++)
		if (rif->profiles[i] == prf)
			rif->profiles[i] = NULL;
	DEBUGD(&rbp_dbg_config, "interface %s unbound from profile %s", ifname, prf->name);
	rbp_config_changed();
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

void rbp_config_fini(void)
{
	struct rbp_if *rif;
	struct rbp_profile *prf;
	struct rbp_service *svc;

	while ((rif = rbp_ifs_pop(&rbp_ifs)))
		XFREE(MTYPE_RBP_IF, rif);
	while ((prf = rbp_profiles_pop(&rbp_profiles))) {
		rbp_role_profile_gone(prf);
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
