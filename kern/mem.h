/*
 * kern/mem.h: the kernel's physical memory: one frame pool over all RAM
 * the boot info leaves free, reached through the arch direct map. One
 * hart, no locking yet (callers run with interrupts enabled: no interrupt
 * handler allocates).
 */
#ifndef PAGODA_KERN_MEM_H
#define PAGODA_KERN_MEM_H

#include <kern/boot_info.h>
#include <kern/frame.h>

extern struct frame_pool kernel_frames;

/* mem_init: build kernel_frames from @bi's RAM minus its reserved ranges. */
int mem_init(const struct boot_info *bi);

/* mem_is_ram: @pa lies in RAM (not device memory). */
bool mem_is_ram(paddr_t pa);

/*
 * mem_frame_counter: a 16-bit counter of the RAM frame at @pa, for whoever
 * owns the frame (user page tables keep their valid-entry counts here).
 */
uint16_t *mem_frame_counter(paddr_t pa);

/* mem_alloc_zeroed_frame: a zeroed frame, or -ENOMEM. */
int mem_alloc_zeroed_frame(paddr_t *pa);

#endif
