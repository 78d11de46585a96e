/*
 * userland/pager/pager.h: the default pager's internal interfaces.
 *
 * The pager is one thread serving one endpoint (main.c). It owns a frame
 * region, mapped whole into its own address space at PAGER_RAM_VA, so it
 * zeroes and copies frames directly (mem.c). Per process it keeps a
 * struct pmm: the vm/ mm (VMAs, anon_vmas) and its own record of what each
 * page holds (prec.c), and it tells the kernel what to map (hw.c). fault.c
 * serves faults, mmreq.c the address-space requests, pmm.c creation, fork
 * and destruction, image.c exec from the boot archive, info.c the
 * introspection and the checker.
 *
 * Locks: none; everything runs on the pager's single thread.
 *
 * Page accounting (kept exact at every step, checked by info_check):
 *   - every record entry names a page (or the shared zero page, which has
 *     PG_RESERVED and no counts);
 *   - page->mapcount == page->refcount == the number of record entries,
 *     over all processes, that name the page;
 *   - an entry with PREC_MAPPED is mapped in that process's address space,
 *     writable iff PREC_WRITE, once the kernel has carried out the map on
 *     the fault reply that set it (fault_map_failed undoes a refused one);
 *     a page is mapped writable only where its mapcount is 1 and the VMA
 *     allows writing.
 *     A reply the kernel could not deliver (the thread was suspended or
 *     ended meanwhile: reply_recv says -ESRCH) is undone the same way
 *     (fault_reply_dropped), so the space never keeps a page the record
 *     has let go.
 */
#ifndef PAGODA_PAGER_PAGER_H
#define PAGODA_PAGER_PAGER_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/heap.h>
#include <vm/mm.h>
#include <vm/page.h>
#include <pager_proto.h>
#include <pagoda.h>

/* The pager's own layout, far from its program (linked low). */
#define PAGER_RAM_VA		0x1000000000ul
#define PAGER_ARCHIVE_VA	0x2000000000ul

/* Default page limit of one process (PAGER_MM_CREATE w1 = 0). */
#define PAGER_PAGE_LIMIT_DEFAULT 8192
/* The initial stack: pages below the top, and the top's gap to task_size. */
#define PAGER_STACK_PAGES	4

struct pager {
	struct page_pool pool;
	struct heap heap;
	uint8_t *ram;			/* frame pgoff p at ram + p * PAGE_SIZE */
	size_t npages;			/* frames in the region */
	size_t frames_total;		/* frames processes may get */
	struct page *zero_page;		/* shared, read-only, all zero */
	vaddr_t task_size;		/* one past the highest user address */
	const uint8_t *archive;		/* the boot archive, mapped read-only */
	size_t archive_size;
	uint64_t counters[PAGER_CNT_COUNT];
	size_t image_bytes;		/* heap bytes of the image cache (kept for good) */
	size_t nr_mms;
	bool ready;			/* PAGER_SETUP done */
};

extern struct pager pager;

/* ---- prec.c: the record of one process's pages, a radix tree by address ---- */

#define PREC_BITS	6
#define PREC_FANOUT	(1u << PREC_BITS)
#define PREC_MAPPED	1ul	/* mapped in the process's address space */
#define PREC_WRITE	2ul	/* ... writable */
#define PREC_FLAGS	7ul

struct prec_node {
	uint64_t map;			/* bit i set iff slot[i] != 0 */
	uintptr_t slot[PREC_FANOUT];	/* entries (leaves) or child nodes */
};

struct prec {
	struct prec_node *root;
	unsigned int levels;		/* 1 + levels of interior nodes */
	unsigned long nr;		/* entries */
	/* The leaf prec_leaf found last (NULL: none), for pages hint_base << PREC_BITS on. */
	struct prec_node *hint;
	unsigned long hint_base;
};

static inline struct page *prec_page(uintptr_t e)
{
	return (struct page *)(e & ~PREC_FLAGS);
}

/* prec_fn: visit entry *@e at @va; may change or clear it; nonzero stops the walk. */
typedef int (*prec_fn)(void *arg, vaddr_t va, uintptr_t *e);

int prec_init(struct prec *r, vaddr_t task_size);
void prec_destroy(struct prec *r);
int prec_leaf(struct prec *r, vaddr_t va, bool alloc, struct prec_node **leafp,
	      unsigned int *idxp);
void prec_leaf_set(struct prec *r, struct prec_node *leaf, unsigned int idx, uintptr_t e);
int prec_for_each(struct prec *r, vaddr_t start, vaddr_t end, prec_fn fn, void *arg);

/* ---- pmm.c: processes ---- */

struct pmm {
	uint64_t pid;
	long as_slot;			/* its address space, in the pager's CSpace */
	struct mm *mm;
	struct prec rec;
	unsigned long resident;		/* entries naming a frame (not the zero page) */
	unsigned long page_limit;
	uint64_t counters[PAGER_CNT_COUNT];
	uint32_t kill_reason;		/* PAGER_KILL_*; NONE while alive */
	vaddr_t kill_addr;
	bool no_hw;			/* maps nothing (a new child, exec's new mm): no unmaps */
};

struct pmm *pmm_find(uint64_t pid);
struct pmm *pmm_first(void);
struct pmm *pmm_next(const struct pmm *p);
long pmm_slot_alloc(void);
void pmm_slot_free(long slot);
int pmm_create(uint64_t pid, unsigned long limit, long as_slot);
int pmm_fork(uint64_t ppid, uint64_t cpid, long as_slot);
int pmm_destroy(uint64_t pid, uint64_t *reason, uint64_t *addr);
int pmm_new(uint64_t pid, unsigned long limit, long as_slot, struct pmm **pp);
void pmm_free(struct pmm *p);
void pmm_drop_range(struct pmm *p, vaddr_t start, vaddr_t end);
extern const struct mm_ops pmm_ops;

/* ---- mem.c: frames and the pager's heap ---- */

int mem_setup(size_t npages);
void *mem_va(const struct page *page);
pfn_t mem_pfn(const struct page *page);
struct page *mem_alloc(void);
void mem_zero(void *dst);
void mem_copy(void *dst, const void *src);
void mem_page_unref(struct page *page);
void mem_cache_drain(void);

/* ---- hw.c: the kernel's page tables of one process ---- */

struct hw_run {
	struct pmm *p;
	vaddr_t start, end;		/* pending run [start, end), empty if equal */
	unsigned long prot;		/* MAP_* for protect runs; 0: unmap runs */
	int err;
};

long hw_unmap(struct pmm *p, vaddr_t va, unsigned long npages);
long hw_protect(struct pmm *p, vaddr_t va, unsigned long npages, unsigned long prot);
void hw_run_init(struct hw_run *run, struct pmm *p, unsigned long prot);
void hw_run_add(struct hw_run *run, vaddr_t va);
int hw_run_flush(struct hw_run *run);
unsigned long hw_prot(const struct vma *vma, bool writable);

/* ---- fault.c ---- */

/* A FAULT_REPLY_MAP answer: the page to map at the faulting page, and how. */
struct fault_answer {
	vaddr_t va;
	const struct page *page;
	unsigned long prot;		/* MAP_* */
	vaddr_t pc;			/* of the fault, for reports */
};

unsigned int fault_page(struct pmm *p, vaddr_t addr, unsigned int access, vaddr_t pc,
			struct fault_answer *ans);
unsigned int fault_map_failed(struct pmm *p, const struct fault_answer *ans, long err);
void fault_reply_dropped(struct pmm *p, const struct fault_answer *ans);
unsigned int fault_exception(struct pmm *p, vaddr_t addr, unsigned int kind, vaddr_t pc);

/* ---- mmreq.c: requests of a process ---- */

long mmreq_mmap(struct pmm *p, struct ipc_msg *m);
long mmreq_munmap(struct pmm *p, struct ipc_msg *m);
long mmreq_mprotect(struct pmm *p, struct ipc_msg *m);
long mmreq_brk(struct pmm *p, struct ipc_msg *m);

/* ---- image.c: programs of the boot archive ---- */

int image_exec(struct pmm *p, const char *data, size_t len, uint64_t arg, vaddr_t *pc,
	       vaddr_t *sp);
void image_fill(const struct vma *vma, vaddr_t va, void *dst);

/* ---- info.c: introspection and the checker ---- */

long info_vmas(struct pmm *p, struct ipc_msg *m, void *data);
long info_stats(struct pmm *p, struct ipc_msg *m, void *data);
int info_check(void);

#endif
