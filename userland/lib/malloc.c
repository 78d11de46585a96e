/*
 * userland/lib/malloc.c: malloc, free, calloc and realloc for user
 * programs, over one lib/heap.c heap. No locking: user programs are single
 * threaded for now; a threaded program must serialise these calls itself.
 *
 * The heap starts with a static arena in .bss. In a process managed by
 * init (proc_info() != NULL) an allocation that fails asks the pager to
 * move the program break up (sbrk, at least MALLOC_GROW_MIN bytes) and
 * adds the new pages with heap_add_region() (each extension starts where
 * the last one ended, so the brk memory stays one region), then retries.
 * The heap never shrinks.
 */
#include <lib/assert.h>
#include <lib/heap.h>
#include <mman.h>
#include <pagoda.h>
#include <proc.h>

#define MALLOC_ARENA_LEN (256 * 1024)
#define MALLOC_GROW_MIN (64 * 1024)

static struct heap malloc_heap;
static bool malloc_ready;
static unsigned char malloc_arena[MALLOC_ARENA_LEN] __aligned(HEAP_ALIGN);

/* malloc_heap_get: the heap, set up with its arena on first use. */
static struct heap *malloc_heap_get(void)
{
	if (unlikely(!malloc_ready)) {
		int err;

		heap_init(&malloc_heap);
		/* Cannot fail: the arena is aligned and far above HEAP_MIN_REGION. */
		err = heap_add_region(&malloc_heap, malloc_arena, sizeof(malloc_arena));
		ASSERT(err == 0);
		malloc_ready = true;
	}
	return &malloc_heap;
}

/* malloc_grow: room for a block of @size bytes from the pager's brk; false if none. */
static bool malloc_grow(size_t size)
{
	size_t len;
	long old;

	if (size > HEAP_MAX_ALLOC || !proc_info())
		return false;
	len = ALIGN_UP(size + HEAP_REGION_OVERHEAD + HEAP_MIN_BLOCK, (size_t)MALLOC_GROW_MIN);
	old = sbrk((long)len);
	if (old < 0)
		return false;
	return heap_add_region(malloc_heap_get(), (void *)old, len) == 0;
}

/* malloc: @size bytes aligned to 16, or NULL (also for @size 0). */
void *malloc(size_t size)
{
	void *p = heap_alloc(malloc_heap_get(), size);

	if (!p && size && malloc_grow(size))
		p = heap_alloc(malloc_heap_get(), size);
	return p;
}

/* free: NULL is a no-op; a bad pointer is reported and ignored (see lib/heap.h). */
void free(void *p)
{
	heap_free(malloc_heap_get(), p);
}

/* calloc: @n * @size zeroed bytes; NULL when the product overflows. */
void *calloc(size_t n, size_t size)
{
	void *p = heap_calloc(malloc_heap_get(), n, size);

	if (!p && n && size && size <= HEAP_MAX_ALLOC / n && malloc_grow(n * size))
		p = heap_calloc(malloc_heap_get(), n, size);
	return p;
}

/* realloc: as heap_realloc: NULL @p allocates, @size 0 frees and returns NULL. */
void *realloc(void *p, size_t size)
{
	void *q = heap_realloc(malloc_heap_get(), p, size);

	if (!q && size && malloc_grow(size))
		q = heap_realloc(malloc_heap_get(), p, size);
	return q;
}
