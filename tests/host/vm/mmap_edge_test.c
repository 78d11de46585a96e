/*
 * tests/host/vm/mmap_edge_test.c: the edge cases of vm/mmap.c named one by
 * one: the top and bottom of each paging mode's user half, zero lengths,
 * start + len overflow, misaligned and invalid arguments, unmapping
 * nothing, mprotect across a hole, the VMA-count limit, stack growth,
 * merging rules, and an allocation failure at every point of a scripted
 * sequence (each must leave the mm unchanged and leak nothing).
 */
#include <string.h>
#include <pagoda/errno.h>
#include <vm/address_space.h>
#include <vm/anon_vma.h>
#include <vm/mm.h>
#include <vm/page.h>
#include <vm/rmap.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define RW (VMA_READ | VMA_WRITE)
#define KB(x) ((vsize_t)(x) << 10)
#define MB(x) ((vsize_t)(x) << 20)

static const vaddr_t task_sizes[] = {
	0x4000000000ULL,	/* Sv39 */
	0x800000000000ULL,	/* Sv48, x86-64 4-level */
	0x100000000000000ULL,	/* Sv57, x86-64 5-level */
};

static struct mm *new_mm(vaddr_t task_size)
{
	struct mm_layout l;
	struct mm *mm = NULL;

	mm_layout_default(&l, task_size);
	REQUIRE(mm_create(&l, NULL, NULL, &mm) == 0);
	return mm;
}

static int map(struct mm *mm, vaddr_t addr, vsize_t len, unsigned int prot, enum mm_place place,
	       vaddr_t *out)
{
	struct mm_map_args a = { .addr = addr, .len = len, .prot = prot, .place = place };
	vaddr_t dummy;

	return mm_mmap(mm, &a, out ? out : &dummy);
}

static int map_fixed(struct mm *mm, vaddr_t addr, vsize_t len, unsigned int prot)
{
	return map(mm, addr, len, prot, MM_PLACE_FIXED, NULL);
}

static struct vma *vma_at(struct mm *mm, vaddr_t addr)
{
	struct vma *v = vma_find(mm, addr);

	return v && v->start <= addr ? v : NULL;
}

TEST(top_and_bottom_of_each_paging_mode)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(task_sizes); i++) {
		vaddr_t top = task_sizes[i], a;
		struct mm *mm = new_mm(top);
		vaddr_t min = mm->layout.mmap_min;

		CHECK_EQ(map_fixed(mm, top - PAGE_SIZE, PAGE_SIZE, RW), 0);
		CHECK_EQ(map_fixed(mm, top, PAGE_SIZE, RW), -ENOMEM);
		CHECK_EQ(map_fixed(mm, top - PAGE_SIZE, 2 * PAGE_SIZE, RW), -ENOMEM);
		CHECK_EQ(map_fixed(mm, min, PAGE_SIZE, RW), 0);
		CHECK_EQ(map_fixed(mm, min - PAGE_SIZE, PAGE_SIZE, RW), -EPERM);
		CHECK_EQ(map_fixed(mm, 0, PAGE_SIZE, RW), -EPERM);
		CHECK(vma_at(mm, top - 1) && vma_at(mm, min) && mm->map_count == 2);
		/* the default search: top-down, just below mmap_base */
		CHECK_EQ(map(mm, 0, PAGE_SIZE, RW, MM_PLACE_HINT, &a), 0);
		CHECK_EQ(a, mm->layout.mmap_base - PAGE_SIZE);
		/* a hint at the very top is taken when free */
		CHECK_EQ(mm_munmap(mm, top - PAGE_SIZE, PAGE_SIZE), 0);
		CHECK_EQ(map(mm, top - PAGE_SIZE, PAGE_SIZE, RW, MM_PLACE_HINT, &a), 0);
		CHECK_EQ(a, top - PAGE_SIZE);
		/* the whole user half at once replaces everything */
		CHECK_EQ(map_fixed(mm, min, top - min, VMA_READ), 0);
		CHECK(mm->map_count == 1 && vma_first(mm)->end == top);
		CHECK_EQ(map(mm, 0, PAGE_SIZE, RW, MM_PLACE_HINT, &a), -ENOMEM);
		CHECK_EQ(mm_munmap(mm, min, top - min), 0);
		CHECK_EQ(mm_munmap(mm, min, top - min + PAGE_SIZE), -EINVAL);
		CHECK(mm->map_count == 0 && mm_check(mm) == 0);
		mm_destroy(mm);
	}
}

TEST(zero_length)
{
	struct mm *mm = new_mm(task_sizes[0]);
	vaddr_t a;

	CHECK_EQ(map(mm, 0, 0, RW, MM_PLACE_HINT, NULL), -EINVAL);
	CHECK_EQ(map_fixed(mm, MB(1), 0, RW), -EINVAL);
	CHECK_EQ(mm_munmap(mm, MB(1), 0), -EINVAL);
	CHECK_EQ(mm_mprotect(mm, MB(1), 0, RW), 0);
	CHECK_EQ(mm_get_unmapped_area(mm, 0, 0, 0, &a), -EINVAL);
	CHECK(mm->map_count == 0 && mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(start_plus_len_overflow)
{
	struct mm *mm = new_mm(task_sizes[1]);
	vaddr_t top = mm->layout.task_size, a;
	struct mm_map_args f = { .addr = MB(1), .len = PAGE_SIZE, .prot = RW };

	CHECK_EQ(map_fixed(mm, top - PAGE_SIZE, (vsize_t)0 - PAGE_SIZE, RW), -ENOMEM);
	CHECK_EQ(map_fixed(mm, MB(1), (vsize_t)0 - 1, RW), -ENOMEM);
	CHECK_EQ(map(mm, 0, (vsize_t)0 - 1, RW, MM_PLACE_HINT, NULL), -ENOMEM);
	CHECK_EQ(mm_get_unmapped_area(mm, 0, (vsize_t)0 - PAGE_SIZE, 0, &a), -ENOMEM);
	CHECK_EQ(mm_get_unmapped_area(mm, 0, PAGE_SIZE, (vsize_t)1 << 63, &a), -ENOMEM);
	CHECK_EQ(mm_munmap(mm, MB(1), (vsize_t)0 - PAGE_SIZE), -EINVAL);
	CHECK_EQ(mm_munmap(mm, top, PAGE_SIZE), -EINVAL);
	CHECK_EQ(map_fixed(mm, MB(1), MB(1), RW), 0);
	CHECK_EQ(mm_mprotect(mm, MB(1), (vsize_t)0 - PAGE_SIZE, VMA_READ), -ENOMEM);
	CHECK_EQ(mm_mprotect(mm, MB(1), (vsize_t)0 - 1, VMA_READ), -ENOMEM);
	/* a file range that wraps */
	f.mapping = vm_zalloc(sizeof(struct address_space));
	REQUIRE(f.mapping);
	address_space_init(f.mapping, NULL, NULL);
	f.pgoff = (pgoff_t)0 - 1;
	f.len = 2 * PAGE_SIZE;
	CHECK_EQ(mm_mmap(mm, &f, &a), -EOVERFLOW);
	f.len = PAGE_SIZE;
	CHECK_EQ(mm_mmap(mm, &f, &a), -EOVERFLOW);	/* pgoff + npages wraps to 0 (Linux) */
	f.pgoff = (pgoff_t)0 - 2;
	f.place = MM_PLACE_FIXED;
	f.addr = MB(4);
	CHECK_EQ(mm_mmap(mm, &f, &a), 0);
	CHECK(mm_check(mm) == 0 && mm->map_count == 2);
	mm_destroy(mm);
	vm_free(f.mapping, sizeof(struct address_space));
}

TEST(misaligned_and_invalid_arguments)
{
	struct mm *mm = new_mm(task_sizes[0]);
	struct mm_map_args a = { .addr = MB(2), .len = PAGE_SIZE, .prot = RW };
	vaddr_t out;

	CHECK_EQ(map_fixed(mm, MB(1) + 1, PAGE_SIZE, RW), -EINVAL);
	CHECK_EQ(map_fixed(mm, MB(1) + KB(2), PAGE_SIZE, RW), -EINVAL);
	CHECK_EQ(mm_munmap(mm, MB(1) + 1, PAGE_SIZE), -EINVAL);
	CHECK_EQ(mm_mprotect(mm, MB(1) + 8, PAGE_SIZE, RW), -EINVAL);
	CHECK_EQ(mm_get_unmapped_area(mm, 0, PAGE_SIZE, 3 * PAGE_SIZE, &out), -EINVAL);
	CHECK_EQ(mm_get_unmapped_area(mm, 0, PAGE_SIZE, 512, &out), -EINVAL);
	a.prot = 8;
	CHECK_EQ(mm_mmap(mm, &a, &out), -EINVAL);
	CHECK_EQ(mm_mprotect(mm, MB(2), PAGE_SIZE, 16), -EINVAL);
	a.prot = RW;
	a.flags = VMA_SHARED;	/* shared needs a mapping */
	CHECK_EQ(mm_mmap(mm, &a, &out), -EINVAL);
	a.flags = 1u << 7;
	CHECK_EQ(mm_mmap(mm, &a, &out), -EINVAL);
	a.flags = 0;
	a.place = (enum mm_place)9;
	CHECK_EQ(mm_mmap(mm, &a, &out), -EINVAL);
	a.place = MM_PLACE_FIXED;
	a.align = MB(2);
	a.addr = MB(2) + PAGE_SIZE;	/* fixed, but not at the asked alignment */
	CHECK_EQ(mm_mmap(mm, &a, &out), -EINVAL);
	a.addr = MB(4);
	CHECK_EQ(mm_mmap(mm, &a, &out), 0);
	/* write-only is stored as read-write */
	CHECK_EQ(mm_mprotect(mm, MB(4), PAGE_SIZE, VMA_WRITE), 0);
	CHECK_EQ(vma_at(mm, MB(4))->prot, RW);
	/* an aligned search */
	a.place = MM_PLACE_HINT;
	a.addr = MB(7) + PAGE_SIZE;
	CHECK_EQ(mm_mmap(mm, &a, &out), 0);
	CHECK_EQ(out, MB(8));
	CHECK(mm_check(mm) == 0 && mm->map_count == 2);
	mm_destroy(mm);
}

TEST(unmap_of_nothing)
{
	struct mm *mm = new_mm(task_sizes[0]);

	CHECK_EQ(mm_munmap(mm, MB(1), MB(1)), 0);
	CHECK_EQ(map_fixed(mm, MB(1), PAGE_SIZE, RW), 0);
	CHECK_EQ(map_fixed(mm, MB(3), PAGE_SIZE, RW), 0);
	CHECK_EQ(mm_munmap(mm, MB(1) + PAGE_SIZE, MB(2) - PAGE_SIZE), 0);	/* the hole */
	CHECK_EQ(mm->map_count, 2);
	CHECK_EQ(mm_munmap(mm, 0, PAGE_SIZE), 0);	/* below mmap_min: nothing there */
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(mprotect_across_a_hole)
{
	struct mm *mm = new_mm(task_sizes[0]);

	CHECK_EQ(map_fixed(mm, MB(1), 2 * PAGE_SIZE, RW), 0);
	CHECK_EQ(map_fixed(mm, MB(1) + 3 * PAGE_SIZE, 2 * PAGE_SIZE, RW), 0);
	CHECK_EQ(mm_mprotect(mm, MB(1), 5 * PAGE_SIZE, VMA_READ), -ENOMEM);
	CHECK(vma_at(mm, MB(1))->prot == RW && mm->map_count == 2);	/* nothing changed */
	CHECK_EQ(mm_mprotect(mm, MB(1) + PAGE_SIZE, PAGE_SIZE, VMA_READ), 0);
	CHECK_EQ(mm->map_count, 3);
	CHECK_EQ(mm_mprotect(mm, MB(1) + PAGE_SIZE, PAGE_SIZE, RW), 0);	/* merges back */
	CHECK_EQ(mm->map_count, 2);
	CHECK_EQ(mm_mprotect(mm, MB(1) - PAGE_SIZE, 2 * PAGE_SIZE, RW), -ENOMEM);
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(vma_count_limit)
{
	struct mm_layout l;
	struct mm *mm;
	vaddr_t b = MB(1), p = PAGE_SIZE;

	mm_layout_default(&l, task_sizes[0]);
	l.map_count_max = 3;
	REQUIRE(mm_create(&l, NULL, NULL, &mm) == 0);
	CHECK_EQ(map_fixed(mm, b, 4 * p, RW), 0);
	CHECK_EQ(map_fixed(mm, b + 8 * p, 4 * p, RW), 0);
	CHECK_EQ(map_fixed(mm, b + 16 * p, 4 * p, RW), 0);
	CHECK_EQ(map_fixed(mm, b + 24 * p, p, RW), -ENOMEM);		/* a fourth VMA */
	CHECK_EQ(map_fixed(mm, b + 4 * p, p, RW), 0);			/* merges: still 3 */
	CHECK_EQ(mm_munmap(mm, b + p, p), -ENOMEM);			/* would split in two */
	CHECK_EQ(mm_mprotect(mm, b + p, p, VMA_READ), -ENOMEM);		/* would split in three */
	CHECK_EQ(map_fixed(mm, b + p, p, VMA_READ), -ENOMEM);		/* likewise */
	CHECK_EQ(mm_munmap(mm, b, p), 0);				/* trims: fine */
	CHECK_EQ(mm_mprotect(mm, b + 8 * p, 8 * p, VMA_READ), -ENOMEM);	/* a hole */
	CHECK_EQ(mm_mprotect(mm, b + 8 * p, 4 * p, VMA_READ), 0);	/* no new VMA */
	CHECK_EQ(mm->map_count, 3);
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(stack_growth)
{
	struct mm *mm = new_mm(task_sizes[0]);
	const struct mm_layout *l = &mm->layout;
	vaddr_t top = l->task_size - MB(1), a;
	struct vma *v;

	CHECK_EQ(mm_setup_stack(mm, top, MB(9), RW), -EINVAL);		/* above stack_max */
	CHECK_EQ(mm_setup_stack(mm, top, 4 * PAGE_SIZE, RW), 0);
	CHECK_EQ(mm->stack_top, top);
	CHECK_EQ(mm_grow_stack(mm, top - 4 * PAGE_SIZE - 1, &v), 0);
	CHECK(v->start == top - 5 * PAGE_SIZE && v->pgoff == v->start >> PAGE_SHIFT);
	CHECK_EQ(mm_grow_stack(mm, top - l->stack_max - 1, &v), -ENOMEM);
	CHECK_EQ(mm_grow_stack(mm, top - l->stack_max, &v), 0);
	CHECK_EQ(v->end - v->start, l->stack_max);
	CHECK_EQ(mm_grow_stack(mm, top + PAGE_SIZE, &v), -EFAULT);	/* above everything */
	/* a VMA within the guard gap blocks growth */
	CHECK_EQ(map_fixed(mm, top - MB(12), PAGE_SIZE, RW), 0);
	CHECK_EQ(mm_grow_stack(mm, top - MB(12) - 1, &v), -EFAULT);	/* not a stack above */
	CHECK_EQ(mm_grow_stack(mm, top - MB(11) - 1, &v), -ENOMEM);	/* past stack_max */
	CHECK_EQ(mm_munmap(mm, top - MB(8), MB(1)), 0);			/* shrink the stack */
	CHECK_EQ(map_fixed(mm, top - MB(8) - PAGE_SIZE, PAGE_SIZE, RW), 0);
	CHECK_EQ(mm_grow_stack(mm, top - MB(7) - PAGE_SIZE, &v), -ENOMEM);	/* guard */
	CHECK_EQ(mm_munmap(mm, top - MB(8) - PAGE_SIZE, PAGE_SIZE), 0);
	CHECK_EQ(mm_grow_stack(mm, top - MB(7) - PAGE_SIZE, &v), 0);
	CHECK_EQ(v->start, top - MB(7) - PAGE_SIZE);
	/* the free-area search keeps the guard gap below the stack free */
	CHECK_EQ(mm_get_unmapped_area(mm, v->start - PAGE_SIZE, PAGE_SIZE, 0, &a), 0);
	CHECK(a + PAGE_SIZE <= v->start - l->stack_guard || a >= v->end);
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(brk)
{
	struct mm *mm = new_mm(task_sizes[0]);
	vaddr_t base = MB(16) + 123;

	CHECK_EQ(mm_set_brk_base(mm, 0), -EINVAL);
	CHECK_EQ(mm_set_brk_base(mm, base), 0);
	CHECK_EQ(mm_brk(mm, base - 1), -ENOMEM);
	CHECK_EQ(mm_brk(mm, base + 10), 0);			/* inside the first page */
	CHECK_EQ(mm->map_count, 0);
	CHECK_EQ(mm_brk(mm, base + 3 * PAGE_SIZE), 0);
	CHECK_EQ(mm->map_count, 1);
	CHECK_EQ(vma_first(mm)->start, MB(16) + PAGE_SIZE);
	CHECK_EQ(mm_brk(mm, base + 9 * PAGE_SIZE), 0);		/* extends the same VMA */
	CHECK_EQ(mm->map_count, 1);
	CHECK_EQ(map_fixed(mm, MB(16) + 12 * PAGE_SIZE, PAGE_SIZE, VMA_READ), 0);
	CHECK_EQ(mm_brk(mm, base + 11 * PAGE_SIZE), -ENOMEM);	/* a page short of the VMA */
	CHECK_EQ(mm_brk(mm, base + PAGE_SIZE), 0);
	CHECK_EQ(vma_first(mm)->end, MB(16) + 2 * PAGE_SIZE);
	CHECK_EQ(mm->brk, base + PAGE_SIZE);
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
}

TEST(merging_rules)
{
	struct mm *mm = new_mm(task_sizes[0]);
	struct address_space *as = vm_zalloc(sizeof(*as));
	struct mm_map_args f = { .len = 2 * PAGE_SIZE, .prot = VMA_READ, .place = MM_PLACE_FIXED };
	vaddr_t out;

	REQUIRE(as);
	address_space_init(as, NULL, NULL);
	f.mapping = as;
	/* anonymous neighbours with equal attributes merge */
	CHECK_EQ(map_fixed(mm, MB(1), PAGE_SIZE, RW), 0);
	CHECK_EQ(map_fixed(mm, MB(1) + PAGE_SIZE, PAGE_SIZE, RW), 0);
	CHECK_EQ(mm->map_count, 1);
	/* file neighbours merge only with contiguous page offsets */
	f.addr = MB(4);
	f.pgoff = 10;
	CHECK_EQ(mm_mmap(mm, &f, &out), 0);
	f.addr = MB(4) + 2 * PAGE_SIZE;
	f.pgoff = 13;
	CHECK_EQ(mm_mmap(mm, &f, &out), 0);
	CHECK_EQ(mm->map_count, 3);
	f.pgoff = 12;
	CHECK_EQ(mm_mmap(mm, &f, &out), 0);	/* replaces it, contiguous now */
	CHECK_EQ(mm->map_count, 2);
	CHECK_EQ(pst_count(&as->i_mmap), 1);
	/* shared and private mappings of a file do not merge */
	f.addr = MB(4) + 4 * PAGE_SIZE;
	f.pgoff = 14;
	f.flags = VMA_SHARED;
	CHECK_EQ(mm_mmap(mm, &f, &out), 0);
	CHECK_EQ(mm->map_count, 3);
	/* a private VMA with an anon_vma still merges with a fresh alike one */
	REQUIRE(anon_vma_prepare(vma_at(mm, MB(1))) == 0);
	CHECK_EQ(map_fixed(mm, MB(1) + 2 * PAGE_SIZE, PAGE_SIZE, RW), 0);
	CHECK(mm->map_count == 3 && vma_at(mm, MB(1))->end == MB(1) + 3 * PAGE_SIZE);
	/* pieces split by mprotect share it, and merge back */
	CHECK_EQ(mm_mprotect(mm, MB(1) + PAGE_SIZE, PAGE_SIZE, VMA_READ), 0);
	CHECK_EQ(mm->map_count, 5);
	CHECK_EQ(mm_mprotect(mm, MB(1), 3 * PAGE_SIZE, RW), 0);
	CHECK_EQ(mm->map_count, 3);
	CHECK(mm_check(mm) == 0);
	mm_destroy(mm);
	CHECK(pst_empty(&as->i_mmap));
	vm_free(as, sizeof(*as));
}

/* ------------------------------------- allocation failure at every point -- */

struct snap {
	unsigned long n;
	struct vma_seg v[32];
	vaddr_t brk;
	long live;
};

static void snap_take(struct mm *mm, struct snap *s)
{
	struct vma *v;

	s->n = 0;
	list_for_each_entry(v, &mm->vma_list, node) {
		REQUIRE(s->n < ARRAY_SIZE(s->v));
		vma_to_seg(v, &s->v[s->n++]);
	}
	s->brk = mm->brk;
	s->live = host_alloc_live();
}

static bool snap_same(struct mm *mm, const struct snap *s)
{
	struct snap now;

	snap_take(mm, &now);
	return now.n == s->n && now.brk == s->brk && now.live == s->live &&
	       !memcmp(now.v, s->v, s->n * sizeof(s->v[0]));
}

struct script {
	struct mm *mm;
	struct address_space *as;
	struct page page;
	vaddr_t out;
};

/* script_step: the @i-th step (0 = done). */
static int script_step(struct script *sc, int i)
{
	struct mm_map_args f = { .addr = MB(1) + 12 * PAGE_SIZE, .len = 2 * PAGE_SIZE,
				 .prot = VMA_READ, .place = MM_PLACE_FIXED, .mapping = sc->as };
	struct mm *child;
	vaddr_t b = MB(1), p = PAGE_SIZE;
	int err;

	switch (i) {
	case 1: return map_fixed(sc->mm, b, 16 * p, RW);
	case 2: return anon_vma_prepare(vma_at(sc->mm, b));
	case 3: return mm_mprotect(sc->mm, b + 4 * p, 4 * p, VMA_READ);
	case 4: return mm_munmap(sc->mm, b + 10 * p, p);
	case 5: return mm_mmap(sc->mm, &f, &sc->out);
	case 6: case 9:
		err = mm_fork(sc->mm, NULL, &child);
		if (!err) {
			CHECK(mm_check(child) == 0 && child->map_count == sc->mm->map_count);
			mm_destroy(child);
		}
		return err;
	case 7: return map(sc->mm, 0, 3 * p, RW, MM_PLACE_HINT, &sc->out);
	case 8: return mm_brk(sc->mm, sc->mm->brk + 5 * p);
	case 10: return mm_mprotect(sc->mm, b, 10 * p, RW);
	case 11: return mm_munmap(sc->mm, b + 13 * p, p);
	case 12: return map(sc->mm, b + 2 * p, 2 * p, VMA_EXEC, MM_PLACE_FIXED, NULL);
	default: return 1;
	}
}

TEST(allocation_failure_at_every_point)
{
	struct script sc = { 0 };
	long live0 = host_alloc_live();
	struct snap before;
	int err;

	sc.mm = new_mm(task_sizes[0]);
	sc.as = vm_zalloc(sizeof(*sc.as));
	REQUIRE(sc.as);
	address_space_init(sc.as, NULL, NULL);
	for (int i = 1;; i++) {
		long k;

		if (i == 6)	/* an anonymous page makes fork renew the anon_vma */
			rmap_add_anon(&sc.page, vma_at(sc.mm, MB(1)), MB(1));
		snap_take(sc.mm, &before);
		for (k = 0; k < 64; k++) {
			host_alloc_fail_after(k);
			err = script_step(&sc, i);
			host_alloc_fail_after(-1);
			if (err != -ENOMEM)
				break;
			CHECK(snap_same(sc.mm, &before), "step %d, failure at %ld", i, k);
			CHECK(mm_check(sc.mm) == 0);
		}
		if (err == 1)
			break;
		CHECK(err == 0, "step %d: %d after %ld failures", i, err, k);
		CHECK(mm_check(sc.mm) == 0, "step %d", i);
	}
	rmap_remove_anon(&sc.page);
	mm_destroy(sc.mm);
	vm_free(sc.as, sizeof(*sc.as));
	CHECK_EQ(host_alloc_live(), live0);
}

TEST_MAIN(TEST_CASE(top_and_bottom_of_each_paging_mode), TEST_CASE(zero_length),
	  TEST_CASE(start_plus_len_overflow), TEST_CASE(misaligned_and_invalid_arguments),
	  TEST_CASE(unmap_of_nothing), TEST_CASE(mprotect_across_a_hole),
	  TEST_CASE(vma_count_limit), TEST_CASE(stack_growth), TEST_CASE(brk),
	  TEST_CASE(merging_rules), TEST_CASE(allocation_failure_at_every_point))
