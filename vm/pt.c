/*
 * vm/pt.c: the arch-neutral page-table walker (see vm/pt.h).
 *
 * One recursive range walk (pt_walk_table) serves every operation. It
 * visits, in address order, the entries of each table that the range
 * [first, last] touches and, per entry, does one of three things:
 *   - stops there and calls w->slot: at the walk's target level, or on a
 *     leaf met above it (a large leaf);
 *   - calls w->hole on an empty entry above the target: the hook counts
 *     the tables a map would need, or links a fresh table (return > 0, the
 *     walk then descends), or does nothing;
 *   - descends into the table the entry points to, then calls w->post
 *     (unmap frees a table it emptied there).
 * pt_destroy and pt_map_one do without the walk: they follow the tables
 * directly.
 * Each operation is a struct embedding struct pt_walk plus its own state,
 * found again with container_of. The depth is the format's level count.
 *
 * Invariant of every walk: first <= last and both lie in the span of the
 * entry (or table) being visited, so each recursion clips its range to one
 * child's span.
 */
#define LOG_PREFIX "pt: "

#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/pt.h>

struct pt_walk {
	const struct pt_ctx *ctx;
	unsigned int target;	/* the level whose entries w->slot handles */
	int (*slot)(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
		    vaddr_t last);
	int (*hole)(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
		    vaddr_t last);
	void (*post)(struct pt_walk *w, pte_t *slot, unsigned int level);
	/* [l]: a hook invalidated an entry of the level-l table being walked */
	bool cleared[PT_MAX_LEVELS];
	/* [l]: the valid-entry count of that table, if counting (env->table_live) */
	uint16_t *live[PT_MAX_LEVELS];
	bool counting;		/* the walk adds or removes entries: keep live[] */
};

static pte_t *pt_table(const struct pt_ctx *ctx, paddr_t pa)
{
	return ctx->env->table_virt(ctx->cookie, pa);
}

static paddr_t pt_pfn_to_pa(const struct pt_fmt *fmt, pfn_t pfn)
{
	return (paddr_t)pfn << fmt->page_shift;
}

/* Level 0 never holds tables: any valid entry there counts as a leaf. */
static bool pt_is_leaf(const struct pt_fmt *fmt, pte_t pte, unsigned int level)
{
	return level == 0 || fmt->is_leaf(pte, level);
}

static uint16_t *pt_live(const struct pt_ctx *ctx, paddr_t table)
{
	return ctx->env->table_live ? ctx->env->table_live(ctx->cookie, table) : NULL;
}

/* pt_live_add: entry count of the level-@level table being walked += @d. */
static void pt_live_add(struct pt_walk *w, unsigned int level, int d)
{
	if (w->live[level])
		*w->live[level] = (uint16_t)(*w->live[level] + d);
}

static bool pt_table_empty(const struct pt_ctx *ctx, paddr_t table)
{
	const pte_t *tab = pt_table(ctx, table);

	for (unsigned int i = 0; i < pt_entries(ctx->fmt); i++)
		if (ctx->fmt->is_valid(READ_ONCE(tab[i])))
			return false;
	return true;
}

static void pt_leaf_fill(const struct pt_fmt *fmt, pte_t pte, unsigned int level, vaddr_t va,
			 struct pt_leaf *leaf)
{
	leaf->size = pt_leaf_size(fmt, level);
	leaf->va = ALIGN_DOWN(va, leaf->size);
	leaf->pa = pt_pfn_to_pa(fmt, fmt->pfn(pte, level));
	leaf->level = level;
	leaf->flags = fmt->leaf_flags(pte, level);
}

static void pt_report_leaf(const struct pt_report *report, const struct pt_fmt *fmt, pte_t pte,
			   unsigned int level, vaddr_t va)
{
	struct pt_leaf leaf;

	if (!report || !report->fn)
		return;
	pt_leaf_fill(fmt, pte, level, va, &leaf);
	report->fn(report->arg, &leaf);
}

/*
 * pt_leaf_update: re-encode the leaf in *@slot with its flags minus @clear
 * plus @set, keeping whatever A/D bits the MMU sets meanwhile (CAS loop).
 * Returns the old entry.
 */
static pte_t pt_leaf_update(const struct pt_fmt *fmt, pte_t *slot, unsigned int level,
			    unsigned int clear, unsigned int set)
{
	pte_t old = READ_ONCE(*slot);
	pte_t new;

	do {
		unsigned int flags = (fmt->leaf_flags(old, level) & ~clear) | set;

		new = fmt->mk_leaf(fmt->pfn(old, level), flags, level);
	} while (!__atomic_compare_exchange_n(slot, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return old;
}

static int pt_walk_table(struct pt_walk *w, paddr_t table, unsigned int level, vaddr_t first,
			 vaddr_t last);

static int pt_walk_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			vaddr_t last)
{
	const struct pt_fmt *fmt = w->ctx->fmt;
	pte_t pte = READ_ONCE(*slot);
	int err;

	if (level == w->target || (fmt->is_valid(pte) && pt_is_leaf(fmt, pte, level)))
		return w->slot(w, slot, level, first, last);
	if (!fmt->is_valid(pte)) {
		if (!w->hole)
			return 0;
		err = w->hole(w, slot, level, first, last);
		if (err <= 0)
			return err;
		pte = READ_ONCE(*slot);
	}
	w->cleared[level - 1] = false;
	err = pt_walk_table(w, pt_pfn_to_pa(fmt, fmt->pfn(pte, level)), level - 1, first, last);
	if (!err && w->post)
		w->post(w, slot, level);
	return err;
}

/* pt_walk_table: visit [first, last], which lies inside this table's span. */
static int pt_walk_table(struct pt_walk *w, paddr_t table, unsigned int level, vaddr_t first,
			 vaddr_t last)
{
	const struct pt_fmt *fmt = w->ctx->fmt;
	pte_t *tab = pt_table(w->ctx, table);
	vaddr_t entry_mask = pt_leaf_size(fmt, level) - 1;
	vaddr_t va = first;
	int err;

	ASSERT(first <= last && level >= w->target);
	if (w->counting)
		w->live[level] = pt_live(w->ctx, table);
	for (;;) {
		vaddr_t end = MIN(last, va | entry_mask);

		err = pt_walk_slot(w, &tab[pt_index(fmt, va, level)], level, va, end);
		if (err)
			return err;
		if (end == last)
			return 0;
		va = end + 1;
	}
}

static int pt_walk(struct pt_walk *w, vaddr_t first, vaddr_t last)
{
	return pt_walk_table(w, w->ctx->root, w->ctx->fmt->levels - 1, first, last);
}

/*
 * pt_lookup: the slot holding the leaf that translates @va, its level in
 * *@level; NULL if @va is unmapped. @va must be canonical.
 */
static pte_t *pt_lookup(const struct pt_ctx *ctx, vaddr_t va, unsigned int *level)
{
	const struct pt_fmt *fmt = ctx->fmt;
	paddr_t table = ctx->root;

	for (unsigned int l = fmt->levels - 1;; l--) {
		pte_t *slot = &pt_table(ctx, table)[pt_index(fmt, va, l)];
		pte_t pte = READ_ONCE(*slot);

		if (!fmt->is_valid(pte))
			return NULL;
		if (pt_is_leaf(fmt, pte, l)) {
			*level = l;
			return slot;
		}
		table = pt_pfn_to_pa(fmt, fmt->pfn(pte, l));
	}
}

/* ---------------------------------------------------------- validation -- */

/* pt_flags_valid: @flags may sit on a leaf of this context (order in pt.h). */
static int pt_flags_valid(const struct pt_ctx *ctx, unsigned int flags)
{
	if ((flags & ~PT_FLAGS_ALL) || !(flags & PT_RWX))
		return -EINVAL;
	if (ctx->space == PT_SPACE_USER && (!(flags & PT_USER) || (flags & PT_GLOBAL)))
		return -EINVAL;
	if (ctx->space == PT_SPACE_KERNEL && (flags & PT_USER))
		return -EINVAL;
	return ctx->fmt->flags_check(flags);
}

static int pt_level_valid(const struct pt_ctx *ctx, unsigned int level)
{
	if (level > ctx->fmt->max_leaf_level || (level > 0 && ctx->space == PT_SPACE_USER))
		return -EINVAL;
	return 0;
}

/*
 * pt_range: check that @n leaves of @level from @va form an aligned range
 * inside the window; its last byte goes to *@last.
 */
static int pt_range(const struct pt_ctx *ctx, vaddr_t va, size_t n, unsigned int level,
		    vaddr_t *last)
{
	unsigned int shift = pt_level_shift(ctx->fmt, level);
	vsize_t len_m1;

	if (n == 0 || !IS_ALIGNED(va, (vaddr_t)1 << shift))
		return -EINVAL;
	if ((vsize_t)n > (~(vsize_t)0 >> shift))
		return -EOVERFLOW;
	len_m1 = ((vsize_t)n << shift) - 1;
	if (va + len_m1 < va)
		return -EOVERFLOW;
	if (va < ctx->va_min || va + len_m1 > ctx->va_last)
		return -EFAULT;
	*last = va + len_m1;
	return 0;
}

/* pt_pa_range: the physical side of a map of @len_m1 + 1 bytes at @pa. */
static int pt_pa_range(const struct pt_ctx *ctx, paddr_t pa, vsize_t len_m1, unsigned int level)
{
	const struct pt_fmt *fmt = ctx->fmt;

	if (!IS_ALIGNED(pa, pt_leaf_size(fmt, level)))
		return -EINVAL;
	if (pa + len_m1 < pa)
		return -EOVERFLOW;
	if (((pa + len_m1) >> fmt->pa_bits) != 0)
		return -ERANGE;
	return 0;
}

/*
 * pt_range_splits_leaf: -EINVAL if [first, last] covers only part of a
 * large leaf. Such a leaf must contain first or last, so two lookups do.
 */
static int pt_range_splits_leaf(const struct pt_ctx *ctx, vaddr_t first, vaddr_t last)
{
	vaddr_t ends[2] = { first, last };
	unsigned int level;

	for (int i = 0; i < 2; i++) {
		vsize_t size;
		vaddr_t start;

		if (!pt_lookup(ctx, ends[i], &level) || level == 0)
			continue;
		size = pt_leaf_size(ctx->fmt, level);
		start = ALIGN_DOWN(ends[i], size);
		if (start < first || start + (size - 1) > last)
			return -EINVAL;
	}
	return 0;
}

/*
 * pt_edit_range: validation shared by unmap, protect and clear_accessed.
 * A user window holds 4 KiB leaves only (pt_map_large refuses others there).
 */
static int pt_edit_range(const struct pt_ctx *ctx, vaddr_t va, size_t npages, vaddr_t *last)
{
	int err = pt_range(ctx, va, npages, 0, last);

	if (err || ctx->space == PT_SPACE_USER)
		return err;
	return pt_range_splits_leaf(ctx, va, *last);
}

/* ----------------------------------------------------------------- map -- */

/*
 * Tables a map takes, linked through word 0 of each page until used: they
 * are ours until pt_stock_take links them into the tree.
 */
struct pt_stock {
	paddr_t head;
	size_t count;
};

static void pt_stock_drain(const struct pt_ctx *ctx, struct pt_stock *st)
{
	while (st->count > 0) {
		paddr_t pa = st->head;

		st->head = (paddr_t)pt_table(ctx, pa)[0];
		st->count--;
		ctx->env->table_free(ctx->cookie, pa);
	}
}

/* pt_stock_fill: allocate @n tables, or none (the allocator's error). */
static int pt_stock_fill(const struct pt_ctx *ctx, struct pt_stock *st, size_t n)
{
	while (st->count < n) {
		paddr_t pa;
		int err = ctx->env->table_alloc(ctx->cookie, &pa);

		if (err) {
			pt_stock_drain(ctx, st);
			return err < 0 ? err : -ENOMEM;
		}
		ASSERT(IS_ALIGNED(pa, PAGE_SIZE) && (pa >> ctx->fmt->pa_bits) == 0);
		pt_table(ctx, pa)[0] = (pte_t)st->head;
		st->head = pa;
		st->count++;
	}
	return 0;
}

/* pt_stock_take: a zeroed table; the stock must not be empty. */
static paddr_t pt_stock_take(const struct pt_ctx *ctx, struct pt_stock *st)
{
	paddr_t pa = st->head;
	pte_t *tab = pt_table(ctx, pa);

	uint16_t *live = pt_live(ctx, pa);

	ASSERT(st->count > 0);
	st->head = (paddr_t)tab[0];
	st->count--;
	if (ctx->env->zeroed)
		tab[0] = 0;	/* the stock link was the only word written */
	else
		for (unsigned int i = 0; i < pt_entries(ctx->fmt); i++)
			tab[i] = 0;
	if (live)
		*live = 0;
	return pa;
}

struct pt_map_op {
	struct pt_walk w;
	enum pt_existing existing;
	size_t ntables;		/* check: tables the commit will link */
	struct pt_stock stock;	/* commit: where they come from */
	vaddr_t va;		/* first VA, mapped to pa */
	paddr_t pa;
	unsigned int flags;
	const struct pt_report *replaced;
};

/* Check phase: at the target level, or a large leaf in the way. */
static int pt_map_check_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			     vaddr_t last)
{
	struct pt_map_op *op = container_of(w, struct pt_map_op, w);
	const struct pt_fmt *fmt = w->ctx->fmt;
	pte_t pte = READ_ONCE(*slot);

	if (!fmt->is_valid(pte))
		return 0;
	/* A leaf of another size, or a table where a large leaf would go. */
	if (level != w->target || !pt_is_leaf(fmt, pte, level))
		return -EEXIST;
	return op->existing == PT_EXISTING_ERROR ? -EEXIST : 0;
}

/*
 * Check phase, empty entry at @level > target: the commit links one table
 * per table span of each level from level - 1 down to the target that
 * [first, last] touches. A level-l table spans one level-(l+1) entry.
 */
static int pt_map_check_hole(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			     vaddr_t last)
{
	struct pt_map_op *op = container_of(w, struct pt_map_op, w);

	for (unsigned int l = w->target; l < level; l++) {
		unsigned int span = pt_level_shift(w->ctx->fmt, l + 1);

		op->ntables += (size_t)((last >> span) - (first >> span)) + 1;
	}
	return 0;
}

static int pt_map_commit_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			      vaddr_t last)
{
	struct pt_map_op *op = container_of(w, struct pt_map_op, w);
	const struct pt_fmt *fmt = w->ctx->fmt;
	pfn_t pfn = (pfn_t)((op->pa + (first - op->va)) >> fmt->page_shift);
	pte_t old;

	if (op->existing == PT_EXISTING_SKIP && fmt->is_valid(READ_ONCE(*slot)))
		return 0;
	old = __atomic_exchange_n(slot, fmt->mk_leaf(pfn, op->flags, level), __ATOMIC_RELAXED);
	if (fmt->is_valid(old))
		pt_report_leaf(op->replaced, fmt, old, level, first);
	else
		pt_live_add(w, level, 1);
	return 0;
}

static int pt_map_commit_hole(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			      vaddr_t last)
{
	struct pt_map_op *op = container_of(w, struct pt_map_op, w);
	const struct pt_fmt *fmt = w->ctx->fmt;
	paddr_t table = pt_stock_take(w->ctx, &op->stock);

	/* The table is zeroed before it becomes reachable. */
	barrier();
	WRITE_ONCE(*slot, fmt->mk_table((pfn_t)(table >> fmt->page_shift)));
	pt_live_add(w, level, 1);
	return 1;
}

/* pt_map_prepare: count the tables a map of [va, last] needs, or -EEXIST. */
static int pt_map_prepare(struct pt_map_op *op, vaddr_t va, vaddr_t last, unsigned int level)
{
	op->w.target = level;
	op->w.slot = pt_map_check_slot;
	op->w.hole = pt_map_check_hole;
	op->w.post = NULL;
	op->ntables = 0;
	return pt_walk(&op->w, va, last);
}

/*
 * pt_tables_needed_large: how many table pages mapping @nleaves leaves of
 * @level at @va would link into the tree as it is now, in *@ntables.
 * => validates the range like pt_map_large (but not flags or pa).
 * Returns 0, a range error, or -EEXIST when a mapping of another size is in
 * the way (no policy maps there). A map with any pt_existing policy that
 * follows, with no change to the tree in between, calls table_alloc exactly
 * *@ntables times: reserve that many and the map cannot run out.
 */
int pt_tables_needed_large(const struct pt_ctx *ctx, vaddr_t va, size_t nleaves,
			   unsigned int level, size_t *ntables)
{
	struct pt_map_op op = { .w.ctx = ctx, .existing = PT_EXISTING_REPLACE };
	vaddr_t last;
	int err = pt_level_valid(ctx, level);

	if (!err)
		err = pt_range(ctx, va, nleaves, level, &last);
	if (!err)
		err = pt_map_prepare(&op, va, last, level);
	if (err)
		return err;
	*ntables = op.ntables;
	return 0;
}

/* pt_tables_needed: pt_tables_needed_large for 4 KiB pages. */
int pt_tables_needed(const struct pt_ctx *ctx, vaddr_t va, size_t npages, size_t *ntables)
{
	return pt_tables_needed_large(ctx, va, npages, 0, ntables);
}

/*
 * pt_map_large: map @nleaves leaves of @level (0: 4 KiB; 1: 2 MiB; ...)
 * from @va to @pa onward, with @flags.
 * => @va and @pa aligned to the leaf size; large leaves only in a kernel
 *    context, up to fmt->max_leaf_level; errors and their order in pt.h.
 * => @existing decides about pages already mapped with a leaf of the same
 *    size; one of another size in the range is always -EEXIST (leaves are
 *    never split or merged). Replaced leaves go to @replaced (may be NULL).
 * Allocates every table first (pt_tables_needed_large of them): on any
 * error nothing has changed and nothing is leaked.
 */
int pt_map_large(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, size_t nleaves,
		 unsigned int level, unsigned int flags, enum pt_existing existing,
		 const struct pt_report *replaced)
{
	struct pt_map_op op = { .w.ctx = ctx, .existing = existing, .va = va, .pa = pa,
				.flags = flags, .replaced = replaced };
	vaddr_t last;
	int err = pt_level_valid(ctx, level);

	if (!err)
		err = pt_flags_valid(ctx, flags);
	if (!err)
		err = pt_range(ctx, va, nleaves, level, &last);
	if (!err)
		err = pt_pa_range(ctx, pa, last - va, level);
	if (!err && (unsigned int)existing > PT_EXISTING_REPLACE)
		err = -EINVAL;
	if (!err)
		err = pt_map_prepare(&op, va, last, level);
	if (!err)
		err = pt_stock_fill(ctx, &op.stock, op.ntables);
	if (err)
		return err;

	/* Point of no return: the commit cannot fail. */
	op.w.slot = pt_map_commit_slot;
	op.w.hole = pt_map_commit_hole;
	op.w.counting = true;
	err = pt_walk(&op.w, va, last);
	ASSERT(err == 0 && op.stock.count == 0);
	return 0;
}

/* pt_map: pt_map_large for @npages 4 KiB pages. */
int pt_map(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, size_t npages, unsigned int flags,
	   enum pt_existing existing, const struct pt_report *replaced)
{
	return pt_map_large(ctx, va, pa, npages, 0, flags, existing, replaced);
}

/*
 * pt_map_one: the hot case of pt_map (one 4 KiB page, every table on the
 * way already there): one walk, no allocation. -EAGAIN when a table is
 * missing (use pt_map, which reserves tables); otherwise the same checks,
 * policies and errors as pt_map. A page already mapped is refused
 * (PT_EXISTING_ERROR: -EEXIST), kept (SKIP) or overwritten (REPLACE) by
 * one atomic exchange, so A/D bits the MMU sets meanwhile are not lost;
 * the old leaf goes to @replaced, as with pt_map. A large leaf on the way
 * is -EEXIST under every policy: replacing it would need a table.
 */
int pt_map_one(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, unsigned int flags,
	       enum pt_existing existing, const struct pt_report *replaced)
{
	const struct pt_fmt *fmt = ctx->fmt;
	paddr_t table = ctx->root;
	vaddr_t last;
	pte_t *slot, old;
	int err = pt_flags_valid(ctx, flags);

	if (!err)
		err = pt_range(ctx, va, 1, 0, &last);
	if (!err)
		err = pt_pa_range(ctx, pa, PAGE_SIZE - 1, 0);
	if (!err && (unsigned int)existing > PT_EXISTING_REPLACE)
		err = -EINVAL;
	if (err)
		return err;
	for (unsigned int l = fmt->levels - 1; l > 0; l--) {
		pte_t pte = READ_ONCE(pt_table(ctx, table)[pt_index(fmt, va, l)]);

		if (!fmt->is_valid(pte))
			return -EAGAIN;
		if (pt_is_leaf(fmt, pte, l))
			return -EEXIST;
		table = pt_pfn_to_pa(fmt, fmt->pfn(pte, l));
	}
	slot = &pt_table(ctx, table)[pt_index(fmt, va, 0)];
	if (!fmt->is_valid(READ_ONCE(*slot))) {
		uint16_t *live = pt_live(ctx, table);

		WRITE_ONCE(*slot, fmt->mk_leaf(pa >> fmt->page_shift, flags, 0));
		if (live)
			(*live)++;
		return 0;
	}
	if (existing == PT_EXISTING_ERROR)
		return -EEXIST;
	if (existing == PT_EXISTING_SKIP)
		return 0;
	old = __atomic_exchange_n(slot, fmt->mk_leaf(pa >> fmt->page_shift, flags, 0),
				  __ATOMIC_RELAXED);
	pt_report_leaf(replaced, fmt, old, 0, va);
	return 0;
}

/* ------------------------------------------------------ edit, query ----- */

struct pt_edit_op {
	struct pt_walk w;
	unsigned int flags;		/* protect: the new permissions */
	const struct pt_report *report;
};

static int pt_unmap_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			 vaddr_t last)
{
	struct pt_edit_op *op = container_of(w, struct pt_edit_op, w);
	pte_t old;

	if (!w->ctx->fmt->is_valid(READ_ONCE(*slot)))
		return 0;
	old = __atomic_exchange_n(slot, (pte_t)0, __ATOMIC_RELAXED);
	w->cleared[level] = true;
	pt_live_add(w, level, -1);
	pt_report_leaf(op->report, w->ctx->fmt, old, level, first);
	return 0;
}

/*
 * Only a table that just lost an entry can have become empty; its count
 * (w->live[level - 1], still that of the table just walked) or a scan says.
 */
static void pt_unmap_post(struct pt_walk *w, pte_t *slot, unsigned int level)
{
	const struct pt_ctx *ctx = w->ctx;
	paddr_t table;

	if (!ctx->free_empty || !w->cleared[level - 1])
		return;
	table = pt_pfn_to_pa(ctx->fmt, ctx->fmt->pfn(READ_ONCE(*slot), level));
	if (w->live[level - 1] ? *w->live[level - 1] != 0 : !pt_table_empty(ctx, table))
		return;
	WRITE_ONCE(*slot, (pte_t)0);
	w->cleared[level] = true;
	pt_live_add(w, level, -1);
	ctx->env->table_free(ctx->cookie, table);
}

/*
 * pt_unmap: remove every leaf in [va, va + npages * PAGE_SIZE), reporting
 * each old leaf (with its A/D bits) to @old, which may be NULL. Holes are
 * skipped. A large leaf must lie wholly inside the range (else -EINVAL,
 * nothing changed). With ctx->free_empty, tables left empty are unlinked
 * and given to table_free; the root never is.
 */
int pt_unmap(const struct pt_ctx *ctx, vaddr_t va, size_t npages, const struct pt_report *old)
{
	struct pt_edit_op op = { .w = { .ctx = ctx, .slot = pt_unmap_slot, .counting = true,
					.post = pt_unmap_post }, .report = old };
	vaddr_t last;
	int err = pt_edit_range(ctx, va, npages, &last);

	if (err)
		return err;
	return pt_walk(&op.w, va, last);
}

static int pt_protect_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			   vaddr_t last)
{
	struct pt_edit_op *op = container_of(w, struct pt_edit_op, w);

	if (w->ctx->fmt->is_valid(READ_ONCE(*slot)))
		pt_leaf_update(w->ctx->fmt, slot, level, PT_PERM_MASK, op->flags);
	return 0;
}

/*
 * pt_protect: give every leaf in the range the permissions @flags (PT_PERM_MASK
 * bits only, validated like a map's), keeping its frame and A/D bits. Holes
 * are skipped; a large leaf must lie wholly inside the range.
 */
int pt_protect(const struct pt_ctx *ctx, vaddr_t va, size_t npages, unsigned int flags)
{
	struct pt_edit_op op = { .w = { .ctx = ctx, .slot = pt_protect_slot }, .flags = flags };
	vaddr_t last;
	int err = (flags & ~PT_PERM_MASK) ? -EINVAL : pt_flags_valid(ctx, flags);

	if (!err)
		err = pt_edit_range(ctx, va, npages, &last);
	if (err)
		return err;
	return pt_walk(&op.w, va, last);
}

/*
 * pt_protect_one: pt_protect of the one page at @va (a direct lookup, no
 * range walk), refused with -EPERM, nothing changed, if its leaf lacks any
 * of the bits @need (PT_MAY_WRITE, PT_MAY_EXEC: what its mapping allowed).
 * An unmapped page is skipped (0), as by pt_protect.
 */
int pt_protect_one(const struct pt_ctx *ctx, vaddr_t va, unsigned int flags, unsigned int need)
{
	unsigned int level;
	vaddr_t last;
	pte_t *slot;
	int err = (flags & ~PT_PERM_MASK) ? -EINVAL : pt_flags_valid(ctx, flags);

	if (!err)
		err = pt_edit_range(ctx, va, 1, &last);
	if (!err && (need & ~PT_SOFT_MASK))
		err = -EINVAL;
	if (err)
		return err;
	slot = pt_lookup(ctx, va, &level);
	if (!slot)
		return 0;
	if ((ctx->fmt->leaf_flags(READ_ONCE(*slot), level) & need) != need)
		return -EPERM;
	pt_leaf_update(ctx->fmt, slot, level, PT_PERM_MASK, flags);
	return 0;
}

static int pt_clear_accessed_slot(struct pt_walk *w, pte_t *slot, unsigned int level,
				  vaddr_t first, vaddr_t last)
{
	struct pt_edit_op *op = container_of(w, struct pt_edit_op, w);
	pte_t old;

	if (!w->ctx->fmt->is_valid(READ_ONCE(*slot)))
		return 0;
	old = pt_leaf_update(w->ctx->fmt, slot, level, PT_ACCESSED, 0);
	pt_report_leaf(op->report, w->ctx->fmt, old, level, first);
	return 0;
}

/*
 * pt_clear_accessed: clear the accessed bit of every leaf in the range and
 * report each leaf with its flags from before (so PT_ACCESSED tells whether
 * it was used since the last scan). Range rules as pt_unmap.
 */
int pt_clear_accessed(const struct pt_ctx *ctx, vaddr_t va, size_t npages,
		      const struct pt_report *old)
{
	struct pt_edit_op op = { .w = { .ctx = ctx, .slot = pt_clear_accessed_slot },
				 .report = old };
	vaddr_t last;
	int err = pt_edit_range(ctx, va, npages, &last);

	if (err)
		return err;
	return pt_walk(&op.w, va, last);
}

/*
 * pt_set_ad: set @ad (PT_ACCESSED and/or PT_DIRTY, nothing else) on the leaf
 * mapping @va: the software A/D update a RISC-V kernel does on the fault an
 * Svade hart raises. -ENOENT if unmapped, -EACCES for PT_DIRTY on a leaf
 * without PT_WRITE, -EINVAL/-EFAULT for bad arguments.
 */
int pt_set_ad(const struct pt_ctx *ctx, vaddr_t va, unsigned int ad)
{
	unsigned int level;
	pte_t *slot;

	if (ad == 0 || (ad & ~PT_AD_MASK))
		return -EINVAL;
	if (va < ctx->va_min || va > ctx->va_last)
		return -EFAULT;
	slot = pt_lookup(ctx, va, &level);
	if (!slot)
		return -ENOENT;
	if ((ad & PT_DIRTY) && !(ctx->fmt->leaf_flags(READ_ONCE(*slot), level) & PT_WRITE))
		return -EACCES;
	pt_leaf_update(ctx->fmt, slot, level, 0, ad);
	return 0;
}

/*
 * pt_query: describe in *@leaf the leaf that maps @va (any byte address in
 * the window); the byte's PA is leaf->pa + (va - leaf->va). Returns 0,
 * -ENOENT if unmapped, -EFAULT outside the window.
 */
int pt_query(const struct pt_ctx *ctx, vaddr_t va, struct pt_leaf *leaf)
{
	unsigned int level;
	pte_t *slot;

	if (va < ctx->va_min || va > ctx->va_last)
		return -EFAULT;
	slot = pt_lookup(ctx, va, &level);
	if (!slot)
		return -ENOENT;
	pt_leaf_fill(ctx->fmt, READ_ONCE(*slot), level, va, leaf);
	return 0;
}

/* ------------------------------------------------- whole-tree walks ----- */

struct pt_visit_op {
	struct pt_walk w;
	int (*fn)(void *arg, const struct pt_leaf *leaf);
	void *arg;
};

static int pt_visit_slot(struct pt_walk *w, pte_t *slot, unsigned int level, vaddr_t first,
			 vaddr_t last)
{
	struct pt_visit_op *op = container_of(w, struct pt_visit_op, w);
	pte_t pte = READ_ONCE(*slot);
	struct pt_leaf leaf;

	if (!w->ctx->fmt->is_valid(pte))
		return 0;
	pt_leaf_fill(w->ctx->fmt, pte, level, first, &leaf);
	return op->fn(op->arg, &leaf);
}

/*
 * pt_walk_leaves: call @fn for every leaf in the window, in address order.
 * A nonzero return from @fn stops the walk and is returned; else 0.
 * @fn must not change the tree.
 */
int pt_walk_leaves(const struct pt_ctx *ctx, int (*fn)(void *arg, const struct pt_leaf *leaf),
		   void *arg)
{
	struct pt_visit_op op = { .w = { .ctx = ctx, .slot = pt_visit_slot }, .fn = fn,
				  .arg = arg };

	return pt_walk(&op.w, ctx->va_min, ctx->va_last);
}

/*
 * pt_walk_range: pt_walk_leaves restricted to the leaves meeting
 * [va, va + npages pages); range rules as pt_unmap. Cost: the mapped
 * part only (empty tables are skipped whole).
 */
int pt_walk_range(const struct pt_ctx *ctx, vaddr_t va, size_t npages,
		  int (*fn)(void *arg, const struct pt_leaf *leaf), void *arg)
{
	struct pt_visit_op op = { .w = { .ctx = ctx, .slot = pt_visit_slot }, .fn = fn,
				  .arg = arg };
	vaddr_t last;
	int err = pt_range(ctx, va, npages, 0, &last);

	return err ? err : pt_walk(&op.w, va, last);
}

/*
 * pt_free_tables: give back every table that entries [lo, hi] of @table (at
 * @level >= 1) lead to, and the tables below them. Level-0 tables are freed
 * unread; with entry counts a table's loop stops at its last valid entry.
 * With @clear the valid entries visited are cleared (the root's); those of
 * the freed tables are left as they are (the pages go back).
 */
static void pt_free_tables(const struct pt_ctx *ctx, paddr_t table, unsigned int level,
			   unsigned int lo, unsigned int hi, bool clear)
{
	const struct pt_fmt *fmt = ctx->fmt;
	pte_t *tab = pt_table(ctx, table);
	uint16_t *live = pt_live(ctx, table);
	unsigned int left = live ? *live : pt_entries(fmt);

	for (unsigned int i = lo; i <= hi && left; i++) {
		pte_t pte = READ_ONCE(tab[i]);
		paddr_t child;

		if (!pte || !fmt->is_valid(pte))
			continue;
		left--;
		if (clear)
			WRITE_ONCE(tab[i], (pte_t)0);
		if (pt_is_leaf(fmt, pte, level))
			continue;
		child = pt_pfn_to_pa(fmt, fmt->pfn(pte, level));
		if (level > 1)
			pt_free_tables(ctx, child, level - 1, 0, pt_entries(fmt) - 1, false);
		ctx->env->table_free(ctx->cookie, child);
	}
}

/*
 * pt_destroy: unlink and free (table_free) every table below the root that
 * translates part of the window, dropping the leaves in them unreported
 * (unmap first to learn them). The root stays, the caller's to free, with
 * its window entries cleared. Other roots must not share these tables: do
 * not destroy a kernel window whose tables user roots copied. The cost
 * follows the tables, not the window: leaf tables are not read.
 */
void pt_destroy(const struct pt_ctx *ctx)
{
	const struct pt_fmt *fmt = ctx->fmt;
	unsigned int top = fmt->levels - 1;
	uint16_t *live = pt_live(ctx, ctx->root);

	pt_free_tables(ctx, ctx->root, top, pt_index(fmt, ctx->va_min, top),
		       pt_index(fmt, ctx->va_last, top), true);
	if (live)
		*live = 0;
}

/*
 * pt_share_kernel_half: copy the kernel-half entries of the root @src_root
 * into @dst_root (a new user root), so every address space translates the
 * kernel the same way through the same lower tables. Root entries the
 * kernel adds later are not propagated: populate them all before the first
 * copy.
 */
void pt_share_kernel_half(const struct pt_fmt *fmt, pte_t *dst_root, const pte_t *src_root)
{
	for (unsigned int i = pt_index(fmt, fmt->kernel_base, fmt->levels - 1);
	     i < pt_entries(fmt); i++)
		dst_root[i] = src_root[i];
}

/* ------------------------------------------------------ ctx, checks ----- */

/*
 * pt_ctx_init: set up *@ctx to work on the tree at @root in the @space half
 * of @fmt through @env. Unmap frees emptied tables in user space only (set
 * ctx->free_empty to change that). The root's window entries must be empty
 * or valid for @fmt. Returns -EINVAL for an unsound format, a misaligned or
 * too wide @root or an unknown @space.
 */
int pt_ctx_init(struct pt_ctx *ctx, const struct pt_fmt *fmt, paddr_t root, enum pt_space space,
		const struct pt_env *env, void *cookie)
{
	if (pt_fmt_check(fmt) || !IS_ALIGNED(root, PAGE_SIZE) || (root >> fmt->pa_bits) != 0)
		return -EINVAL;
	if (space != PT_SPACE_USER && space != PT_SPACE_KERNEL)
		return -EINVAL;
	ctx->fmt = fmt;
	ctx->env = env;
	ctx->cookie = cookie;
	ctx->root = root;
	ctx->space = space;
	ctx->va_min = space == PT_SPACE_USER ? fmt->user_min : fmt->kernel_base;
	ctx->va_last = space == PT_SPACE_USER ? fmt->user_top - 1 : ~(vaddr_t)0;
	ctx->free_empty = space == PT_SPACE_USER;
	if (env->table_live) {
		/* The root's count covers its window entries only. */
		const pte_t *tab = pt_table(ctx, root);
		unsigned int top = fmt->levels - 1, n = 0;

		for (unsigned int i = pt_index(fmt, ctx->va_min, top);
		     i <= pt_index(fmt, ctx->va_last, top); i++)
			n += tab[i] && fmt->is_valid(READ_ONCE(tab[i]));
		*pt_live(ctx, root) = (uint16_t)n;
	}
	return 0;
}

bool pt_canonical_sign_extend(const struct pt_fmt *fmt, vaddr_t va)
{
	vaddr_t top = va >> (fmt->va_bits - 1);

	return top == 0 || top == (~(vaddr_t)0 >> (fmt->va_bits - 1));
}
