/*
 * arch/x86_64/sysret_ktest.c: user threads whose pc lies outside the user
 * half must take an exception, never make the kernel fault. The known
 * case: a syscall instruction in the last two bytes of the user half
 * returns to user_top, which is non-canonical (sysret would #GP in ring 0
 * on Intel); the others: a pc set to a non-canonical or a kernel address.
 * Each thread has no fault handler, so it must end with -EFAULT, and the
 * kernel must have caught each pc before leaving: QEMU, like AMD CPUs,
 * would raise the #GP in user mode anyway, Intel CPUs in ring 0.
 */
#include <pagoda/errno.h>
#include <lib/string.h>
#include <arch/mmu.h>
#include <arch/thread.h>
#include <kern/aspace.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include "x86.h"

/*
 * run_at: load utest_spin, start it at @pc (its entry if 0; @code mapped to
 * end at the top of the user half if given) with stack pointer @sp (its
 * stack if 0), run it to its end; its exit code.
 */
static long run_at(struct ktest_ctx *t, uintptr_t pc, uintptr_t sp, const uint8_t *code,
		   size_t len)
{
	const struct pt_fmt *fmt = arch_pt_fmt();
	struct user_program prog;
	paddr_t pa;
	long code_ = -1;

	if (loader_load("utest_spin", THREAD_PRIO_DEFAULT, &prog)) {
		KT_CHECK(false, "cannot load utest_spin");
		return -1;
	}
	if (code) {
		/* The top page is the stack's guard page: free to map here. */
		KT_CHECK(mem_alloc_zeroed_frame(&pa) == 0);
		memcpy((uint8_t *)phys_to_virt(pa) + PAGE_SIZE - len, code, len);
		KT_CHECK(aspace_map(prog.as, fmt->user_top - PAGE_SIZE, pa, 1, PT_READ | PT_EXEC) == 0);
	}
	arch_user_frame_init(prog.thread->frame, pc ? pc : prog.entry, sp ? sp : prog.stack_top, 0);
	thread_start(prog.thread);
	while (prog.thread->state != THREAD_DEAD)
		sched_yield();
	code_ = prog.thread->exit_code;
	loader_destroy(&prog);	/* frees the loader's frames, the code page included */
	return code_;
}

KTEST(x86_syscall_at_the_top_of_the_user_half)
{
	static const uint8_t syscall_insn[] = { 0x0f, 0x05 };	/* rax = 0: SYS_NULL */
	vaddr_t top = arch_pt_fmt()->user_top;
	size_t before = frame_pool_free_count(&kernel_frames);
	unsigned long caught = x86_bad_pc_caught;

	KT_CHECK(run_at(t, top - sizeof(syscall_insn), 0, syscall_insn, sizeof(syscall_insn)) ==
		 -EFAULT, "returning to user_top");
	KT_CHECK(run_at(t, top, 0, NULL, 0) == -EFAULT, "pc = user_top");
	KT_CHECK(run_at(t, 0x8000000000001000ull, 0, NULL, 0) == -EFAULT, "non-canonical pc");
	KT_CHECK(run_at(t, KERNEL_IMAGE_VBASE + 0x200000, 0, NULL, 0) == -EFAULT, "kernel pc");
	/* A non-canonical stack faults in user mode, at the program's first push. */
	KT_CHECK(run_at(t, 0, 0x8000000000001000ull, NULL, 0) == -EFAULT, "non-canonical sp");
	KT_CHECK(x86_bad_pc_caught == caught + 4, "%lu of 4 caught before sysret/iret",
		 x86_bad_pc_caught - caught);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before, "frames leaked");
}

/* A user thread single-stepping itself (TF through popf) takes #DB on its own stack. */
KTEST(x86_user_single_step_is_an_exception)
{
	static const uint8_t code[] = {
		0x9c,						/* pushfq */
		0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00,	/* orq $0x100, (%rsp): TF */
		0x9d,						/* popfq */
		0x90,						/* nop: #DB after it */
		0xeb, 0xfe,					/* jmp . */
	};
	vaddr_t top = arch_pt_fmt()->user_top;

	KT_CHECK(run_at(t, top - sizeof(code), 0, code, sizeof(code)) == -EFAULT);
}
