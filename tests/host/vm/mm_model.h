/*
 * tests/host/vm/mm_model.h: a deliberately simple reference model of an mm
 * for differential tests (mmap_test.c) and the fuzzer (mm_fuzz.c).
 *
 * The model is a flat array of "units" covering [mmap_min, task_size); a
 * unit is a fixed power-of-two number of pages (1 for page-exact tests, a
 * large number to reach the top of 57-bit address spaces). Each unit says
 * whether it is mapped and with what attributes. VMAs are not stored: they
 * are the maximal runs of alike units (same prot, flags and file,
 * contiguous page offsets), which is what the mm's merging must produce as
 * long as no anon_vma exists. Every operation is rewritten here from its
 * documented rules by scanning units, independently of vm/.
 */
#ifndef PAGODA_TESTS_MM_MODEL_H
#define PAGODA_TESTS_MM_MODEL_H

#include <string.h>
#include <pagoda/errno.h>
#include <vm/address_space.h>
#include <vm/mm.h>
#include <vm/vma.h>

#define MODEL_MAX_UNITS 256
#define MODEL_FILES 3		/* file ids 1..MODEL_FILES; 0 = anonymous */

struct model_unit {
	bool mapped;
	uint8_t prot, flags, file;
	pgoff_t pgoff;		/* page offset of the unit's first page */
};

struct model {
	struct mm_layout layout;
	vsize_t unit;		/* bytes per unit */
	unsigned int n;		/* units in [mmap_min, task_size) */
	vaddr_t brk_start, brk;
	struct model_unit u[MODEL_MAX_UNITS];
};

struct model_run {
	vaddr_t start, end;
	unsigned int prot, flags, file;
	pgoff_t pgoff;
};

static struct address_space model_files[MODEL_FILES + 1];

static struct address_space *model_file(unsigned int id)
{
	return id ? &model_files[id] : NULL;
}

static void model_files_init(void)
{
	for (unsigned int i = 1; i <= MODEL_FILES; i++)
		address_space_init(&model_files[i], NULL, NULL);
}

static void model_init(struct model *m, const struct mm_layout *l, vsize_t unit)
{
	memset(m, 0, sizeof(*m));
	m->layout = *l;
	m->unit = unit;
	m->n = (unsigned int)((l->task_size - l->mmap_min) / unit);
	m->brk_start = l->mmap_min;
	m->brk = l->mmap_min;
}

static vaddr_t model_addr(const struct model *m, unsigned int i)
{
	return m->layout.mmap_min + (vaddr_t)i * m->unit;
}

/* model_idx: the unit holding @addr, or -1 outside the window. */
static long model_idx(const struct model *m, vaddr_t addr)
{
	if (addr < m->layout.mmap_min || addr >= m->layout.task_size)
		return -1;
	return (long)((addr - m->layout.mmap_min) / m->unit);
}

static bool model_alike(const struct model *m, const struct model_unit *a,
			const struct model_unit *b)
{
	return a->mapped && b->mapped && a->prot == b->prot && a->flags == b->flags &&
	       a->file == b->file && a->pgoff + (m->unit >> PAGE_SHIFT) == b->pgoff;
}

/* model_runs: the VMAs the model implies, in order; returns how many. */
static unsigned int model_runs(const struct model *m, struct model_run *out)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < m->n; i++) {
		const struct model_unit *u = &m->u[i];

		if (!u->mapped)
			continue;
		if (i && model_alike(m, &m->u[i - 1], u)) {
			if (out)
				out[count - 1].end = model_addr(m, i + 1);
			continue;
		}
		if (out) {
			out[count].start = model_addr(m, i);
			out[count].end = model_addr(m, i + 1);
			out[count].prot = u->prot;
			out[count].flags = u->flags;
			out[count].file = u->file;
			out[count].pgoff = u->pgoff;
		}
		count++;
	}
	return count;
}

/* model_run_at: the run whose end lies above @addr (find_vma), -1 if none. */
static int model_find(const struct model *m, const struct model_run *runs, unsigned int nr,
		      vaddr_t addr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (runs[i].end > addr)
			return (int)i;
	return -1;
}

static vaddr_t model_start_gap(const struct model *m, const struct model_run *r)
{
	vsize_t g = m->layout.stack_guard;

	if (!(r->flags & VMA_GROWSDOWN))
		return r->start;
	return r->start > g ? r->start - g : 0;
}

static bool model_fits(vaddr_t gs, vaddr_t ge, vaddr_t low, vaddr_t high, vsize_t need,
		       vaddr_t *lo, vaddr_t *hi)
{
	*lo = MAX(gs, low);
	*hi = MIN(ge, high);
	return *hi > *lo && *hi - *lo >= need;
}

/* The free-area search, by scanning the gaps between runs in order. */
static int model_find_up(const struct model *m, vaddr_t low, vaddr_t high, vsize_t len,
			 vsize_t align, vaddr_t *addr)
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(m, runs);
	vsize_t need = len + align - PAGE_SIZE;
	vaddr_t gs = m->layout.mmap_min, lo, hi;

	for (unsigned int i = 0; i <= nr; i++) {
		vaddr_t ge = i < nr ? model_start_gap(m, &runs[i]) : m->layout.task_size;

		if (model_fits(gs, ge, low, high, need, &lo, &hi)) {
			*addr = ALIGN_UP(lo, align);
			return 0;
		}
		if (i < nr)
			gs = runs[i].end;
	}
	return -ENOMEM;
}

static int model_find_down(const struct model *m, vaddr_t low, vaddr_t high, vsize_t len,
			   vsize_t align, vaddr_t *addr)
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(m, runs);
	vsize_t need = len + align - PAGE_SIZE;
	vaddr_t lo, hi;

	for (int i = (int)nr; i >= 0; i--) {
		vaddr_t gs = i ? runs[i - 1].end : m->layout.mmap_min;
		vaddr_t ge = i < (int)nr ? model_start_gap(m, &runs[i]) : m->layout.task_size;

		if (model_fits(gs, ge, low, high, need, &lo, &hi)) {
			*addr = ALIGN_DOWN(hi - len, align);
			return 0;
		}
	}
	return -ENOMEM;
}

static bool model_area_free(const struct model *m, vaddr_t a, vsize_t len)
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(m, runs);
	int next;

	if (a < m->layout.mmap_min || a > m->layout.task_size - len)
		return false;
	next = model_find(m, runs, nr, a);
	if (next >= 0 && a + len > model_start_gap(m, &runs[next]))
		return false;
	return next <= 0 || runs[next - 1].end <= a;
}

static int model_gua(const struct model *m, vaddr_t hint, vsize_t len, vsize_t align,
		     vaddr_t *addr)
{
	const struct mm_layout *l = &m->layout;

	if (!len)
		return -EINVAL;
	if (!align)
		align = PAGE_SIZE;
	if (align < PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (len > l->task_size || align > l->task_size)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len + align - PAGE_SIZE > l->task_size - l->mmap_min)
		return -ENOMEM;
	if (hint && hint <= l->task_size && model_area_free(m, ALIGN_UP(hint, align), len)) {
		*addr = ALIGN_UP(hint, align);
		return 0;
	}
	if (l->search == MM_SEARCH_BOTTOMUP)
		return model_find_up(m, l->unmapped_base, l->task_size, len, align, addr);
	if (!model_find_down(m, l->mmap_min, l->mmap_base, len, align, addr))
		return 0;
	return model_find_up(m, l->unmapped_base, l->task_size, len, align, addr);
}

/* model_commit: adopt @next unless it holds more VMAs than allowed. */
static int model_commit(struct model *m, const struct model *next)
{
	if (model_runs(next, NULL) > m->layout.map_count_max)
		return -ENOMEM;
	*m = *next;
	return 0;
}

static void model_clear(struct model *m, vaddr_t start, vaddr_t end)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (model_addr(m, i) >= start && model_addr(m, i) < end)
			m->u[i].mapped = false;
}

static void model_fill(struct model *m, vaddr_t start, vaddr_t end, unsigned int prot,
		       unsigned int flags, unsigned int file, pgoff_t pgoff)
{
	for (unsigned int i = 0; i < m->n; i++) {
		vaddr_t a = model_addr(m, i);

		if (a < start || a >= end)
			continue;
		m->u[i].mapped = true;
		m->u[i].prot = (uint8_t)prot;
		m->u[i].flags = (uint8_t)flags;
		m->u[i].file = (uint8_t)file;
		m->u[i].pgoff = file ? pgoff + ((a - start) >> PAGE_SHIFT) : a >> PAGE_SHIFT;
	}
}

static int model_unmap_range(struct model *m, vaddr_t start, vaddr_t end)
{
	struct model next = *m;

	model_clear(&next, start, end);
	return model_commit(m, &next);
}

static int model_munmap(struct model *m, vaddr_t start, vsize_t len)
{
	vaddr_t top = m->layout.task_size;

	if (!IS_ALIGNED(start, PAGE_SIZE) || start > top || len > top - start)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -EINVAL;
	return model_unmap_range(m, start, start + len);
}

/* model_mmap: @file is a model file id (the mapping is model_file(file)). */
static int model_mmap(struct model *m, const struct mm_map_args *a, unsigned int file,
		      vaddr_t *addr)
{
	const struct mm_layout *l = &m->layout;
	unsigned int prot = a->prot;
	struct model next;
	vsize_t len;
	vaddr_t start;
	int err;

	if (!a->len || (prot & ~VMA_PROT_MASK) || (a->flags & ~VMA_FLAGS_MASK))
		return -EINVAL;
	if (((a->flags & VMA_SHARED) && !file) ||
	    ((a->flags & VMA_GROWSDOWN) && (file || (a->flags & VMA_SHARED))))
		return -EINVAL;
	if (a->place > MM_PLACE_FIXED_NOREPLACE)
		return -EINVAL;
	if (a->align && (a->align < PAGE_SIZE || (a->align & (a->align - 1))))
		return -EINVAL;
	if (prot & VMA_WRITE)
		prot |= VMA_READ;
	if (a->len > (vsize_t)0 - PAGE_SIZE)
		return -ENOMEM;
	len = ALIGN_UP(a->len, PAGE_SIZE);
	if (file && a->pgoff + (len >> PAGE_SHIFT) < a->pgoff)
		return -EOVERFLOW;
	if (a->place == MM_PLACE_HINT) {
		err = model_gua(m, a->addr, len, a->align, &start);
		if (err)
			return err;
	} else {
		start = a->addr;
		if (!IS_ALIGNED(start, PAGE_SIZE) || (a->align && !IS_ALIGNED(start, a->align)))
			return -EINVAL;
		if (len > l->task_size || start > l->task_size - len)
			return -ENOMEM;
		if (start < l->mmap_min)
			return -EPERM;
		if (a->place == MM_PLACE_FIXED_NOREPLACE) {
			for (vaddr_t x = start; x < start + len; x += m->unit)
				if (m->u[model_idx(m, x)].mapped)
					return -EEXIST;
		}
	}
	next = *m;
	model_clear(&next, start, start + len);
	model_fill(&next, start, start + len, prot, a->flags, file, a->pgoff);
	err = model_commit(m, &next);
	if (!err)
		*addr = start;
	return err;
}

static bool model_mapped(const struct model *m, vaddr_t addr)
{
	long i = model_idx(m, addr);

	return i >= 0 && m->u[i].mapped;
}

static int model_mprotect(struct model *m, vaddr_t start, vsize_t len, unsigned int prot)
{
	struct model next = *m;

	if ((prot & ~VMA_PROT_MASK) || !IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > (vsize_t)0 - PAGE_SIZE || start + ALIGN_UP(len, PAGE_SIZE) <= start)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (prot & VMA_WRITE)
		prot |= VMA_READ;
	for (vaddr_t x = start; x < start + len; x += m->unit) {
		if (!model_mapped(m, x))
			return -ENOMEM;
		next.u[model_idx(m, x)].prot = (uint8_t)prot;
	}
	return model_commit(m, &next);
}

static int model_brk(struct model *m, vaddr_t new_brk)
{
	struct model_run runs[MODEL_MAX_UNITS];
	vaddr_t old_end = ALIGN_UP(m->brk, PAGE_SIZE), new_end;
	struct model next = *m;
	int nx, err;

	if (new_brk < m->brk_start || new_brk > m->layout.task_size)
		return -ENOMEM;
	new_end = ALIGN_UP(new_brk, PAGE_SIZE);
	if (new_end < old_end) {
		err = model_unmap_range(m, new_end, old_end);
	} else if (new_end > old_end) {
		nx = model_find(m, runs, model_runs(m, runs), old_end);
		if (nx >= 0 && new_end + PAGE_SIZE > model_start_gap(m, &runs[nx]))
			return -ENOMEM;
		model_fill(&next, old_end, new_end, VMA_READ | VMA_WRITE, 0, 0, 0);
		err = model_commit(m, &next);
	} else {
		err = 0;
	}
	if (!err)
		m->brk = new_brk;
	return err;
}

/* model_grow_stack: 0 and the start of the VMA holding @addr afterwards. */
static int model_grow_stack(struct model *m, vaddr_t addr, vaddr_t *vstart)
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(m, runs);
	vaddr_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	const struct model_run *r;
	int i;

	if (addr >= m->layout.task_size)
		return -EFAULT;
	i = model_find(m, runs, nr, addr);
	if (i < 0)
		return -EFAULT;
	r = &runs[i];
	if (r->start > addr) {
		if (!(r->flags & VMA_GROWSDOWN))
			return -EFAULT;
		if (start < m->layout.mmap_min || r->end - start > m->layout.stack_max)
			return -ENOMEM;
		if (i > 0 && start - runs[i - 1].end < m->layout.stack_guard)
			return -ENOMEM;
		model_fill(m, start, r->start, r->prot, r->flags, 0, 0);
		*vstart = start;
		return 0;
	}
	*vstart = r->start;
	return 0;
}

/*
 * model_compare: does @mm hold exactly the model's runs (and no anon_vma)?
 * Logs the first difference through @report (printf-like).
 */
static bool model_compare(const struct model *m, const struct mm *mm,
			  void (*report)(const char *what, unsigned long long a,
					 unsigned long long b))
{
	struct model_run runs[MODEL_MAX_UNITS];
	unsigned int nr = model_runs(m, runs), i = 0;
	const struct vma *v;

	if (mm->map_count != nr) {
		report("VMA count", mm->map_count, nr);
		return false;
	}
	list_for_each_entry(v, &mm->vma_list, node) {
		const struct model_run *r = &runs[i++];

		if (v->start != r->start || v->end != r->end) {
			report("VMA range start", v->start, r->start);
			report("VMA range end", v->end, r->end);
			return false;
		}
		if (v->prot != r->prot || v->flags != r->flags ||
		    v->mapping != model_file(r->file) || v->pgoff != r->pgoff) {
			report("VMA attributes differ at", v->start, r->start);
			return false;
		}
	}
	if (mm->brk != m->brk || mm->brk_start != m->brk_start) {
		report("brk", mm->brk, m->brk);
		return false;
	}
	return true;
}

#endif
