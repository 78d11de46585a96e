/*
 * userland/utest_pm: a root task for `make test`: the process manager of
 * init (pm_main), running the process and pager suite utest_proc instead
 * of the demo. Its exit status fails the boot if utest_proc failed or the
 * pager did not get every frame back at the end.
 */
#include <pm.h>

int main(void)
{
	return pm_main("utest_proc", "");
}
