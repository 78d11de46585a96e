/*
 * userland/utest_ntfn: signals the notification in slot 1 as many times as
 * its start argument says, yielding in between, then exits 0 (the root
 * task's notification test waits for the bits).
 */
#include <pagoda.h>

int main(void)
{
	unsigned long n = start_argument();

	for (unsigned long i = 0; i < n; i++) {
		if (ntfn_signal(1))
			return 1;
		sys_yield();
	}
	return 0;
}
