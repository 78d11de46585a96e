/*
 * userland/pager/pmm.c: the pager's processes (struct pmm): the table by
 * pid, creation, fork, destruction, the mm_ops hook that drops the pages
 * of a range, and the slots of the pager's CSpace where their address
 * space capabilities live.
 *
 * Table: open addressing by pid with linear probing; deletion shifts the
 * following entries back, so a lookup stops at the first empty slot.
 * Invariant: every pmm sits in the run of occupied slots that starts at
 * its home slot (pid % PMM_TABLE).
 */
#define LOG_PREFIX "pager: pmm: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>
#include "pager.h"

#define PMM_TABLE 256		/* more than the process manager's limit */
#define PAGER_CSPACE_SLOTS 256	/* the CSpace init's spawn() gives the pager */

static struct pmm *pmm_table[PMM_TABLE];
static uint64_t slot_used[PAGER_CSPACE_SLOTS / 64];

long pmm_slot_alloc(void)
{
	for (long s = PAGER_SLOT_FIRST_FREE; s < PAGER_CSPACE_SLOTS; s++)
		if (!(slot_used[s / 64] & (1ull << (s % 64)))) {
			slot_used[s / 64] |= 1ull << (s % 64);
			return s;
		}
	return -ENOSPC;
}

/* pmm_slot_free: delete the capability in @slot and make it free again. */
void pmm_slot_free(long slot)
{
	cap_delete(slot);
	slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

static unsigned int home(uint64_t pid)
{
	return (unsigned int)(pid % PMM_TABLE);
}

struct pmm *pmm_find(uint64_t pid)
{
	for (unsigned int i = home(pid);; i = (i + 1) % PMM_TABLE) {
		struct pmm *p = pmm_table[i];

		if (!p || p->pid == pid)
			return p;
	}
}

static int table_insert(struct pmm *p)
{
	unsigned int i = home(p->pid);

	if (pager.nr_mms >= PMM_TABLE - 1)
		return -ENOSPC;
	while (pmm_table[i])
		i = (i + 1) % PMM_TABLE;
	pmm_table[i] = p;
	pager.nr_mms++;
	return 0;
}

/* table_remove: take @p out, moving back entries whose probe run crossed its slot. */
static void table_remove(struct pmm *p)
{
	unsigned int i = home(p->pid), j;

	while (pmm_table[i] != p)
		i = (i + 1) % PMM_TABLE;
	pmm_table[i] = NULL;
	for (j = (i + 1) % PMM_TABLE; pmm_table[j]; j = (j + 1) % PMM_TABLE) {
		unsigned int h = home(pmm_table[j]->pid);

		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			pmm_table[i] = pmm_table[j];
			pmm_table[j] = NULL;
			i = j;
		}
	}
	pager.nr_mms--;
}

static struct pmm *scan_from(unsigned int i)
{
	for (; i < PMM_TABLE; i++)
		if (pmm_table[i])
			return pmm_table[i];
	return NULL;
}

struct pmm *pmm_first(void)
{
	return scan_from(0);
}

struct pmm *pmm_next(const struct pmm *p)
{
	unsigned int i = 0;

	while (pmm_table[i] != p)
		i++;
	return scan_from(i + 1);
}

struct drop_ctx {
	struct pmm *p;
	struct hw_run run;
};

static int drop_entry(void *arg, vaddr_t va, uintptr_t *e)
{
	struct drop_ctx *c = arg;
	struct page *page = prec_page(*e);

	if ((*e & PREC_MAPPED) && !c->p->no_hw)
		hw_run_add(&c->run, va);
	if (page != pager.zero_page) {
		c->p->resident--;
		mem_page_unref(page);
	}
	*e = 0;
	return 0;
}

/*
 * pmm_drop_range: forget every page recorded in [@start, @end) and unmap
 * them from the process (unless it is being destroyed). A frame whose
 * last entry goes is free again before the kernel unmap below: nothing
 * runs in between, so nobody can get it meanwhile.
 */
void pmm_drop_range(struct pmm *p, vaddr_t start, vaddr_t end)
{
	struct drop_ctx c = { .p = p };

	hw_run_init(&c.run, p, 0);
	prec_for_each(&p->rec, start, end, drop_entry, &c);
	if (!p->no_hw)
		hw_run_flush(&c.run);
}

static void pmm_unmap_hook(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end)
{
	pmm_drop_range(mm->priv, start, end);
}

const struct mm_ops pmm_ops = {
	.unmap = pmm_unmap_hook,
};

/* pmm_new: an empty process @pid (no mm yet) holding @as_slot, in the table. */
int pmm_new(uint64_t pid, unsigned long limit, long as_slot, struct pmm **pp)
{
	struct pmm *p;
	int err;

	if (!pid || pid > PAGER_PID_MAX)
		return -EINVAL;
	if (pmm_find(pid))
		return -EEXIST;
	p = vm_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pid = pid;
	p->as_slot = as_slot;
	p->page_limit = limit ? limit : PAGER_PAGE_LIMIT_DEFAULT;
	err = prec_init(&p->rec, pager.task_size);
	if (!err)
		err = table_insert(p);
	if (err) {
		prec_destroy(&p->rec);
		vm_free(p, sizeof(*p));
		return err;
	}
	*pp = p;
	return 0;
}

/*
 * pmm_free: destroy @p's mm and records, give back its slot (if any),
 * forget it. The pages are unmapped first, run by run, although the
 * address space goes too: the kernel frees page tables that unmapping
 * empties for less than its teardown walk of a whole tree costs.
 */
void pmm_free(struct pmm *p)
{
	if (p->mm)
		mm_destroy(p->mm);
	prec_destroy(&p->rec);
	if (p->as_slot)
		pmm_slot_free(p->as_slot);
	table_remove(p);
	vm_free(p, sizeof(*p));
}

/* pmm_create: PAGER_MM_CREATE: process @pid with an empty mm. */
int pmm_create(uint64_t pid, unsigned long limit, long as_slot)
{
	struct mm_layout layout;
	struct pmm *p;
	int err = pmm_new(pid, limit, as_slot, &p);

	if (err)
		return err;
	mm_layout_default(&layout, pager.task_size);
	err = mm_create(&layout, &pmm_ops, p, &p->mm);
	if (err) {
		p->as_slot = 0;
		pmm_free(p);
	}
	return err;
}

struct fork_ctx {
	struct pmm *child;
	struct hw_run run;
};

/* fork_copy: the child's record names the page too (unmapped: it faults it in). */
static int fork_copy(void *arg, vaddr_t va, uintptr_t *e)
{
	struct fork_ctx *c = arg;
	struct page *page = prec_page(*e);
	struct prec_node *leaf;
	unsigned int idx;
	int err = prec_leaf(&c->child->rec, va, true, &leaf, &idx);

	if (err)
		return err;
	prec_leaf_set(&c->child->rec, leaf, idx, (uintptr_t)page);
	if (page != pager.zero_page) {
		page->mapcount++;
		page_get(page);
		c->child->resident++;
	}
	return 0;
}

/* fork_protect: a page the parent had writable is shared now: read-only. */
static int fork_protect(void *arg, vaddr_t va, uintptr_t *e)
{
	struct fork_ctx *c = arg;

	if (*e & PREC_WRITE) {
		hw_run_add(&c->run, va);
		*e &= ~PREC_WRITE;
	}
	return 0;
}

/*
 * pmm_fork: PAGER_MM_FORK: @cpid gets a copy of @ppid's VMAs and shares
 * every page with it. The child maps nothing yet (it faults pages in);
 * the parent's writable pages become read-only, so the first write on
 * either side copies (or reuses, once the other side is gone).
 */
int pmm_fork(uint64_t ppid, uint64_t cpid, long as_slot)
{
	struct pmm *parent = pmm_find(ppid), *child;
	struct fork_ctx c;
	struct vma *v;
	int err;

	if (!parent || !ppid)
		return -ESRCH;
	err = pmm_new(cpid, parent->page_limit, as_slot, &child);
	if (err)
		return err;
	child->no_hw = true;
	err = mm_fork(parent->mm, child, &child->mm);
	c.child = child;
	if (!err)
		err = prec_for_each(&parent->rec, 0, pager.task_size, fork_copy, &c);
	if (err) {
		child->as_slot = 0;
		pmm_free(child);
		return err;
	}
	child->no_hw = false;
	for (v = vma_first(parent->mm); v; v = vma_next(v)) {
		hw_run_init(&c.run, parent, hw_prot(v, false));
		prec_for_each(&parent->rec, v->start, v->end, fork_protect, &c);
		hw_run_flush(&c.run);
	}
	return 0;
}

/* pmm_destroy: PAGER_MM_DESTROY: why @pid ended (PAGER_KILL_*) and where, then free it. */
int pmm_destroy(uint64_t pid, uint64_t *reason, uint64_t *addr)
{
	struct pmm *p = pmm_find(pid);

	if (!p || !pid)
		return -ESRCH;
	*reason = p->kill_reason;
	*addr = p->kill_addr;
	pmm_free(p);
	return 0;
}
