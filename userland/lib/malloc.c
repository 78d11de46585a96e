/*
 * userland/lib/malloc.c: malloc, free, calloc and realloc for user
 * programs, over one lib/heap.c heap. No locking: user programs are single
 * threaded for now; a threaded program must serialise these calls itself.
 *
 * The heap starts with a static arena in .bss. When the pager offers
 * brk/mmap, an allocation that fails will ask it for more memory and add
 * it with heap_add_region() (a brk extension just above the arena or the
 * last one extends that region), then retry.
 */
#include <lib/assert.h>
#include <lib/heap.h>
#include <pagoda.h>

#define MALLOC_ARENA_LEN (256 * 1024)

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

/* malloc: @size bytes aligned to 16, or NULL (also for @size 0). */
void *malloc(size_t size)
{
	return heap_alloc(malloc_heap_get(), size);
}

/* free: NULL is a no-op; a bad pointer is reported and ignored (see lib/heap.h). */
void free(void *p)
{
	heap_free(malloc_heap_get(), p);
}

/* calloc: @n * @size zeroed bytes; NULL when the product overflows. */
void *calloc(size_t n, size_t size)
{
	return heap_calloc(malloc_heap_get(), n, size);
}

/* realloc: as heap_realloc: NULL @p allocates, @size 0 frees and returns NULL. */
void *realloc(void *p, size_t size)
{
	return heap_realloc(malloc_heap_get(), p, size);
}
