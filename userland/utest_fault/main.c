/*
 * userland/utest_fault: touches an unmapped address. With no fault handler
 * yet, the kernel must report the fault and end this thread with -EFAULT;
 * reaching the end is a failure (exit code 1).
 */
#include <pagoda.h>

int main(void)
{
	volatile int *p = (volatile int *)0x20000000ul;

	*p = 1;
	return 1;
}
