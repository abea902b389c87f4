// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of pimd-rbp's handover decision (pimd-rbp/rbp_handover.c,
 * doc/protocol.md 6.6): both twins' decisions are played against each
 * other's reports until they settle, for the events of issue 13.  The
 * invariant checked at every settled step: exactly one twin forwards
 * while one can, and never both.
 */
#include <zebra.h>

#include <check.h>

#include "pimd-rbp/rbp_handover.h"

/* One twin: its own view, and what the decision said last */
struct twin {
	enum msync_role role;
	bool able, synced, yield, start_wait, gone;
	bool force, balance; /* E-Trunk force-master, load balanced */
	uint8_t prio;
	struct rbp_ho_out out;
};

static void report(const struct twin *t, struct msync_role_info *ri)
{
	ri->role = t->role;
	ri->able = t->able;
	ri->forwarding = t->out.forwarding;
	ri->released = t->out.released;
	ri->synced = t->synced;
	ri->priority = t->prio;
}

static void decide(struct twin *t, const struct twin *peer, bool channel)
{
	struct rbp_ho_in in = {
		.role = t->role,
		.able = t->able,
		.synced = t->synced,
		.priority = t->prio,
		.yield = t->yield,
		.start_wait = t->start_wait,
		.peer_known = channel && !t->gone,
		.peer_gone = t->gone,
		.takeover = t->out.takeover,
		.last_why = t->out.why,
		.force_master = t->force,
		.balance = t->balance,
		.forwarding = t->out.forwarding,
	};

	if (in.peer_known)
		report(peer, &in.peer);
	rbp_handover_decide(&in, &t->out);
}

/* Each decides on the other's last report, a few rounds: settled */
static void settle(struct twin *a, struct twin *b, bool channel)
{
	for (int i = 0; i < 4; i++) {
		decide(a, b, channel);
		decide(b, a, channel);
	}
}

static void one_forwarder(const struct twin *a, const struct twin *b)
{
	ck_assert_msg(a->out.forwarding != b->out.forwarding, "a %s, b %s",
		      rbp_ho_why_name(a->out.why), rbp_ho_why_name(b->out.why));
}

static struct twin r1, r2;

static void steady(void)
{
	r1 = (struct twin){ .role = MSYNC_ROLE_MASTER, .able = true, .synced = true, .prio = 200 };
	r2 = (struct twin){ .role = MSYNC_ROLE_BACKUP, .able = true, .synced = true, .prio = 150 };
	settle(&r1, &r2, true);
}

START_TEST(test_steady)
{
	steady();
	one_forwarder(&r1, &r2);
	ck_assert(r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_MASTER);
	/* the backup defers to the preferred, synced master */
	ck_assert(r2.out.released);
	ck_assert_int_eq(r2.out.why, RBP_HO_TWIN_PREFERRED);
}
END_TEST

START_TEST(test_lan_down)
{
	steady();
	/* r1's LAN down: it cannot forward and says so */
	r1.able = false;
	decide(&r1, &r2, true);
	ck_assert(!r1.out.forwarding && r1.out.released);
	decide(&r2, &r1, true);
	ck_assert(r2.out.forwarding);
	ck_assert_int_eq(r2.out.why, RBP_HO_TAKEOVER_RELEASED);
	/* VRRP catches up: r2 master, r1's vrrpd stays Master (link down) */
	r2.role = MSYNC_ROLE_MASTER;
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r1.out.forwarding);
	/* the LAN back: r1 waits until r2, seeing it able, hands back */
	r1.able = true;
	decide(&r1, &r2, true);
	ck_assert(!r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_WAIT_TWIN);
	decide(&r2, &r1, true);
	ck_assert(r2.out.released && !r2.out.forwarding);
	decide(&r1, &r2, true);
	ck_assert(r1.out.forwarding);
}
END_TEST

START_TEST(test_daemon_dies_and_returns)
{
	steady();
	/* r1's pimd dies: r2 hears the channel close without a Bye */
	r2.gone = true;
	decide(&r2, &r1, false);
	ck_assert(r2.out.forwarding && r2.out.takeover);
	ck_assert_int_eq(r2.out.why, RBP_HO_TAKEOVER_GONE);
	/* r1's pimd restarts (VRRP Master all along): it waits for the word */
	r1.out = (struct rbp_ho_out){};
	r1.synced = false;
	r1.start_wait = true;
	decide(&r1, &r2, false);
	ck_assert(!r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_WAIT_START);
	/* the channel back, r2 spoke: r1 waits while r2 forwards for it */
	r2.gone = false;
	r1.start_wait = false;
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_WAIT_TWIN);
	/* r1 synced: r2 releases first, then r1 forwards */
	r1.synced = true;
	decide(&r1, &r2, true);
	decide(&r2, &r1, true);
	ck_assert(!r2.out.forwarding && r2.out.released);
	ck_assert(!r1.out.forwarding);
	decide(&r1, &r2, true);
	ck_assert(r1.out.forwarding);
}
END_TEST

START_TEST(test_priority_drop_and_return)
{
	steady();
	r1.prio = 50;
	decide(&r1, &r2, true);
	/* the old forwarder mutes first */
	ck_assert(!r1.out.forwarding && r1.out.released);
	ck_assert(!r2.out.forwarding);
	decide(&r2, &r1, true);
	ck_assert(r2.out.forwarding);
	/* VRRP preempts later: nothing moves */
	r2.role = MSYNC_ROLE_MASTER;
	r1.role = MSYNC_ROLE_BACKUP;
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r1.out.forwarding);
	/* back: r2 releases first, r1 takes over before VRRP */
	r1.prio = 200;
	decide(&r1, &r2, true);
	ck_assert(!r1.out.forwarding);
	decide(&r2, &r1, true);
	ck_assert(!r2.out.forwarding && r2.out.released);
	decide(&r1, &r2, true);
	ck_assert(r1.out.forwarding && r1.out.takeover);
	settle(&r1, &r2, true);
	one_forwarder(&r1, &r2);
}
END_TEST

START_TEST(test_preferred_not_synced_keeps_waiting)
{
	steady();
	/* r2 forwards after a failover; r1 back with a higher priority but
	 * without the table: r2 keeps forwarding */
	r1.role = MSYNC_ROLE_BACKUP;
	r2.role = MSYNC_ROLE_MASTER;
	r1.synced = false;
	/* r1 was down: the channel too */
	settle(&r1, &r2, false);
	ck_assert(r2.out.forwarding);
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r1.out.forwarding);
	r1.synced = true;
	settle(&r1, &r2, true);
	ck_assert(r1.out.forwarding && !r2.out.forwarding);
}
END_TEST

START_TEST(test_synced_drop_does_not_take_back)
{
	steady();
	/* r1's installer re-queues its records when its own forwarding
	 * changes: "synced" drops for a moment.  r2, released to it, stays
	 * released: no ping-pong (seen in the lab as 12 795 flips) */
	for (int i = 0; i < 3; i++) {
		r1.synced = false;
		settle(&r1, &r2, true);
		one_forwarder(&r1, &r2);
		ck_assert(r1.out.forwarding && r2.out.released);
		r1.synced = true;
		settle(&r1, &r2, true);
		ck_assert(r1.out.forwarding && r2.out.released);
	}
	/* r1 no longer preferred (its priority dropped): r2 takes back */
	r1.prio = 50;
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r1.out.forwarding);
}
END_TEST

START_TEST(test_silent_master)
{
	steady();
	/* r1 loses power: r2's VRRP elects it; its last word from r1 is
	 * stale (the coordinator says peer unknown): it forwards at once */
	r2.role = MSYNC_ROLE_MASTER;
	decide(&r2, &r1, false);
	ck_assert(r2.out.forwarding);
	ck_assert_int_eq(r2.out.why, RBP_HO_MASTER);
}
END_TEST

START_TEST(test_split_brain)
{
	steady();
	/* VRRP cut, the channel up: both masters; the lower priority hands
	 * over */
	r2.role = MSYNC_ROLE_MASTER;
	settle(&r1, &r2, true);
	one_forwarder(&r1, &r2);
	ck_assert(r1.out.forwarding);
	/* equal priorities: neither is preferred, both forward until the
	 * split-brain guard makes one yield */
	r2.prio = 200;
	settle(&r1, &r2, true);
	ck_assert(r1.out.forwarding && r2.out.forwarding);
	r2.yield = true;
	settle(&r1, &r2, true);
	one_forwarder(&r1, &r2);
	ck_assert_int_eq(r2.out.why, RBP_HO_YIELD);
}
END_TEST

START_TEST(test_both_unable)
{
	steady();
	r1.able = r2.able = false;
	settle(&r1, &r2, true);
	ck_assert(!r1.out.forwarding && !r2.out.forwarding);
	ck_assert(r1.out.released && r2.out.released);
}
END_TEST

START_TEST(test_old_twin_without_fields)
{
	struct rbp_ho_in in = { .role = MSYNC_ROLE_BACKUP,
				.able = true,
				.synced = true,
				.priority = 100,
				.peer_known = true };
	struct rbp_ho_out out;

	/* what msync makes of a RoleItem with only the role: able,
	 * forwarding as master, never released nor synced */
	in.peer.role = MSYNC_ROLE_MASTER;
	in.peer.able = true;
	in.peer.forwarding = true;
	rbp_handover_decide(&in, &out);
	ck_assert(!out.forwarding && !out.released && !out.takeover);
	in.role = MSYNC_ROLE_MASTER;
	in.peer.role = MSYNC_ROLE_BACKUP;
	in.peer.forwarding = false;
	rbp_handover_decide(&in, &out);
	ck_assert(out.forwarding);
}
END_TEST

/* E-Trunk force-master on both twins (seed 002) */
static void force_steady(void)
{
	r1 = (struct twin){ .role = MSYNC_ROLE_MASTER,
			    .able = true,
			    .synced = true,
			    .prio = 245,
			    .force = true,
			    .balance = true };
	r2 = (struct twin){ .role = MSYNC_ROLE_MASTER,
			    .able = true,
			    .synced = true,
			    .prio = 235,
			    .force = true,
			    .balance = true };
	settle(&r1, &r2, true);
}

START_TEST(test_force_master_balanced)
{
	force_steady();
	/* both forward (their shares), no priority makes one release */
	ck_assert(r1.out.forwarding && r2.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_BALANCE);
	ck_assert_int_eq(r2.out.why, RBP_HO_BALANCE);
	ck_assert(!r1.out.released && !r2.out.released);
}
END_TEST

START_TEST(test_force_master_twin_returns)
{
	force_steady();
	/* r1 dies: r2 forwards every group (not balanced) */
	r2.balance = false;
	r2.gone = true;
	settle(&r2, &r1, false);
	ck_assert(r2.out.forwarding);
	ck_assert_int_eq(r2.out.why, RBP_HO_MASTER);
	/* r1 restarted: waits for its twin's word, then waits while r2
	 * forwards everything, although r1's priority is the higher: the
	 * survivor never releases to it (that would lose r2's own share) */
	r1 = (struct twin){ .role = MSYNC_ROLE_MASTER,
			    .able = true,
			    .synced = true,
			    .prio = 245,
			    .force = true,
			    .start_wait = true };
	r2.gone = false;
	decide(&r1, &r2, false);
	ck_assert(!r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_WAIT_START);
	r1.start_wait = false;
	settle(&r1, &r2, true);
	ck_assert(r2.out.forwarding && !r2.out.released);
	ck_assert(!r1.out.forwarding);
	ck_assert_int_eq(r1.out.why, RBP_HO_WAIT_BALANCE);
	/* the E-Trunk says both are aggregated: each its share */
	r1.balance = r2.balance = true;
	settle(&r1, &r2, true);
	ck_assert(r1.out.forwarding && r2.out.forwarding);
}
END_TEST

START_TEST(test_force_master_both_forwarding_stay)
{
	/* both forwarding before they heard each other: neither stops (two
	 * forwarders must not both wait), until balanced */
	r1 = (struct twin){
		.role = MSYNC_ROLE_MASTER, .able = true, .synced = true, .prio = 245, .force = true
	};
	r2 = (struct twin){
		.role = MSYNC_ROLE_MASTER, .able = true, .synced = true, .prio = 235, .force = true
	};
	settle(&r1, &r2, false);
	ck_assert(r1.out.forwarding && r2.out.forwarding);
	settle(&r1, &r2, true);
	ck_assert(r1.out.forwarding && r2.out.forwarding);
}
END_TEST

START_TEST(test_force_master_trunk_down)
{
	force_steady();
	/* r1's Eth-Trunk down: it cannot forward, r2 takes every group */
	r1.able = false;
	r1.balance = r2.balance = false;
	settle(&r1, &r2, true);
	ck_assert(!r1.out.forwarding && r1.out.released);
	ck_assert(r2.out.forwarding);
	one_forwarder(&r1, &r2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rbp_handover");
	TCase *tc = tcase_create("handover");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_steady);
	tcase_add_test(tc, test_lan_down);
	tcase_add_test(tc, test_daemon_dies_and_returns);
	tcase_add_test(tc, test_priority_drop_and_return);
	tcase_add_test(tc, test_preferred_not_synced_keeps_waiting);
	tcase_add_test(tc, test_synced_drop_does_not_take_back);
	tcase_add_test(tc, test_silent_master);
	tcase_add_test(tc, test_split_brain);
	tcase_add_test(tc, test_both_unable);
	tcase_add_test(tc, test_old_twin_without_fields);
	tcase_add_test(tc, test_force_master_balanced);
	tcase_add_test(tc, test_force_master_twin_returns);
	tcase_add_test(tc, test_force_master_both_forwarding_stay);
	tcase_add_test(tc, test_force_master_trunk_down);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
