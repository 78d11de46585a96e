/*
 * kern/kalloc.h: small kernel objects (threads, address spaces, endpoints).
 * Power-of-two size classes from 32 bytes to 2 KiB, carved from frames of
 * kernel_frames; a class keeps its freed objects on a free list and never
 * gives frames back (kernel objects are few and long-lived; a later issue
 * may add reclaim). One hart, callers run with interrupts disabled or from
 * thread context only: no locking.
 */
#ifndef PAGODA_KERN_KALLOC_H
#define PAGODA_KERN_KALLOC_H

#include <pagoda/types.h>

#define KALLOC_MAX 2048

/* kzalloc: @size (<= KALLOC_MAX) zeroed bytes, 16-byte aligned, or NULL. */
void *kzalloc(size_t size);
/* kfree: give back @p (NULL is fine) of the @size asked of kzalloc. */
void kfree(void *p, size_t size);

#endif
