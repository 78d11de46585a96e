/* userland/lib/syscall.c: system call stubs. */
#include <pagoda.h>
#include <syscall_arch.h>

long syscall_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return syscall6(nr, a0, a1, a2, a3, a4, a5);
}

void exit(long code)
{
	syscall6(SYS_THREAD_EXIT, code, 0, 0, 0, 0, 0);
	for (;;)
		;
}
