// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mldsync entries: key order, validation and names.
 */
#include <zebra.h>

#include "memory.h"

#include "mldsync/msync_private.h"

DEFINE_MGROUP(MSYNC, "mldsync");

uint32_t msync_debug;

size_t msync_addr_len(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	}
	return 0;
}

enum msync_svc msync_family_svc(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return MSYNC_SVC_IGMP;
	case AF_INET6:
		return MSYNC_SVC_MLD;
	}
	return MSYNC_SVC_NONE;
}

uint8_t msync_svc_family(enum msync_svc svc)
{
	switch (svc) {
	case MSYNC_SVC_IGMP:
		return AF_INET;
	case MSYNC_SVC_MLD:
		return AF_INET6;
	case MSYNC_SVC_NONE:
		break;
	}
	return AF_UNSPEC;
}

const char *msync_svc_name(enum msync_svc svc)
{
	switch (svc) {
	case MSYNC_SVC_IGMP:
		return "igmp";
	case MSYNC_SVC_MLD:
		return "mld";
	case MSYNC_SVC_NONE:
		break;
	}
	return "none";
}

void msync_key_normalize(struct msync_key *k)
{
	size_t alen = msync_addr_len(k->family);
	size_t nlen = strnlen(k->ifname, sizeof(k->ifname));

	if (nlen == sizeof(k->ifname))
		nlen--;
	memset(k->ifname + nlen, 0, sizeof(k->ifname) - nlen);
	memset((uint8_t *)&k->group + alen, 0, sizeof(k->group) - alen);
	memset((uint8_t *)&k->source + alen, 0, sizeof(k->source) - alen);
}

int msync_key_cmp(const struct msync_key *a, const struct msync_key *b)
{
	size_t alen;
	int r;

	if (a->backup_id != b->backup_id)
		return a->backup_id < b->backup_id ? -1 : 1;
	r = strncmp(a->ifname, b->ifname, sizeof(a->ifname));
	if (r)
		return r < 0 ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	alen = msync_addr_len(a->family);
	r = memcmp(&a->group, &b->group, alen);
	if (r)
		return r < 0 ? -1 : 1;
	r = memcmp(&a->source, &b->source, alen);
	if (r)
		return r < 0 ? -1 : 1;
	return 0;
}

static bool addr_is_zero(const union msync_addr *a, size_t alen)
{
	static const union msync_addr zero;

	return memcmp(a, &zero, alen) == 0;
}

static bool addr_is_mcast(uint8_t family, const union msync_addr *a)
{
	if (family == AF_INET)
		return IN_MULTICAST(ntohl(a->v4.s_addr));
	return IN6_IS_ADDR_MULTICAST(&a->v6);
}

char *msync_key_str(const struct msync_key *k, char *buf, size_t len)
{
	char g[INET6_ADDRSTRLEN] = "?", src[INET6_ADDRSTRLEN] = "?";
	size_t alen = msync_addr_len(k->family);

	if (alen) {
		inet_ntop(k->family, &k->group, g, sizeof(g));
		if (addr_is_zero(&k->source, alen))
			strlcpy(src, "*", sizeof(src));
		else
			inet_ntop(k->family, &k->source, src, sizeof(src));
	}
	snprintf(buf, len, "backup-id %u %.*s (%s,%s)", k->backup_id, MSYNC_NAME_MAX - 1, k->ifname,
		 src, g);
	return buf;
}

int msync_key_check_why(const struct msync_key *k, enum msync_err *err, char *why, size_t whylen)
{
	char a[INET6_ADDRSTRLEN];
	size_t nlen, i;

	if (k->family != AF_INET && k->family != AF_INET6) {
		snprintf(why, whylen, "address family %u", k->family);
		*err = MSYNC_ERR_BAD_FAMILY;
		return -1;
	}
	nlen = strnlen(k->ifname, sizeof(k->ifname));
	if (nlen == 0 || nlen == sizeof(k->ifname)) {
		snprintf(why, whylen, "interface name empty or too long");
		*err = MSYNC_ERR_BAD_VALUE;
		return -1;
	}
	for (i = 0; i < nlen; i++)
		if ((unsigned char)k->ifname[i] < 0x21 || (unsigned char)k->ifname[i] > 0x7e) {
			snprintf(why, whylen, "interface name has a non-printable byte");
			*err = MSYNC_ERR_BAD_VALUE;
			return -1;
		}
	if (!addr_is_mcast(k->family, &k->group)) {
		inet_ntop(k->family, &k->group, a, sizeof(a));
		snprintf(why, whylen, "group %s is not multicast", a);
		*err = MSYNC_ERR_BAD_GROUP;
		return -1;
	}
	if (addr_is_mcast(k->family, &k->source)) {
		inet_ntop(k->family, &k->source, a, sizeof(a));
		snprintf(why, whylen, "source %s is multicast", a);
		*err = MSYNC_ERR_BAD_GROUP;
		return -1;
	}
	return 0;
}

int msync_entry_check_why(const struct msync_entry *e, enum msync_err *err, char *why, size_t whylen)
{
	if (msync_key_check_why(&e->key, err, why, whylen) < 0)
		return -1;
	if (e->filter != MSYNC_FILTER_INCLUDE && e->filter != MSYNC_FILTER_EXCLUDE) {
		snprintf(why, whylen, "filter mode %d", (int)e->filter);
		*err = MSYNC_ERR_BAD_VALUE;
		return -1;
	}
	if (e->version < 1 || e->version > (e->key.family == AF_INET ? 3 : 2)) {
		snprintf(why, whylen, "%s version %u", e->key.family == AF_INET ? "IGMP" : "MLD",
			 e->version);
		*err = MSYNC_ERR_BAD_VALUE;
		return -1;
	}
	if (e->origin_role != MSYNC_ROLE_UNKNOWN && e->origin_role != MSYNC_ROLE_MASTER &&
	    e->origin_role != MSYNC_ROLE_BACKUP) {
		snprintf(why, whylen, "role %d", (int)e->origin_role);
		*err = MSYNC_ERR_BAD_VALUE;
		return -1;
	}
	return 0;
}

int msync_entry_check(const struct msync_entry *e, enum msync_err *err)
{
	enum msync_err class;
	char why[128];

	if (msync_entry_check_why(e, &class, why, sizeof(why)) < 0) {
		if (err)
			*err = class;
		return -1;
	}
	return 0;
}

const char *msync_state_name(enum msync_state st)
{
	switch (st) {
	case MSYNC_ST_IDLE:
		return "idle";
	case MSYNC_ST_CONNECT:
		return "connect";
	case MSYNC_ST_HELLO:
		return "hello";
	case MSYNC_ST_RESYNC:
		return "resync";
	case MSYNC_ST_ESTABLISHED:
		return "established";
	case MSYNC_ST_REFUSED:
		return "refused";
	}
	return "?";
}

const char *msync_err_name(enum msync_err err)
{
	switch (err) {
	case MSYNC_ERR_TRUNCATED:
		return "truncated";
	case MSYNC_ERR_OVERSIZE:
		return "oversize";
	case MSYNC_ERR_ZERO_LENGTH:
		return "zero-length";
	case MSYNC_ERR_UNKNOWN_TYPE:
		return "unknown-type";
	case MSYNC_ERR_DECODE:
		return "decode";
	case MSYNC_ERR_MISSING_FIELD:
		return "missing-field";
	case MSYNC_ERR_VERSION:
		return "version";
	case MSYNC_ERR_HELLO_MISMATCH:
		return "hello-mismatch";
	case MSYNC_ERR_UNKNOWN_BACKUP_ID:
		return "unknown-backup-id";
	case MSYNC_ERR_BAD_GROUP:
		return "bad-group";
	case MSYNC_ERR_BAD_FAMILY:
		return "bad-family";
	case MSYNC_ERR_HOLD_EXPIRED:
		return "hold-expired";
	case MSYNC_ERR_SOCKET:
		return "socket";
	case MSYNC_ERR_BAD_VALUE:
		return "bad-value";
	case MSYNC_ERR_SEQUENCE:
		return "sequence";
	case MSYNC_ERR_UNEXPECTED:
		return "unexpected";
	case MSYNC_ERR_AUTH:
		return "auth";
	case MSYNC_ERR_HANDSHAKE_TIMEOUT:
		return "handshake-timeout";
	case MSYNC_ERR_WRITE_STALLED:
		return "write-stalled";
	case MSYNC_ERR_MAX:
		break;
	}
	return "?";
}

const char *msync_auth_fail_name(enum msync_auth_fail f)
{
	switch (f) {
	case MSYNC_AUTH_FAIL_MODE:
		return "mode-mismatch";
	case MSYNC_AUTH_FAIL_NO_SEND_KEY:
		return "no-send-key";
	case MSYNC_AUTH_FAIL_KEY_REJECTED:
		return "key-not-accepted";
	case MSYNC_AUTH_FAIL_BAD_MAC:
		return "bad-mac";
	case MSYNC_AUTH_FAIL_MAX:
		break;
	}
	return "?";
}

const char *msync_auth_name(enum msync_auth a)
{
	switch (a) {
	case MSYNC_AUTH_NONE:
		return "none";
	case MSYNC_AUTH_HMAC_SHA256:
		return "hmac-sha-256";
	}
	return "unknown";
}
