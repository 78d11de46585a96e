/*
 * kern/loader.h: starting a user program from the boot archive (the initrd,
 * cpio newc). The ELF is validated by lib/elf.c before anything is
 * allocated; a malformed program is refused with -ENOEXEC.
 *
 * Memory: the loader allocates the program's frames from kernel_frames and
 * loader_destroy() gives them back. (The root task will instead receive
 * frame regions and its own mappings; this is the kernel's bootstrap path.)
 */
#ifndef PAGODA_KERN_LOADER_H
#define PAGODA_KERN_LOADER_H

#include <pagoda/types.h>
#include <kern/boot_info.h>

#define USER_STACK_PAGES 4
/* Programs load below these top pages: the stack, its guards, the root info page. */
#define USER_TOP_RESERVED_PAGES 16
#define USER_TABLE_QUOTA 32	/* page-table pages of a loaded program */

struct aspace;
struct cspace;
struct thread;

#define USER_CSPACE_SLOTS 256

struct user_program {
	struct aspace *as;
	struct cspace *cs;	/* USER_CSPACE_SLOTS slots, all empty */
	struct thread *thread;	/* INACTIVE until thread_start() */
	vaddr_t entry;
	vaddr_t stack_top;
};

/* loader_set_archive: the boot archive to load from (physical range). */
void loader_set_archive(const struct phys_range *initrd);

/*
 * loader_load: build @name's address space and its first thread (not
 * started). -ENOENT: no boot archive or no such file; -ENOEXEC: not a
 * valid program for this machine; -ENOMEM. On error nothing is left.
 */
int loader_load(const char *name, unsigned int prio, struct user_program *out);

/*
 * loader_destroy: end the program's thread if it still lives, give back its
 * frames and drop the loader's references to its objects.
 */
void loader_destroy(struct user_program *prog);

#endif
