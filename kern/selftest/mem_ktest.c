/*
 * kern/selftest/mem_ktest.c: the frame allocator on the machine's real
 * memory: every free frame can be taken once, is writable through the
 * direct map, lies in RAM outside every reserved range, and all come back.
 */
#include <pagoda/errno.h>
#include <lib/string.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/ktest.h>
#include <kern/mem.h>

/* Frames taken by the test, chained through their own first word. */
static paddr_t take_all(size_t *count)
{
	paddr_t head = 0, pa;

	*count = 0;
	while (frame_alloc(&kernel_frames, &pa) == 0) {
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
		(*count)++;
	}
	return head;
}

KTEST(frame_alloc_all_and_back)
{
	size_t before = frame_pool_free_count(&kernel_frames), taken, freed = 0;
	paddr_t head, pa;

	KT_REQUIRE(before > 0);
	head = take_all(&taken);
	KT_CHECK(taken == before, "took %zu of %zu free frames", taken, before);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == 0);
	KT_CHECK(frame_alloc(&kernel_frames, &pa) == -ENOMEM, "exhaustion is -ENOMEM");
	for (pa = head; pa; freed++) {
		paddr_t next = *(paddr_t *)phys_to_virt(pa);

		frame_free(&kernel_frames, pa);
		pa = next;
	}
	KT_CHECK(freed == taken);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before);
	KT_CHECK(frame_pool_check(&kernel_frames) == 0);
}

KTEST(frame_alloc_distinct_and_writable)
{
	enum { N = 256 };
	static paddr_t got[N];
	size_t n;

	for (n = 0; n < N; n++) {
		if (frame_alloc(&kernel_frames, &got[n]))
			break;
		KT_CHECK((got[n] & (PAGE_SIZE - 1)) == 0);
		memset(phys_to_virt(got[n]), (int)(n & 0xff), PAGE_SIZE);
	}
	KT_CHECK(n == N, "only %zu frames", n);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = phys_to_virt(got[i]);

		KT_CHECK(p[0] == (i & 0xff) && p[PAGE_SIZE - 1] == (i & 0xff),
			 "frame %zu overwritten", i);
		for (size_t j = 0; j < i; j++)
			KT_CHECK(got[i] != got[j], "frame %#llx handed out twice",
				 (unsigned long long)got[i]);
	}
	for (size_t i = 0; i < n; i++)
		frame_free(&kernel_frames, got[i]);
	KT_CHECK(frame_pool_check(&kernel_frames) == 0);
}
