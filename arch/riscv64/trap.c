/*
 * arch/riscv64/trap.c: what to do with a supervisor trap.
 *
 * Interrupts: the timer goes to kern's clock. Exceptions in the kernel are
 * bugs unless the faulting instruction is listed in __extable (a probe, a
 * user copy), in which case execution resumes at its fixup. Anything else
 * is reported with the registers and a backtrace, and the machine stops
 * with a failing status: a test run then ends at once instead of hanging.
 */
#define LOG_PREFIX "trap: "
#include <pagoda/errno.h>
#include <lib/log.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <kern/console.h>
#include <pagoda/fault.h>
#include <kern/clock.h>
#include <kern/fault.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include "csr.h"
#include "riscv.h"

struct extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];
extern char trap_vector[];

static unsigned long fixups_taken;

void arch_trap_init(void)
{
	csr_write(stvec, (uintptr_t)trap_vector);
}

unsigned long arch_trap_fixups_taken(void)
{
	return fixups_taken;
}

static const struct extable_entry *extable_find(uintptr_t pc)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == pc)
			return e;
	return NULL;
}

static const char *cause_name(uint64_t scause)
{
	static const char *const exc[] = {
		[EXC_INSN_MISALIGNED] = "instruction address misaligned",
		[EXC_INSN_ACCESS] = "instruction access fault",
		[EXC_ILLEGAL_INSN] = "illegal instruction",
		[EXC_BREAKPOINT] = "breakpoint",
		[EXC_LOAD_MISALIGNED] = "load address misaligned",
		[EXC_LOAD_ACCESS] = "load access fault",
		[EXC_STORE_MISALIGNED] = "store address misaligned",
		[EXC_STORE_ACCESS] = "store access fault",
		[EXC_ECALL_U] = "ecall from U-mode",
		[EXC_ECALL_S] = "ecall from S-mode",
		[EXC_INSN_PAGE_FAULT] = "instruction page fault",
		[EXC_LOAD_PAGE_FAULT] = "load page fault",
		[EXC_STORE_PAGE_FAULT] = "store page fault",
	};

	if (scause & SCAUSE_INTR)
		return "interrupt";
	if (scause < ARRAY_SIZE(exc) && exc[scause])
		return exc[scause];
	return "reserved exception";
}

static bool cause_is_fault(uint64_t scause)
{
	switch (scause) {
	case EXC_LOAD_ACCESS:
	case EXC_STORE_ACCESS:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
	case EXC_INSN_PAGE_FAULT:
	case EXC_INSN_ACCESS:
		return true;
	default:
		return false;
	}
}

static void print_frame(uintptr_t pc, void *arg)
{
	kprintf("  [<%016lx>]\n", (unsigned long)pc);
}

static void report_and_stop(const struct trap_frame *tf)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
		"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
		"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};

	arch_irq_disable();
	kprintf("\n*** unexpected kernel trap: %s (scause %#lx)\n", cause_name(tf->scause),
		(unsigned long)tf->scause);
	kprintf("    sepc %016lx stval %016lx sstatus %016lx\n", (unsigned long)tf->sepc,
		(unsigned long)tf->stval, (unsigned long)tf->sstatus);
	for (int i = 1; i < 32; i++)
		kprintf("    %-4s %016lx%s", names[i], (unsigned long)tf->regs[i],
			i % 3 == 0 ? "\n" : "");
	kprintf("\nbacktrace (addr2line -e kernel.elf):\n");
	print_frame(tf->sepc, NULL);
	arch_backtrace(tf->regs[8], 32, print_frame, NULL);
	kprintf("*** stopping\n");
	arch_shutdown(true);
}

/* trap_handle: called by entry.S for every trap taken in S-mode. */
void trap_handle(struct trap_frame *tf);
void trap_handle(struct trap_frame *tf)
{
	uint64_t cause = tf->scause;

	if (cause & SCAUSE_INTR) {
		if ((cause & ~SCAUSE_INTR) == IRQ_S_TIMER) {
			riscv_timer_interrupt();
			return;
		}
		if ((cause & ~SCAUSE_INTR) == IRQ_S_EXT) {
			riscv_plic_interrupt();
			return;
		}
		report_and_stop(tf);
	}
	if (cause_is_fault(cause)) {
		const struct extable_entry *e = extable_find(tf->sepc);

		if (e) {
			fixups_taken++;
			tf->sepc = e->fixup;
			return;
		}
	}
	report_and_stop(tf);
}

/* user_trap: an exception from user mode, decoded for kern/fault.c; the frame to resume. */
static struct trap_frame *user_trap(struct trap_frame *tf)
{
	switch (tf->scause) {
	case EXC_LOAD_PAGE_FAULT:
	case EXC_LOAD_ACCESS:
		return user_page_fault(tf->stval, FAULT_ACCESS_READ, tf->sepc);
	case EXC_STORE_PAGE_FAULT:
	case EXC_STORE_ACCESS:
		return user_page_fault(tf->stval, FAULT_ACCESS_WRITE, tf->sepc);
	case EXC_INSN_PAGE_FAULT:
	case EXC_INSN_ACCESS:
		return user_page_fault(tf->stval, FAULT_ACCESS_EXEC, tf->sepc);
	case EXC_ILLEGAL_INSN:
		return user_exception(FAULT_EXC_ILLEGAL, 0, tf->sepc);
	case EXC_INSN_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		return user_exception(FAULT_EXC_MISALIGNED, tf->stval, tf->sepc);
	case EXC_BREAKPOINT:
		return user_exception(FAULT_EXC_BREAKPOINT, 0, tf->sepc);
	default:
		return user_exception(FAULT_EXC_OTHER, tf->stval, tf->sepc);
	}
}

/*
 * trap_handle_user: called by entry.S for every trap from user mode, on
 * the current thread's kernel stack, interrupts disabled. Returns the
 * frame to resume: the current thread's, which may be another thread
 * than the one that trapped if this one blocked, yielded or exited.
 */
struct trap_frame *trap_handle_user(struct trap_frame *tf);
struct trap_frame *trap_handle_user(struct trap_frame *tf)
{
	uint64_t cause = tf->scause;

	if (cause & SCAUSE_INTR) {
		if ((cause & ~SCAUSE_INTR) == IRQ_S_TIMER)
			riscv_timer_interrupt();
		else if ((cause & ~SCAUSE_INTR) == IRQ_S_EXT)
			riscv_plic_interrupt();
		else
			report_and_stop(tf);
	} else {
		/* A delivered fault resumes its handler at once, like an IPC fastpath. */
		return user_trap(tf);
	}
	sched_preempt_point();
	return thread_current()->frame;
}

void arch_backtrace(uintptr_t fp, int max, void (*emit)(uintptr_t pc, void *arg), void *arg)
{
	/*
	 * Frame record (gcc and clang, -fno-omit-frame-pointer): fp is the
	 * caller's sp; ra at fp - 8, the caller's fp at fp - 16. Frames are
	 * read through the fault-tolerant probe, so a corrupt chain just ends
	 * the walk.
	 */
	for (int i = 0; i < max && fp && (fp & 7) == 0; i++) {
		uint64_t ra, next;

		if (arch_probe_read_u64((const void *)(fp - 8), &ra) ||
		    arch_probe_read_u64((const void *)(fp - 16), &next))
			return;
		if (!ra)
			return;
		emit((uintptr_t)ra, arg);
		if (next <= fp)
			return;	/* stacks grow down: callers' frames are higher */
		fp = (uintptr_t)next;
	}
}
