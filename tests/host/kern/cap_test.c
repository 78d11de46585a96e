/*
 * tests/host/kern/cap_test.c: kern/cap.c, one operation and one error case
 * at a time: lookups, original capabilities, copy, mint (badges and page
 * sub-ranges), transfer, move, delete (children kept), revoke across
 * CSpaces over deep and wide trees, object destruction exactly once (also
 * when a destroy callback destroys more CSpaces), and the checker catching
 * corrupted state. tests/host/kern/cap_model_test.c runs random operations
 * against a model.
 *
 * kern/cap.c is included, not linked, so the tests can look at its
 * private state (the world must be empty between cases) and corrupt it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kern/cap.c"
#include "no_irq_lines.h"
#include "test.h"

#define NCS 3
#define NSLOTS 64
#define BIG_SLOTS CSPACE_MAX_SLOTS

static struct cap slots_mem[NCS][BIG_SLOTS];
static struct cspace cs[NCS];

struct tobj {
	struct kobj ko;
	int destroyed;
	struct cspace *inner;	/* CAP_CSPACE objects: the CSpace to destroy */
};

static int destroy_depth, destroy_depth_max;

static void tobj_destroy(struct kobj *ko)
{
	struct tobj *t = container_of(ko, struct tobj, ko);

	destroy_depth++;
	destroy_depth_max = MAX(destroy_depth_max, destroy_depth);
	CHECK_EQ(ko->ko_refs, 0);
	t->destroyed++;
	if (t->inner)
		cspace_destroy(t->inner);
	destroy_depth--;
}

static const struct kobj_ops tobj_ops = { .destroy = tobj_destroy };

static void tobj_init(struct tobj *t, enum cap_type type)
{
	memset(t, 0, sizeof(*t));
	kobj_init(&t->ko, type, &tobj_ops);
}

/* setup: @n empty CSpaces of @nslots in a world that must be empty. */
static void setup(int n, size_t nslots)
{
	REQUIRE(cap_world.live == 0 && list_empty(&cap_world.roots) &&
		list_empty(&cap_world.cspaces) && !cap_world.dead);
	for (int i = 0; i < n; i++)
		REQUIRE(cspace_init(&cs[i], slots_mem[i], nslots) == 0);
	destroy_depth_max = 0;
}

static void teardown(int n)
{
	for (int i = 0; i < n; i++)
		cspace_destroy(&cs[i]);
	CHECK(cap_world.live == 0 && list_empty(&cap_world.roots));
	CHECK(list_empty(&cap_world.cspaces));
}

static struct cap *at(int c, size_t slot)
{
	return &cs[c].cs_slots[slot];
}

static bool empty(int c, size_t slot)
{
	return at(c, slot)->cp_type == CAP_NULL;
}

TEST(cspace_init_and_find)
{
	struct cspace x;
	size_t slot = 0;

	setup(0, 0);
	CHECK_EQ(cspace_init(&x, NULL, 8), -EINVAL);
	CHECK_EQ(cspace_init(&x, slots_mem[0], 0), -EINVAL);
	CHECK_EQ(cspace_init(&x, slots_mem[0], 1), -EINVAL);
	CHECK_EQ(cspace_init(&x, slots_mem[0], CSPACE_MAX_SLOTS + 1), -EINVAL);
	CHECK(list_empty(&cap_world.cspaces));
	memset(slots_mem[0], 0xa5, sizeof(slots_mem[0]));
	REQUIRE(cspace_init(&x, slots_mem[0], CSPACE_MAX_SLOTS) == 0);
	for (size_t i = 0; i < CSPACE_MAX_SLOTS; i++)
		CHECK(x.cs_slots[i].cp_type == CAP_NULL);
	CHECK_EQ(cspace_find_free(&x, 0, &slot), 0);
	CHECK_EQ(slot, 1);
	CHECK_EQ(cap_insert_irq(&x, 1, 5, 0), 0);
	CHECK_EQ(cap_insert_irq(&x, 3, 5, 0), 0);
	CHECK_EQ(cspace_find_free(&x, 1, &slot), 0);
	CHECK_EQ(slot, 2);
	CHECK_EQ(cspace_find_free(&x, 3, &slot), 0);
	CHECK_EQ(slot, 4);
	CHECK_EQ(cspace_find_free(&x, CSPACE_MAX_SLOTS, &slot), -ENOSPC);
	cspace_destroy(&x);
	CHECK(list_empty(&cap_world.cspaces) && cap_world.live == 0);

	REQUIRE(cspace_init(&x, slots_mem[0], 2) == 0);
	CHECK_EQ(cap_insert_irq(&x, 0, 5, 0), -EBADF);
	CHECK_EQ(cap_insert_irq(&x, 1, 5, 0), 0);
	CHECK_EQ(cspace_find_free(&x, 0, &slot), -ENOSPC);
	CHECK_EQ(cap_check(NULL, 0), 0);
	cspace_destroy(&x);
	CHECK_EQ(cap_delete(&x, 1), -EBADF);	/* a destroyed CSpace has no slot */
	teardown(0);
}

TEST(lookup_errors)
{
	struct tobj ep;
	struct cap *cap = NULL;

	setup(1, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_SEND | CAP_R_RECV) == 0);
	CHECK_EQ(cap_lookup(&cs[0], 0, CAP_ANY, 0, &cap), -EBADF);
	CHECK_EQ(cap_lookup(&cs[0], NSLOTS, CAP_ANY, 0, &cap), -EBADF);
	CHECK_EQ(cap_lookup(&cs[0], SIZE_MAX, CAP_ANY, 0, &cap), -EBADF);
	CHECK_EQ(cap_lookup(&cs[0], 2, CAP_ANY, 0, &cap), -EBADF);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_THREAD, 0, &cap), -ECAPTYPE);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_NULL, 0, &cap), -ECAPTYPE);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_ENDPOINT, CAP_R_GRANT, &cap), -EPERM);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_ENDPOINT, CAP_R_SEND | CAP_R_GRANT, &cap), -EPERM);
	CHECK(cap == NULL);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_ENDPOINT, CAP_R_SEND | CAP_R_RECV, &cap), 0);
	CHECK(cap == at(0, 1) && cap->cp_obj == &ep.ko && cap->cp_badge == 0);
	CHECK_EQ(cap_lookup(&cs[0], 1, CAP_ANY, 0, &cap), 0);

	/* Each right alone is enforced: a capability with all but that one. */
	for (uint32_t r = 1; r & CAP_R_ALL; r <<= 1) {
		REQUIRE(cap_copy(&cs[0], 1, &cs[0], 2, 0) == 0);
		REQUIRE(cap_delete(&cs[0], 2) == 0);
		REQUIRE(cap_insert_obj(&cs[0], 3, &ep.ko, CAP_R_ALL & ~r) == 0);
		CHECK_EQ(cap_lookup(&cs[0], 3, CAP_ENDPOINT, r, &cap), -EPERM);
		CHECK_EQ(cap_lookup(&cs[0], 3, CAP_ENDPOINT, CAP_R_ALL & ~r, &cap), 0);
		REQUIRE(cap_delete(&cs[0], 3) == 0);
	}
	CHECK_EQ(ep.ko.ko_refs, 1);
	teardown(1);
	CHECK_EQ(ep.destroyed, 1);
}

TEST(insert_errors)
{
	struct tobj th, fake;
	struct kobj *objs[] = { &th.ko };

	setup(1, NSLOTS);
	tobj_init(&th, CAP_THREAD);
	tobj_init(&fake, CAP_THREAD);
	fake.ko.ko_type = CAP_FRAMES;
	CHECK_EQ(cap_insert_obj(&cs[0], 0, &th.ko, 0), -EBADF);
	CHECK_EQ(cap_insert_obj(&cs[0], NSLOTS, &th.ko, 0), -EBADF);
	CHECK_EQ(cap_insert_obj(&cs[0], 1, NULL, 0), -EINVAL);
	CHECK_EQ(cap_insert_obj(&cs[0], 1, &fake.ko, 0), -EINVAL);
	CHECK_EQ(cap_insert_obj(&cs[0], 1, &th.ko, CAP_R_ALL + 1), -EINVAL);
	CHECK_EQ(th.ko.ko_refs, 0);
	CHECK_EQ(cap_insert_obj(&cs[0], 1, &th.ko, CAP_R_CONTROL), 0);
	CHECK_EQ(cap_insert_obj(&cs[0], 1, &th.ko, CAP_R_CONTROL), -EEXIST);
	CHECK_EQ(th.ko.ko_refs, 1);
	CHECK(at(0, 1)->cp_type == CAP_THREAD && at(0, 1)->cp_rights == CAP_R_CONTROL);

	CHECK_EQ(cap_insert_range(&cs[0], 1, CAP_FRAMES, 0, 1, 0), -EEXIST);
	CHECK_EQ(cap_insert_range(&cs[0], 0, CAP_FRAMES, 0, 1, 0), -EBADF);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_IRQ, 0, 1, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_ENDPOINT, 0, 1, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, 0x1001, 1, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, 0x1000, 0, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_MMIO, 0x1000, 1, 1u << 9), -EINVAL);
	/* The range's end must be representable: the last page may not end at 2^64. */
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, 0, (SIZE_MAX >> PAGE_SHIFT) + 1, 0),
		 -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, 0, SIZE_MAX, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, UINT64_MAX & PAGE_MASK, 1, 0), -EINVAL);
	CHECK_EQ(cap_insert_range(&cs[0], 2, CAP_FRAMES, (UINT64_MAX & PAGE_MASK) - PAGE_SIZE, 1,
				  CAP_R_READ),
		 0);
	CHECK_EQ(cap_insert_range(&cs[0], 3, CAP_MMIO, 0, SIZE_MAX >> PAGE_SHIFT, CAP_R_ALL), 0);
	CHECK(at(0, 3)->cp_range.base == 0 && at(0, 3)->cp_range.npages == SIZE_MAX >> PAGE_SHIFT);

	CHECK_EQ(cap_insert_irq(&cs[0], 0, 3, 0), -EBADF);
	CHECK_EQ(cap_insert_irq(&cs[0], 2, 3, 0), -EEXIST);
	CHECK_EQ(cap_insert_irq(&cs[0], 4, 3, ~0u), -EINVAL);
	CHECK_EQ(cap_insert_irq(&cs[0], 4, UINT32_MAX, CAP_R_BIND), 0);
	CHECK(at(0, 4)->cp_irq == UINT32_MAX && at(0, 4)->cp_rights == CAP_R_BIND);
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_world.live, 4);
	teardown(1);
	CHECK_EQ(th.destroyed, 1);
	CHECK_EQ(fake.destroyed, 0);
}

TEST(copy_rights_and_errors)
{
	struct tobj ep, rp;
	struct kobj *objs[] = { &ep.ko, &rp.ko };

	setup(2, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	tobj_init(&rp, CAP_REPLY);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_SEND | CAP_R_RECV | CAP_R_GRANT) == 0);
	REQUIRE(cap_mint(&cs[0], 1, &cs[0], 2, CAP_R_ALL, 77) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 3, &rp.ko, CAP_R_SEND) == 0);

	CHECK_EQ(cap_copy(&cs[0], 2, &cs[1], 5, CAP_R_SEND | CAP_R_MAP), 0);
	CHECK(at(1, 5)->cp_type == CAP_ENDPOINT && at(1, 5)->cp_rights == CAP_R_SEND);
	CHECK(at(1, 5)->cp_badge == 77 && at(1, 5)->cp_obj == &ep.ko);
	CHECK_EQ(cap_copy(&cs[1], 5, &cs[1], 6, CAP_R_ALL), 0);
	CHECK_EQ(at(1, 6)->cp_rights, CAP_R_SEND);	/* never more than the source */
	CHECK_EQ(cap_copy(&cs[1], 6, &cs[1], 7, 0), 0);
	CHECK_EQ(at(1, 7)->cp_rights, 0);
	CHECK_EQ(ep.ko.ko_refs, 5);

	CHECK_EQ(cap_copy(&cs[0], 0, &cs[1], 8, CAP_R_ALL), -EBADF);
	CHECK_EQ(cap_copy(&cs[0], NSLOTS, &cs[1], 8, CAP_R_ALL), -EBADF);
	CHECK_EQ(cap_copy(&cs[0], 9, &cs[1], 8, CAP_R_ALL), -EBADF);
	CHECK_EQ(cap_copy(&cs[0], 9, &cs[1], 5, CAP_R_ALL), -EBADF);	/* source first */
	CHECK_EQ(cap_copy(&cs[0], 1, &cs[1], 0, CAP_R_ALL), -EBADF);
	CHECK_EQ(cap_copy(&cs[0], 1, &cs[1], SIZE_MAX, CAP_R_ALL), -EBADF);
	CHECK_EQ(cap_copy(&cs[0], 1, &cs[1], 5, CAP_R_ALL), -EEXIST);
	CHECK_EQ(cap_copy(&cs[0], 1, &cs[0], 1, CAP_R_ALL), -EEXIST);
	CHECK_EQ(cap_copy(&cs[0], 3, &cs[1], 8, CAP_R_ALL), -EINVAL);	/* reply */
	CHECK_EQ(cap_copy(&cs[0], 3, &cs[1], 5, CAP_R_ALL), -EEXIST);	/* slots first */
	CHECK(empty(1, 8));
	CHECK_EQ(ep.ko.ko_refs, 5);
	CHECK_EQ(rp.ko.ko_refs, 1);
	CHECK_EQ(cap_check(objs, 2), 0);
	teardown(2);
	CHECK_EQ(ep.destroyed, 1);
	CHECK_EQ(rp.destroyed, 1);
}

TEST(mint_badges)
{
	struct tobj ep, nt, th;
	struct kobj *objs[] = { &ep.ko, &nt.ko, &th.ko };

	setup(1, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	tobj_init(&nt, CAP_NOTIFICATION);
	tobj_init(&th, CAP_THREAD);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_SEND | CAP_R_RECV) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 2, &nt.ko, CAP_R_SEND) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 3, &th.ko, CAP_R_CONTROL) == 0);
	REQUIRE(cap_insert_range(&cs[0], 4, CAP_FRAMES, 0x80000000, 4, CAP_R_MAP) == 0);
	REQUIRE(cap_insert_irq(&cs[0], 5, 9, CAP_R_BIND) == 0);

	CHECK_EQ(cap_mint(&cs[0], 1, &cs[0], 10, CAP_R_SEND, 0xbad5), 0);
	CHECK(at(0, 10)->cp_badge == 0xbad5 && at(0, 10)->cp_rights == CAP_R_SEND);
	CHECK_EQ(cap_mint(&cs[0], 1, &cs[0], 11, CAP_R_ALL, UINT64_MAX), 0);
	CHECK(at(0, 11)->cp_badge == UINT64_MAX);
	CHECK_EQ(cap_mint(&cs[0], 2, &cs[0], 12, CAP_R_ALL, 1), 0);
	CHECK(at(0, 12)->cp_badge == 1 && at(0, 12)->cp_type == CAP_NOTIFICATION);
	/* No re-badging, not even with the same badge. */
	CHECK_EQ(cap_mint(&cs[0], 10, &cs[0], 13, CAP_R_ALL, 5), -EINVAL);
	CHECK_EQ(cap_mint(&cs[0], 10, &cs[0], 13, CAP_R_ALL, 0xbad5), -EINVAL);
	/* Badge 0 is a copy: the child keeps the source's badge. */
	CHECK_EQ(cap_mint(&cs[0], 10, &cs[0], 13, CAP_R_ALL, 0), 0);
	CHECK(at(0, 13)->cp_badge == 0xbad5);
	CHECK_EQ(cap_mint(&cs[0], 3, &cs[0], 14, CAP_R_ALL, 0), 0);
	CHECK_EQ(cap_mint(&cs[0], 3, &cs[0], 15, CAP_R_ALL, 1), -EINVAL);	/* thread */
	CHECK_EQ(cap_mint(&cs[0], 4, &cs[0], 15, CAP_R_ALL, 1), -EINVAL);	/* frames */
	CHECK_EQ(cap_mint(&cs[0], 5, &cs[0], 15, CAP_R_ALL, 1), -EINVAL);	/* irq */
	CHECK_EQ(cap_mint(&cs[0], 15, &cs[0], 16, CAP_R_ALL, 1), -EBADF);
	CHECK_EQ(cap_mint(&cs[0], 1, &cs[0], 10, CAP_R_ALL, 1), -EEXIST);
	CHECK_EQ(cap_mint(&cs[0], 1, &cs[0], 0, CAP_R_ALL, 1), -EBADF);
	CHECK(empty(0, 15));
	CHECK_EQ(cap_check(objs, 3), 0);
	/* Revoking the unbadged original removes every badged child. */
	CHECK_EQ(cap_revoke(&cs[0], 1), 0);
	CHECK(empty(0, 10) && empty(0, 11) && empty(0, 13) && !empty(0, 12));
	CHECK_EQ(ep.ko.ko_refs, 1);
	CHECK_EQ(cap_check(objs, 3), 0);
	teardown(1);
	CHECK(ep.destroyed == 1 && nt.destroyed == 1 && th.destroyed == 1);
}

TEST(mint_range_subranges)
{
	const paddr_t base = 0x80200000;
	struct tobj ep;

	setup(2, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	REQUIRE(cap_insert_range(&cs[0], 1, CAP_FRAMES, base, 16,
				 CAP_R_MAP | CAP_R_READ | CAP_R_WRITE) == 0);
	REQUIRE(cap_insert_range(&cs[0], 2, CAP_MMIO, 0x10000000, 1, CAP_R_MAP) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 3, &ep.ko, CAP_R_SEND) == 0);
	REQUIRE(cap_insert_irq(&cs[0], 4, 1, CAP_R_BIND) == 0);

	CHECK_EQ(cap_mint_range(&cs[0], 1, &cs[1], 1, CAP_R_MAP | CAP_R_READ, 4, 8), 0);
	CHECK(at(1, 1)->cp_range.base == base + 4 * PAGE_SIZE && at(1, 1)->cp_range.npages == 8);
	CHECK_EQ(at(1, 1)->cp_rights, CAP_R_MAP | CAP_R_READ);
	/* A sub-range of a sub-range is relative to its source. */
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 2, CAP_R_ALL, 7, 1), 0);
	CHECK(at(1, 2)->cp_range.base == base + 11 * PAGE_SIZE && at(1, 2)->cp_range.npages == 1);
	CHECK_EQ(cap_mint_range(&cs[0], 1, &cs[1], 3, CAP_R_ALL, 0, 16), 0);
	CHECK_EQ(cap_mint_range(&cs[0], 1, &cs[1], 4, CAP_R_ALL, 15, 1), 0);
	CHECK_EQ(cap_mint_range(&cs[0], 2, &cs[1], 5, CAP_R_ALL, 0, 1), 0);
	CHECK(at(1, 5)->cp_type == CAP_MMIO && at(1, 5)->cp_rights == CAP_R_MAP);

	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, 0, 9), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, 8, 1), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, 9, 0), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, 0, 0), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, SIZE_MAX, 2), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, 2, SIZE_MAX), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[1], 1, &cs[1], 9, CAP_R_ALL, SIZE_MAX, SIZE_MAX), -EINVAL);
	CHECK_EQ(cap_mint_range(&cs[0], 3, &cs[1], 9, CAP_R_ALL, 0, 1), -ECAPTYPE);
	CHECK_EQ(cap_mint_range(&cs[0], 4, &cs[1], 9, CAP_R_ALL, 0, 1), -ECAPTYPE);
	CHECK_EQ(cap_mint_range(&cs[0], 4, &cs[1], 1, CAP_R_ALL, 0, 1), -EEXIST);
	CHECK_EQ(cap_mint_range(&cs[0], 9, &cs[1], 9, CAP_R_ALL, 0, 1), -EBADF);
	CHECK(empty(1, 9));
	CHECK_EQ(cap_check(NULL, 0), 0);

	CHECK_EQ(cap_revoke(&cs[1], 1), 0);
	CHECK(empty(1, 2) && !empty(1, 1) && !empty(1, 3));
	CHECK_EQ(cap_revoke(&cs[0], 1), 0);
	CHECK(empty(1, 1) && empty(1, 3) && empty(1, 4) && !empty(1, 5));
	CHECK_EQ(cap_check(NULL, 0), 0);
	teardown(2);
}

TEST(transfer)
{
	struct tobj ep, rp;
	struct kobj *objs[] = { &ep.ko, &rp.ko };

	setup(2, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	tobj_init(&rp, CAP_REPLY);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_SEND | CAP_R_GRANT) == 0);
	REQUIRE(cap_mint(&cs[0], 1, &cs[0], 2, CAP_R_SEND, 42) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 3, &rp.ko, CAP_R_SEND) == 0);
	CHECK_EQ(cap_transfer_check(&cs[0], 2, &cs[1], 7), 0);
	CHECK(empty(1, 7));
	CHECK_EQ(cap_transfer(&cs[0], 2, &cs[1], 7), 0);
	CHECK(at(1, 7)->cp_badge == 42 && at(1, 7)->cp_rights == CAP_R_SEND);
	CHECK_EQ(cap_transfer_check(&cs[0], 2, &cs[1], 7), -EEXIST);
	CHECK_EQ(cap_transfer(&cs[0], 2, &cs[1], 7), -EEXIST);
	CHECK_EQ(cap_transfer_check(&cs[0], 4, &cs[1], 8), -EBADF);
	CHECK_EQ(cap_transfer(&cs[0], 4, &cs[1], 8), -EBADF);
	CHECK_EQ(cap_transfer_check(&cs[0], 2, &cs[1], NSLOTS), -EBADF);
	CHECK_EQ(cap_transfer(&cs[0], 2, &cs[1], NSLOTS), -EBADF);
	CHECK_EQ(cap_transfer_check(&cs[0], 3, &cs[1], 8), -EINVAL);
	CHECK_EQ(cap_transfer(&cs[0], 3, &cs[1], 8), -EINVAL);
	CHECK_EQ(cap_check(objs, 2), 0);
	/* The sender takes it back. */
	CHECK_EQ(cap_revoke(&cs[0], 2), 0);
	CHECK(empty(1, 7) && !empty(0, 2));
	teardown(2);
	CHECK(ep.destroyed == 1 && rp.destroyed == 1);
}

TEST(move_keeps_derivation)
{
	struct tobj ep;
	struct kobj *objs[] = { &ep.ko };

	setup(3, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 1, &cs[1], 1, CAP_R_SEND | CAP_R_RECV) == 0);
	REQUIRE(cap_copy(&cs[1], 1, &cs[2], 1, CAP_R_SEND) == 0);
	REQUIRE(cap_copy(&cs[1], 1, &cs[2], 2, CAP_R_RECV) == 0);

	CHECK_EQ(cap_move(&cs[1], 1, &cs[0], 9), 0);	/* the middle, with children */
	CHECK(empty(1, 1) && at(0, 9)->cp_rights == (CAP_R_SEND | CAP_R_RECV));
	CHECK_EQ(cap_move(&cs[2], 1, &cs[2], 5), 0);	/* a leaf, same CSpace */
	CHECK_EQ(cap_move(&cs[0], 1, &cs[1], 3), 0);	/* the root */
	CHECK_EQ(ep.ko.ko_refs, 4);
	CHECK_EQ(cap_check(objs, 1), 0);

	CHECK_EQ(cap_move(&cs[0], 1, &cs[1], 4), -EBADF);
	CHECK_EQ(cap_move(&cs[0], 0, &cs[1], 4), -EBADF);
	CHECK_EQ(cap_move(&cs[0], 9, &cs[1], 0), -EBADF);
	CHECK_EQ(cap_move(&cs[0], 9, &cs[1], NSLOTS), -EBADF);
	CHECK_EQ(cap_move(&cs[0], 9, &cs[1], 3), -EEXIST);
	CHECK_EQ(cap_move(&cs[0], 9, &cs[0], 9), -EEXIST);

	/* Revoking the moved middle removes the (moved) children only. */
	CHECK_EQ(cap_revoke(&cs[0], 9), 0);
	CHECK(empty(2, 5) && empty(2, 2) && !empty(0, 9) && !empty(1, 3));
	REQUIRE(cap_copy(&cs[0], 9, &cs[2], 6, CAP_R_ALL) == 0);
	CHECK_EQ(cap_check(objs, 1), 0);
	/* Revoking the moved root removes everything else. */
	CHECK_EQ(cap_revoke(&cs[1], 3), 0);
	CHECK(empty(0, 9) && empty(2, 6));
	CHECK_EQ(cap_world.live, 1);
	CHECK_EQ(ep.ko.ko_refs, 1);
	CHECK_EQ(cap_check(objs, 1), 0);
	teardown(3);
	CHECK_EQ(ep.destroyed, 1);
}

TEST(delete_keeps_children)
{
	struct tobj nt;
	struct kobj *objs[] = { &nt.ko };

	setup(2, NSLOTS);
	tobj_init(&nt, CAP_NOTIFICATION);
	/* 1 -> 2 -> {3, 4 -> 5}, in two CSpaces. */
	REQUIRE(cap_insert_obj(&cs[0], 1, &nt.ko, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 1, &cs[1], 2, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[1], 2, &cs[0], 3, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[1], 2, &cs[1], 4, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[1], 4, &cs[0], 5, CAP_R_ALL) == 0);
	CHECK_EQ(cap_delete(&cs[1], 2), 0);
	CHECK(empty(1, 2) && !empty(0, 3) && !empty(1, 4) && !empty(0, 5));
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_delete(&cs[1], 2), -EBADF);
	CHECK_EQ(cap_delete(&cs[1], 0), -EBADF);
	CHECK_EQ(cap_delete(&cs[1], NSLOTS), -EBADF);
	/* 3 and 4 are now children of 1: revoking 4 keeps 3, revoking 1 takes all. */
	CHECK_EQ(cap_revoke(&cs[1], 4), 0);
	CHECK(empty(0, 5) && !empty(0, 3));
	REQUIRE(cap_copy(&cs[1], 4, &cs[0], 5, CAP_R_ALL) == 0);
	CHECK_EQ(cap_revoke(&cs[0], 1), 0);
	CHECK(empty(0, 3) && empty(1, 4) && empty(0, 5) && !empty(0, 1));
	CHECK_EQ(nt.ko.ko_refs, 1);

	/* Deleting a root makes its children roots, out of reach of each other. */
	REQUIRE(cap_copy(&cs[0], 1, &cs[0], 2, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 1, &cs[0], 3, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 3, &cs[0], 4, CAP_R_ALL) == 0);
	CHECK_EQ(cap_delete(&cs[0], 1), 0);
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_revoke(&cs[0], 2), 0);
	CHECK(!empty(0, 3) && !empty(0, 4));
	CHECK_EQ(cap_revoke(&cs[0], 3), 0);
	CHECK(!empty(0, 2) && empty(0, 4));
	CHECK_EQ(nt.destroyed, 0);
	CHECK_EQ(cap_delete(&cs[0], 2), 0);
	CHECK_EQ(nt.destroyed, 0);
	CHECK_EQ(cap_delete(&cs[0], 3), 0);
	CHECK_EQ(nt.destroyed, 1);
	CHECK_EQ(cap_check(NULL, 0), 0);
	teardown(2);
	CHECK_EQ(nt.destroyed, 1);
}

/* chain_slot: where link @i of a chain spread over all BIG_SLOTS CSpaces goes. */
static void chain_slot(size_t i, int *c, size_t *slot)
{
	*c = (int)(i % NCS);
	*slot = i / NCS + 1;
}

TEST(revoke_deep_chain)
{
	const size_t n = NCS * (BIG_SLOTS - 1);
	struct tobj ep;
	struct kobj *objs[] = { &ep.ko };
	size_t i, slot, pslot;
	int c, pc;

	setup(NCS, BIG_SLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_ALL) == 0);
	for (i = 1; i < n; i++) {
		chain_slot(i - 1, &pc, &pslot);
		chain_slot(i, &c, &slot);
		REQUIRE(cap_copy(&cs[pc], pslot, &cs[c], slot, ~(1u << (i % 9))) == 0);
	}
	CHECK_EQ(ep.ko.ko_refs, n);
	CHECK_EQ(cap_check(objs, 1), 0);
	/* Revoke in the middle: the upper half stays. */
	chain_slot(n / 2, &c, &slot);
	CHECK_EQ(cap_revoke(&cs[c], slot), 0);
	CHECK_EQ(ep.ko.ko_refs, n / 2 + 1);
	CHECK(!empty(c, slot));
	for (i = 0; i < n; i++) {
		chain_slot(i, &pc, &pslot);
		CHECK(empty(pc, pslot) == (i > n / 2));
	}
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_revoke(&cs[c], slot), 0);	/* nothing left to revoke */
	CHECK_EQ(cap_revoke(&cs[1], 1), 0);	/* link 1 */
	CHECK_EQ(cap_world.live, 2);
	CHECK_EQ(ep.destroyed, 0);
	CHECK_EQ(cap_check(objs, 1), 0);
	teardown(NCS);
	CHECK_EQ(ep.destroyed, 1);
}

TEST(revoke_wide_tree)
{
	const size_t w = BIG_SLOTS - 1;
	struct tobj nt;
	struct kobj *objs[] = { &nt.ko };
	size_t i;

	setup(NCS, BIG_SLOTS);
	tobj_init(&nt, CAP_NOTIFICATION);
	/*
	 * Root in 0/1 with 2 * (w - 1) children: badged ones in CSpace 1 (each
	 * with one child in CSpace 2) and unbadged ones in 0/2..w.
	 */
	REQUIRE(cap_insert_obj(&cs[0], 1, &nt.ko, CAP_R_SEND | CAP_R_RECV) == 0);
	for (i = 1; i < w; i++) {
		REQUIRE(cap_mint(&cs[0], 1, &cs[1], i, CAP_R_SEND, i) == 0);
		REQUIRE(cap_copy(&cs[1], i, &cs[2], i, CAP_R_ALL) == 0);
		REQUIRE(cap_mint(&cs[0], 1, &cs[0], i + 1, CAP_R_ALL, 0) == 0);
	}
	CHECK_EQ(nt.ko.ko_refs, 3 * (w - 1) + 1);
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_revoke(&cs[1], 100), 0);
	CHECK(empty(2, 100) && !empty(1, 100) && !empty(2, 99) && !empty(2, 101));
	CHECK_EQ(cap_revoke(&cs[0], 2), 0);	/* a leaf: nothing */
	CHECK_EQ(cap_world.live, 3 * (w - 1));
	CHECK_EQ(cap_check(objs, 1), 0);
	CHECK_EQ(cap_revoke(&cs[0], 1), 0);
	CHECK_EQ(cap_world.live, 1);
	CHECK_EQ(nt.ko.ko_refs, 1);
	CHECK_EQ(nt.destroyed, 0);
	CHECK_EQ(cap_check(objs, 1), 0);
	teardown(NCS);
	CHECK_EQ(nt.destroyed, 1);
}

TEST(destroy_exactly_once)
{
	struct tobj a, b;

	setup(2, NSLOTS);
	tobj_init(&a, CAP_THREAD);
	tobj_init(&b, CAP_ASPACE);
	/* Through delete, whatever the order. */
	REQUIRE(cap_insert_obj(&cs[0], 1, &a.ko, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 1, &cs[1], 1, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[1], 1, &cs[1], 2, CAP_R_ALL) == 0);
	CHECK_EQ(cap_delete(&cs[1], 1), 0);
	CHECK_EQ(cap_delete(&cs[0], 1), 0);
	CHECK_EQ(a.destroyed, 0);
	CHECK_EQ(cap_delete(&cs[1], 2), 0);
	CHECK_EQ(a.destroyed, 1);
	/* Through revoke then delete; a kernel reference outlives every capability. */
	tobj_init(&a, CAP_THREAD);
	REQUIRE(cap_insert_obj(&cs[1], 1, &a.ko, CAP_R_ALL) == 0);
	for (size_t i = 2; i < NSLOTS; i++)
		REQUIRE(cap_copy(&cs[(i - 1) % 2], i - 1, &cs[i % 2], i, CAP_R_ALL) == 0);
	kobj_get(&a.ko);
	CHECK_EQ(cap_revoke(&cs[1], 1), 0);
	CHECK_EQ(a.destroyed, 0);
	CHECK_EQ(cap_world.live, 1);
	CHECK_EQ(cap_delete(&cs[1], 1), 0);
	CHECK_EQ(a.destroyed, 0);
	CHECK_EQ(a.ko.ko_refs, 1);
	kobj_put(&a.ko);
	CHECK_EQ(a.destroyed, 1);
	/* Through cspace_destroy: the object in both dies with the second. */
	REQUIRE(cap_insert_obj(&cs[0], 5, &b.ko, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[0], 5, &cs[1], 6, CAP_R_ALL) == 0);
	REQUIRE(cap_copy(&cs[1], 6, &cs[0], 7, CAP_R_ALL) == 0);
	cspace_destroy(&cs[0]);
	CHECK_EQ(b.destroyed, 0);
	CHECK_EQ(cap_check(NULL, 0), 0);
	REQUIRE(cspace_init(&cs[0], slots_mem[0], NSLOTS) == 0);
	teardown(2);
	CHECK_EQ(b.destroyed, 1);
}

TEST(nested_cspace_destroy)
{
	enum { DEPTH = 40 };
	static struct cap inner_slots[DEPTH][8];
	static struct cspace inner[DEPTH];
	static struct tobj box[DEPTH], leaf[DEPTH];
	struct kobj *objs[2 * DEPTH];
	int i;

	/*
	 * box[i] is a CSpace object owning inner[i], which holds the only
	 * capabilities to leaf[i] and box[i + 1]: deleting the one capability
	 * to box[0] destroys the whole chain, without nesting destroy calls.
	 */
	setup(1, NSLOTS);
	for (i = 0; i < DEPTH; i++) {
		tobj_init(&box[i], CAP_CSPACE);
		tobj_init(&leaf[i], CAP_NOTIFICATION);
		box[i].inner = &inner[i];
		REQUIRE(cspace_init(&inner[i], inner_slots[i], 8) == 0);
		REQUIRE(cap_insert_obj(&inner[i], 1, &leaf[i].ko, CAP_R_ALL) == 0);
		REQUIRE(cap_copy(&inner[i], 1, &inner[i], 2, CAP_R_SEND) == 0);
		objs[2 * i] = &box[i].ko;
		objs[2 * i + 1] = &leaf[i].ko;
	}
	REQUIRE(cap_insert_obj(&cs[0], 1, &box[0].ko, CAP_R_CONTROL) == 0);
	for (i = 1; i < DEPTH; i++)
		REQUIRE(cap_insert_obj(&inner[i - 1], 3, &box[i].ko, CAP_R_CONTROL) == 0);
	CHECK_EQ(cap_check(objs, 2 * DEPTH), 0);
	CHECK_EQ(cap_delete(&cs[0], 1), 0);
	for (i = 0; i < DEPTH; i++)
		CHECK(box[i].destroyed == 1 && leaf[i].destroyed == 1, "level %d", i);
	CHECK_EQ(destroy_depth_max, 1);
	CHECK_EQ(cap_world.live, 0);
	CHECK_EQ(cap_check(NULL, 0), 0);
	teardown(1);
}

/* EXPECT_BROKEN: after @corrupt cap_check fails; @restore puts things back and it passes. */
#define EXPECT_BROKEN(objs, nobjs, corrupt, restore)                           \
	do {                                                                   \
		corrupt;                                                       \
		CHECK_EQ(cap_check(objs, nobjs), -EINVAL);                     \
		restore;                                                       \
		CHECK_EQ(cap_check(objs, nobjs), 0);                           \
	} while (0)

TEST(check_catches_corruption)
{
	struct tobj ep, th, other;
	struct kobj *objs[] = { &ep.ko, &th.ko };
	struct list_node *saved;
	struct kobj dead;

	setup(2, NSLOTS);
	tobj_init(&ep, CAP_ENDPOINT);
	tobj_init(&th, CAP_THREAD);
	tobj_init(&other, CAP_ENDPOINT);
	REQUIRE(cap_insert_obj(&cs[0], 1, &ep.ko, CAP_R_SEND | CAP_R_RECV) == 0);
	REQUIRE(cap_mint(&cs[0], 1, &cs[1], 2, CAP_R_SEND, 9) == 0);
	REQUIRE(cap_copy(&cs[1], 2, &cs[0], 3, CAP_R_ALL) == 0);
	REQUIRE(cap_insert_obj(&cs[0], 4, &th.ko, CAP_R_CONTROL) == 0);
	REQUIRE(cap_insert_range(&cs[1], 5, CAP_FRAMES, 0x1000, 4, CAP_R_MAP) == 0);
	REQUIRE(cap_mint_range(&cs[1], 5, &cs[1], 6, CAP_R_MAP, 1, 3) == 0);
	REQUIRE(cap_insert_obj(&cs[1], 7, &other.ko, 0) == 0);
	CHECK_EQ(cap_check(objs, 2), 0);

	EXPECT_BROKEN(objs, 2, at(1, 2)->cp_rights |= CAP_R_GRANT,
		      at(1, 2)->cp_rights &= ~CAP_R_GRANT);
	EXPECT_BROKEN(objs, 2, at(0, 3)->cp_badge = 8, at(0, 3)->cp_badge = 9);
	EXPECT_BROKEN(objs, 2, at(0, 4)->cp_badge = 1, at(0, 4)->cp_badge = 0);
	EXPECT_BROKEN(objs, 2, at(0, 4)->cp_rights = 1u << 12,
		      at(0, 4)->cp_rights = CAP_R_CONTROL);
	EXPECT_BROKEN(objs, 2, at(0, 3)->cp_obj = &other.ko, at(0, 3)->cp_obj = &ep.ko);
	EXPECT_BROKEN(objs, 2, ep.ko.ko_refs++, ep.ko.ko_refs--);
	EXPECT_BROKEN(objs, 2, th.ko.ko_type = CAP_ASPACE, th.ko.ko_type = CAP_THREAD);
	EXPECT_BROKEN(objs, 2, at(1, 6)->cp_range.npages++, at(1, 6)->cp_range.npages--);
	EXPECT_BROKEN(objs, 2, at(1, 6)->cp_range.base += PAGE_SIZE,
		      at(1, 6)->cp_range.base -= PAGE_SIZE);
	EXPECT_BROKEN(objs, 2, at(1, 6)->cp_range.base -= 2 * PAGE_SIZE,
		      at(1, 6)->cp_range.base += 2 * PAGE_SIZE);
	EXPECT_BROKEN(objs, 2, at(1, 6)->cp_range.base |= 1, at(1, 6)->cp_range.base &= ~1ull);
	EXPECT_BROKEN(objs, 2, at(1, 6)->cp_type = CAP_MMIO, at(1, 6)->cp_type = CAP_FRAMES);
	EXPECT_BROKEN(objs, 2, cap_world.live++, cap_world.live--);
	EXPECT_BROKEN(objs, 2, at(0, 0)->cp_type = CAP_IRQ, at(0, 0)->cp_type = CAP_NULL);
	EXPECT_BROKEN(objs, 2, (saved = at(0, 3)->cp_sib.next, at(0, 3)->cp_sib.next = saved->next),
		      at(0, 3)->cp_sib.next = saved);
	EXPECT_BROKEN(objs, 2,
		      (saved = at(1, 2)->cp_kids.prev, at(1, 2)->cp_kids.prev = saved->next),
		      at(1, 2)->cp_kids.prev = saved);
	EXPECT_BROKEN(objs, 2, cap_world.dead = &dead, cap_world.dead = NULL);
	/* A capability that left the tree but still sits in its slot. */
	EXPECT_BROKEN(objs, 2, list_remove(&at(0, 4)->cp_sib),
		      list_push_back(&cap_world.roots, &at(0, 4)->cp_sib));
	teardown(2);
	CHECK(ep.destroyed == 1 && th.destroyed == 1 && other.destroyed == 1);
}

TEST_MAIN(TEST_CASE(cspace_init_and_find), TEST_CASE(lookup_errors), TEST_CASE(insert_errors),
	  TEST_CASE(copy_rights_and_errors), TEST_CASE(mint_badges),
	  TEST_CASE(mint_range_subranges), TEST_CASE(transfer), TEST_CASE(move_keeps_derivation),
	  TEST_CASE(delete_keeps_children), TEST_CASE(revoke_deep_chain),
	  TEST_CASE(revoke_wide_tree), TEST_CASE(destroy_exactly_once),
	  TEST_CASE(nested_cspace_destroy), TEST_CASE(check_catches_corruption))
