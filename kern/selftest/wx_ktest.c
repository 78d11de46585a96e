/*
 * kern/selftest/wx_ktest.c: W^X of the kernel mappings, checked by walking
 * the live kernel page tables: no leaf is both writable and executable,
 * text is RX, rodata R, data RW and never executable, and no alias of the
 * image's text or rodata is writable.
 */
#include <arch/mmu.h>
#include <kern/kernel_pt.h>
#include <kern/ktest.h>
#include <kern/sections.h>

struct wx_state {
	struct ktest_ctx *t;
	size_t leaves, text_pages, rodata_pages, data_pages;
	paddr_t ro_pa_start, ro_pa_end;
};

static bool within(vaddr_t va, const char *start, const char *end)
{
	return va >= (vaddr_t)start && va < (vaddr_t)end;
}

static int wx_visit(void *arg, const struct pt_leaf *leaf)
{
	struct wx_state *s = arg;
	struct ktest_ctx *t = s->t;
	unsigned int f = leaf->flags;

	s->leaves++;
	KT_CHECK(!((f & PT_WRITE) && (f & PT_EXEC)), "W+X leaf at %#lx", (unsigned long)leaf->va);
	KT_CHECK(!(f & PT_USER), "user leaf in the kernel tables at %#lx", (unsigned long)leaf->va);
	if (within(leaf->va, _text, _etext)) {
		s->text_pages++;
		KT_CHECK((f & PT_RWX) == (PT_READ | PT_EXEC), "text %#lx", (unsigned long)leaf->va);
	} else if (within(leaf->va, _rodata, _erodata)) {
		s->rodata_pages++;
		KT_CHECK((f & PT_RWX) == PT_READ, "rodata %#lx", (unsigned long)leaf->va);
	} else if (within(leaf->va, _data, _end)) {
		s->data_pages++;
		KT_CHECK((f & PT_RWX) == (PT_READ | PT_WRITE), "data %#lx", (unsigned long)leaf->va);
	} else {
		KT_CHECK(!(f & PT_EXEC), "executable leaf outside text at %#lx",
			 (unsigned long)leaf->va);
	}
	if ((f & PT_WRITE) && leaf->pa < s->ro_pa_end && leaf->pa + leaf->size > s->ro_pa_start)
		KT_CHECK(false, "writable alias %#lx of text/rodata", (unsigned long)leaf->va);
	return 0;
}

KTEST(kernel_mappings_are_wx)
{
	struct wx_state s = {
		.t = t,
		.ro_pa_start = kernel_image_pa(_text),
		.ro_pa_end = kernel_image_pa(_erodata),
	};

	KT_REQUIRE(pt_walk_leaves(kernel_pt(), wx_visit, &s) == 0);
	KT_CHECK(s.text_pages > 0 && s.rodata_pages > 0 && s.data_pages > 0,
		 "text %zu rodata %zu data %zu leaves", s.text_pages, s.rodata_pages,
		 s.data_pages);
	KT_CHECK(pt_check(kernel_pt()) == 0);
}
