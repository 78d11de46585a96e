/*
 * kern/roottask.h: starting the root task. It is loaded like any program
 * from the boot archive, then receives every resource the kernel does not
 * keep for itself, as capabilities (layout in pagoda/rootinfo.h): its own
 * CSpace, address space and thread, the boot archive, most free RAM as
 * frame regions, and the devices' MMIO regions.
 */
#ifndef PAGODA_KERN_ROOTTASK_H
#define PAGODA_KERN_ROOTTASK_H

#include <kern/boot_info.h>
#include <kern/loader.h>

/* The kernel keeps this much free memory for its own objects (page tables, threads...). */
#define ROOT_KERNEL_RESERVE_PAGES 4096

/* roottask_load: load @name and hand it the resources; the thread is not started. */
int roottask_load(const struct boot_info *bi, const char *name, struct user_program *prog);

#endif
