/*
 * kern/frame.c: the physical frame allocator (design and locking in
 * kern/frame.h): zones with a bitmap each, and a free list threaded
 * through the free frames.
 */
#define LOG_PREFIX "frame: "
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <kern/frame.h>

/* The highest page-aligned address; no usable frame starts at or above it. */
#define FRAME_TOP ALIGN_DOWN(UINT64_MAX, PAGE_SIZE)

/* What a free frame holds in its first bytes. */
struct frame_link {
	paddr_t next, prev;
};

static unsigned int frame_ctz(uint64_t w)
{
	unsigned int n = 0;

	ASSERT(w != 0);
	for (unsigned int shift = 32; shift; shift >>= 1) {
		if (!(w & ((1ull << shift) - 1))) {
			n += shift;
			w >>= shift;
		}
	}
	return n;
}

static unsigned int frame_popcount(uint64_t w)
{
	w = w - ((w >> 1) & 0x5555555555555555ull);
	w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned int)((w * 0x0101010101010101ull) >> 56);
}

static size_t frame_words(size_t npages)
{
	return (npages + 63) / 64;
}

static bool frame_test(const struct frame_zone *z, size_t idx)
{
	return z->fz_bitmap[idx / 64] >> (idx % 64) & 1;
}

static void frame_set(struct frame_zone *z, size_t idx)
{
	z->fz_bitmap[idx / 64] |= 1ull << (idx % 64);
}

static void frame_clear(struct frame_zone *z, size_t idx)
{
	z->fz_bitmap[idx / 64] &= ~(1ull << (idx % 64));
	if (idx < z->fz_low)
		z->fz_low = idx;
}

static paddr_t frame_zone_end(const struct frame_zone *z)
{
	return z->fz_base + (paddr_t)z->fz_npages * PAGE_SIZE;
}

static struct frame_link *frame_link(const struct frame_pool *pool, paddr_t pa)
{
	return pool->fp_phys_to_virt(pa);
}

/* ------------------------------------------------------------ building -- */

/* frame_narrow: the whole pages inside @r, as [*s, *e); false if none. */
static bool frame_narrow(const struct phys_range *r, paddr_t *s, paddr_t *e)
{
	if (r->size == 0 || r->base > FRAME_TOP)
		return false;
	*s = ALIGN_UP(r->base, PAGE_SIZE);
	*e = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);
	return *s < *e;
}

/* frame_widen: the pages @r touches, as [*s, *e); false if @r is empty. */
static bool frame_widen(const struct phys_range *r, paddr_t *s, paddr_t *e)
{
	paddr_t end = r->base + r->size;

	if (r->size == 0)
		return false;
	*s = ALIGN_DOWN(r->base, PAGE_SIZE);
	/* No usable frame starts at FRAME_TOP, so clamping there loses nothing. */
	*e = end > FRAME_TOP ? FRAME_TOP : ALIGN_UP(end, PAGE_SIZE);
	return *s < *e;
}

static int frame_check_ranges(const char *what, const struct phys_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].size > UINT64_MAX - r[i].base) {
			log_err("%s range %zu [%#llx, +%#llx) wraps\n", what, i,
				(unsigned long long)r[i].base, (unsigned long long)r[i].size);
			return -EINVAL;
		}
	}
	return 0;
}

/* frame_add_zone: insert [start, end) into the sorted zone array. */
static int frame_add_zone(struct frame_pool *pool, paddr_t start, paddr_t end)
{
	size_t i = pool->fp_nzones;

	if (i == FRAME_MAX_ZONES) {
		log_err("more than %d zones: too many holes in memory\n", FRAME_MAX_ZONES);
		return -ENOSPC;
	}
	for (; i > 0 && pool->fp_zones[i - 1].fz_base > start; i--)
		pool->fp_zones[i] = pool->fp_zones[i - 1];
	pool->fp_zones[i] = (struct frame_zone){ .fz_base = start,
						 .fz_npages = (end - start) / PAGE_SIZE };
	pool->fp_nzones++;
	return 0;
}

/*
 * frame_blocker: among the reserved ranges (widened) and the usable ranges
 * before @i (narrowed: what they contributed already), the one overlapping
 * [cur, end) that starts lowest, as [*bs, *be). False if none.
 */
static bool frame_blocker(const struct phys_range *usable, size_t i,
			  const struct phys_range *reserved, size_t nreserved, paddr_t cur,
			  paddr_t end, paddr_t *bs, paddr_t *be)
{
	bool found = false;
	paddr_t s, e;

	for (size_t k = 0; k < nreserved + i; k++) {
		bool ok = k < nreserved ? frame_widen(&reserved[k], &s, &e) :
					  frame_narrow(&usable[k - nreserved], &s, &e);

		if (ok && s < end && e > cur && (!found || s < *bs)) {
			*bs = s;
			*be = e;
			found = true;
		}
	}
	return found;
}

/*
 * frame_split: add the zones of usable range @i: its whole pages minus the
 * blockers. Loop invariant: [start of range, cur) is done, and cur only grows
 * (every chosen blocker ends after cur), so the loop ends.
 */
static int frame_split(struct frame_pool *pool, const struct phys_range *usable, size_t i,
		       const struct phys_range *reserved, size_t nreserved)
{
	paddr_t cur, end, bs = 0, be = 0;
	int err;

	if (!frame_narrow(&usable[i], &cur, &end))
		return 0;
	while (cur < end) {
		if (!frame_blocker(usable, i, reserved, nreserved, cur, end, &bs, &be))
			bs = be = end;
		if (bs > cur) {
			err = frame_add_zone(pool, cur, bs);
			if (err)
				return err;
		}
		cur = be;
	}
	return 0;
}

/* frame_merge_zones: join zones that touch (from adjacent usable ranges). */
static void frame_merge_zones(struct frame_pool *pool)
{
	size_t out = 0;

	for (size_t i = 1; i < pool->fp_nzones; i++) {
		struct frame_zone *z = &pool->fp_zones[out];

		if (frame_zone_end(z) == pool->fp_zones[i].fz_base)
			z->fz_npages += pool->fp_zones[i].fz_npages;
		else
			pool->fp_zones[++out] = pool->fp_zones[i];
	}
	if (pool->fp_nzones)
		pool->fp_nzones = out + 1;
}

/* frame_carve_meta: take the bitmaps' frames from the start of the first zone big enough. */
static int frame_carve_meta(struct frame_pool *pool)
{
	size_t words = 0, npages, i;
	struct frame_zone *z;

	for (i = 0; i < pool->fp_nzones; i++)
		words += frame_words(pool->fp_zones[i].fz_npages);
	npages = ALIGN_UP(words * 8, PAGE_SIZE) / PAGE_SIZE;
	for (i = 0; i < pool->fp_nzones && pool->fp_zones[i].fz_npages < npages; i++)
		;
	if (i == pool->fp_nzones) {
		log_err("no zone can hold %zu pages of bitmaps\n", npages);
		return -ENOMEM;
	}
	z = &pool->fp_zones[i];
	pool->fp_meta_base = z->fz_base;
	pool->fp_meta_size = npages * PAGE_SIZE;
	z->fz_base += npages * PAGE_SIZE;
	z->fz_npages -= npages;
	if (z->fz_npages == 0) {
		for (; i + 1 < pool->fp_nzones; i++)
			pool->fp_zones[i] = pool->fp_zones[i + 1];
		pool->fp_nzones--;
	}
	return 0;
}

/* frame_build: lay out the bitmaps (all free, padding set) and link every frame, ascending. */
static void frame_build(struct frame_pool *pool)
{
	uint64_t *words = pool->fp_phys_to_virt(pool->fp_meta_base);
	paddr_t prev = FRAME_NONE, pa;

	pool->fp_free_head = FRAME_NONE;
	for (size_t i = 0; i < pool->fp_nzones; i++) {
		struct frame_zone *z = &pool->fp_zones[i];
		size_t n = frame_words(z->fz_npages);

		z->fz_bitmap = words;
		words += n;
		for (size_t w = 0; w < n; w++)
			z->fz_bitmap[w] = 0;
		for (size_t idx = z->fz_npages; idx < n * 64; idx++)
			frame_set(z, idx);
		z->fz_nfree = z->fz_npages;
		z->fz_low = 0;
		pool->fp_total += z->fz_npages;
		for (pa = z->fz_base; pa < frame_zone_end(z); pa += PAGE_SIZE) {
			frame_link(pool, pa)->prev = prev;
			frame_link(pool, pa)->next = FRAME_NONE;
			if (prev == FRAME_NONE)
				pool->fp_free_head = pa;
			else
				frame_link(pool, prev)->next = pa;
			prev = pa;
		}
	}
	pool->fp_nfree = pool->fp_total;
}

/*
 * frame_pool_init: build @pool over @usable minus @reserved. Both lists may
 * be unsorted and overlap themselves and each other; usable ranges are
 * shrunk to whole pages, reserved ones widened to whole pages.
 * => phys_to_virt must map all usable memory (it is written at once)
 * Returns 0; -EINVAL for a range that wraps; -ENOMEM if no frame is left
 * or none can hold the bitmaps; -ENOSPC for more than FRAME_MAX_ZONES zones.
 */
int frame_pool_init(struct frame_pool *pool, const struct phys_range *usable, size_t nusable,
		    const struct phys_range *reserved, size_t nreserved,
		    void *(*phys_to_virt)(paddr_t pa))
{
	int err;

	ASSERT(phys_to_virt);
	*pool = (struct frame_pool){ .fp_phys_to_virt = phys_to_virt, .fp_free_head = FRAME_NONE };
	err = frame_check_ranges("usable", usable, nusable);
	if (!err)
		err = frame_check_ranges("reserved", reserved, nreserved);
	for (size_t i = 0; i < nusable && !err; i++)
		err = frame_split(pool, usable, i, reserved, nreserved);
	if (err)
		return err;
	frame_merge_zones(pool);
	if (pool->fp_nzones == 0) {
		log_err("no usable frame left after the reservations\n");
		return -ENOMEM;
	}
	err = frame_carve_meta(pool);
	if (err)
		return err;
	if (pool->fp_nzones == 0) {
		log_err("no frame left beside the bitmaps\n");
		return -ENOMEM;
	}
	frame_build(pool);
	log_info("%zu frames in %zu zones, bitmaps %#llx+%#llx\n", pool->fp_total,
		 pool->fp_nzones, (unsigned long long)pool->fp_meta_base,
		 (unsigned long long)pool->fp_meta_size);
	return 0;
}

/* --------------------------------------------------------- alloc, free -- */

/* frame_find_zone: the zone holding @pa, or NULL. Binary search. */
static struct frame_zone *frame_find_zone(const struct frame_pool *pool, paddr_t pa)
{
	size_t lo = 0, hi = pool->fp_nzones;

	/* Invariant: only zones [lo, hi) may hold pa. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct frame_zone *z = &pool->fp_zones[mid];

		if (pa < z->fz_base)
			hi = mid;
		else if (pa >= frame_zone_end(z))
			lo = mid + 1;
		else
			return (struct frame_zone *)z;
	}
	return NULL;
}

/* frame_locate: the zone and index of the run [pa, +npages); -EINVAL if not all in one zone. */
static int frame_locate(const struct frame_pool *pool, paddr_t pa, size_t npages,
			struct frame_zone **zp, size_t *idx)
{
	struct frame_zone *z = frame_find_zone(pool, pa);

	if (!z || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    npages > z->fz_npages - (pa - z->fz_base) / PAGE_SIZE) {
		log_err("frames [%#llx, +%zu pages) are not in the pool\n",
			(unsigned long long)pa, npages);
		return -EINVAL;
	}
	*zp = z;
	*idx = (pa - z->fz_base) / PAGE_SIZE;
	return 0;
}

static void frame_unlink(struct frame_pool *pool, paddr_t pa)
{
	struct frame_link *l = frame_link(pool, pa);

	if (l->prev == FRAME_NONE)
		pool->fp_free_head = l->next;
	else
		frame_link(pool, l->prev)->next = l->next;
	if (l->next != FRAME_NONE)
		frame_link(pool, l->next)->prev = l->prev;
}

static void frame_push(struct frame_pool *pool, paddr_t pa)
{
	struct frame_link *l = frame_link(pool, pa);

	l->prev = FRAME_NONE;
	l->next = pool->fp_free_head;
	if (l->next != FRAME_NONE)
		frame_link(pool, l->next)->prev = pa;
	pool->fp_free_head = pa;
}

/*
 * frame_alloc: take one free frame (not zeroed). Returns 0 and *@out, or
 * -ENOMEM when the pool is empty, or -EIO if the free list is found
 * corrupted (a write into a free frame).
 */
int frame_alloc(struct frame_pool *pool, paddr_t *out)
{
	paddr_t pa = pool->fp_free_head;
	struct frame_zone *z;
	size_t idx;

	if (pa == FRAME_NONE)
		return -ENOMEM;
	if (frame_locate(pool, pa, 1, &z, &idx) || frame_test(z, idx)) {
		log_err("free list corrupted at %#llx\n", (unsigned long long)pa);
		ASSERT(!"free list corrupted");
		return -EIO;
	}
	frame_unlink(pool, pa);
	frame_set(z, idx);
	z->fz_nfree--;
	pool->fp_nfree--;
	*out = pa;
	return 0;
}

/*
 * frame_find_set: the first set bit in [from, to) of @z's bitmap, or @to.
 * Whole words at a time.
 */
static size_t frame_find_set(const struct frame_zone *z, size_t from, size_t to)
{
	while (from < to) {
		uint64_t w = z->fz_bitmap[from / 64] >> (from % 64);

		if (w)
			return MIN(from + frame_ctz(w), to);
		from = ALIGN_DOWN(from, (size_t)64) + 64;
	}
	return to;
}

/* frame_find_clear: the first clear bit in [from, to) of @z's bitmap, or @to. */
static size_t frame_find_clear(const struct frame_zone *z, size_t from, size_t to)
{
	while (from < to) {
		uint64_t w = ~z->fz_bitmap[from / 64] >> (from % 64);

		if (w)
			return MIN(from + frame_ctz(w), to);
		from = ALIGN_DOWN(from, (size_t)64) + 64;
	}
	return to;
}

/*
 * frame_find_run: first fit of @npages free frames in @z, the first at a
 * pfn multiple of @align. The search starts at the lowest free frame,
 * which it records (fz_low), so a zone whose bottom has filled up is not
 * rescanned from its start on every call.
 */
static bool frame_find_run(struct frame_zone *z, size_t npages, uint64_t align, size_t *out)
{
	uint64_t bpfn = z->fz_base >> PAGE_SHIFT;
	uint64_t idx;
	size_t set;

	z->fz_low = frame_find_clear(z, z->fz_low, z->fz_npages);
	idx = ALIGN_UP(bpfn + z->fz_low, align) - bpfn;

	/*
	 * Invariant: no aligned run starting below idx is free; idx grows.
	 * After a set bit, skip to the next clear one (whole words at a time).
	 */
	while (idx <= z->fz_npages && npages <= z->fz_npages - idx) {
		set = frame_find_set(z, idx, idx + npages);
		if (set == idx + npages) {
			*out = idx;
			return true;
		}
		set = frame_find_clear(z, set + 1, z->fz_npages);
		idx = ALIGN_UP(bpfn + set, align) - bpfn;
	}
	return false;
}

/*
 * frame_alloc_contig: take @npages contiguous free frames, the first one
 * aligned to @align_pages pages (a power of two), for page tables and
 * DMA. First fit, lowest zone first. Returns 0 and *@out; -EINVAL for a
 * bad size or alignment; -ENOMEM if no such run is free.
 */
int frame_alloc_contig(struct frame_pool *pool, size_t npages, size_t align_pages, paddr_t *out)
{
	struct frame_zone *z;
	size_t idx;

	if (npages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)))
		return -EINVAL;
	if (npages == 1 && align_pages == 1)
		return frame_alloc(pool, out);
	for (size_t i = 0; i < pool->fp_nzones; i++) {
		z = &pool->fp_zones[i];
		if (z->fz_nfree < npages || !frame_find_run(z, npages, align_pages, &idx))
			continue;
		for (size_t k = idx; k < idx + npages; k++) {
			frame_unlink(pool, z->fz_base + k * PAGE_SIZE);
			frame_set(z, k);
		}
		z->fz_nfree -= npages;
		pool->fp_nfree -= npages;
		*out = z->fz_base + idx * PAGE_SIZE;
		return 0;
	}
	return -ENOMEM;
}

/*
 * frame_free_contig: give back @npages allocated frames from @pa, all in one
 * zone (e.g. a run from frame_alloc_contig, or part of one). Checks first:
 * a frame outside the pool or already free gives -EINVAL, logged, and
 * changes nothing.
 */
int frame_free_contig(struct frame_pool *pool, paddr_t pa, size_t npages)
{
	struct frame_zone *z;
	size_t idx;
	int err;

	if (npages == 0)
		return -EINVAL;
	err = frame_locate(pool, pa, npages, &z, &idx);
	if (err)
		return err;
	for (size_t k = idx; k < idx + npages; k++) {
		if (!frame_test(z, k)) {
			log_err("double free of frame %#llx\n",
				(unsigned long long)(z->fz_base + k * PAGE_SIZE));
			return -EINVAL;
		}
	}
	/* Pushed from the top down, so the run comes back ascending from the head. */
	for (size_t k = idx + npages; k-- > idx;) {
		frame_clear(z, k);
		frame_push(pool, z->fz_base + k * PAGE_SIZE);
	}
	z->fz_nfree += npages;
	pool->fp_nfree += npages;
	return 0;
}

/* frame_free: give back one allocated frame; as frame_free_contig. */
int frame_free(struct frame_pool *pool, paddr_t pa)
{
	return frame_free_contig(pool, pa, 1);
}

bool frame_pool_contains(const struct frame_pool *pool, paddr_t pa)
{
	return frame_find_zone(pool, pa) != NULL;
}

size_t frame_pool_free_count(const struct frame_pool *pool)
{
	return pool->fp_nfree;
}

size_t frame_pool_total(const struct frame_pool *pool)
{
	return pool->fp_total;
}

/* -------------------------------------------------------------- checks -- */

/* frame_check_zones: zone order, bitmap padding, free counts, fz_low. */
static int frame_check_zones(const struct frame_pool *pool)
{
	paddr_t meta_end = pool->fp_meta_base + pool->fp_meta_size;
	size_t total = 0, nfree = 0;

	for (size_t i = 0; i < pool->fp_nzones; i++) {
		const struct frame_zone *z = &pool->fp_zones[i];
		size_t n = frame_words(z->fz_npages), clear = 0, pad_clear = 0;

		if (!IS_ALIGNED(z->fz_base, PAGE_SIZE) || z->fz_npages == 0 ||
		    (i > 0 && frame_zone_end(&pool->fp_zones[i - 1]) > z->fz_base) ||
		    (z->fz_base < meta_end && frame_zone_end(z) > pool->fp_meta_base)) {
			log_err("zone %zu [%#llx, +%zu pages) misplaced\n", i,
				(unsigned long long)z->fz_base, z->fz_npages);
			return -EINVAL;
		}
		for (size_t w = 0; w < n; w++)
			clear += 64 - frame_popcount(z->fz_bitmap[w]);
		for (size_t idx = z->fz_npages; idx < n * 64; idx++)
			pad_clear += !frame_test(z, idx);
		if (pad_clear || clear != z->fz_nfree) {
			log_err("zone %zu: %zu clear bits (%zu in padding), nfree %zu\n", i, clear,
				pad_clear, z->fz_nfree);
			return -EINVAL;
		}
		if (z->fz_low > z->fz_npages || frame_find_clear(z, 0, z->fz_low) != z->fz_low) {
			log_err("zone %zu: a free frame below fz_low %zu\n", i, z->fz_low);
			return -EINVAL;
		}
		total += z->fz_npages;
		nfree += z->fz_nfree;
	}
	if (total != pool->fp_total || nfree != pool->fp_nfree) {
		log_err("zones hold %zu frames, %zu free; pool says %zu, %zu\n", total, nfree,
			pool->fp_total, pool->fp_nfree);
		return -EINVAL;
	}
	return 0;
}

/* frame_check_list: every list entry is a free frame, back links agree, no cycle. */
static int frame_check_list(const struct frame_pool *pool)
{
	paddr_t pa = pool->fp_free_head, prev = FRAME_NONE;
	struct frame_zone *z;
	size_t count = 0, idx;

	for (; pa != FRAME_NONE; prev = pa, pa = frame_link(pool, pa)->next) {
		if (count++ == pool->fp_nfree) {
			log_err("free list longer than %zu (cycle?)\n", pool->fp_nfree);
			return -EINVAL;
		}
		if (frame_locate(pool, pa, 1, &z, &idx) || frame_test(z, idx) ||
		    frame_link(pool, pa)->prev != prev) {
			log_err("free list entry %zu (%#llx): not a free frame, or bad back link\n",
				count - 1, (unsigned long long)pa);
			return -EINVAL;
		}
	}
	if (count != pool->fp_nfree) {
		log_err("free list holds %zu frames, pool says %zu\n", count, pool->fp_nfree);
		return -EINVAL;
	}
	return 0;
}

/*
 * frame_pool_check: recount the free frames of every bitmap and walk the
 * free list, checking kern/frame.h's invariant. 0 or -EINVAL (logged).
 */
int frame_pool_check(const struct frame_pool *pool)
{
	int err = frame_check_zones(pool);

	return err ? err : frame_check_list(pool);
}
