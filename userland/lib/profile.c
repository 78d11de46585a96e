/* userland/lib/profile.c: the marks of profile.h. */
#include <profile.h>

/* Out of line, with distinct bodies so that no linker folds the two. */
__attribute__((noinline)) void profile_begin(void)
{
	__asm__ volatile("/* profile begin */" ::: "memory");
}

__attribute__((noinline)) void profile_end(void)
{
	__asm__ volatile("/* profile end */" ::: "memory");
}
