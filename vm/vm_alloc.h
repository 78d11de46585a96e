/*
 * vm/vm_alloc.h: how vm/ gets memory for its own objects (VMAs, anon_vmas,
 * tree nodes). vm/ never calls malloc: the environment links one
 * implementation (the pager's object allocator, the host test support with
 * fault injection). Allocation may fail; every vm/ operation that allocates
 * returns -ENOMEM then, having changed nothing.
 */
#ifndef PAGODA_VM_ALLOC_H
#define PAGODA_VM_ALLOC_H

#include <stddef.h>

/* vm_zalloc: @size zeroed bytes, aligned for any object, or NULL. */
void *vm_zalloc(size_t size);

/* vm_free: release @p (NULL is fine); @size is what was asked of vm_zalloc. */
void vm_free(void *p, size_t size);

#endif
