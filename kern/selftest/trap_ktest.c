/*
 * kern/selftest/trap_ktest.c: a deliberate bad kernel access is caught by
 * the exception-fixup path (the one copy-in/copy-out will use) and
 * reported as -EFAULT, and a good one still works.
 */
#include <pagoda/errno.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <kern/ktest.h>
#include <kern/sections.h>

KTEST(bad_kernel_access_is_caught)
{
	static const uint64_t marker = 0x5a5a5a5a12345678ull;
	/* Just below the image window: never mapped (arch/layout.h). */
	const void *hole = (const void *)(KERNEL_IMAGE_VBASE - 2 * PAGE_SIZE);
	unsigned long fixups = arch_trap_fixups_taken();
	uint64_t v = 0;

	KT_CHECK(arch_probe_read_u64(&marker, &v) == 0 && v == marker);
	KT_CHECK(arch_trap_fixups_taken() == fixups);
	v = 7;
	KT_CHECK(arch_probe_read_u64(hole, &v) == -EFAULT);
	KT_CHECK(v == 7, "nothing stored on a fault");
	KT_CHECK(arch_trap_fixups_taken() == fixups + 1, "the fault went through the fixup");
	KT_CHECK(arch_probe_read_u64((const void *)0x10, &v) == -EFAULT, "NULL page");
}

KTEST(text_is_not_writable)
{
	/*
	 * A store to text or rodata must fault. Each probe writes back the
	 * value just read, so a broken mapping is reported, not corrupted.
	 */
	uint64_t v;

	KT_CHECK(arch_probe_read_u64(_text, &v) == 0, "text is readable");
	KT_CHECK(arch_probe_write_u64(_text, v) == -EFAULT, "text is not writable");
	KT_CHECK(arch_probe_read_u64(_rodata, &v) == 0, "rodata is readable");
	KT_CHECK(arch_probe_write_u64(_rodata, v) == -EFAULT, "rodata is not writable");
}
