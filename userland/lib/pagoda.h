/*
 * userland/lib/pagoda.h: what user programs get from userland/lib: the
 * system calls, console output and formatted printing. Programs link only
 * against this library (and lib/, which it includes).
 */
#ifndef PAGODA_USER_PAGODA_H
#define PAGODA_USER_PAGODA_H

#include <stdarg.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/syscall.h>
#include <pagoda/types.h>

#include <syscall_arch.h>

/* System calls: >= 0 or a negative error code. Inline: one ecall each. */
static inline long sys_null(void)
{
	return syscall0(SYS_NULL);
}

static inline long sys_debug_write(const void *buf, size_t len)
{
	return syscall2(SYS_DEBUG_WRITE, (long)buf, (long)len);
}

static inline long sys_yield(void)
{
	return syscall0(SYS_YIELD);
}

__noreturn void exit(long code);

/* Raw form, for tests that pass arbitrary arguments. */
long syscall_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* Console output through the kernel's debug console (see docs/syscalls.md). */
int puts(const char *s);
__printf(1, 2) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);

#endif
