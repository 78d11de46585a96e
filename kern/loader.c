/* kern/loader.c: ELF programs from the boot archive (see loader.h). */
#define LOG_PREFIX "loader: "
#include <pagoda/errno.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <lib/log.h>
#include <lib/string.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <kern/aspace.h>
#include <kern/cap.h>
#include <kern/cspace_obj.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/thread.h>

static struct phys_range archive;

void loader_set_archive(const struct phys_range *initrd)
{
	archive = *initrd;
}

static unsigned int elf_prot_to_pt(unsigned int prot)
{
	return ((prot & ELF_PROT_R) ? PT_READ : 0) | ((prot & ELF_PROT_W) ? PT_WRITE : 0) |
	       ((prot & ELF_PROT_X) ? PT_EXEC : 0);
}

/* map_zeroed_page: a fresh zeroed frame at @va; its contents are the caller's to fill. */
static int map_zeroed_page(struct aspace *as, vaddr_t va, unsigned int flags, void **kva)
{
	paddr_t pa;
	int err = mem_alloc_zeroed_frame(&pa);

	if (err)
		return err;
	err = aspace_map(as, va, pa, 1, flags);
	if (err) {
		frame_free(&kernel_frames, pa);
		return err;
	}
	*kva = phys_to_virt(pa);
	return 0;
}

/* load_segment: map every page of @seg and copy its file bytes from @file. */
static int load_segment(struct aspace *as, const uint8_t *file, const struct elf_segment *seg)
{
	vaddr_t start = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);
	vaddr_t file_end = seg->vaddr + seg->filesz;

	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		vaddr_t lo = MAX(va, seg->vaddr), hi = MIN(va + PAGE_SIZE, file_end);
		void *page;
		int err = map_zeroed_page(as, va, elf_prot_to_pt(seg->prot), &page);

		if (err)
			return err;
		if (lo < hi)
			memcpy((uint8_t *)page + (lo - va), file + seg->offset + (lo - seg->vaddr),
			       hi - lo);
	}
	return 0;
}

static int new_cspace(struct cspace **out)
{
	struct cspace_obj *co;
	int err = cspace_obj_create(USER_CSPACE_SLOTS, &co);

	if (err)
		return err;
	kobj_get(&co->co_ko);
	*out = &co->co_cs;
	return 0;
}

static int free_leaf(void *arg, const struct pt_leaf *leaf)
{
	frame_free(&kernel_frames, leaf->pa);
	return 0;
}

void loader_destroy(struct user_program *prog)
{
	if (prog->thread) {
		if (prog->thread->state != THREAD_DEAD)
			thread_kill(prog->thread);
		kobj_put(&prog->thread->ko);
	}
	if (prog->cs)
		kobj_put(&cspace_obj_from_cs(prog->cs)->co_ko);
	if (prog->as) {
		/* The loader allocated the program's frames: give them back. */
		pt_walk_leaves(&prog->as->pt, free_leaf, NULL);
		kobj_put(&prog->as->as_ko);
	}
	prog->thread = NULL;
	prog->cs = NULL;
	prog->as = NULL;
}

int loader_load(const char *name, unsigned int prio, struct user_program *out)
{
	const struct pt_fmt *fmt = arch_pt_fmt();
	struct cpio_entry file;
	struct elf_image img;
	struct elf_rules rules = {
		.machine = ARCH_ELF_MACHINE,
		.va_min = fmt->user_min,
		.va_max = fmt->user_top - USER_TOP_RESERVED_PAGES * PAGE_SIZE,
		.page_size = PAGE_SIZE,
	};
	int err;

	memset(out, 0, sizeof(*out));
	if (!archive.size)
		return -ENOENT;
	err = cpio_find(phys_to_virt(archive.base), archive.size, name, &file);
	if (err)
		return err == -ENOENT ? -ENOENT : -ENOEXEC;
	err = elf_parse(file.data, file.len, &rules, &img);
	if (err)
		return -ENOEXEC;
	err = aspace_create(USER_TABLE_QUOTA, &out->as);
	if (err)
		return err;
	kobj_get(&out->as->as_ko);
	for (unsigned int i = 0; !err && i < img.nsegs; i++)
		err = load_segment(out->as, file.data, &img.seg[i]);
	/* The stack, with an unmapped guard page above and below. */
	out->stack_top = fmt->user_top - PAGE_SIZE;
	for (unsigned int i = 1; !err && i <= USER_STACK_PAGES; i++) {
		void *page;

		err = map_zeroed_page(out->as, out->stack_top - i * PAGE_SIZE,
				      PT_READ | PT_WRITE, &page);
	}
	out->entry = img.entry;
	if (!err)
		err = new_cspace(&out->cs);
	if (!err)
		err = thread_create_user(out->as, name, img.entry, out->stack_top, 0, prio,
					 &out->thread);
	if (!err) {
		kobj_get(&out->thread->ko);
		thread_set_spaces(out->thread, NULL, out->cs);
	}
	if (err)
		loader_destroy(out);
	return err;
}
