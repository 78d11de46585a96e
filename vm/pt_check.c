/*
 * vm/pt_check.c: invariant checkers for page-table formats and trees.
 *
 * pt_check walks a tree on its own, entry by entry, without the range
 * walker of vm/pt.c, so a walker bug cannot hide itself from it.
 *
 * Locks: as vm/pt.h; the caller keeps the tree still during a check.
 */
#define LOG_PREFIX "pt: "

#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/log.h>
#include <vm/pt.h>

static int pt_fmt_check_ops(const struct pt_fmt *fmt)
{
	if (!fmt->is_canonical || !fmt->flags_check || !fmt->mk_leaf || !fmt->mk_table ||
	    !fmt->is_valid || !fmt->is_leaf || !fmt->pfn || !fmt->leaf_flags) {
		log_err("%s: missing op\n", fmt->name);
		return -EINVAL;
	}
	return 0;
}

/* pt_fmt_check: see vm/pt_fmt.h. */
int pt_fmt_check(const struct pt_fmt *fmt)
{
	/* Tables are one page of 8-byte entries. */
	if (fmt->levels < 2 || fmt->levels > PT_MAX_LEVELS || fmt->page_shift != PAGE_SHIFT ||
	    fmt->level_bits != PAGE_SHIFT - 3) {
		log_err("%s: unsupported geometry\n", fmt->name);
		return -EINVAL;
	}
	if (fmt->va_bits != pt_level_shift(fmt, fmt->levels) || fmt->va_bits >= 64 ||
	    fmt->pa_bits <= fmt->page_shift || fmt->pa_bits >= 64 ||
	    fmt->max_leaf_level >= fmt->levels) {
		log_err("%s: va_bits, pa_bits or max_leaf_level inconsistent\n", fmt->name);
		return -EINVAL;
	}
	if (fmt->user_top != (vaddr_t)1 << (fmt->va_bits - 1) ||
	    fmt->kernel_base != (vaddr_t)0 - fmt->user_top || fmt->user_min < PAGE_SIZE ||
	    !IS_ALIGNED(fmt->user_min, PAGE_SIZE) || fmt->user_min >= fmt->user_top) {
		log_err("%s: halves are not the sign-extended halves\n", fmt->name);
		return -EINVAL;
	}
	return pt_fmt_check_ops(fmt);
}

static int pt_check_leaf_flags(const struct pt_ctx *ctx, unsigned int flags, unsigned int level)
{
	if ((flags & ~PT_FLAGS_ALL) || !(flags & PT_RWX) || ctx->fmt->flags_check(flags))
		return -EINVAL;
	if (ctx->space == PT_SPACE_USER)
		return level == 0 && (flags & PT_USER) && !(flags & PT_GLOBAL) ? 0 : -EINVAL;
	return (flags & PT_USER) ? -EINVAL : 0;
}

static int pt_check_leaf(const struct pt_ctx *ctx, pte_t pte, unsigned int level, vaddr_t va)
{
	const struct pt_fmt *fmt = ctx->fmt;
	unsigned int flags = fmt->leaf_flags(pte, level);
	pfn_t pfn = fmt->pfn(pte, level);

	if (level > fmt->max_leaf_level || !IS_ALIGNED(va, pt_leaf_size(fmt, level))) {
		log_err("%s: leaf %#llx at level %u, va %#llx\n", fmt->name,
			(unsigned long long)pte, level, (unsigned long long)va);
		return -EINVAL;
	}
	if (!IS_ALIGNED(pfn, (pfn_t)1 << (level * fmt->level_bits)) ||
	    (pfn >> (fmt->pa_bits - fmt->page_shift)) != 0) {
		log_err("%s: leaf %#llx at va %#llx: frame misaligned or too wide\n", fmt->name,
			(unsigned long long)pte, (unsigned long long)va);
		return -EINVAL;
	}
	if (pt_check_leaf_flags(ctx, flags, level)) {
		log_err("%s: leaf %#llx at va %#llx: flags %#x not allowed here\n", fmt->name,
			(unsigned long long)pte, (unsigned long long)va, flags);
		return -EINVAL;
	}
	if (fmt->mk_leaf(pfn, flags, level) != pte) {
		log_err("%s: leaf %#llx at va %#llx has bits the walker never sets\n", fmt->name,
			(unsigned long long)pte, (unsigned long long)va);
		return -EINVAL;
	}
	return 0;
}

/* The VA translated by entry @i of a table at @level whose span starts at @base. */
static vaddr_t pt_check_entry_va(const struct pt_fmt *fmt, vaddr_t base, unsigned int level,
				 unsigned int i)
{
	vaddr_t va = base + ((vaddr_t)i << pt_level_shift(fmt, level));

	/* Root entries of the upper half translate sign-extended addresses. */
	if (level == fmt->levels - 1 && (va >> (fmt->va_bits - 1)) != 0)
		va |= ~(vaddr_t)0 << fmt->va_bits;
	return va;
}

static int pt_check_table(const struct pt_ctx *ctx, paddr_t table, unsigned int level,
			  vaddr_t base);

static int pt_check_entry(const struct pt_ctx *ctx, pte_t pte, unsigned int level, vaddr_t va)
{
	const struct pt_fmt *fmt = ctx->fmt;
	pfn_t pfn;

	if (level == 0 || fmt->is_leaf(pte, level)) {
		if (level == 0 && !fmt->is_leaf(pte, 0)) {
			log_err("%s: level-0 entry %#llx at va %#llx is not a leaf\n", fmt->name,
				(unsigned long long)pte, (unsigned long long)va);
			return -EINVAL;
		}
		return pt_check_leaf(ctx, pte, level, va);
	}
	pfn = fmt->pfn(pte, level);
	if (fmt->mk_table(pfn) != pte || (pfn >> (fmt->pa_bits - fmt->page_shift)) != 0) {
		log_err("%s: table entry %#llx at level %u, va %#llx malformed\n", fmt->name,
			(unsigned long long)pte, level, (unsigned long long)va);
		return -EINVAL;
	}
	return pt_check_table(ctx, (paddr_t)pfn << fmt->page_shift, level - 1, va);
}

/* pt_check_table: check the window's part of a table whose span starts at @base. */
static int pt_check_table(const struct pt_ctx *ctx, paddr_t table, unsigned int level,
			  vaddr_t base)
{
	const struct pt_fmt *fmt = ctx->fmt;
	const pte_t *tab = ctx->env->table_virt(ctx->cookie, table);
	vsize_t size_m1 = pt_leaf_size(fmt, level) - 1;
	unsigned int nvalid = 0, nwindow = 0;
	int err;

	for (unsigned int i = 0; i < pt_entries(fmt); i++) {
		vaddr_t va = pt_check_entry_va(fmt, base, level, i);
		pte_t pte = READ_ONCE(tab[i]);

		if (!fmt->is_valid(pte))
			continue;
		nvalid++;
		if (va + size_m1 < ctx->va_min || va > ctx->va_last)
			continue;
		nwindow++;
		err = pt_check_entry(ctx, pte, level, va);
		if (err)
			return err;
	}
	if (level < fmt->levels - 1 && nvalid == 0 && ctx->free_empty) {
		log_err("%s: empty level-%u table at va %#llx still linked\n", fmt->name, level,
			(unsigned long long)base);
		return -EINVAL;
	}
	if (ctx->env->table_live && *ctx->env->table_live(ctx->cookie, table) != nwindow) {
		log_err("%s: level-%u table at va %#llx counts %u entries, holds %u\n", fmt->name,
			level, (unsigned long long)base,
			*ctx->env->table_live(ctx->cookie, table), nwindow);
		return -EINVAL;
	}
	return 0;
}

/*
 * pt_check: every entry of the tree that translates part of the window is
 * sound: leaves sit at allowed levels, are aligned, re-encode to the same
 * bits and carry flags valid for the format and the window (PT_USER on user
 * leaves only, 4 KiB leaves in user space); table entries are well formed;
 * with ctx->free_empty no linked table is empty; with env->table_live
 * every table's count is its number of valid (window) entries. Logs the first broken
 * invariant and returns -EINVAL; 0 if all hold.
 */
int pt_check(const struct pt_ctx *ctx)
{
	if (pt_fmt_check(ctx->fmt))
		return -EINVAL;
	return pt_check_table(ctx, ctx->root, ctx->fmt->levels - 1, 0);
}
