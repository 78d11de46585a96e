/* kern/kalloc.c: size-class allocator over whole frames (see kalloc.h). */
#include <lib/assert.h>
#include <lib/string.h>
#include <arch/mmu.h>
#include <kern/kalloc.h>
#include <kern/mem.h>

#define KALLOC_MIN_SHIFT 5	/* 32 bytes */
#define KALLOC_CLASSES 7	/* 32 .. 2048 */

struct kalloc_free {
	struct kalloc_free *next;
};

static struct kalloc_free *kalloc_lists[KALLOC_CLASSES];

static unsigned int size_class(size_t size)
{
	unsigned int c = 0;

	while (((size_t)1 << (c + KALLOC_MIN_SHIFT)) < size)
		c++;
	return c;
}

/* refill: split a fresh frame into objects of class @c. */
static int refill(unsigned int c)
{
	size_t objsize = (size_t)1 << (c + KALLOC_MIN_SHIFT);
	paddr_t pa;
	char *base;
	int err = frame_alloc(&kernel_frames, &pa);

	if (err)
		return err;
	base = phys_to_virt(pa);
	for (size_t off = 0; off < PAGE_SIZE; off += objsize) {
		struct kalloc_free *f = (struct kalloc_free *)(base + off);

		f->next = kalloc_lists[c];
		kalloc_lists[c] = f;
	}
	return 0;
}

void *kzalloc(size_t size)
{
	unsigned int c;
	struct kalloc_free *f;

	if (size == 0 || size > KALLOC_MAX)
		return NULL;
	c = size_class(size);
	if (!kalloc_lists[c] && refill(c))
		return NULL;
	f = kalloc_lists[c];
	kalloc_lists[c] = f->next;
	memset(f, 0, (size_t)1 << (c + KALLOC_MIN_SHIFT));
	return f;
}

void kfree(void *p, size_t size)
{
	struct kalloc_free *f = p;
	unsigned int c;

	if (!p)
		return;
	ASSERT(size > 0 && size <= KALLOC_MAX);
	c = size_class(size);
	f->next = kalloc_lists[c];
	kalloc_lists[c] = f;
}
