/*
 * userland/init: the root task. It is the process manager (pm_main in
 * userland/lib/pm.c): it starts the pager from the boot archive with a
 * frame region, then the demo program, serves fork, exec, spawn, wait,
 * getpid and kill (docs/pager-protocol.md), and when the demo has ended
 * prints the pager's counters and checks that every frame came back.
 */
#include <pm.h>

int main(void)
{
	return pm_main("demo", "");
}
