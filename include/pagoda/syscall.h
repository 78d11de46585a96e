/*
 * pagoda/syscall.h: system call numbers, shared by the kernel and userland.
 * The calling convention is per arch (riscv64: number in a7, arguments in
 * a0..a5, result in a0; x86-64: number in rax, arguments in rdi, rsi, rdx,
 * r10, r8, r9, result in rax; the result is >= 0 or a negative code from
 * pagoda/errno.h).
 * docs/syscalls.md describes each call, its arguments and errors.
 */
#ifndef PAGODA_SYSCALL_H
#define PAGODA_SYSCALL_H

#define SYS_NULL		0	/* () -> 0: does nothing (the cost of a syscall) */
#define SYS_DEBUG_WRITE		1	/* (buf, len) -> len: write to the kernel console */
#define SYS_YIELD		2	/* () -> 0 */
#define SYS_THREAD_EXIT		3	/* (code): end the calling thread */
#define SYS_SEND		4	/* (ep, info, w0..w3) -> 0 */
#define SYS_NBSEND		5	/* the same, -EAGAIN instead of blocking */
#define SYS_CALL		6	/* (ep, info, w0..w3) -> 0, reply in info/words */
#define SYS_RECV		7	/* (ep) -> 0, message in info/words/badge */
#define SYS_NBRECV		8	/* the same, -EAGAIN instead of blocking */
#define SYS_REPLY		9	/* (0, info, w0..w3) -> 0 */
#define SYS_REPLY_RECV		10	/* (ep, info, w0..w3): reply, then receive */
#define SYS_SET_IPC_BUFFER	11	/* (va): page-aligned struct ipc_buffer, 0: none */
#define SYS_ENDPOINT_CREATE	12	/* (slot): a new endpoint, full rights */
#define SYS_CAP_COPY		13	/* (src, dst, rights mask) */
#define SYS_CAP_MINT		14	/* (src, dst, rights mask, badge) */
#define SYS_CAP_MOVE		15	/* (src, dst) */
#define SYS_CAP_DELETE		16	/* (slot) */
#define SYS_CAP_REVOKE		17	/* (slot): delete everything derived from it */
#define SYS_ASPACE_CREATE	18	/* (slot, table quota) */
#define SYS_CSPACE_CREATE	19	/* (slot, nslots) */
#define SYS_THREAD_CREATE	20	/* (slot, cspace slot, aspace slot, prio) */
#define SYS_THREAD_START	21	/* (thread, pc, sp, arg0) */
#define SYS_MAP			22	/* (aspace, va, frames, pgoff, npages, prot) */
#define SYS_UNMAP		23	/* (aspace, va, npages, status buf or 0) */
#define SYS_CAP_GIVE		24	/* (src, cspace, dst, rights mask, badge) */
#define SYS_THREAD_READ_REGS	25	/* (thread, buf): struct user_regs out */
#define SYS_THREAD_WRITE_REGS	26	/* (thread, buf): struct user_regs in */
#define SYS_THREAD_WAIT		27	/* (thread) -> its exit code, once it ends */
#define SYS_NOTIFICATION_CREATE 28	/* (slot): a new notification, send + receive */
#define SYS_SIGNAL		29	/* (ntfn): OR in the cap's badge (1 if none) */
#define SYS_WAIT		30	/* (ntfn) -> the pending bits, blocking while none */
#define SYS_POLL		31	/* (ntfn) -> the pending bits, or -EAGAIN */
#define SYS_IRQ_BIND		32	/* (irq, ntfn): deliver the line as the ntfn cap's badge */
#define SYS_IRQ_ACK		33	/* (irq): handled; unmask the line */
#define SYS_IRQ_UNBIND		34	/* (irq) */
#define SYS_THREAD_SUSPEND	35	/* (thread): stop it; a blocked call ends with -EINTR */
#define SYS_THREAD_RESUME	36	/* (thread): continue a suspended thread */
#define SYS_THREAD_SET_PRIO	37	/* (thread, prio): at most the caller's own */
#define SYS_THREAD_SET_FAULT_EP	38	/* (thread, ep): where its faults go; ep 0: nowhere */
#define SYS_PROTECT		39	/* (aspace, va, npages, prot) */
#define SYS_QUERY		40	/* (aspace, va, npages, status buf, clear accessed) */
#define SYS_COUNT		41

/* Status bytes of SYS_QUERY and SYS_UNMAP, one per page. */
#define QUERY_PRESENT	0x01
#define QUERY_W		0x02
#define QUERY_X		0x04
#define QUERY_ACCESSED	0x08
#define QUERY_DIRTY	0x10

/*
 * A thread's user registers for SYS_THREAD_READ_REGS/WRITE_REGS: the pc and
 * the general registers by architectural number (riscv64: x0..x31, x0
 * ignored; x86-64: rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15, rflags).
 */
struct user_regs {
	unsigned long long pc;
	unsigned long long gpr[32];
};

/* SYS_MAP protection bits. R is required; W and X together are refused. */
#define MAP_R 1
#define MAP_W 2
#define MAP_X 4

/* The most SYS_DEBUG_WRITE takes in one call. */
#define DEBUG_WRITE_MAX		4096

#endif
