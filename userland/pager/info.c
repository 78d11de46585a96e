/*
 * userland/pager/info.c: introspection (PAGER_VMAS, PAGER_STATS) and the
 * pager's checker (PAGER_CHECK), which recounts everything from scratch:
 *
 *   - the frame table and the heap pass their own checkers; every mm
 *     passes mm_check (VMAs, tree, anon_vmas);
 *   - every record entry lies inside a VMA of its process, names the zero
 *     page or a page in use, and rmap_walk of that page finds the entry's
 *     (VMA, address);
 *   - each page's mapcount and refcount equal the number of entries naming
 *     it; a page in use has at least one; free + in use + reserved = all;
 *   - each process's resident count and entry count match its entries;
 *   - the kernel agrees (SYS_QUERY): a page is present exactly where an
 *     entry says PREC_MAPPED, writable exactly where PREC_WRITE, and only
 *     entries with map count 1 are writable (checked in the windows of 64
 *     pages around recorded pages: the cost follows the records).
 */
#define LOG_PREFIX "pager: check: "

#include <pagoda/errno.h>
#include <lib/log.h>
#include <lib/string.h>
#include <vm/rmap.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>
#include "pager.h"

struct count_ctx {
	unsigned long resident;
};

static int count_entry(void *arg, vaddr_t va, uintptr_t *e)
{
	struct count_ctx *c = arg;

	if (prec_page(*e) != pager.zero_page)
		c->resident++;
	return 0;
}

static unsigned long resident_in(struct pmm *p, vaddr_t start, vaddr_t end)
{
	struct count_ctx c = { 0 };

	prec_for_each(&p->rec, start, end, count_entry, &c);
	return c.resident;
}

/* PAGER_VMAS: w1 from -> w0 count, w1 the next VMA's start (0: no more); data. */
long info_vmas(struct pmm *p, struct ipc_msg *m, void *data)
{
	struct pager_vma *out = data;
	struct vma *v = vma_find(p->mm, m->w[1]);
	uint64_t n = 0;

	for (; v && n < PAGER_VMAS_MAX; v = vma_next(v), n++) {
		out[n].start = v->start;
		out[n].end = v->end;
		out[n].prot = v->prot;
		out[n].flags = ((v->flags & VMA_GROWSDOWN) ? PAGER_VMA_GROWSDOWN : 0) |
			       (v->mapping ? PAGER_VMA_IMAGE : 0);
		out[n].resident = resident_in(p, v->start, v->end);
	}
	m->w[0] = n;
	m->w[1] = v ? v->start : 0;
	return (long)(n * sizeof(*out));
}

/* PAGER_STATS: data struct pager_stats (mm_* zero when @p is NULL). */
long info_stats(struct pmm *p, struct ipc_msg *m, void *data)
{
	struct pager_stats *st = data;
	struct heap_stats hs;

	memset(st, 0, sizeof(*st));
	mem_cache_drain();
	heap_stats(&pager.heap, &hs);
	st->frames_total = pager.frames_total;
	st->frames_free = pager.pool.nfree;
	st->heap_total = hs.total_bytes;
	st->heap_used = hs.used_bytes;
	st->heap_images = pager.image_bytes;
	st->nr_mms = pager.nr_mms;
	memcpy(st->counters, pager.counters, sizeof(st->counters));
	if (p) {
		st->mm_resident = p->resident;
		st->mm_vmas = p->mm->map_count;
		st->mm_page_limit = p->page_limit;
		st->mm_brk = p->mm->brk;
		memcpy(st->mm_counters, p->counters, sizeof(st->mm_counters));
	}
	return sizeof(*st);
}

/*
 * The kernel's view is queried by windows of CHECK_WINDOW pages that hold
 * at least one entry (clipped to the VMA), so the cost follows the pages
 * recorded, not the size of the address space: an empty window is not
 * looked at.
 */
#define CHECK_WINDOW ((vaddr_t)PREC_FANOUT)

struct check_ctx {
	struct pmm *p;
	struct vma *vma;
	int32_t *counts;		/* entries per frame */
	uint8_t status[CHECK_WINDOW];	/* SYS_QUERY of the window [win, win_end) */
	vaddr_t win, win_end;		/* win_end == win: no window */
	vaddr_t va;			/* the entry rmap_walk must find */
	unsigned long entries, resident;
	int err;
};

static int found(struct vma *vma, vaddr_t addr, void *arg)
{
	struct check_ctx *c = arg;

	return vma == c->vma && addr == c->va;
}

static int bad(struct check_ctx *c, vaddr_t va, const char *what)
{
	log_err("pid %llu, %#lx: %s\n", (unsigned long long)c->p->pid, (unsigned long)va, what);
	c->err = -EINVAL;
	return -EINVAL;
}

/* window_close: pages of the window no entry claimed must not be mapped. */
static void window_close(struct check_ctx *c)
{
	for (vaddr_t va = c->win; va < c->win_end && !c->err; va += PAGE_SIZE)
		if (c->status[(va - c->win) >> PAGE_SHIFT] & QUERY_PRESENT)
			bad(c, va, "mapped without an entry");
	c->win = c->win_end = 0;
}

/* window_open: query the window holding @va, within the VMA. */
static int window_open(struct check_ctx *c, vaddr_t va)
{
	vaddr_t w = ALIGN_DOWN(va, CHECK_WINDOW * PAGE_SIZE);

	c->win = MAX(w, c->vma->start);
	c->win_end = MIN(w + CHECK_WINDOW * PAGE_SIZE, c->vma->end);
	if (query(c->p->as_slot, c->win, (c->win_end - c->win) >> PAGE_SHIFT, c->status, false))
		return bad(c, va, "query failed");
	return 0;
}

static int check_entry(void *arg, vaddr_t va, uintptr_t *e)
{
	struct check_ctx *c = arg;
	struct page *page = prec_page(*e);
	uint8_t st;
	int hit;

	if (va >= c->win_end) {
		window_close(c);
		if (c->err || window_open(c, va))
			return c->err;
	}
	st = c->status[(va - c->win) >> PAGE_SHIFT];
	c->status[(va - c->win) >> PAGE_SHIFT] = 0;	/* claimed */
	c->entries++;
	if (!!(st & QUERY_PRESENT) != !!(*e & PREC_MAPPED) ||
	    !!(st & QUERY_W) != !!(*e & PREC_WRITE))
		return bad(c, va, "the kernel's mapping differs from the record");
	if (page == pager.zero_page)
		return (*e & PREC_WRITE) ? bad(c, va, "zero page writable") : 0;
	c->resident++;
	if (!page_from_pfn(&pager.pool, mem_pfn(page)) || page->refcount <= 0)
		return bad(c, va, "entry names a free or foreign frame");
	c->counts[mem_pfn(page)]++;
	if ((*e & PREC_WRITE) && page->mapcount != 1)
		return bad(c, va, "shared page mapped writable");
	c->va = va;
	hit = rmap_walk(page, found, c);
	return hit == 1 ? 0 : bad(c, va, "rmap_walk does not find the entry");
}

/* check_vma: the entries of @c->vma and the kernel's pages around them. */
static int check_vma(struct check_ctx *c)
{
	c->win = c->win_end = 0;
	prec_for_each(&c->p->rec, c->vma->start, c->vma->end, check_entry, c);
	if (!c->err)
		window_close(c);
	return c->err;
}

static int check_pmm(struct check_ctx *c)
{
	struct pmm *p = c->p;

	if (mm_check(p->mm))
		return -EINVAL;
	c->entries = c->resident = 0;
	for (c->vma = vma_first(p->mm); c->vma && !c->err; c->vma = vma_next(c->vma))
		check_vma(c);
	if (!c->err && (c->entries != p->rec.nr || c->resident != p->resident))
		return bad(c, 0, "entry or resident count off (entries outside VMAs?)");
	return c->err;
}

static int check_frames(const int32_t *counts)
{
	size_t used = 0, reserved = 0;

	for (pfn_t pfn = 0; pfn < pager.npages; pfn++) {
		struct page *page = page_from_pfn(&pager.pool, pfn);

		if (page->flags & PG_RESERVED) {
			reserved++;
		} else if (!(page->flags & PG_FREE)) {
			used++;
			if (page->mapcount != counts[pfn] || page->refcount != counts[pfn]) {
				log_err("frame %#llx: mapcount %d refcount %d, %d entries\n",
					(unsigned long long)pfn, page->mapcount, page->refcount,
					counts[pfn]);
				return -EINVAL;
			}
		}
	}
	if (used + reserved + pager.pool.nfree != pager.npages ||
	    pager.pool.nfree + used != pager.frames_total) {
		log_err("%zu used + %zu reserved + %zu free != %zu frames\n", used, reserved,
			pager.pool.nfree, pager.npages);
		return -EINVAL;
	}
	return 0;
}

/* info_check: PAGER_CHECK: every invariant above; 0, -EINVAL or -ENOMEM. */
int info_check(void)
{
	struct check_ctx *c = vm_zalloc(sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->counts = vm_zalloc(pager.npages * sizeof(*c->counts));
	err = c->counts ? 0 : -ENOMEM;
	if (!err && (page_pool_check(&pager.pool) || heap_check(&pager.heap)))
		err = -EINVAL;
	for (c->p = pmm_first(); !err && c->p; c->p = pmm_next(c->p))
		err = check_pmm(c);
	if (!err)
		err = check_frames(c->counts);
	vm_free(c->counts, pager.npages * sizeof(*c->counts));
	vm_free(c, sizeof(*c));
	return err;
}
