/*
 * pagoda/rootinfo.h: what the kernel tells the root task (init) about the
 * capabilities it starts with. The kernel maps one read-only page holding
 * struct root_info into init and passes its address as init's first
 * argument. Slots not listed are empty.
 */
#ifndef PAGODA_ROOTINFO_H
#define PAGODA_ROOTINFO_H

#define ROOT_INFO_MAGIC 0x50474441524f4f54ull	/* "PGDAROOT" */
#define ROOT_MAX_REGIONS 64

/* Fixed slots of the root task's CSpace. */
#define ROOT_SLOT_CSPACE 1	/* its own CSpace (control) */
#define ROOT_SLOT_ASPACE 2	/* its own address space (map, control) */
#define ROOT_SLOT_THREAD 3	/* its own thread (control) */
#define ROOT_SLOT_ARCHIVE 4	/* the boot archive's frames (read, map); may be empty */
#define ROOT_SLOT_FIRST_FREE 5	/* the first region slot */

struct root_region {
	unsigned long long slot;	/* capability slot */
	unsigned long long base;	/* physical base (for information) */
	unsigned long long npages;
	unsigned long long kind;	/* ROOT_REGION_* */
	unsigned long long irq;		/* ROOT_REGION_MMIO: its interrupt, 0: none */
	char name[16];			/* MMIO: "uart", "plic", "virtio", ... */
};

#define ROOT_REGION_RAM 1	/* CAP_FRAMES: read, write, exec, map */
#define ROOT_REGION_MMIO 2	/* CAP_MMIO: read, write, map */
#define ROOT_REGION_IRQ 3	/* CAP_IRQ of line irq: bind (base, npages: 0) */

struct root_info {
	unsigned long long magic;
	unsigned long long archive_size;	/* bytes of the boot archive */
	unsigned long long archive_offset;	/* of its first byte in its first page */
	unsigned long long user_min, user_top;	/* the user half of this paging mode */
	unsigned long long page_size;
	unsigned long long pt_levels;		/* page-table levels: tables one page may need */
	unsigned long long first_free_slot;	/* after every slot listed here */
	unsigned long long nslots;		/* size of init's CSpace */
	char cmdline[256];			/* the kernel command line, NUL-terminated (cut) */
	unsigned long long nregions;
	struct root_region regions[ROOT_MAX_REGIONS];
};

#endif
