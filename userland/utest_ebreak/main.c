/*
 * userland/utest_ebreak: hits a breakpoint, then exits 5. Its fault handler
 * (the root-task suite) must step over the breakpoint for the 5 to happen.
 */
#include <arch_user.h>

int main(void)
{
	arch_breakpoint();
	return 5;
}
