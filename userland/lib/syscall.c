/* userland/lib/syscall.c: system call stubs. */
#include <pagoda.h>
#include <syscall_arch.h>

long syscall_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return syscall6(nr, a0, a1, a2, a3, a4, a5);
}

long sys_null(void)
{
	return syscall6(SYS_NULL, 0, 0, 0, 0, 0, 0);
}

long sys_debug_write(const void *buf, size_t len)
{
	return syscall6(SYS_DEBUG_WRITE, (long)buf, (long)len, 0, 0, 0, 0);
}

long sys_yield(void)
{
	return syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

void exit(long code)
{
	syscall6(SYS_THREAD_EXIT, code, 0, 0, 0, 0, 0);
	for (;;)
		;
}
