/*
 * userland/lib/pager_proto.h: the pager protocol, shared by the pager, the
 * process manager and the client library. docs/pager-protocol.md is the
 * specification: every label, its words, data, capability and errors.
 *
 * Every message is an IPC call on the pager's endpoint. The badge of the
 * capability used says who calls:
 *   PAGER_BADGE_ADMIN          the process manager (init): MM_* and EXEC
 *   PAGER_BADGE_FAULT | pid    the kernel, for a fault of process pid
 *   pid (1 .. 2^32 - 1)        process pid itself: MMAP ... CHECK
 * A reply's label is 0 on success or the positive error number (EINVAL,
 * ...); its words carry the results listed per request.
 */
#ifndef PAGODA_USER_PAGER_PROTO_H
#define PAGODA_USER_PAGER_PROTO_H

#include <pagoda/types.h>

#define PAGER_BADGE_ADMIN	(1ull << 62)
#define PAGER_BADGE_FAULT	(1ull << 61)
#define PAGER_PID_MAX		0xffffffffull

/* Requests of the process manager (badge PAGER_BADGE_ADMIN). */
#define PAGER_SETUP		0x7001u	/* w0 frames, w1 task_size, w2 archive size, w3 offset */
#define PAGER_MM_CREATE		0x7002u	/* w0 pid, w1 page limit (0: default); cap: aspace */
#define PAGER_MM_FORK		0x7003u	/* w0 parent pid, w1 child pid; cap: child's aspace */
#define PAGER_MM_DESTROY	0x7004u	/* w0 pid -> w0 kill reason, w1 address */
#define PAGER_EXEC		0x7005u	/* w0 pid, w1 arg; data "name\0args\0" -> w0 pc, w1 sp */

/* Requests of a process about itself (badge = its pid). */
#define PAGER_MMAP		0x7010u	/* w0 addr, w1 len, w2 prot, w3 flags -> w0 addr */
#define PAGER_MUNMAP		0x7011u	/* w0 addr, w1 len */
#define PAGER_MPROTECT		0x7012u	/* w0 addr, w1 len, w2 prot */
#define PAGER_BRK		0x7013u	/* w0 new break (0: ask) -> w0 break */

/* Introspection (a process about itself; the manager about any pid). */
#define PAGER_VMAS		0x7020u	/* w0 pid, w1 from -> w0 count, w1 next; data */
#define PAGER_STATS		0x7021u	/* w0 pid -> data: struct pager_stats */
#define PAGER_CHECK		0x7022u	/* -> 0, or EINVAL if an invariant is broken */

/* Protections (the same bits as vm/vma.h's VMA_*). W and X never together. */
#define PROT_NONE	0u
#define PROT_READ	1u
#define PROT_WRITE	2u
#define PROT_EXEC	4u

/* PAGER_MMAP flags. Without FIXED* the address is a hint (0: none). */
#define MMAP_FIXED		1u	/* exactly at addr, replacing what is there */
#define MMAP_FIXED_NOREPLACE	2u	/* exactly at addr, EEXIST if anything is there */
#define MMAP_GROWSDOWN		4u	/* a stack: grows down on faults below it */
#define MMAP_FLAGS_MASK		7u

/* The pager's CSpace, as the process manager fills it. */
#define PAGER_SLOT_EP		1	/* its endpoint: receive */
#define PAGER_SLOT_ASPACE	2	/* its own address space: map */
#define PAGER_SLOT_RAM		3	/* the frames it manages: map, read, write, exec */
#define PAGER_SLOT_ARCHIVE	4	/* the boot archive: map, read */
#define PAGER_SLOT_FIRST_FREE	5

/* Why the pager ended a process (PAGER_MM_DESTROY's w0, wait's reason). */
enum pager_kill {
	PAGER_KILL_NONE,	/* not ended by the pager */
	PAGER_KILL_NOVMA,	/* access outside every VMA */
	PAGER_KILL_PROT,	/* access against the VMA's protection */
	PAGER_KILL_BADADDR,	/* address outside the user half (kernel memory) */
	PAGER_KILL_STACK,	/* stack growth past its limit */
	PAGER_KILL_LIMIT,	/* the process's page limit */
	PAGER_KILL_NOMEM,	/* no frame, page table or pager memory left */
	PAGER_KILL_EXCEPTION,	/* illegal instruction, misaligned access, breakpoint */
	PAGER_KILL_COUNT
};

/* Fault counters, global and per process. */
enum pager_counter {
	PAGER_CNT_FAULTS,	/* page faults received */
	PAGER_CNT_ZERO_FILL,	/* a fresh zeroed page */
	PAGER_CNT_ZERO_PAGE,	/* a read mapped the shared zero page */
	PAGER_CNT_FILE_FILL,	/* a page filled from a program image */
	PAGER_CNT_COW_COPY,	/* a write copied a shared page */
	PAGER_CNT_COW_REUSE,	/* a write made a page it alone maps writable */
	PAGER_CNT_STACK_GROW,	/* a fault grew a stack */
	PAGER_CNT_REMAP,	/* a present page mapped again (after fork, mprotect) */
	PAGER_CNT_KILLS,	/* processes ended */
	PAGER_CNT_COUNT
};

/* PAGER_STATS data. The mm_* fields describe the process asked about. */
struct pager_stats {
	uint64_t frames_total;		/* frames for processes (not the pager's own) */
	uint64_t frames_free;
	uint64_t heap_total;		/* bytes of the pager's object heap */
	uint64_t heap_used;
	uint64_t heap_images;		/* of heap_used: parsed programs, kept for good */
	uint64_t nr_mms;		/* processes known */
	uint64_t counters[PAGER_CNT_COUNT];
	uint64_t mm_resident;		/* frames its records hold (the zero page not counted) */
	uint64_t mm_vmas;
	uint64_t mm_page_limit;
	uint64_t mm_brk;
	uint64_t mm_counters[PAGER_CNT_COUNT];
};

/* One PAGER_VMAS entry; flags: PAGER_VMA_*. */
struct pager_vma {
	uint64_t start, end;		/* [start, end), page aligned */
	uint32_t prot;			/* PROT_* */
	uint32_t flags;
	uint64_t resident;		/* frames recorded in it */
};

#define PAGER_VMA_GROWSDOWN	1u
#define PAGER_VMA_IMAGE		2u	/* backed by a program image (else anonymous) */
#define PAGER_VMAS_MAX		(4080 / sizeof(struct pager_vma))

#endif
