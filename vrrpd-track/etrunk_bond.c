// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vrrpd-track: a bond's LACP actor system, set and read over rtnetlink
 * (etrunk_bond.h).  The messages are laid out as iproute2's
 * `ip link set DEV type bond ad_actor_system MAC ad_actor_sys_prio N`
 * does: nests without NLA_F_NESTED, every attribute padded to 4 bytes,
 * each nest's length covering its padding.  Built and parsed with memcpy:
 * the buffers need not be aligned.
 */
#include <zebra.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>

#include "privs.h"

#include "etrunk_bond.h"

#define BOND_KIND "bond"

/* --- building --------------------------------------------------------- */

/* Appends an attribute at *off (payload len bytes, NULL: none yet);
 * returns where it starts, or -1 if it does not fit */
static ssize_t put_rta(uint8_t *buf, size_t size, size_t *off, unsigned short type,
		       const void *data, size_t len)
{
	struct rtattr rta;
	size_t start = *off;
	size_t total = RTA_ALIGN(RTA_LENGTH(len));

	if (start > size || size - start < total)
		return -1;
	rta.rta_len = RTA_LENGTH(len);
	rta.rta_type = type;
	memset(buf + start, 0, total);
	memcpy(buf + start, &rta, sizeof(rta));
	if (len)
		memcpy(buf + start + RTA_LENGTH(0), data, len);
	*off = start + total;
	return (ssize_t)start;
}

/* A nest's length: from its start to the end of what follows it */
static void end_nest(uint8_t *buf, size_t start, size_t off)
{
	struct rtattr rta;

	memcpy(&rta, buf + start, sizeof(rta));
	rta.rta_len = off - start;
	memcpy(buf + start, &rta, sizeof(rta));
}

int etrunk_bond_msg_actor(uint8_t *buf, size_t size, uint32_t seq, int ifindex,
			  const uint8_t sysid[6], uint16_t prio)
{
	struct nlmsghdr nlh = {};
	struct ifinfomsg ifi = {};
	size_t off = NLMSG_LENGTH(sizeof(ifi));
	ssize_t linkinfo, data;

	if (size < off)
		return -1;
	memset(buf, 0, off);

	linkinfo = put_rta(buf, size, &off, IFLA_LINKINFO, NULL, 0);
	if (linkinfo < 0)
		return -1;
	if (put_rta(buf, size, &off, IFLA_INFO_KIND, BOND_KIND, sizeof(BOND_KIND)) < 0)
		return -1;
	data = put_rta(buf, size, &off, IFLA_INFO_DATA, NULL, 0);
	if (data < 0)
		return -1;
	if (put_rta(buf, size, &off, IFLA_BOND_AD_ACTOR_SYSTEM, sysid, 6) < 0)
		return -1;
	if (prio && put_rta(buf, size, &off, IFLA_BOND_AD_ACTOR_SYS_PRIO, &prio, sizeof(prio)) < 0)
		return -1;
	end_nest(buf, (size_t)data, off);
	end_nest(buf, (size_t)linkinfo, off);

	nlh.nlmsg_len = off;
	nlh.nlmsg_type = RTM_NEWLINK;
	nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh.nlmsg_seq = seq;
	memcpy(buf, &nlh, sizeof(nlh));

	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	memcpy(buf + NLMSG_HDRLEN, &ifi, sizeof(ifi));

	return (int)off;
}

/* --- parsing ---------------------------------------------------------- */

/* A walk over the attributes in buf[0, len) */
struct rta_iter {
	const uint8_t *buf;
	size_t len, off;
};

/* The next attribute: 1 (type and payload set), 0 at the end, -1 if an
 * attribute is shorter than its header or claims more than remains.
 * Fewer bytes than an attribute header after the last one: the end
 * (padding), as the kernel's nla_for_each_attr() takes it. */
static int rta_next(struct rta_iter *it, unsigned short *type, const uint8_t **payload, size_t *plen)
{
	struct rtattr rta;
	size_t left = it->len - it->off;

	if (left < sizeof(rta))
		return 0;
	memcpy(&rta, it->buf + it->off, sizeof(rta));
	if (rta.rta_len < sizeof(rta) || rta.rta_len > left)
		return -1;
	*type = rta.rta_type & NLA_TYPE_MASK;
	*payload = it->buf + it->off + RTA_LENGTH(0);
	*plen = rta.rta_len - RTA_LENGTH(0);
	if (RTA_ALIGN(rta.rta_len) >= left)
		it->off = it->len;
	else
		it->off += RTA_ALIGN(rta.rta_len);
	return 1;
}

static int parse_bond_data(const uint8_t *buf, size_t len, struct etrunk_bond_info *info)
{
	struct rta_iter it = { .buf = buf, .len = len };
	const uint8_t *p;
	unsigned short type;
	size_t plen;
	int r;

	while ((r = rta_next(&it, &type, &p, &plen)) > 0) {
		switch (type) {
		case IFLA_BOND_AD_ACTOR_SYSTEM:
			if (plen < sizeof(info->actor_system))
				return -1;
			memcpy(info->actor_system, p, sizeof(info->actor_system));
			info->has_actor = true;
			break;
		case IFLA_BOND_AD_ACTOR_SYS_PRIO:
			if (plen < sizeof(info->actor_prio))
				return -1;
			memcpy(&info->actor_prio, p, sizeof(info->actor_prio));
			info->has_prio = true;
			break;
		default:
			break;
		}
	}
	return r;
}

static int parse_linkinfo(const uint8_t *buf, size_t len, struct etrunk_bond_info *info)
{
	struct rta_iter it = { .buf = buf, .len = len };
	const uint8_t *p, *data = NULL;
	size_t plen, data_len = 0;
	const size_t klen = sizeof(BOND_KIND) - 1;
	unsigned short type;
	bool is_bond = false;
	int r;

	while ((r = rta_next(&it, &type, &p, &plen)) > 0) {
		switch (type) {
		case IFLA_INFO_KIND:
			/* "bond", NUL-terminated or not (the kernel reads the
			 * string up to its NUL) */
			is_bond = plen >= klen && memcmp(p, BOND_KIND, klen) == 0 &&
				  (plen == klen || p[klen] == '\0');
			break;
		case IFLA_INFO_DATA:
			data = p;
			data_len = plen;
			break;
		default:
			break;
		}
	}
	if (r < 0)
		return -1;
	info->is_bond = is_bond;
	/* IFLA_INFO_DATA is the kind's: a bond's only when it is one */
	if (is_bond && data)
		return parse_bond_data(data, data_len, info);
	return 0;
}

int etrunk_bond_parse(const uint8_t *buf, size_t len, struct etrunk_bond_info *info)
{
	struct nlmsghdr nlh;
	struct ifinfomsg ifi;
	struct rta_iter it;
	const uint8_t *p;
	unsigned short type;
	size_t plen, hdr = NLMSG_LENGTH(sizeof(ifi));
	int r;

	memset(info, 0, sizeof(*info));
	if (len < NLMSG_HDRLEN)
		return -1;
	memcpy(&nlh, buf, sizeof(nlh));
	if (nlh.nlmsg_type != RTM_NEWLINK || nlh.nlmsg_len < hdr || nlh.nlmsg_len > len)
		return -1;
	memcpy(&ifi, buf + NLMSG_HDRLEN, sizeof(ifi));
	info->ifindex = ifi.ifi_index;

	/* the attributes start past the aligned ifinfomsg */
	it.buf = buf + NLMSG_ALIGN(hdr);
	it.len = nlh.nlmsg_len > NLMSG_ALIGN(hdr) ? nlh.nlmsg_len - NLMSG_ALIGN(hdr) : 0;
	it.off = 0;
	while ((r = rta_next(&it, &type, &p, &plen)) > 0) {
		if (type == IFLA_LINKINFO && parse_linkinfo(p, plen, info) < 0)
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/* --- sending ---------------------------------------------------------- */

#define ETRUNK_BOND_MSG_MAX 256

/* The kernel's answer to our request in a datagram: 0 or -errno; 1 if
 * the datagram holds none */
static int bond_ack(const uint8_t *buf, size_t len, uint32_t seq)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr nlh;
		int error;

		memcpy(&nlh, buf + off, sizeof(nlh));
		if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > len - off)
			return -EBADMSG;
		if (nlh.nlmsg_type == NLMSG_ERROR && nlh.nlmsg_seq == seq) {
			/* struct nlmsgerr: the error first */
			if (nlh.nlmsg_len < NLMSG_LENGTH(sizeof(error)))
				return -EBADMSG;
			memcpy(&error, buf + off + NLMSG_HDRLEN, sizeof(error));
			return error > 0 ? -error : error;
		}
		if (NLMSG_ALIGN(nlh.nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(nlh.nlmsg_len);
	}
	return 1;
}

int etrunk_bond_set_actor(struct zebra_privs_t *privs, int ifindex, const uint8_t sysid[6],
			  uint16_t prio)
{
	static uint32_t seq;
	uint8_t req[ETRUNK_BOND_MSG_MAX];
	uint8_t ans[4096];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	int fd = -1, ret = 0, len;

	len = etrunk_bond_msg_actor(req, sizeof(req), ++seq, ifindex, sysid, prio);
	if (len < 0)
		return -EMSGSIZE;

	/* the kernel checks CAP_NET_ADMIN of the socket's opener and of the
	 * sender; it handles the request within sendto() */
	frr_with_privs (privs) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd < 0) {
			ret = -errno;
			break;
		}
		if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
			ret = -errno;
	}
	if (fd < 0)
		return ret;
	if (ret == 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		ret = -errno;

	/* skip whatever is not our answer (nothing else should come) */
	for (int tries = 0; ret == 0; tries++) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		if (tries == 8) {
			ret = -EBADMSG;
			break;
		}
		n = recvfrom(fd, ans, sizeof(ans), 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (fromlen != sizeof(from) || from.nl_pid != 0)
			continue; /* not from the kernel */
		ret = bond_ack(ans, (size_t)n, seq);
		if (ret <= 0)
			break;
		ret = 0;
	}
	close(fd);
	return ret;
}
