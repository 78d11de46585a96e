/*
 * userland/lib/mman.h: memory of a managed process, as requests to the
 * pager (pager_proto.h, docs/pager-protocol.md): mmap, munmap, mprotect,
 * brk, and introspection. Results are >= 0 or a negative error code
 * (user addresses are below 2^63, so an address never looks negative).
 */
#ifndef PAGODA_USER_MMAN_H
#define PAGODA_USER_MMAN_H

#include <pagoda.h>
#include <pager_proto.h>

/* mmap: anonymous private memory of @len bytes; PROT_* and MMAP_* flags. Its address. */
long mmap(unsigned long addr, size_t len, unsigned int prot, unsigned int flags);
long munmap(unsigned long addr, size_t len);
long mprotect(unsigned long addr, size_t len, unsigned int prot);

/* brk: set the program break (0: only ask); the break. sbrk: grow by @incr; the old break. */
long brk(unsigned long addr);
long sbrk(long incr);

/* pager_vmas: up to @max VMAs of this process, from @from on, into @out; how many. */
long pager_vmas(unsigned long from, struct pager_vma *out, size_t max);
long pager_stats(struct pager_stats *st);
/* pager_check: have the pager run its invariant checker: 0 or -EINVAL. */
long pager_check(void);

#endif
