/*
 * pagoda/syscall.h: system call numbers, shared by the kernel and userland.
 * The calling convention is per arch (riscv64: number in a7, arguments in
 * a0..a5, result in a0: >= 0 or a negative code from pagoda/errno.h).
 * docs/syscalls.md describes each call, its arguments and errors.
 */
#ifndef PAGODA_SYSCALL_H
#define PAGODA_SYSCALL_H

#define SYS_NULL		0	/* () -> 0: does nothing (the cost of a syscall) */
#define SYS_DEBUG_WRITE		1	/* (buf, len) -> len: write to the kernel console */
#define SYS_YIELD		2	/* () -> 0 */
#define SYS_THREAD_EXIT		3	/* (code): end the calling thread */
#define SYS_COUNT		4

/* The most SYS_DEBUG_WRITE takes in one call. */
#define DEBUG_WRITE_MAX		4096

#endif
