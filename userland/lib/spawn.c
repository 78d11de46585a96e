/* userland/lib/spawn.c: the root task's allocators and program loading (see spawn.h). */
#include <arch_user.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <spawn.h>

/* The root task's own layout: archive window and scratch page, far above programs. */
#define ARCHIVE_VA 0x2000000000ul
#define SCRATCH_VA 0x1f00000000ul

static const struct root_info *ri;
static long next_slot;
static unsigned int cur_region;
static unsigned long cur_pgoff;
static bool archive_mapped;

int root_init(void)
{
	ri = (const struct root_info *)start_argument();
	if (!ri || ri->magic != ROOT_INFO_MAGIC)
		return -EINVAL;
	next_slot = (long)ri->first_free_slot;
	return 0;
}

const struct root_info *root_info(void)
{
	return ri;
}

long slot_alloc(void)
{
	if ((unsigned long)next_slot >= ri->nslots)
		return -ENOSPC;
	return next_slot++;
}

int ram_page_alloc(long *region_slot, unsigned long *pgoff)
{
	while (cur_region < ri->nregions) {
		const struct root_region *r = &ri->regions[cur_region];

		if (r->kind == ROOT_REGION_RAM && cur_pgoff < r->npages) {
			*region_slot = (long)r->slot;
			*pgoff = cur_pgoff++;
			return 0;
		}
		cur_region++;
		cur_pgoff = 0;
	}
	return -ENOMEM;
}

void *scratch_map(long region_slot, unsigned long pgoff)
{
	if (map(ROOT_SLOT_ASPACE, SCRATCH_VA, region_slot, pgoff, 1, MAP_R | MAP_W))
		return NULL;
	return (void *)SCRATCH_VA;
}

void scratch_unmap(void)
{
	unmap(ROOT_SLOT_ASPACE, SCRATCH_VA, 1);
}

static int archive(const void **base)
{
	unsigned long npages = (ri->archive_offset + ri->archive_size + ri->page_size - 1) /
			       ri->page_size;

	if (!ri->archive_size)
		return -ENOENT;
	if (!archive_mapped) {
		long err = map(ROOT_SLOT_ASPACE, ARCHIVE_VA, ROOT_SLOT_ARCHIVE, 0, npages, MAP_R);

		if (err)
			return (int)err;
		archive_mapped = true;
	}
	/* The archive need not start on a page boundary: its cap covers whole pages. */
	*base = (const void *)(ARCHIVE_VA + ri->archive_offset);
	return 0;
}

/* map_page: a fresh page at @va of @c's space, filled from @src (@len bytes at @off). */
static long map_page(struct child *c, unsigned long va, unsigned long prot, const void *src,
		     size_t off, size_t len)
{
	long region;
	unsigned long pgoff;
	char *page;
	long err = ram_page_alloc(&region, &pgoff);

	if (err)
		return err;
	page = scratch_map(region, pgoff);
	if (!page)
		return -ENOMEM;
	memset(page, 0, ri->page_size);
	if (len)
		memcpy(page + off, src, len);
	scratch_unmap();
	return map(c->aspace, va, region, pgoff, 1, prot);
}

static unsigned long prot_of(unsigned int elf_prot)
{
	return ((elf_prot & ELF_PROT_R) ? MAP_R : 0) | ((elf_prot & ELF_PROT_W) ? MAP_W : 0) |
	       ((elf_prot & ELF_PROT_X) ? MAP_X : 0);
}

static long load_segment(struct child *c, const unsigned char *file, const struct elf_segment *s)
{
	unsigned long ps = ri->page_size;
	unsigned long start = s->vaddr & ~(ps - 1), end = (s->vaddr + s->memsz + ps - 1) & ~(ps - 1);
	unsigned long file_end = s->vaddr + s->filesz;

	for (unsigned long va = start; va < end; va += ps) {
		unsigned long lo = va > s->vaddr ? va : s->vaddr;
		unsigned long hi = va + ps < file_end ? va + ps : file_end;
		long err = map_page(c, va, prot_of(s->prot), file + s->offset + (lo - s->vaddr),
				    lo - va, hi > lo ? hi - lo : 0);

		if (err)
			return err;
	}
	return 0;
}

static long build_space(struct child *c, const struct elf_image *img, const unsigned char *file)
{
	long err = 0;

	for (unsigned int i = 0; !err && i < img->nsegs; i++)
		err = load_segment(c, file, &img->seg[i]);
	c->stack_top = ri->user_top - ri->page_size;
	for (unsigned long i = 1; !err && i <= SPAWN_STACK_PAGES; i++)
		err = map_page(c, c->stack_top - i * ri->page_size, MAP_R | MAP_W, NULL, 0, 0);
	c->entry = img->entry;
	return err;
}

int spawn(const char *name, unsigned int prio, struct child *c)
{
	struct elf_rules rules = {
		.machine = ARCH_ELF_MACHINE,
		.va_min = ri->user_min,
		.va_max = ri->user_top - 16 * ri->page_size,
		.page_size = ri->page_size,
		.quiet = true,	/* the caller gets -ENOEXEC and decides what to say */
	};
	struct cpio_entry file;
	struct elf_image img;
	const void *arch = NULL;
	long err = archive(&arch);

	if (err)
		return (int)err;
	if (cpio_find(arch, ri->archive_size, name, &file))
		return -ENOENT;
	if (elf_parse(file.data, file.len, &rules, &img))
		return -ENOEXEC;
	c->cspace = slot_alloc();
	c->aspace = slot_alloc();
	c->thread = slot_alloc();
	if (c->cspace < 0 || c->aspace < 0 || c->thread < 0)
		return -ENOSPC;
	err = cspace_create(c->cspace, SPAWN_CSPACE_SLOTS);
	if (!err)
		err = aspace_create(c->aspace, SPAWN_TABLE_QUOTA);
	if (!err)
		err = build_space(c, &img, file.data);
	if (!err)
		err = thread_create(c->thread, c->cspace, c->aspace, prio);
	return (int)err;
}
