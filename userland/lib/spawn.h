/*
 * userland/lib/spawn.h: what the root task (init) needs to start programs
 * from the boot archive on its own, with the capabilities the kernel gave
 * it (pagoda/rootinfo.h): a page allocator over its RAM regions, a slot
 * allocator for its CSpace, and spawn().
 *
 * Single-threaded: the root task calls these from one thread.
 */
#ifndef PAGODA_USER_SPAWN_H
#define PAGODA_USER_SPAWN_H

#include <pagoda/rootinfo.h>
#include <pagoda.h>

#define SPAWN_CSPACE_SLOTS 256
#define SPAWN_TABLE_QUOTA 64
#define SPAWN_STACK_PAGES 4

/* root_init: read the kernel's root_info (start_argument()); 0 or -EINVAL. */
int root_init(void);
const struct root_info *root_info(void);

/* slot_alloc: a free slot of the root task's CSpace, or -ENOSPC. */
long slot_alloc(void);

/*
 * ram_page_alloc: one page of RAM: the region slot and page offset to map it
 * with. Pages are never given back (a bump allocator; the pager will own
 * memory management). -ENOMEM when the regions are used up.
 */
int ram_page_alloc(long *region_slot, unsigned long *pgoff);

/*
 * scratch_map: map a RAM page (region slot, page offset) read-write into
 * the root task at a fixed scratch address, returning it; scratch_unmap
 * removes it. One scratch page at a time.
 */
void *scratch_map(long region_slot, unsigned long pgoff);
void scratch_unmap(void);

struct child {
	long cspace, aspace, thread;	/* slots in the root task's CSpace */
	unsigned long entry, stack_top;
};

/*
 * spawn: build a process for the program @name of the boot archive: a
 * CSpace, an address space with its segments and a stack, and a thread at
 * @prio, not started (give it capabilities with cap_give, then
 * thread_start(c->thread, c->entry, c->stack_top, arg)).
 * Errors: -ENOENT (no such program), -ENOEXEC (not a valid executable),
 * -ENOMEM, -ENOSPC, or the failing system call's.
 */
int spawn(const char *name, unsigned int prio, struct child *c);

#endif
