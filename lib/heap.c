/*
 * lib/heap.c: the allocator core (layout, invariants and costs in heap.h).
 *
 * Block sizes change in three places only: heap_release() (coalescing a
 * block that becomes free with its free neighbours), heap_trim() (cutting
 * the unneeded tail off a used block) and heap_grow_in_place(). Counters
 * follow block states: heap_bin_insert/remove account the free blocks,
 * whoever marks a block USED or releases it accounts the used ones.
 */
#define LOG_PREFIX "heap: "
#include <pagoda/bitops.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/heap.h>
#include <lib/log.h>
#include <lib/string.h>

/* Header tags, before the heap's key is xored in. */
#define HEAP_TAG_USED 0x7573656455534544ULL
#define HEAP_TAG_FREE 0x6672656546524545ULL
#define HEAP_TAG_END 0x656e64454e44454eULL
#define HEAP_TAG_REGION 0x7265674e52454749ULL

struct heap_block {
	uintptr_t hb_tag;	/* HEAP_TAG_* ^ h_key */
	size_t hb_size;		/* whole block, header included; 0 for END */
	size_t hb_prev_size;	/* size of the block just below; 0 for a region's first */
	uintptr_t hb_seal;	/* heap_seal() of the three words above */
};

/* A free block keeps its list links where a used block has its payload. */
struct heap_free {
	struct heap_block hf_hdr;
	struct list_node hf_link;	/* on h_bins[heap_bin_of(size)] */
};

struct heap_region {
	uintptr_t hr_tag;		/* HEAP_TAG_REGION ^ h_key */
	struct heap_region *hr_next;	/* the next region up in address order */
	size_t hr_len;			/* from this header to the end of the END header */
	uintptr_t hr_seal;		/* heap_seal(hr_tag, hr_len, 0) */
};

STATIC_ASSERT(sizeof(struct heap_block) == HEAP_HDR_SIZE);
STATIC_ASSERT(sizeof(struct heap_free) == HEAP_MIN_BLOCK);
STATIC_ASSERT(sizeof(struct heap_region) + HEAP_HDR_SIZE == HEAP_REGION_OVERHEAD);
STATIC_ASSERT(HEAP_HDR_SIZE % HEAP_ALIGN == 0 && HEAP_MIN_BLOCK % HEAP_ALIGN == 0);
STATIC_ASSERT(sizeof(struct heap_region) % HEAP_ALIGN == 0);
STATIC_ASSERT(HEAP_NBINS % 64 == 0);

/* heap_seal: a hash of a header's other words; a smashed header rarely matches it. */
static uintptr_t heap_seal(uintptr_t tag, size_t a, size_t b)
{
	return ~tag ^ (uintptr_t)(a * 0x9e3779b97f4a7c15ULL) ^
	       (uintptr_t)(b * 0xc2b2ae3d27d4eb4fULL);
}

static uintptr_t heap_tag(const struct heap *h, uint64_t tag)
{
	return (uintptr_t)tag ^ h->h_key;
}

static void heap_block_set(const struct heap *h, struct heap_block *b, uint64_t tag, size_t size,
			   size_t prev_size)
{
	b->hb_tag = heap_tag(h, tag);
	b->hb_size = size;
	b->hb_prev_size = prev_size;
	b->hb_seal = heap_seal(b->hb_tag, size, prev_size);
}

static void heap_block_set_prev(struct heap_block *b, size_t prev_size)
{
	b->hb_prev_size = prev_size;
	b->hb_seal = heap_seal(b->hb_tag, b->hb_size, prev_size);
}

/* heap_block_is: @b carries @tag of this heap and an intact seal. */
static bool heap_block_is(const struct heap *h, const struct heap_block *b, uint64_t tag)
{
	return b->hb_tag == heap_tag(h, tag) &&
	       b->hb_seal == heap_seal(b->hb_tag, b->hb_size, b->hb_prev_size);
}

static struct heap_block *heap_block_next(const struct heap_block *b)
{
	return (struct heap_block *)((uintptr_t)b + b->hb_size);
}

/* => @b is not its region's first block (hb_prev_size != 0) */
static struct heap_block *heap_block_prev(const struct heap_block *b)
{
	return (struct heap_block *)((uintptr_t)b - b->hb_prev_size);
}

static struct list_node *heap_block_link(struct heap_block *b)
{
	return &container_of(b, struct heap_free, hf_hdr)->hf_link;
}

static struct heap_block *heap_link_block(const struct list_node *n)
{
	return &container_of(n, struct heap_free, hf_link)->hf_hdr;
}

static struct heap_block *heap_region_first(const struct heap_region *r)
{
	return (struct heap_block *)((uintptr_t)r + sizeof(*r));
}

static struct heap_block *heap_region_end(const struct heap_region *r)
{
	return (struct heap_block *)((uintptr_t)r + r->hr_len - HEAP_HDR_SIZE);
}

/* heap_fls64: index of the highest set bit of @x; @x must not be 0. */
static unsigned int heap_fls64(uint64_t x)
{
	if (x >> 32)
		return 32 + fls32((uint32_t)(x >> 32));
	return fls32((uint32_t)x);
}

/*
 * heap_bin_of: the bin of a block of @size bytes (>= HEAP_MIN_BLOCK): the
 * power of two below @size picks a group of four bins, the next two bits
 * the bin in it. Non-decreasing in @size, which heap_find_fit relies on.
 */
static unsigned int heap_bin_of(size_t size)
{
	unsigned int fl = heap_fls64(size);
	unsigned int bin = (fl - 5) * 4 + (unsigned int)((size >> (fl - 2)) & 3);

	return MIN(bin, HEAP_NBINS - 1);
}

/* heap_bin_next: the first non-empty bin >= @from, or HEAP_NBINS. */
static unsigned int heap_bin_next(const struct heap *h, unsigned int from)
{
	for (unsigned int w = from / 64; w < HEAP_NBINS / 64; w++) {
		uint64_t bits = h->h_binmap[w];

		if (w == from / 64)
			bits &= ~0ULL << (from % 64);
		if (bits)
			return w * 64 + heap_fls64(bits & (~bits + 1));
	}
	return HEAP_NBINS;
}

/* heap_bin_last: the last non-empty bin, or HEAP_NBINS if all are empty. */
static unsigned int heap_bin_last(const struct heap *h)
{
	for (unsigned int w = HEAP_NBINS / 64; w-- > 0;) {
		if (h->h_binmap[w])
			return w * 64 + heap_fls64(h->h_binmap[w]);
	}
	return HEAP_NBINS;
}

/* heap_bin_insert: put the FREE block @b on its bin and count it. */
static void heap_bin_insert(struct heap *h, struct heap_block *b)
{
	unsigned int bin = heap_bin_of(b->hb_size);

	list_push_front(&h->h_bins[bin], heap_block_link(b));
	h->h_binmap[bin / 64] |= 1ULL << (bin % 64);
	h->h_free_bytes += b->hb_size;
	h->h_nfree++;
}

/* heap_bin_remove: take the FREE block @b off its bin and uncount it. */
static void heap_bin_remove(struct heap *h, struct heap_block *b)
{
	unsigned int bin = heap_bin_of(b->hb_size);

	list_remove(heap_block_link(b));
	if (list_empty(&h->h_bins[bin]))
		h->h_binmap[bin / 64] &= ~(1ULL << (bin % 64));
	h->h_free_bytes -= b->hb_size;
	h->h_nfree--;
}

/*
 * heap_release: make @b free, merged with whichever neighbours are free.
 * => @b's size and prev_size are right; @b is on no bin and not counted
 */
static void heap_release(struct heap *h, struct heap_block *b)
{
	struct heap_block *next = heap_block_next(b);
	size_t size = b->hb_size, prev_size = b->hb_prev_size;

	/*
	 * Stamp @b FREE before it may be absorbed by its lower neighbour: its
	 * stale header then still says "freed", so freeing it again is
	 * reported as a double free rather than as an unknown pointer.
	 */
	heap_block_set(h, b, HEAP_TAG_FREE, size, prev_size);
	if (heap_block_is(h, next, HEAP_TAG_FREE)) {
		heap_bin_remove(h, next);
		size += next->hb_size;
	}
	if (prev_size && heap_block_is(h, heap_block_prev(b), HEAP_TAG_FREE)) {
		b = heap_block_prev(b);
		heap_bin_remove(h, b);
		size += b->hb_size;
		prev_size = b->hb_prev_size;
	}
	heap_block_set(h, b, HEAP_TAG_FREE, size, prev_size);
	heap_block_set_prev(heap_block_next(b), size);
	heap_bin_insert(h, b);
}

/*
 * heap_trim: shrink the used block @b to @need bytes if the excess can make
 * a block of its own; the excess is released (and merges upwards).
 * => @need <= @b's size, @need a valid block size
 */
static void heap_trim(struct heap *h, struct heap_block *b, size_t need)
{
	size_t excess = b->hb_size - need;
	struct heap_block *tail;

	if (excess < HEAP_MIN_BLOCK)
		return;
	heap_block_set(h, b, HEAP_TAG_USED, need, b->hb_prev_size);
	h->h_used_bytes -= excess;
	tail = heap_block_next(b);
	heap_block_set(h, tail, HEAP_TAG_FREE, excess, need);
	heap_release(h, tail);
}

/* heap_need: the block size for a request of @size bytes, or 0 if impossible. */
static size_t heap_need(size_t size)
{
	if (size == 0 || size > HEAP_MAX_ALLOC)
		return 0;
	return MAX(ALIGN_UP(size, (size_t)HEAP_ALIGN) + HEAP_HDR_SIZE, (size_t)HEAP_MIN_BLOCK);
}

/*
 * heap_find_fit: a free block of at least @need bytes, or NULL. First fit in
 * @need's own bin; failing that, any block of a higher bin fits.
 */
static struct heap_block *heap_find_fit(struct heap *h, size_t need)
{
	unsigned int bin = heap_bin_of(need);
	struct list_node *n;

	list_for_each(n, &h->h_bins[bin]) {
		if (heap_link_block(n)->hb_size >= need)
			return heap_link_block(n);
	}
	bin = heap_bin_next(h, bin + 1);
	if (bin == HEAP_NBINS)
		return NULL;
	return heap_link_block(h->h_bins[bin].next);
}

/*
 * heap_lookup: the used block whose payload is @p. Anything else (a pointer
 * outside the regions, misaligned, to a freed block, to a smashed header)
 * is logged on behalf of @op and asserted against, and gives NULL.
 */
static struct heap_block *heap_lookup(const struct heap *h, const void *p, const char *op)
{
	uintptr_t a = (uintptr_t)p;
	const struct heap_region *r;
	const char *why = "not inside this heap";
	struct heap_block *b;

	for (r = h->h_regions; r && (uintptr_t)r < a; r = r->hr_next) {
		if (a < (uintptr_t)heap_region_first(r) + HEAP_HDR_SIZE ||
		    a >= (uintptr_t)heap_region_end(r))
			continue;
		b = (struct heap_block *)(a - HEAP_HDR_SIZE);
		if (!IS_ALIGNED(a, (uintptr_t)HEAP_ALIGN))
			why = "misaligned";
		else if (heap_block_is(h, b, HEAP_TAG_FREE))
			why = "already free (double free?)";
		else if (!heap_block_is(h, b, HEAP_TAG_USED))
			why = "no intact block header (overrun, or not from this heap)";
		else if (b->hb_size < HEAP_MIN_BLOCK ||
			 b->hb_size > (uintptr_t)heap_region_end(r) - (uintptr_t)b ||
			 heap_block_next(b)->hb_prev_size != b->hb_size)
			why = "block does not fit its neighbours";
		else
			return b;
		break;
	}
	log_err("%s(%p): %s\n", op, p, why);
	ASSERT(!"a valid heap pointer");
	return NULL;
}

/*
 * heap_init: make @h an empty heap (no regions: every allocation fails).
 * The heap's address is part of its block tags: never copy a struct heap.
 */
void heap_init(struct heap *h)
{
	memset(h, 0, sizeof(*h));
	h->h_key = (uintptr_t)(((uintptr_t)h >> 4) * 0x9e3779b97f4a7c15ULL);
	h->h_key ^= (uintptr_t)0x2545f4914f6cdd1dULL;
	for (unsigned int i = 0; i < HEAP_NBINS; i++)
		list_init(&h->h_bins[i]);
}

/* heap_region_create: a new region of @len bytes at @base, linked at *@link. */
static void heap_region_create(struct heap *h, struct heap_region **link, void *base, size_t len)
{
	struct heap_region *r = base;
	size_t size = len - HEAP_REGION_OVERHEAD;
	struct heap_block *first;

	r->hr_tag = heap_tag(h, HEAP_TAG_REGION);
	r->hr_len = len;
	r->hr_seal = heap_seal(r->hr_tag, len, 0);
	r->hr_next = *link;
	*link = r;
	first = heap_region_first(r);
	heap_block_set(h, heap_region_end(r), HEAP_TAG_END, 0, size);
	heap_block_set(h, first, HEAP_TAG_FREE, size, 0);
	heap_bin_insert(h, first);
	h->h_nregions++;
	h->h_total_bytes += len;
}

/*
 * heap_region_extend: grow @r by the @len bytes just above it. The old END
 * header becomes the header of a block reaching the new END, released so
 * that it merges with a free last block.
 */
static void heap_region_extend(struct heap *h, struct heap_region *r, size_t len)
{
	struct heap_block *b = heap_region_end(r);
	size_t last_size = b->hb_prev_size;

	r->hr_len += len;
	r->hr_seal = heap_seal(r->hr_tag, r->hr_len, 0);
	heap_block_set(h, heap_region_end(r), HEAP_TAG_END, 0, len);
	heap_block_set(h, b, HEAP_TAG_FREE, len, last_size);
	h->h_total_bytes += len;
	heap_release(h, b);
}

/*
 * heap_add_region: give [@base, @base + @len) to @h for good.
 * => @base aligned to HEAP_ALIGN; @len is rounded down to HEAP_ALIGN
 * => the range is in use by nothing else
 * A range starting right at the end of one of @h's regions extends it and
 * needs only HEAP_MIN_BLOCK bytes; any other needs HEAP_MIN_REGION.
 * Returns 0, or -EINVAL, having changed nothing, for a NULL, misaligned,
 * too small, wrapping or overlapping range.
 */
int heap_add_region(struct heap *h, void *base, size_t len)
{
	uintptr_t start = (uintptr_t)base;
	struct heap_region **link = &h->h_regions, *below = NULL;

	len = ALIGN_DOWN(len, (size_t)HEAP_ALIGN);
	if (!base || !IS_ALIGNED(start, (uintptr_t)HEAP_ALIGN) || len < HEAP_MIN_BLOCK ||
	    start + len <= start)
		return -EINVAL;
	while (*link && (uintptr_t)*link < start) {
		below = *link;
		link = &below->hr_next;
	}
	if (*link && start + len > (uintptr_t)*link)
		return -EINVAL;
	if (below && (uintptr_t)below + below->hr_len > start)
		return -EINVAL;
	if (below && (uintptr_t)below + below->hr_len == start) {
		heap_region_extend(h, below, len);
		return 0;
	}
	if (len < HEAP_MIN_REGION)
		return -EINVAL;
	heap_region_create(h, link, base, len);
	return 0;
}

/*
 * heap_alloc: @size bytes aligned to HEAP_ALIGN, uninitialised.
 * Returns NULL, having changed nothing, when @size is 0, above
 * HEAP_MAX_ALLOC, or when no free block is large enough.
 */
void *heap_alloc(struct heap *h, size_t size)
{
	size_t need = heap_need(size);
	struct heap_block *b;

	if (!need)
		return NULL;
	b = heap_find_fit(h, need);
	if (!b)
		return NULL;
	heap_bin_remove(h, b);
	heap_block_set(h, b, HEAP_TAG_USED, b->hb_size, b->hb_prev_size);
	h->h_used_bytes += b->hb_size;
	h->h_nused++;
	heap_trim(h, b, need);
	return (void *)((uintptr_t)b + HEAP_HDR_SIZE);
}

/*
 * heap_calloc: @n objects of @size bytes, zeroed. NULL if the product
 * overflows, is 0, or cannot be allocated.
 */
void *heap_calloc(struct heap *h, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = heap_alloc(h, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/*
 * heap_free: give back @p, from heap_alloc/calloc/realloc on @h. NULL is a
 * no-op. A bad pointer is refused (see heap.h) and nothing changes.
 */
void heap_free(struct heap *h, void *p)
{
	struct heap_block *b;

	if (!p)
		return;
	b = heap_lookup(h, p, "heap_free");
	if (!b)
		return;
	h->h_used_bytes -= b->hb_size;
	h->h_nused--;
	heap_release(h, b);
}

/* heap_grow_in_place: grow the used @b to @need into a free upper neighbour. */
static bool heap_grow_in_place(struct heap *h, struct heap_block *b, size_t need)
{
	struct heap_block *next = heap_block_next(b);
	size_t size;

	if (!heap_block_is(h, next, HEAP_TAG_FREE) || b->hb_size + next->hb_size < need)
		return false;
	heap_bin_remove(h, next);
	size = b->hb_size + next->hb_size;
	h->h_used_bytes += next->hb_size;
	heap_block_set(h, b, HEAP_TAG_USED, size, b->hb_prev_size);
	heap_block_set_prev(heap_block_next(b), size);
	heap_trim(h, b, need);
	return true;
}

/*
 * heap_realloc: resize @p to @size bytes, keeping the first
 * min(old, new) bytes. In place when shrinking or when the block above is
 * free and large enough; otherwise allocate, copy, free.
 * => @p NULL: heap_alloc(@size); @size 0: heap_free(@p), returns NULL
 * Returns the (maybe moved) pointer, or NULL with @p untouched and still
 * valid when there is no room, @size is too large or @p is bad.
 */
void *heap_realloc(struct heap *h, void *p, size_t size)
{
	struct heap_block *b;
	size_t need;
	void *q;

	if (!p)
		return heap_alloc(h, size);
	if (size == 0) {
		heap_free(h, p);
		return NULL;
	}
	b = heap_lookup(h, p, "heap_realloc");
	need = heap_need(size);
	if (!b || !need)
		return NULL;
	if (need <= b->hb_size) {
		heap_trim(h, b, need);
		return p;
	}
	if (heap_grow_in_place(h, b, need))
		return p;
	q = heap_alloc(h, size);
	if (!q)
		return NULL;
	memcpy(q, p, b->hb_size - HEAP_HDR_SIZE);
	heap_free(h, p);
	return q;
}

/*
 * heap_usable_size: the bytes usable at @p (at least what was asked for),
 * or 0 for NULL or a bad pointer.
 */
size_t heap_usable_size(struct heap *h, const void *p)
{
	struct heap_block *b;

	if (!p)
		return 0;
	b = heap_lookup(h, p, "heap_usable_size");
	return b ? b->hb_size - HEAP_HDR_SIZE : 0;
}

/* heap_stats: fill @st from @h's counters; largest_free costs one bin scan. */
void heap_stats(const struct heap *h, struct heap_stats *st)
{
	unsigned int bin = heap_bin_last(h);
	const struct list_node *n;
	size_t largest = 0;

	if (bin < HEAP_NBINS) {
		list_for_each(n, &h->h_bins[bin])
			largest = MAX(largest, heap_link_block(n)->hb_size);
	}
	st->nregions = h->h_nregions;
	st->total_bytes = h->h_total_bytes;
	st->used_bytes = h->h_used_bytes;
	st->free_bytes = h->h_free_bytes;
	st->nused = h->h_nused;
	st->nfree = h->h_nfree;
	st->largest_free = largest ? largest - HEAP_HDR_SIZE : 0;
}

/* ------------------------------------------------------------ checker -- */

/*
 * What a walk finds. The free blocks are also summarised by two
 * order-independent fingerprints of their addresses, so the walk over the
 * regions and the walk over the bins can be compared without marking.
 */
struct heap_tally {
	size_t nregions, total_bytes;
	size_t nused, used_bytes;
	size_t nfree, free_bytes;
	uintptr_t free_sum, free_mix;
};

static void heap_tally_free(struct heap_tally *t, const struct heap_block *b)
{
	uintptr_t a = (uintptr_t)b;

	t->nfree++;
	t->free_bytes += b->hb_size;
	t->free_sum += a;
	t->free_mix ^= (uintptr_t)((a >> 4) * 0xff51afd7ed558ccdULL);
}

#define HEAP_FAIL(fmt, ...)                                                    \
	do {                                                                   \
		log_err("check: " fmt "\n", ##__VA_ARGS__);                    \
		return -EINVAL;                                                \
	} while (0)

/* heap_check_blocks: the blocks of @r tile it, linked by their boundary tags. */
static int heap_check_blocks(const struct heap *h, const struct heap_region *r,
			     struct heap_tally *t)
{
	const struct heap_block *b, *end = heap_region_end(r);
	size_t prev_size = 0;
	bool prev_free = false;

	for (b = heap_region_first(r); b != end; b = heap_block_next(b)) {
		bool used = heap_block_is(h, b, HEAP_TAG_USED);
		bool is_free = heap_block_is(h, b, HEAP_TAG_FREE);

		if (!used && !is_free)
			HEAP_FAIL("block %p: bad tag or seal", (const void *)b);
		if (b->hb_size < HEAP_MIN_BLOCK || !IS_ALIGNED(b->hb_size, (size_t)HEAP_ALIGN) ||
		    b->hb_size > (uintptr_t)end - (uintptr_t)b)
			HEAP_FAIL("block %p: bad size %zu", (const void *)b, b->hb_size);
		if (b->hb_prev_size != prev_size)
			HEAP_FAIL("block %p: prev_size %zu, block below has %zu", (const void *)b,
				  b->hb_prev_size, prev_size);
		if (is_free && prev_free)
			HEAP_FAIL("block %p: free and so is the block below", (const void *)b);
		if (is_free) {
			heap_tally_free(t, b);
		} else {
			t->nused++;
			t->used_bytes += b->hb_size;
		}
		prev_size = b->hb_size;
		prev_free = is_free;
	}
	if (!heap_block_is(h, end, HEAP_TAG_END) || end->hb_size != 0 ||
	    end->hb_prev_size != prev_size)
		HEAP_FAIL("region %p: bad END header", (const void *)r);
	return 0;
}

/* heap_check_regions: each region's header and blocks; regions sorted, disjoint. */
static int heap_check_regions(const struct heap *h, struct heap_tally *t)
{
	const struct heap_region *r, *below = NULL;
	int err;

	for (r = h->h_regions; r; below = r, r = r->hr_next) {
		if (++t->nregions > h->h_nregions)
			HEAP_FAIL("more regions than h_nregions %zu", h->h_nregions);
		if (!IS_ALIGNED((uintptr_t)r, (uintptr_t)HEAP_ALIGN) ||
		    r->hr_tag != heap_tag(h, HEAP_TAG_REGION) ||
		    r->hr_seal != heap_seal(r->hr_tag, r->hr_len, 0))
			HEAP_FAIL("region %p: bad header", (const void *)r);
		if (r->hr_len < HEAP_MIN_REGION || !IS_ALIGNED(r->hr_len, (size_t)HEAP_ALIGN))
			HEAP_FAIL("region %p: bad length %zu", (const void *)r, r->hr_len);
		if (below && (uintptr_t)below + below->hr_len > (uintptr_t)r)
			HEAP_FAIL("region %p: out of order or overlapping", (const void *)r);
		t->total_bytes += r->hr_len;
		err = heap_check_blocks(h, r, t);
		if (err)
			return err;
	}
	return 0;
}

/* heap_in_regions: @b lies where a block header may be, in some region. */
static bool heap_in_regions(const struct heap *h, const struct heap_block *b)
{
	const struct heap_region *r;

	for (r = h->h_regions; r; r = r->hr_next) {
		if ((uintptr_t)b >= (uintptr_t)heap_region_first(r) &&
		    (uintptr_t)b < (uintptr_t)heap_region_end(r))
			return IS_ALIGNED((uintptr_t)b, (uintptr_t)HEAP_ALIGN);
	}
	return false;
}

/*
 * heap_check_bins: every bin holds FREE blocks of its size class, linked
 * both ways, and its bitmap bit says whether it is empty. No more entries
 * than @walk found free blocks are visited, so a cycle cannot hang us.
 */
static int heap_check_bins(const struct heap *h, const struct heap_tally *walk,
			   struct heap_tally *t)
{
	for (unsigned int bin = 0; bin < HEAP_NBINS; bin++) {
		const struct list_node *head = &h->h_bins[bin], *n, *prev = head;
		bool marked = h->h_binmap[bin / 64] & (1ULL << (bin % 64));

		if (marked == list_empty(head))
			HEAP_FAIL("bin %u: bitmap bit %d disagrees with the list", bin, marked);
		for (n = head->next; n != head; prev = n, n = n->next) {
			const struct heap_block *b = heap_link_block(n);

			if (t->nfree == walk->nfree)
				HEAP_FAIL("bin %u: more entries than free blocks", bin);
			if (!heap_in_regions(h, b) || !heap_block_is(h, b, HEAP_TAG_FREE))
				HEAP_FAIL("bin %u: entry %p is not a free block", bin,
					  (const void *)b);
			if (n->prev != prev)
				HEAP_FAIL("bin %u: broken back link at %p", bin, (const void *)b);
			if (heap_bin_of(b->hb_size) != bin)
				HEAP_FAIL("bin %u: block %p of size %zu belongs in bin %u", bin,
					  (const void *)b, b->hb_size, heap_bin_of(b->hb_size));
			heap_tally_free(t, b);
		}
		if (head->prev != prev)
			HEAP_FAIL("bin %u: the head's back link misses the last entry", bin);
	}
	return 0;
}

/*
 * heap_check: every invariant of heap.h. Returns 0, or -EINVAL after
 * logging the first one broken. O(blocks + regions * free blocks).
 */
int heap_check(const struct heap *h)
{
	struct heap_tally walk = { 0 }, bins = { 0 };
	int err;

	err = heap_check_regions(h, &walk);
	if (!err)
		err = heap_check_bins(h, &walk, &bins);
	if (err)
		return err;
	if (bins.nfree != walk.nfree || bins.free_bytes != walk.free_bytes ||
	    bins.free_sum != walk.free_sum || bins.free_mix != walk.free_mix)
		HEAP_FAIL("the bins hold %zu blocks (%zu bytes), the regions %zu free (%zu bytes)"
			  " or other ones", bins.nfree, bins.free_bytes, walk.nfree,
			  walk.free_bytes);
	if (walk.nregions != h->h_nregions || walk.total_bytes != h->h_total_bytes)
		HEAP_FAIL("regions: %zu of %zu bytes, counters say %zu of %zu", walk.nregions,
			  walk.total_bytes, h->h_nregions, h->h_total_bytes);
	if (walk.nused != h->h_nused || walk.used_bytes != h->h_used_bytes)
		HEAP_FAIL("used: %zu blocks of %zu bytes, counters say %zu of %zu", walk.nused,
			  walk.used_bytes, h->h_nused, h->h_used_bytes);
	if (walk.nfree != h->h_nfree || walk.free_bytes != h->h_free_bytes)
		HEAP_FAIL("free: %zu blocks of %zu bytes, counters say %zu of %zu", walk.nfree,
			  walk.free_bytes, h->h_nfree, h->h_free_bytes);
	if (walk.used_bytes + walk.free_bytes + walk.nregions * HEAP_REGION_OVERHEAD !=
	    walk.total_bytes)
		HEAP_FAIL("used + free + overhead != %zu total bytes", walk.total_bytes);
	return 0;
}
