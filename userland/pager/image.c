/*
 * userland/pager/image.c: programs of the boot archive, and PAGER_EXEC.
 *
 * A program's ELF file stays in the archive (mapped read-only at
 * PAGER_ARCHIVE_VA). Each of its PT_LOAD segments becomes one "file" (a
 * struct address_space whose host is the struct image_seg) whose page i
 * is page i of the segment's memory image: the file bytes of
 * [vaddr, vaddr + filesz), zeros around them and for the rest of memsz.
 * Exec maps each segment as a private VMA of that file with the segment's
 * protection; a fault there gets a private page filled from the archive
 * (image_fill), so programs are paged in on demand and bss needs no
 * special case. Images are parsed once and kept (one per program run).
 *
 * The new address space is built beside the old one and replaces it only
 * when complete, so a failed exec leaves the process as it was:
 *
 *   PROC_INFO_VA   struct proc_info, read-only (name, argument string, arg)
 *   segments       [vaddr & PAGE_MASK, vaddr + memsz), private, ELF prot
 *   heap           empty at the page after the last segment (PAGER_BRK)
 *   stack          PAGER_STACK_PAGES below task_size - PAGE_SIZE, grows down
 */
#define LOG_PREFIX "pager: image: "

#include <pagoda/errno.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <lib/log.h>
#include <lib/string.h>
#include <vm/address_space.h>
#include <vm/anon_vma.h>
#include <vm/rmap.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>
#include <arch_user.h>
#include <proc_proto.h>
#include "pager.h"

struct image_seg {
	struct address_space as;	/* the segment as a file; host = this */
	const uint8_t *file;		/* the ELF file in the archive */
	struct elf_segment seg;
};

struct image {
	struct image *next;
	const void *file;		/* identity: the archive member's data */
	vaddr_t entry, end;		/* entry point; end of the last segment */
	unsigned int nsegs;
	struct image_seg segs[ELF_MAX_SEGMENTS];
};

static struct image *images;

static unsigned int seg_prot(unsigned int elf_prot)
{
	return ((elf_prot & ELF_PROT_R) ? VMA_READ : 0) |
	       ((elf_prot & ELF_PROT_W) ? VMA_WRITE : 0) |
	       ((elf_prot & ELF_PROT_X) ? VMA_EXEC : 0);
}

/* image_get: the parsed program @name: -ENOENT, -ENOEXEC or -ENOMEM. */
static int image_get(const char *name, struct image **imgp)
{
	struct elf_rules rules = {
		.machine = ARCH_ELF_MACHINE,
		.va_min = PROC_INFO_VA + PAGE_SIZE,
		.page_size = PAGE_SIZE,
		.quiet = true,
	};
	struct mm_layout layout;
	struct cpio_entry f;
	struct elf_image elf;
	struct image *img;

	if (cpio_find(pager.archive, pager.archive_size, name, &f) ||
	    (f.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG)
		return -ENOENT;
	for (img = images; img; img = img->next)
		if (img->file == f.data)
			goto found;
	mm_layout_default(&layout, pager.task_size);
	rules.va_max = layout.mmap_base;
	if (elf_parse(f.data, f.len, &rules, &elf))
		return -ENOEXEC;
	img = vm_zalloc(sizeof(*img));
	if (!img)
		return -ENOMEM;
	pager.image_bytes += heap_usable_size(&pager.heap, img) + HEAP_HDR_SIZE;
	img->file = f.data;
	img->entry = elf.entry;
	img->nsegs = elf.nsegs;
	for (unsigned int i = 0; i < elf.nsegs; i++) {
		address_space_init(&img->segs[i].as, NULL, &img->segs[i]);
		img->segs[i].file = f.data;
		img->segs[i].seg = elf.seg[i];
		img->end = ALIGN_UP(elf.seg[i].vaddr + elf.seg[i].memsz, PAGE_SIZE);
	}
	img->next = images;
	images = img;
found:
	*imgp = img;
	return 0;
}

/*
 * image_fill: the contents of page @va of @vma, a VMA of a segment file,
 * into @dst: the archive's bytes where the segment has file bytes, zeros
 * elsewhere.
 */
void image_fill(const struct vma *vma, vaddr_t va, void *dst)
{
	const struct image_seg *is = vma->mapping->host;
	const struct elf_segment *s = &is->seg;
	vaddr_t pva = ALIGN_DOWN(s->vaddr, PAGE_SIZE) + (vma_pgoff_at(vma, va) << PAGE_SHIFT);
	vaddr_t lo = MAX(pva, s->vaddr), hi = MIN(pva + PAGE_SIZE, s->vaddr + s->filesz);

	mem_zero(dst);
	if (lo < hi)
		memcpy((uint8_t *)dst + (lo - pva), is->file + s->offset + (lo - s->vaddr),
		       hi - lo);
}

/* info_page: the read-only page at PROC_INFO_VA, filled now, recorded unmapped. */
static int info_page(struct pmm *t, const char *name, const char *args, uint64_t arg)
{
	struct mm_map_args a = { .addr = PROC_INFO_VA, .len = PAGE_SIZE, .prot = VMA_READ,
				 .place = MM_PLACE_FIXED_NOREPLACE };
	struct prec_node *leaf;
	struct proc_info *info;
	struct page *page;
	unsigned int idx;
	struct vma *vma;
	vaddr_t addr;
	int err = mm_mmap(t->mm, &a, &addr);

	if (!err)
		err = prec_leaf(&t->rec, PROC_INFO_VA, true, &leaf, &idx);
	if (err)
		return err;
	vma = vma_find(t->mm, PROC_INFO_VA);
	page = mem_alloc();
	if (!page || anon_vma_prepare(vma)) {
		if (page)
			page_put(&pager.pool, page);
		return -ENOMEM;
	}
	info = mem_va(page);
	mem_zero(info);
	info->magic = PROC_INFO_MAGIC;
	info->arg = arg;
	strlcpy(info->name, name, sizeof(info->name));
	strlcpy(info->args, args, sizeof(info->args));
	rmap_add_anon(page, vma, PROC_INFO_VA);
	page->mapcount = 1;
	prec_leaf_set(&t->rec, leaf, idx, (uintptr_t)page);
	t->resident = 1;
	return 0;
}

/* build: the new address space of @img in @t (an empty mm and record). */
static int build(struct pmm *t, const struct image *img, const char *name, const char *args,
		 uint64_t arg)
{
	vaddr_t top = pager.task_size - PAGE_SIZE, addr;
	int err = info_page(t, name, args, arg);

	for (unsigned int i = 0; !err && i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i].seg;
		struct mm_map_args a = {
			.addr = ALIGN_DOWN(s->vaddr, PAGE_SIZE),
			.prot = seg_prot(s->prot),
			.place = MM_PLACE_FIXED_NOREPLACE,
			.mapping = (struct address_space *)&img->segs[i].as,
		};

		a.len = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - a.addr;
		err = mm_mmap(t->mm, &a, &addr);
	}
	if (!err)
		err = mm_set_brk_base(t->mm, img->end);
	if (!err)
		err = mm_setup_stack(t->mm, top, PAGER_STACK_PAGES * PAGE_SIZE,
				     VMA_READ | VMA_WRITE);
	return err;
}

/* parse_names: "name\0args\0" in @data (@len bytes): 0 or -EINVAL. */
static int parse_names(const char *data, size_t len, const char **name, const char **args)
{
	size_t n = strnlen(data, MIN(len, (size_t)PROC_NAME_MAX));
	size_t a;

	if (!n || n == MIN(len, (size_t)PROC_NAME_MAX))
		return -EINVAL;
	a = strnlen(data + n + 1, MIN(len - n - 1, (size_t)PROC_ARGS_MAX));
	if (n + 1 + a >= len || a == PROC_ARGS_MAX)
		return -EINVAL;
	*name = data;
	*args = data + n + 1;
	return 0;
}

/*
 * image_exec: PAGER_EXEC: replace @p's address space by program @data's
 * ("name\0args\0", @len bytes). 0 with the entry point and stack pointer,
 * or -EINVAL, -ENOENT, -ENOEXEC, -ENOMEM with @p unchanged.
 */
int image_exec(struct pmm *p, const char *data, size_t len, uint64_t arg, vaddr_t *pc,
	       vaddr_t *sp)
{
	struct pmm t = { .pid = p->pid, .as_slot = p->as_slot, .no_hw = true,
			 .page_limit = p->page_limit };
	struct mm_layout layout;
	const char *name, *args;
	struct image *img;
	int err = parse_names(data, len, &name, &args);

	if (!err)
		err = image_get(name, &img);
	if (!err)
		err = prec_init(&t.rec, pager.task_size);
	if (err)
		return err;
	mm_layout_default(&layout, pager.task_size);
	err = mm_create(&layout, &pmm_ops, &t, &t.mm);
	if (!err)
		err = build(&t, img, name, args, arg);
	if (err) {
		if (t.mm)
			mm_destroy(t.mm);
		prec_destroy(&t.rec);
		return err;
	}
	if (p->mm)
		mm_destroy(p->mm);
	prec_destroy(&p->rec);
	p->mm = t.mm;
	p->mm->priv = p;
	p->rec = t.rec;
	p->resident = t.resident;
	*pc = img->entry;
	*sp = pager.task_size - PAGE_SIZE;
	return 0;
}

