/*
 * userland/utest_touch: writes and reads back 8 pages at 0x30000000 that
 * nobody mapped: its fault handler must map each on demand. Exits 0 if all
 * 8 hold what was written.
 */
#include <pagoda.h>

#define TOUCH_BASE 0x30000000ul
#define TOUCH_PAGES 8

int main(void)
{
	int bad = 0;

	for (unsigned long i = 0; i < TOUCH_PAGES; i++)
		((volatile unsigned long *)(TOUCH_BASE + i * 4096))[i] = 0xabc0 + i;
	for (unsigned long i = 0; i < TOUCH_PAGES; i++)
		bad += ((volatile unsigned long *)(TOUCH_BASE + i * 4096))[i] != 0xabc0 + i;
	return bad;
}
