/*
 * tests/fuzz/mm_fuzz.c: libFuzzer target for vm/mm.c, vm/mmap.c,
 * vm/mm_fork.c and vm/vma.c.
 *
 * The input is a program: a header byte picks the window (bottom or top
 * of a paging mode's user half, unit size) and the limits (VMA count,
 * guard, search direction); then each operation takes a kind byte and a
 * few argument bytes (mmap with any placement, prot, flags, file, page
 * offset and alignment; munmap; mprotect; brk; stack growth; fork; the
 * free-area search; an allocation failure at a chosen point). Each runs on
 * the mm and on the reference model of tests/host/vm/mm_model.h: the
 * return codes, addresses and whole VMA lists must agree, the owner must
 * be told of exactly the pages unmapped, an injected allocation failure
 * must change nothing, and mm_check() must pass after every step. Any
 * disagreement traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "../host/vm/mm_model.h"

#define FUZZ_ASSERT(c)                                                         \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

static struct model model, before;
static unsigned int told[MODEL_MAX_UNITS];
static unsigned long told_calls;

static void hook_unmap(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end)
{
	FUZZ_ASSERT(vma->mm == mm && vma->start <= start && start < end && end <= vma->end);
	for (vaddr_t a = start; a < end; a += model.unit)
		told[model_idx(&model, a)]++;
	told_calls++;
}

static const struct mm_ops hook_ops = { .unmap = hook_unmap };

static void no_report(const char *what, unsigned long long a, unsigned long long b)
{
	(void)what;
	(void)a;
	(void)b;
}

/* The windows: as in mmap_test.c, bottoms and tops of each user half. */
static void pick_layout(struct input *in, struct mm_layout *l, vsize_t *unit)
{
	static const vaddr_t tops[] = { 0x4000000000ULL, 0x800000000000ULL,
					0x100000000000000ULL };
	uint64_t h = take(in, 3);
	unsigned int n = 16 + (unsigned int)(h & 63);
	unsigned int kind = (h >> 6) & 3;

	*unit = kind == 0 ? PAGE_SIZE : (vsize_t)1 << (PAGE_SHIFT + 4 * kind + ((h >> 8) & 3));
	if ((h >> 10) & 1) {
		l->mmap_min = (h >> 11) & 1 ? 0 : 0x10000;
		if (*unit > PAGE_SIZE)
			l->mmap_min = 0;
	} else {
		l->mmap_min = tops[(h >> 12) % 3] - (vaddr_t)n * *unit;
	}
	l->task_size = l->mmap_min + (vaddr_t)n * *unit;
	l->mmap_base = l->mmap_min + (n - 1 - ((h >> 14) & 3)) * *unit;
	l->unmapped_base = l->mmap_min + ((h >> 16) % (n / 2)) * *unit;
	l->stack_guard = (1 + ((h >> 18) & 1)) * *unit;
	l->stack_max = (2 + ((h >> 19) & 7)) * *unit;
	l->map_count_max = (h >> 22) & 1 ? 2 + ((h >> 20) & 3) * 3 : 10000;
	l->search = (h >> 23) & 1 ? MM_SEARCH_BOTTOMUP : MM_SEARCH_TOPDOWN;
}

static vaddr_t arg_addr(struct input *in)
{
	uint64_t b = take(in, 1);
	vaddr_t a = model.layout.mmap_min + (b % (model.n + 2)) * model.unit;

	if (b >= 0xf8)
		return a + (b & 7) * 8;		/* misaligned */
	return a;
}

static vsize_t arg_len(struct input *in)
{
	uint64_t b = take(in, 1);

	if (b == 0xff)
		return (vsize_t)0 - PAGE_SIZE;
	if (b == 0xfe)
		return 0;
	return (1 + b % 24) * model.unit - (model.unit == PAGE_SIZE ? (b >> 5) * 100 : 0);
}

static void arg_map(struct input *in, struct mm_map_args *a, unsigned int *file)
{
	uint64_t b = take(in, 2);

	memset(a, 0, sizeof(*a));
	a->place = (enum mm_place)(b % 3);
	a->addr = arg_addr(in);
	if (a->place == MM_PLACE_HINT && model.unit > PAGE_SIZE)
		a->addr -= (a->addr - model.layout.mmap_min) % model.unit;
	a->len = arg_len(in);
	a->prot = (b >> 2) & 15;
	*file = (b >> 6) % (MODEL_FILES + 1);
	a->mapping = model_file(*file);
	a->flags = (b >> 8) & 3;
	a->pgoff = ((b >> 10) & 7) * (model.unit >> PAGE_SHIFT);
	if (((b >> 13) & 7) == 7)
		a->pgoff = (pgoff_t)0 - 1;
	if ((b >> 13) & 1)
		a->align = model.unit << ((b >> 14) & 3);
}

static bool told_ok(bool cleared, vaddr_t start, vaddr_t end)
{
	for (unsigned int i = 0; i < model.n; i++) {
		vaddr_t a = model_addr(&model, i);
		unsigned int want = cleared && before.u[i].mapped && a >= start && a < end;

		if (told[i] != want)
			return false;
	}
	return true;
}

/* One operation's outcome on the mm (e1, got) and on the model (e2, want). */
struct outcome {
	int e1, e2;
	vaddr_t got, want;
	bool cleared;		/* on success, [cs, ce) was taken away */
	vaddr_t cs, ce;
};

/* exec_map: mmap, munmap (kinds 0-5). */
static void exec_map(struct mm *mm, struct input *in, unsigned int kind, long fail_at,
		     struct outcome *o)
{
	struct mm_map_args a;
	unsigned int file = 0;
	vsize_t len;

	if (kind < 4) {
		arg_map(in, &a, &file);
		o->e2 = model_mmap(&model, &a, file, &o->want);
		host_alloc_fail_after(fail_at);
		o->e1 = mm_mmap(mm, &a, &o->got);
		o->cleared = a.place == MM_PLACE_FIXED;
		o->cs = o->got;
		o->ce = o->got + ALIGN_UP(a.len, PAGE_SIZE);
		return;
	}
	o->cs = arg_addr(in);
	len = arg_len(in);
	o->e2 = model_munmap(&model, o->cs, len);
	host_alloc_fail_after(fail_at);
	o->e1 = mm_munmap(mm, o->cs, len);
	o->cleared = true;
	o->ce = o->cs + ALIGN_UP(len, PAGE_SIZE);
}

/* exec_other: mprotect, brk, stack growth (kinds 6-9). */
static void exec_other(struct mm *mm, struct input *in, unsigned int kind, long fail_at,
		       struct outcome *o)
{
	unsigned int prot;
	struct vma *vma;
	vaddr_t addr;
	vsize_t len;

	if (kind < 8) {
		addr = arg_addr(in);
		len = arg_len(in);
		prot = (unsigned int)take(in, 1) & 15;
		o->e2 = model_mprotect(&model, addr, len, prot);
		host_alloc_fail_after(fail_at);
		o->e1 = mm_mprotect(mm, addr, len, prot);
	} else if (kind == 8) {
		addr = model.brk + ((int64_t)(take(in, 1) & 15) - 6) * (int64_t)model.unit;
		o->e2 = model_brk(&model, addr);
		host_alloc_fail_after(fail_at);
		o->e1 = mm_brk(mm, addr);
		o->cs = ALIGN_UP(addr, PAGE_SIZE);
		o->ce = ALIGN_UP(before.brk, PAGE_SIZE);
		o->cleared = o->cs < o->ce;
	} else {
		addr = ALIGN_DOWN(arg_addr(in), PAGE_SIZE) + (take(in, 1) << 4);
		o->e2 = model_grow_stack(&model, addr, &o->want);
		host_alloc_fail_after(fail_at);
		o->e1 = mm_grow_stack(mm, addr, &vma);
		if (!o->e1)
			o->got = vma->start;
	}
}

/* run_op: one mm operation against the model; @fail_at >= 0 injects a failure. */
static void run_op(struct mm *mm, struct input *in, unsigned int kind, long fail_at)
{
	struct outcome o = { 0 };
	long live = host_alloc_live();

	before = model;
	memset(told, 0, sizeof(told));
	told_calls = 0;
	kind %= 10;
	if (kind < 6)
		exec_map(mm, in, kind, fail_at, &o);
	else
		exec_other(mm, in, kind, fail_at, &o);
	host_alloc_fail_after(-1);
	if (o.e1 == -ENOMEM && o.e2 != -ENOMEM && fail_at >= 0) {
		/* the injected failure hit: nothing may have changed */
		model = before;
		FUZZ_ASSERT(host_alloc_live() == live && told_calls == 0);
	} else {
		FUZZ_ASSERT(o.e1 == o.e2 && (o.e1 || o.got == o.want));
		FUZZ_ASSERT(told_ok(!o.e1 && o.cleared, o.cs, o.ce));
	}
	FUZZ_ASSERT(mm_check(mm) == 0 && model_compare(&model, mm, no_report));
}

static struct mm *run_fork(struct mm *mm, uint64_t b)
{
	struct mm *child = NULL;
	long live = host_alloc_live();
	int err;

	host_alloc_fail_after(b & 1 ? (long)(b >> 1) : -1);
	err = mm_fork(mm, NULL, &child);
	host_alloc_fail_after(-1);
	if (err) {
		FUZZ_ASSERT(err == -ENOMEM && host_alloc_live() == live);
		return mm;
	}
	FUZZ_ASSERT(mm_check(child) == 0 && model_compare(&model, child, no_report));
	if (b & 2) {
		mm_destroy(mm);
		return child;
	}
	mm_destroy(child);
	return mm;
}

static void run_query(struct mm *mm, struct input *in)
{
	vaddr_t hint = take(in, 1) & 1 ? arg_addr(in) : 0, got = 0, want = 0;
	vsize_t len = arg_len(in), align = (take(in, 1) & 3) ? 0 : model.unit << 1;
	int e1, e2;

	if ((hint - model.layout.mmap_min) % model.unit)
		hint = 0;
	e1 = mm_get_unmapped_area(mm, hint, len, align, &got);
	e2 = model_gua(&model, hint, len, align, &want);
	FUZZ_ASSERT(e1 == e2 && (e1 || got == want));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct mm_layout l;
	struct mm *mm;
	vsize_t unit;
	long live = host_alloc_live();

	model_files_init();
	pick_layout(&in, &l, &unit);
	model_init(&model, &l, unit);
	FUZZ_ASSERT(mm_create(&l, &hook_ops, NULL, &mm) == 0);
	for (unsigned int steps = 0; in.left && steps < 256; steps++) {
		uint64_t op = take(&in, 1);

		if ((op & 15) == 15)
			mm = run_fork(mm, take(&in, 1));
		else if ((op & 15) == 14)
			run_query(mm, &in);
		else
			run_op(mm, &in, op & 15, op >> 4 >= 12 ? (long)(op >> 4) - 12 : -1);
	}
	mm_destroy(mm);
	FUZZ_ASSERT(host_alloc_live() == live);
	return 0;
}
