/*
 * tests/host/vm/mmap_test.c: randomized differential test of vm/mmap.c,
 * vm/mm.c and vm/mm_fork.c against the unit-array model of mm_model.h.
 *
 * Each configuration places a window of units at the bottom or the top of
 * a paging mode's user half (units of one page, or of up to 2^30 pages to
 * reach 57-bit addresses), with random limits (VMA count, guard, search
 * direction). Every step runs one random operation on the mm and on the
 * model and compares the return code, the address, the whole VMA list,
 * the ranges the owner was told to unmap, then mm_check(); queries
 * (find, intersection, free-area search) are compared too. Some steps
 * rerun the operation with an allocation failure at each allocation point
 * first: each must fail with -ENOMEM, change nothing and leak nothing.
 */
#include <string.h>
#include <vm/mm.h>
#include <vm/vma.h>
#include "test.h"
#include "mm_model.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* ------------------------------------------------ the unmap hook -- */

static struct model *hook_model;	/* the model whose units are being told */
static unsigned int told[MODEL_MAX_UNITS];
static unsigned long told_calls;

static void hook_unmap(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end)
{
	struct model *m = hook_model;

	CHECK(vma->mm == mm && vma->start <= start && start < end && end <= vma->end);
	CHECK(IS_ALIGNED(start - m->layout.mmap_min, m->unit) &&
	      IS_ALIGNED(end - m->layout.mmap_min, m->unit));
	for (vaddr_t a = start; a < end; a += m->unit)
		told[model_idx(m, a)]++;
	told_calls++;
}

static const struct mm_ops hook_ops = { .unmap = hook_unmap };

static void told_reset(void)
{
	memset(told, 0, sizeof(told));
	told_calls = 0;
}

static void report(const char *what, unsigned long long a, unsigned long long b)
{
	printf("# mismatch: %s: mm %#llx, model %#llx\n", what, a, b);
}

/* ------------------------------------------------------ configs -- */

struct config {
	const char *name;
	vaddr_t task_size;	/* top of the window */
	vaddr_t mmap_min;	/* bottom of the window, when from_bottom */
	bool from_bottom;
	vsize_t unit;		/* bytes per unit */
	unsigned int n;		/* units */
};

static const struct config configs[] = {
	{ "low-pages", 0, 0x10000, true, PAGE_SIZE, 160 },
	{ "zero-based", 0, 0, true, PAGE_SIZE, 96 },
	{ "sv39-top", 0x4000000000ULL, 0, false, PAGE_SIZE, 160 },
	{ "sv39-whole", 0x4000000000ULL, 0, true, 0x4000000000ULL / 128, 128 },
	{ "sv48-top", 0x800000000000ULL, 0, false, (vsize_t)1 << 28, 128 },
	{ "sv57-top", 0x100000000000000ULL, 0, false, (vsize_t)1 << 42, 128 },
};

static void config_layout(const struct config *c, struct rng *r, struct mm_layout *l)
{
	static const unsigned long limits[] = { 3, 8, 24, 100000 };
	vsize_t span = (vsize_t)c->n * c->unit;

	l->mmap_min = c->from_bottom ? c->mmap_min : c->task_size - span;
	l->task_size = l->mmap_min + span;
	l->mmap_base = l->mmap_min + (c->n - 1 - rnd_below(r, c->n / 4)) * c->unit;
	l->unmapped_base = l->mmap_min + rnd_below(r, c->n / 2) * c->unit;
	l->stack_guard = (1 + rnd_below(r, 3)) * c->unit;
	l->stack_max = (4 + rnd_below(r, 24)) * c->unit;
	l->map_count_max = limits[rnd_below(r, ARRAY_SIZE(limits))];
	l->search = rnd_below(r, 3) ? MM_SEARCH_TOPDOWN : MM_SEARCH_BOTTOMUP;
}

/* ---------------------------------------------------- operations -- */

enum op_kind { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_BRK, OP_GROW, OP_KINDS };

struct op {
	enum op_kind kind;
	struct mm_map_args map;
	unsigned int file;
	vaddr_t addr;
	vsize_t len;
	unsigned int prot;
};

struct run {
	struct rng rng;
	const struct config *cfg;
	struct model m;
	struct mm *mm;
	int result;
	vaddr_t addr;
};

static vaddr_t rnd_addr(struct run *t)
{
	const struct mm_layout *l = &t->m.layout;
	vaddr_t a = l->mmap_min + rnd_below(&t->rng, t->m.n + 1) * t->m.unit;

	if (rnd_below(&t->rng, 64) == 0)
		return a + (t->m.unit == PAGE_SIZE ? 1 + rnd_below(&t->rng, PAGE_SIZE - 1) : 8);
	if (rnd_below(&t->rng, 128) == 0 && l->mmap_min >= t->m.unit)
		return l->mmap_min - t->m.unit;
	return a;
}

static vsize_t rnd_len(struct run *t)
{
	uint64_t k = rnd_below(&t->rng, 100);
	vsize_t units = 1 + rnd_below(&t->rng, k < 70 ? 4 : k < 95 ? 24 : t->m.n);

	if (rnd_below(&t->rng, 256) == 0)
		return rnd_below(&t->rng, 2) ? 0 : (vsize_t)0 - rnd_below(&t->rng, 3 * PAGE_SIZE);
	if (t->m.unit == PAGE_SIZE && rnd_below(&t->rng, 8) == 0)
		return units * PAGE_SIZE - rnd_below(&t->rng, PAGE_SIZE);
	return units * t->m.unit;
}

static unsigned int rnd_prot(struct run *t)
{
	if (rnd_below(&t->rng, 128) == 0)
		return 8;
	return (unsigned int)rnd_below(&t->rng, 8);
}

static void rnd_map(struct run *t, struct op *op)
{
	struct mm_map_args *a = &op->map;
	uint64_t k = rnd_below(&t->rng, 16);

	memset(a, 0, sizeof(*a));
	a->len = rnd_len(t);
	a->prot = rnd_prot(t);
	op->file = k < 8 ? 0 : (unsigned int)(1 + rnd_below(&t->rng, MODEL_FILES));
	a->mapping = model_file(op->file);
	a->flags = op->file && rnd_below(&t->rng, 2) ? VMA_SHARED : 0;
	if (!op->file && k < 2)
		a->flags = VMA_GROWSDOWN;
	if (rnd_below(&t->rng, 200) == 0)
		a->flags |= 1u << (rnd_below(&t->rng, 2) ? 5 : 1);
	a->pgoff = rnd_below(&t->rng, 8) * (t->m.unit >> PAGE_SHIFT);
	if (rnd_below(&t->rng, 200) == 0)
		a->pgoff = (pgoff_t)0 - rnd_below(&t->rng, 4);
	a->place = (enum mm_place)rnd_below(&t->rng, 3);
	a->addr = a->place == MM_PLACE_HINT && rnd_below(&t->rng, 2) ? 0 : rnd_addr(t);
	if (rnd_below(&t->rng, 6) == 0)
		a->align = t->m.unit << rnd_below(&t->rng, 4);
	/* a hint is rounded up to a page: only unit-aligned ones suit the model */
	if (a->place == MM_PLACE_HINT && t->m.unit > PAGE_SIZE)
		a->addr = a->addr - (a->addr - t->m.layout.mmap_min) % t->m.unit;
}

static void rnd_op(struct run *t, struct op *op)
{
	uint64_t k = rnd_below(&t->rng, 100);

	memset(op, 0, sizeof(*op));
	op->kind = k < 40 ? OP_MMAP : k < 65 ? OP_MUNMAP : k < 85 ? OP_MPROTECT : k < 93 ? OP_BRK
											 : OP_GROW;
	op->addr = rnd_addr(t);
	op->len = rnd_len(t);
	op->prot = rnd_prot(t);
	if (op->kind == OP_MMAP)
		rnd_map(t, op);
	if (op->kind == OP_BRK) {
		int64_t d = (int64_t)rnd_below(&t->rng, 16) - 6;

		op->addr = t->m.brk + (vaddr_t)(d * (int64_t)t->m.unit);
		if (t->m.unit == PAGE_SIZE)
			op->addr -= rnd_below(&t->rng, PAGE_SIZE);
	}
	if (op->kind == OP_GROW)
		op->addr = ALIGN_DOWN(op->addr, PAGE_SIZE) + rnd_below(&t->rng, PAGE_SIZE);
}

static int op_on_mm(struct mm *mm, const struct op *op, vaddr_t *addr)
{
	struct vma *vma;
	int err;

	switch (op->kind) {
	case OP_MMAP:
		return mm_mmap(mm, &op->map, addr);
	case OP_MUNMAP:
		return mm_munmap(mm, op->addr, op->len);
	case OP_MPROTECT:
		return mm_mprotect(mm, op->addr, op->len, op->prot);
	case OP_BRK:
		return mm_brk(mm, op->addr);
	case OP_GROW:
		err = mm_grow_stack(mm, op->addr, &vma);
		if (!err)
			*addr = vma->start;
		return err;
	default:
		return -ENOSYS;
	}
}

static int op_on_model(struct model *m, const struct op *op, vaddr_t *addr)
{
	switch (op->kind) {
	case OP_MMAP:
		return model_mmap(m, &op->map, op->file, addr);
	case OP_MUNMAP:
		return model_munmap(m, op->addr, op->len);
	case OP_MPROTECT:
		return model_mprotect(m, op->addr, op->len, op->prot);
	case OP_BRK:
		return model_brk(m, op->addr);
	case OP_GROW:
		return model_grow_stack(m, op->addr, addr);
	default:
		return -ENOSYS;
	}
}

/*
 * op_cleared: the range an operation that succeeded took away (the owner
 * must have been told of every unit mapped there before): munmap, a fixed
 * mmap, brk shrinking. Returns false for the others.
 */
static bool op_cleared(const struct op *op, const struct model *before, vaddr_t got,
		       vaddr_t *start, vaddr_t *end)
{
	switch (op->kind) {
	case OP_MUNMAP:
		*start = op->addr;
		*end = op->addr + ALIGN_UP(op->len, PAGE_SIZE);
		return true;
	case OP_MMAP:
		*start = got;
		*end = got + ALIGN_UP(op->map.len, PAGE_SIZE);
		return op->map.place == MM_PLACE_FIXED;
	case OP_BRK:
		*start = ALIGN_UP(op->addr, PAGE_SIZE);
		*end = ALIGN_UP(before->brk, PAGE_SIZE);
		return *start < *end;
	default:
		return false;
	}
}

/* told_matches: was the owner told exactly once of each unit it lost? */
static bool told_matches(const struct op *op, int err, const struct model *before, vaddr_t got)
{
	vaddr_t start = 0, end = 0;
	bool cleared = !err && op_cleared(op, before, got, &start, &end);

	for (unsigned int i = 0; i < before->n; i++) {
		vaddr_t a = model_addr(before, i);
		unsigned int want = cleared && before->u[i].mapped && a >= start && a < end;

		if (told[i] != want)
			return false;
	}
	return true;
}

/* ------------------------------------------------------- checks -- */

static unsigned long failures_before;

static bool step_ok(void)
{
	return test_case_failures == (int)failures_before;
}

static void check_state(struct mm *mm, const struct model *m, const char *when)
{
	CHECK(mm_check(mm) == 0, "%s", when);
	CHECK(model_compare(m, mm, report), "%s", when);
}

static void check_queries(struct run *t)
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(&t->m, runs);

	for (int q = 0; q < 3; q++) {
		vaddr_t a = rnd_addr(t), b = a + rnd_len(t), got = 0, want = 0;
		vaddr_t hint = rnd_below(&t->rng, 2) ? rnd_addr(t) : 0;
		vsize_t len = rnd_len(t), align = rnd_below(&t->rng, 4) ? 0 : t->m.unit << q;
		struct vma *v = vma_find(t->mm, a);
		int i = model_find(&t->m, runs, nr, a);
		int e1, e2;

		CHECK(i < 0 ? !v : v && v->start == runs[i].start && v->end == runs[i].end);
		v = vma_find_intersection(t->mm, a, b);
		CHECK(i < 0 || runs[i].start >= b ? !v : v && v->start == runs[i].start);
		if (!IS_ALIGNED(hint - t->m.layout.mmap_min, t->m.unit))
			hint = 0;	/* the model places at unit granularity only */
		e1 = mm_get_unmapped_area(t->mm, hint, len, align, &got);
		e2 = model_gua(&t->m, hint, len, align, &want);
		CHECK(e1 == e2 && got == want, "gua(%#llx, %#llx, %#llx): %d/%d %#llx/%#llx",
		      (unsigned long long)hint, (unsigned long long)len, (unsigned long long)align,
		      e1, e2, (unsigned long long)got, (unsigned long long)want);
	}
}

/*
 * run_with_failures: run @op with the allocation at each point failing in
 * turn until it behaves as the model says; each failed attempt must be a
 * clean -ENOMEM.
 */
static int run_with_failures(struct run *t, const struct op *op, int want, vaddr_t *addr,
			     const struct model *before)
{
	long live = host_alloc_live();
	int err;

	for (long k = 0;; k++) {
		told_reset();
		host_alloc_fail_after(k);
		err = op_on_mm(t->mm, op, addr);
		host_alloc_fail_after(-1);
		if (err == want || k > 8)
			return err;
		CHECK(err == -ENOMEM, "fail point %ld: %d", k, err);
		CHECK(host_alloc_live() == live && told_calls == 0, "fail point %ld", k);
		check_state(t->mm, before, "after an injected failure");
		if (!step_ok())
			return err;
	}
}

static void step(struct run *t, unsigned long i)
{
	struct model before = t->m;
	vaddr_t got = 0, want = 0;
	struct op op;
	int e1, e2;

	rnd_op(t, &op);
	e2 = op_on_model(&t->m, &op, &want);
	told_reset();
	if (rnd_below(&t->rng, 24) == 0)
		e1 = run_with_failures(t, &op, e2, &got, &before);
	else
		e1 = op_on_mm(t->mm, &op, &got);
	CHECK(e1 == e2, "step %lu op %d: mm %d, model %d", i, op.kind, e1, e2);
	CHECK(e1 || got == want, "step %lu op %d: at %#llx, model %#llx", i, op.kind,
	      (unsigned long long)got, (unsigned long long)want);
	CHECK(told_matches(&op, e1, &before, got), "step %lu op %d: unmap hook", i, op.kind);
	check_state(t->mm, &t->m, "after a step");
	check_queries(t);
}

/* fork_step: fork, compare the child, then keep one of the two. */
static void fork_step(struct run *t)
{
	struct mm *child = NULL;
	long live = host_alloc_live();
	int err;

	for (long k = 0;; k++) {
		host_alloc_fail_after(rnd_below(&t->rng, 4) ? -1 : k);
		err = mm_fork(t->mm, NULL, &child);
		host_alloc_fail_after(-1);
		if (!err)
			break;
		CHECK(err == -ENOMEM && host_alloc_live() == live);
		check_state(t->mm, &t->m, "after a failed fork");
	}
	CHECK(mm_check(child) == 0);
	CHECK(model_compare(&t->m, child, report), "child");
	told_reset();
	if (rnd_below(&t->rng, 2)) {
		mm_destroy(t->mm);
		t->mm = child;
	} else {
		mm_destroy(child);
	}
	for (unsigned int i = 0; i < t->m.n; i++)
		CHECK(told[i] == (t->m.u[i].mapped ? 1u : 0u), "destroy told unit %u", i);
}

static void run_config(const struct config *c, uint64_t seed, unsigned long steps)
{
	struct mm_layout l;
	struct run t;
	long live = host_alloc_live();

	memset(&t, 0, sizeof(t));
	t.rng.s = seed | 1;
	t.cfg = c;
	config_layout(c, &t.rng, &l);
	model_init(&t.m, &l, c->unit);
	hook_model = &t.m;
	REQUIRE(mm_create(&l, &hook_ops, NULL, &t.mm) == 0);
	REQUIRE(mm_set_brk_base(t.mm, l.mmap_min + c->n / 4 * c->unit) == 0);
	t.m.brk_start = t.m.brk = l.mmap_min + c->n / 4 * c->unit;
	for (unsigned long i = 0; i < steps; i++) {
		failures_before = (unsigned long)test_case_failures;
		if (rnd_below(&t.rng, 400) == 0)
			fork_step(&t);
		else
			step(&t, i);
		if (!step_ok()) {
			printf("# config %s seed %#llx failed at step %lu\n", c->name,
			       (unsigned long long)seed, i);
			break;
		}
	}
	told_reset();
	mm_destroy(t.mm);
	CHECK(host_alloc_live() == live, "leak");
}

TEST(mmap_random_differential)
{
	unsigned long steps = test_iterations(36000);
	uint64_t seed = test_seed();

	model_files_init();
	printf("# seed %#llx, %lu steps per config and seed\n", (unsigned long long)seed, steps);
	for (unsigned int s = 0; s < 5; s++) {
		for (unsigned int c = 0; c < ARRAY_SIZE(configs); c++) {
			run_config(&configs[c], seed * 0x9e3779b97f4a7c15ULL + s * 131 + c, steps);
			if (test_case_failures)
				return;
		}
	}
}

TEST_MAIN(TEST_CASE(mmap_random_differential))
