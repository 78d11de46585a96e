/*
 * tests/host/kern/cap_model_test.c: kern/cap.c against a model, over random
 * operations with random (often invalid) arguments.
 *
 * The model is a flat table of records, one per (CSpace, slot): type,
 * rights, badge, what it names, and the index of its parent record (-1 for
 * a root). Deleting a record gives its children its parent; revoking
 * deletes every record with the revoked one among its ancestors. Objects
 * come from a small pool; the model counts the records naming each.
 *
 * After every step: the return code matches the model's prediction, every
 * slot's lookup matches its record, the parent of every capability (read
 * from the implementation's rings) is the record's parent, each object's
 * reference count is its records plus the kernel references the test took,
 * an object was destroyed exactly once when its count reached 0, and
 * cap_check passes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kern/cap.c"
#include "no_irq_lines.h"
#include "test.h"

#define M_NCS 4
#define M_NSLOTS 24
#define M_NIDX (M_NCS * M_NSLOTS)
#define M_NOBJ 10

struct mrec {
	unsigned int type;	/* CAP_NULL: empty */
	uint32_t rights;
	uint64_t badge;
	int obj;		/* pool index (kernel objects) */
	paddr_t base;		/* ranges */
	size_t npages;
	uint32_t irq;
	int parent;		/* record index, -1: root */
};

struct mobj {
	struct kobj ko;
	int destroyed;
	int caps;		/* model: records naming it */
	int extra;		/* model: kobj_get references */
};

static struct mrec rec[M_NIDX];
static bool cs_live[M_NCS];
static struct mobj pool[M_NOBJ];
static struct cap slots[M_NCS][M_NSLOTS];
static struct cspace mcs[M_NCS];
static uint64_t rng;

static struct {
	unsigned long ok, failed, revoked, destroyed;
	unsigned long err[PAGODA_EMAX + 1];	/* errors returned, by code */
	int max_depth;
} stats;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static int idx(int c, size_t slot)
{
	return c * M_NSLOTS + (int)slot;
}

static void pool_destroy(struct kobj *ko)
{
	container_of(ko, struct mobj, ko)->destroyed++;
}

static const struct kobj_ops pool_ops = { .destroy = pool_destroy };

/* ---- the model ---- */

static bool slot_ok(int c, size_t slot)
{
	return cs_live[c] && slot != 0 && slot < M_NSLOTS;
}

/* m_src: what a source slot gives: -EBADF unless valid and occupied. */
static int m_src(int c, size_t slot)
{
	return slot_ok(c, slot) && rec[idx(c, slot)].type != CAP_NULL ? 0 : -EBADF;
}

/* m_dst: what a destination slot gives: -EBADF if invalid, -EEXIST if occupied. */
static int m_dst(int c, size_t slot)
{
	if (!slot_ok(c, slot))
		return -EBADF;
	return rec[idx(c, slot)].type != CAP_NULL ? -EEXIST : 0;
}

static bool m_is_obj(unsigned int type)
{
	return type >= CAP_THREAD && type <= CAP_CSPACE;
}

static void m_delete(int i)
{
	for (int j = 0; j < M_NIDX; j++) {
		if (rec[j].type != CAP_NULL && rec[j].parent == i)
			rec[j].parent = rec[i].parent;
	}
	if (m_is_obj(rec[i].type))
		pool[rec[i].obj].caps--;
	memset(&rec[i], 0, sizeof(rec[i]));
}

static bool m_descends(int j, int i)
{
	for (int p = rec[j].parent, n = 0; p >= 0 && n <= M_NIDX; p = rec[p].parent, n++) {
		if (p == i)
			return true;
	}
	return false;
}

static void m_revoke(int i)
{
	bool doomed[M_NIDX];

	for (int j = 0; j < M_NIDX; j++)
		doomed[j] = rec[j].type != CAP_NULL && m_descends(j, i);
	for (int j = 0; j < M_NIDX; j++) {
		if (doomed[j]) {
			m_delete(j);
			stats.revoked++;
		}
	}
}

/* m_derive: record @d becomes a child of @s with rights & @mask. */
static void m_derive(int s, int d, uint32_t mask)
{
	rec[d] = rec[s];
	rec[d].rights &= mask;
	rec[d].parent = s;
	if (m_is_obj(rec[d].type))
		pool[rec[d].obj].caps++;
}

/* ---- random arguments ---- */

static size_t pick_any_slot(void)
{
	switch (rnd_below(25)) {
	case 0:
		return 0;
	case 1:
		return M_NSLOTS;
	case 2:
		return (size_t)rnd();
	default:
		return 1 + rnd_below(M_NSLOTS - 1);
	}
}

/* pick_slot: mostly a slot of @c that is occupied (@full) or empty. */
static size_t pick_slot(int c, bool full)
{
	size_t start = 1 + rnd_below(M_NSLOTS - 1);

	if (rnd_below(8) == 0)
		return pick_any_slot();
	for (size_t k = 0; k < M_NSLOTS - 1; k++) {
		size_t s = 1 + (start - 1 + k) % (M_NSLOTS - 1);

		if ((rec[idx(c, s)].type != CAP_NULL) == full)
			return s;
	}
	return pick_any_slot();
}

static uint32_t pick_rights(void)
{
	switch (rnd_below(10)) {
	case 0:
		return CAP_R_ALL;
	case 1:
		return (uint32_t)rnd();
	default:
		return (uint32_t)rnd() & CAP_R_ALL;
	}
}

static uint64_t pick_badge(void)
{
	switch (rnd_below(4)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return 1 + rnd_below(4);
	default:
		return rnd();
	}
}

static size_t pick_pages(size_t around)
{
	switch (rnd_below(16)) {
	case 0:
		return (size_t)rnd();
	case 1:
		return SIZE_MAX - rnd_below(4);
	default:
		return rnd_below(around + 2);
	}
}

/* ---- operations: predict, call, compare, apply ---- */

static unsigned long step;

static void expect(const char *op, int got, int want)
{
	REQUIRE(got == want, "step %lu %s: got %s, model says %s", step, op, errno_name(got),
		errno_name(want));
	if (got) {
		stats.failed++;
		stats.err[-got]++;
	}
	else
		stats.ok++;
}

static void op_insert(void)
{
	int c = (int)rnd_below(M_NCS), want, kind = (int)rnd_below(5);
	size_t s = pick_slot(c, false), npages = pick_pages(16);
	uint32_t rights = pick_rights(), irq = (uint32_t)rnd();
	unsigned int type = rnd_below(2) ? CAP_FRAMES : CAP_MMIO;
	paddr_t base = rnd_below(64) << PAGE_SHIFT;
	struct mobj *o = &pool[rnd_below(M_NOBJ)];
	struct mrec r = { .rights = rights, .parent = -1 };

	want = m_dst(c, s);
	if (!want && (rights & ~CAP_R_ALL))
		want = -EINVAL;
	if (kind <= 2) {
		if (o->caps + o->extra == 0)
			kobj_init(&o->ko, CAP_THREAD + rnd_below(CAP_CSPACE - CAP_THREAD + 1),
				  &pool_ops);
		r.type = o->ko.ko_type;
		r.obj = (int)(o - pool);
		expect("insert_obj", cap_insert_obj(&mcs[c], s, &o->ko, rights), want);
	} else if (kind == 3) {
		if (rnd_below(8) == 0)
			base = rnd_below(2) ? base + 8 : UINT64_MAX & PAGE_MASK;
		if (!want && (base % PAGE_SIZE || npages == 0 ||
			      (unsigned __int128)base + (unsigned __int128)npages * PAGE_SIZE >
				      UINT64_MAX))
			want = -EINVAL;
		r.type = type;
		r.base = base;
		r.npages = npages;
		expect("insert_range", cap_insert_range(&mcs[c], s, type, base, npages, rights),
		       want);
	} else {
		r.type = CAP_IRQ;
		r.irq = irq;
		expect("insert_irq", cap_insert_irq(&mcs[c], s, irq, rights), want);
	}
	if (want)
		return;
	rec[idx(c, s)] = r;
	if (m_is_obj(r.type))
		o->caps++;
}

/* derive_want: the slot errors of a derivation, then the reply rule. */
static int derive_want(int sc, size_t s, int dc, size_t d)
{
	int want = m_src(sc, s);

	if (!want)
		want = m_dst(dc, d);
	if (!want && rec[idx(sc, s)].type == CAP_REPLY)
		want = -EINVAL;
	return want;
}

/* The destination of the last derivation: deriving from it again grows deep chains. */
static int last_c;
static size_t last_slot;

static void op_derive(int kind)
{
	int sc = (int)rnd_below(M_NCS), dc = (int)rnd_below(M_NCS), want;
	size_t s = pick_slot(sc, true), d = pick_slot(dc, false), pgoff, npages;
	uint32_t mask = kind == 3 ? CAP_R_ALL : pick_rights();
	uint64_t badge = pick_badge();
	struct mrec *p;

	if (rnd_below(2) && !m_src(last_c, last_slot)) {
		sc = last_c;
		s = last_slot;
	}
	p = m_src(sc, s) ? NULL : &rec[idx(sc, s)];
	want = derive_want(sc, s, dc, d);
	pgoff = pick_pages(p ? p->npages : 4);
	npages = pick_pages(p ? p->npages : 4);
	if (kind == 0) {
		expect("copy", cap_copy(&mcs[sc], s, &mcs[dc], d, mask), want);
	} else if (kind == 1) {
		if (!want && badge &&
		    ((p->type != CAP_ENDPOINT && p->type != CAP_NOTIFICATION) || p->badge))
			want = -EINVAL;
		expect("mint", cap_mint(&mcs[sc], s, &mcs[dc], d, mask, badge), want);
	} else if (kind == 2) {
		if (!want && p->type != CAP_FRAMES && p->type != CAP_MMIO)
			want = -ECAPTYPE;
		if (!want && (npages == 0 || (unsigned __int128)pgoff + npages > p->npages))
			want = -EINVAL;
		expect("mint_range",
		       cap_mint_range(&mcs[sc], s, &mcs[dc], d, mask, pgoff, npages), want);
	} else {
		expect("transfer_check", cap_transfer_check(&mcs[sc], s, &mcs[dc], d), want);
		expect("transfer", cap_transfer(&mcs[sc], s, &mcs[dc], d), want);
	}
	if (want)
		return;
	m_derive(idx(sc, s), idx(dc, d), mask);
	last_c = dc;
	last_slot = d;
	if (kind == 1 && badge)
		rec[idx(dc, d)].badge = badge;
	if (kind == 2) {
		rec[idx(dc, d)].base += pgoff * PAGE_SIZE;
		rec[idx(dc, d)].npages = npages;
	}
}

static void op_move(void)
{
	int sc = (int)rnd_below(M_NCS), dc = (int)rnd_below(M_NCS), want, i, j;
	size_t s = pick_slot(sc, true), d = pick_slot(dc, false);

	want = m_src(sc, s);
	if (!want)
		want = m_dst(dc, d);
	expect("move", cap_move(&mcs[sc], s, &mcs[dc], d), want);
	if (want)
		return;
	i = idx(sc, s);
	rec[idx(dc, d)] = rec[i];
	for (j = 0; j < M_NIDX; j++) {
		if (rec[j].type != CAP_NULL && rec[j].parent == i)
			rec[j].parent = idx(dc, d);
	}
	memset(&rec[i], 0, sizeof(rec[i]));
}

static void op_delete_or_revoke(bool revoke)
{
	int c = (int)rnd_below(M_NCS);
	size_t s = pick_slot(c, true);
	int want = m_src(c, s);

	if (revoke)
		expect("revoke", cap_revoke(&mcs[c], s), want);
	else
		expect("delete", cap_delete(&mcs[c], s), want);
	if (want)
		return;
	if (revoke)
		m_revoke(idx(c, s));
	else
		m_delete(idx(c, s));
}

static void op_lookup(void)
{
	int c = (int)rnd_below(M_NCS), want;
	size_t s = pick_slot(c, true);
	struct mrec *r = m_src(c, s) ? NULL : &rec[idx(c, s)];
	unsigned int type = (unsigned int)rnd_below(CAP_TYPE_COUNT + 1);
	uint32_t rights = pick_rights();
	struct cap *cap = NULL;

	if (r && rnd_below(2))
		type = r->type;
	if (r && rnd_below(2))
		rights &= r->rights;
	want = m_src(c, s);
	if (!want && type != CAP_ANY && type != r->type)
		want = -ECAPTYPE;
	if (!want && (r->rights & rights) != rights)
		want = -EPERM;
	expect("lookup", cap_lookup(&mcs[c], s, type, rights, &cap), want);
	if (!want)
		REQUIRE(cap == &slots[c][s]);
}

static void op_kobj_ref(void)
{
	struct mobj *o = &pool[rnd_below(M_NOBJ)];

	if (o->caps + o->extra > 0 && rnd_below(2)) {
		kobj_get(&o->ko);
		o->extra++;
	} else if (o->extra > 0) {
		o->extra--;
		kobj_put(&o->ko);
	}
}

/* op_cspace: destroy a CSpace, or bring a destroyed one back (soon: 1/16 per step). */
static void op_cspace(bool destroy)
{
	int c = (int)rnd_below(M_NCS);

	if (destroy != cs_live[c])
		return;
	if (destroy) {
		cspace_destroy(&mcs[c]);
		for (size_t s = 1; s < M_NSLOTS; s++) {
			if (rec[idx(c, s)].type != CAP_NULL)
				m_delete(idx(c, s));
		}
		cs_live[c] = false;
	} else {
		expect("cspace_init", cspace_init(&mcs[c], slots[c], M_NSLOTS), 0);
		cs_live[c] = true;
	}
}

/* ---- comparing ---- */

/* rec_of: the record whose slot has field @off at address @l, or -1. */
static int rec_of(const struct list_node *l, size_t off)
{
	for (int c = 0; c < M_NCS; c++) {
		uintptr_t a = (uintptr_t)l, base = (uintptr_t)slots[c];

		if (a >= base && a < (uintptr_t)(slots[c] + M_NSLOTS) &&
		    (a - base) % sizeof(struct cap) == off)
			return idx(c, (a - base) / sizeof(struct cap));
	}
	return -1;
}

/* verify_slots: every lookup, including the invalid slot numbers, as modelled. */
static void verify_slots(void)
{
	for (int c = 0; c < M_NCS; c++) {
		for (size_t s = 0; s <= M_NSLOTS; s++) {
			struct cap *cap;
			int err = cap_lookup(&mcs[c], s, CAP_ANY, 0, &cap);
			struct mrec *r = &rec[idx(c, s < M_NSLOTS ? s : 0)];

			REQUIRE(err == m_src(c, s), "step %lu cs %d slot %zu: %d", step, c, s, err);
			if (err)
				continue;
			REQUIRE(cap->cp_type == r->type && cap->cp_rights == r->rights &&
					cap->cp_badge == r->badge,
				"step %lu cs %d slot %zu", step, c, s);
			if (m_is_obj(r->type))
				REQUIRE(cap->cp_obj == &pool[r->obj].ko);
			else if (r->type == CAP_IRQ)
				REQUIRE(cap->cp_irq == r->irq);
			else
				REQUIRE(cap->cp_range.base == r->base &&
					cap->cp_range.npages == r->npages);
		}
	}
}

/* walk_ring: give every capability in the ring at @head the parent @parent. */
static void walk_ring(const struct list_node *head, int parent, int *found)
{
	const struct list_node *l;
	int n = 0, j;

	for (l = head->next; l != head; l = l->next) {
		REQUIRE(++n <= M_NIDX, "step %lu: ring does not close", step);
		j = rec_of(l, offsetof(struct cap, cp_sib));
		REQUIRE(j >= 0 && found[j] == -2, "step %lu: bad ring member", step);
		found[j] = parent;
	}
}

/* verify_parents: the implementation's tree is the model's, link for link. */
static void verify_parents(void)
{
	int found[M_NIDX], i, depth;

	for (i = 0; i < M_NIDX; i++)
		found[i] = -2;
	walk_ring(&cap_world.roots, -1, found);
	for (i = 0; i < M_NIDX; i++) {
		if (rec[i].type != CAP_NULL)
			walk_ring(&slots[i / M_NSLOTS][i % M_NSLOTS].cp_kids, i, found);
	}
	for (i = 0; i < M_NIDX; i++) {
		if (rec[i].type == CAP_NULL)
			continue;
		REQUIRE(found[i] == rec[i].parent, "step %lu: record %d has parent %d, model %d",
			step, i, found[i], rec[i].parent);
		depth = 0;
		for (int p = rec[i].parent; p >= 0; p = rec[p].parent)
			depth++;
		stats.max_depth = MAX(stats.max_depth, depth);
	}
}

/* verify_objects: references, destruction, then cap_check. */
static void verify_objects(const int *before)
{
	struct kobj *objs[M_NOBJ];
	size_t n = 0;

	for (int j = 0; j < M_NOBJ; j++) {
		struct mobj *o = &pool[j];
		int total = o->caps + o->extra;

		REQUIRE(o->ko.ko_refs == (uint64_t)total, "step %lu obj %d: %llu refs, model %d",
			step, j, (unsigned long long)o->ko.ko_refs, total);
		if (before[j] > 0 && total == 0) {
			REQUIRE(o->destroyed == 1, "step %lu obj %d destroyed %d times", step, j,
				o->destroyed);
			o->destroyed = 0;
			stats.destroyed++;
		} else {
			REQUIRE(o->destroyed == 0, "step %lu obj %d destroyed early", step, j);
		}
		if (o->extra == 0)
			objs[n++] = &o->ko;
	}
	REQUIRE(cap_check(objs, n) == 0, "step %lu", step);
}

static void one_step(void)
{
	int before[M_NOBJ], used = 0, r = (int)rnd_below(1000);

	for (int j = 0; j < M_NOBJ; j++)
		before[j] = pool[j].caps + pool[j].extra;
	for (int i = 0; i < M_NIDX; i++)
		used += rec[i].type != CAP_NULL;
	if (used > M_NIDX * 3 / 4 && r < 500)
		r = 850;	/* full: delete more */
	if (r < 120)
		op_insert();
	else if (r < 500)
		op_derive(r % 4);
	else if (r < 600)
		op_move();
	else if (r < 800)
		op_lookup();
	else if (r < 930)
		op_delete_or_revoke(false);
	else if (r < 975)
		op_delete_or_revoke(true);
	else if (r < 995)
		op_kobj_ref();
	else
		op_cspace(true);
	if (rnd_below(16) == 0)
		op_cspace(false);
	verify_slots();
	verify_parents();
	verify_objects(before);
}

static void run_seed(uint64_t seed, unsigned long steps)
{
	rng = seed | 1;
	memset(&stats, 0, sizeof(stats));
	memset(rec, 0, sizeof(rec));
	memset(pool, 0, sizeof(pool));
	REQUIRE(cap_world.live == 0 && list_empty(&cap_world.cspaces));
	for (int c = 0; c < M_NCS; c++) {
		REQUIRE(cspace_init(&mcs[c], slots[c], M_NSLOTS) == 0);
		cs_live[c] = true;
	}
	for (step = 0; step < steps; step++)
		one_step();
	printf("# seed %#llx steps %lu: %lu ok, %lu errors, %lu revoked, %lu objects destroyed, "
	       "depth %d\n",
	       (unsigned long long)seed, steps, stats.ok, stats.failed, stats.revoked,
	       stats.destroyed, stats.max_depth);
	printf("# errors: EBADF %lu EEXIST %lu EINVAL %lu ECAPTYPE %lu EPERM %lu\n",
	       stats.err[EBADF], stats.err[EEXIST], stats.err[EINVAL], stats.err[ECAPTYPE],
	       stats.err[EPERM]);
	for (int c = 0; c < M_NCS; c++) {
		if (cs_live[c])
			cspace_destroy(&mcs[c]);
	}
	for (int j = 0; j < M_NOBJ; j++) {
		while (pool[j].extra > 0) {
			pool[j].extra--;
			kobj_put(&pool[j].ko);
		}
		CHECK_EQ(pool[j].ko.ko_refs, 0);
	}
	CHECK(cap_world.live == 0 && list_empty(&cap_world.roots));
	CHECK(list_empty(&cap_world.cspaces) && !cap_world.dead);
	CHECK(stats.ok > steps / 4 && stats.failed > steps / 20, "both successes and errors");
	CHECK(stats.revoked > 0 && stats.destroyed > 0 && stats.max_depth >= 4);
}

TEST(model_random)
{
	unsigned long steps = test_iterations(100000);

	for (uint64_t k = 0; k < 4; k++)
		run_seed(test_seed() + k * 0x9e3779b97f4a7c15ULL, steps);
}

TEST_MAIN(TEST_CASE(model_random))
