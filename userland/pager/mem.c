/*
 * userland/pager/mem.c: the frames the pager manages and its own heap.
 *
 * The process manager gives the pager one frame region (PAGER_SLOT_RAM),
 * which the pager maps whole at PAGER_RAM_VA, read-write: frame p (the
 * page offset in the region, used as the pfn of vm/page.h) sits at
 * pager.ram + p * PAGE_SIZE. The region is laid out as
 *
 *   | page descriptors | object heap | zero page | frames for processes |
 *   0                  ndesc         +nheap      +1                   npages
 *
 * The first three are reserved (PG_RESERVED) in the frame table, so the
 * free count of the pool is exactly what processes can get, and it comes
 * back to frames_total when every process is gone. vm/ objects, records
 * and images come from the heap (vm_zalloc): its size is fixed, so heap
 * exhaustion is an -ENOMEM for one request, never a lost frame.
 */
#define LOG_PREFIX "pager: mem: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <lib/string.h>
#include <vm/anon_vma.h>
#include <vm/rmap.h>
#include <vm/vm_alloc.h>
#include "pager.h"

/* A word that may alias any object: frames hold whatever processes stored. */
typedef uint64_t __attribute__((__may_alias__)) mem_word_t;

/*
 * Object caches: a freed object of a small size (VMAs, anon_vmas, record
 * nodes: what faults, fork and exit make and drop all the time) waits on a
 * free list of its 16-byte size class, up to OBJ_CACHE_MAX per class, and
 * the next allocation of that class takes it back without the heap's bin
 * search, split and coalescing. Objects of a class are allocated at the
 * class size, so any of them fits any request of the class. The caches go
 * back to the heap whenever it cannot serve a request, and before the heap
 * is measured (mem_cache_drain), so statistics and leak checks see what
 * the objects in use hold.
 */
#define OBJ_CLASS_SHIFT 4
#define OBJ_CLASSES 34			/* classes 1..33: up to a record node */
#define OBJ_CACHE_MAX 256

struct obj_free {
	struct obj_free *next;
	uint64_t poison;	/* OBJ_FREE_POISON while cached (assertion builds) */
};

/*
 * A second vm_free of a cached object would put it on its list twice and
 * hand it out twice: assertion builds mark cached objects and catch that
 * (the heap itself catches a double free of what it holds). Allocation
 * clears the mark with the rest of the object.
 */
#define OBJ_FREE_POISON 0x6b6c626465657266ull	/* "freedblk" */

static struct {
	struct obj_free *head;
	unsigned int n;
} obj_cache[OBJ_CLASSES];
static size_t obj_cached_bytes;

/* mem_cache_drain: give every cached object back to the heap. */
void mem_cache_drain(void)
{
	for (size_t c = 1; c < OBJ_CLASSES; c++)
		while (obj_cache[c].head) {
			struct obj_free *o = obj_cache[c].head;

			obj_cache[c].head = o->next;
			heap_free(&pager.heap, o);
		}
	memset(obj_cache, 0, sizeof(obj_cache));
	obj_cached_bytes = 0;
}

static size_t obj_class(size_t size)
{
	size_t c = (size + (1u << OBJ_CLASS_SHIFT) - 1) >> OBJ_CLASS_SHIFT;

	return c && c < OBJ_CLASSES ? c : 0;
}

/* obj_zero: clear a cached object of @bytes, a multiple of 16: two stores a step. */
static void obj_zero(void *p, size_t bytes)
{
	mem_word_t *w = p;

	for (size_t i = 0; i < bytes / sizeof(*w); i += 2) {
		w[i] = 0;
		w[i + 1] = 0;
	}
}

/* heap_zalloc: from the heap, emptying the caches into it first if it is short. */
static void *heap_zalloc(size_t size)
{
	void *p = heap_calloc(&pager.heap, 1, size);

	if (p || !obj_cached_bytes)
		return p;
	mem_cache_drain();
	return heap_calloc(&pager.heap, 1, size);
}

void *vm_zalloc(size_t size)
{
	size_t c = obj_class(size);
	struct obj_free *o;

	if (!c)
		return heap_zalloc(size);
	o = obj_cache[c].head;
	if (!o)
		return heap_zalloc(c << OBJ_CLASS_SHIFT);
	obj_cache[c].head = o->next;
	obj_cache[c].n--;
	obj_cached_bytes -= c << OBJ_CLASS_SHIFT;
	obj_zero(o, c << OBJ_CLASS_SHIFT);
	return o;
}

void vm_free(void *p, size_t size)
{
	size_t c = obj_class(size);
	struct obj_free *o = p;

	if (!p)
		return;
	if (!c || obj_cache[c].n >= OBJ_CACHE_MAX) {
		heap_free(&pager.heap, p);
		return;
	}
	if (IS_ENABLED(CONFIG_ASSERT)) {
		ASSERT(o->poison != OBJ_FREE_POISON);	/* freed twice */
		o->poison = OBJ_FREE_POISON;
	}
	o->next = obj_cache[c].head;
	obj_cache[c].head = o;
	obj_cache[c].n++;
	obj_cached_bytes += c << OBJ_CLASS_SHIFT;
}


void *mem_va(const struct page *page)
{
	return pager.ram + (page_to_pfn(&pager.pool, page) << PAGE_SHIFT);
}

pfn_t mem_pfn(const struct page *page)
{
	return page_to_pfn(&pager.pool, page);
}

/* mem_alloc: a free frame (contents undefined) with refcount 1, or NULL. */
struct page *mem_alloc(void)
{
	return page_alloc(&pager.pool);
}

/* mem_zero: clear one page; eight stores an iteration (the fault path's main cost). */
void mem_zero(void *dst)
{
	mem_word_t *d = dst, *end = d + PAGE_SIZE / sizeof(*d);

	for (; d < end; d += 8) {
		d[0] = 0;
		d[1] = 0;
		d[2] = 0;
		d[3] = 0;
		d[4] = 0;
		d[5] = 0;
		d[6] = 0;
		d[7] = 0;
	}
}

/* mem_copy: copy one page (both page aligned, distinct). */
void mem_copy(void *dst, const void *src)
{
	mem_word_t *d = dst, *end = d + PAGE_SIZE / sizeof(*d);
	const mem_word_t *s = src;

	for (; d < end; d += 8, s += 8) {
		mem_word_t a = s[0], b = s[1], c = s[2], e = s[3];
		mem_word_t f = s[4], g = s[5], h = s[6], i = s[7];

		d[0] = a;
		d[1] = b;
		d[2] = c;
		d[3] = e;
		d[4] = f;
		d[5] = g;
		d[6] = h;
		d[7] = i;
	}
}

/*
 * mem_page_unref: one record entry less names @page (not the zero page):
 * drop its map count and reference; the last one frees the frame, after
 * it leaves its anon_vma.
 */
void mem_page_unref(struct page *page)
{
	ASSERT(page != pager.zero_page && page->mapcount > 0);
	if (--page->mapcount == 0 && page_is_anon(page))
		rmap_remove_anon(page);
	page_put(&pager.pool, page);
}

static size_t div_up(size_t a, size_t b)
{
	return (a + b - 1) / b;
}

/*
 * mem_setup: map the region of @npages frames and build the frame table
 * and the heap inside it. 0, -EINVAL (too small), or the map error.
 */
int mem_setup(size_t npages)
{
	size_t ndesc = div_up(npages * sizeof(struct page), PAGE_SIZE);
	size_t nheap = MAX(npages / 32, (size_t)64);
	size_t nres = ndesc + nheap + 1;
	long err;

	if (npages < nres + 64 || npages > ((size_t)1 << 24))
		return -EINVAL;
	err = map(PAGER_SLOT_ASPACE, PAGER_RAM_VA, PAGER_SLOT_RAM, 0, npages, MAP_R | MAP_W);
	if (err)
		return (int)err;
	pager.ram = (uint8_t *)PAGER_RAM_VA;
	pager.npages = npages;
	page_pool_init(&pager.pool);
	err = page_pool_add_range(&pager.pool, 0, npages, (struct page *)pager.ram);
	for (size_t pfn = 0; !err && pfn < nres; pfn++)
		err = page_reserve(&pager.pool, pfn);
	if (err)
		return (int)err;
	pager.zero_page = page_from_pfn(&pager.pool, nres - 1);
	mem_zero(mem_va(pager.zero_page));
	heap_init(&pager.heap);
	err = heap_add_region(&pager.heap, pager.ram + ndesc * PAGE_SIZE, nheap * PAGE_SIZE);
	if (err)
		return (int)err;
	pager.frames_total = pager.pool.nfree;
	log_info("%zu frames: %zu for descriptors, %zu for the heap, %zu for processes\n",
		 npages, ndesc, nheap, pager.frames_total);
	return 0;
}
