/*
 * userland/init: the root task. For now it only announces itself; with the
 * kernel core it receives the capabilities to all resources and starts
 * the pager and the other programs.
 */
#include <pagoda.h>

int main(void)
{
	printf("init: hello from user mode (the root task)\n");
	return 0;
}
