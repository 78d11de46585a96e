/* userland/lib/benchkit.c: see benchkit.h. */
#include <benchkit.h>

/* Out of line, with distinct bodies so that no linker folds the two. */
__attribute__((noinline)) void profile_begin(void)
{
	__asm__ volatile("/* profile begin */" ::: "memory");
}

__attribute__((noinline)) void profile_end(void)
{
	__asm__ volatile("/* profile end */" ::: "memory");
}

void sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}
