/*
 * arch/x86_64/trap.c: what to do with an interrupt or exception.
 *
 * Interrupts: the local APIC timer goes to kern's clock, I/O APIC lines to
 * kern/irq.c; stray 8259 and spurious APIC vectors are ignored. Exceptions
 * in the kernel are bugs unless the faulting instruction is listed in
 * __extable (a probe, a user copy), in which case execution resumes at its
 * fixup. Anything else is reported with the registers and a backtrace, and
 * the machine stops with a failing status: a test run then ends at once
 * instead of hanging. Exceptions from user mode go to kern/fault.c.
 */
#define LOG_PREFIX "trap: "
#include <pagoda/fault.h>
#include <lib/log.h>
#include <arch/cpu.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <kern/console.h>
#include <kern/fault.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include "frame.h"
#include "x86.h"

#define CHECK_OFFSET(field, off) STATIC_ASSERT(__builtin_offsetof(struct trap_frame, field) == (off))
CHECK_OFFSET(cr2, TF_CR2);
CHECK_OFFSET(r15, TF_R15);
CHECK_OFFSET(r11, TF_R11);
CHECK_OFFSET(rdi, TF_RDI);
CHECK_OFFSET(rax, TF_RAX);
CHECK_OFFSET(vector, TF_VECTOR);
CHECK_OFFSET(rip, TF_RIP);
CHECK_OFFSET(ss, TF_SS);
STATIC_ASSERT(sizeof(struct trap_frame) == TF_SIZE && TF_SIZE % 16 == 0);
STATIC_ASSERT(__builtin_offsetof(struct arch_context, r15) == CTX_R15);

struct extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];

static unsigned long fixups_taken;

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

static const char *vector_name(uint64_t vector)
{
	static const char *const exc[32] = {
		"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
		"invalid opcode", "device not available", "double fault", "coprocessor overrun",
		"invalid TSS", "segment not present", "stack fault", "general protection",
		"page fault", "reserved", "x87 error", "alignment check", "machine check",
		"SIMD error", "virtualization", "control protection",
	};

	if (vector < 32)
		return exc[vector] ? exc[vector] : "reserved exception";
	if (vector == X86_FRAME_SYSCALL)
		return "syscall";
	return "interrupt";
}

static void print_frame(uintptr_t pc, void *arg)
{
	kprintf("  [<%016lx>]\n", (unsigned long)pc);
}

void x86_report_and_stop(const struct trap_frame *tf, const char *why)
{
	static const char *const names[15] = {
		"r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
		"rdi", "rsi", "rbp", "rbx", "rdx", "rcx", "rax",
	};
	const uint64_t *regs = &tf->r15;

	arch_irq_disable();
	kprintf("\n*** unexpected kernel trap: %s (vector %lu, error %#lx)%s\n",
		vector_name(tf->vector), (unsigned long)tf->vector, (unsigned long)tf->error, why);
	kprintf("    rip %016lx cr2 %016lx rflags %016lx\n", (unsigned long)tf->rip,
		(unsigned long)tf->cr2, (unsigned long)tf->rflags);
	kprintf("    rsp %016lx cs  %04lx ss %04lx\n", (unsigned long)tf->rsp,
		(unsigned long)tf->cs, (unsigned long)tf->ss);
	for (int i = 14; i >= 0; i--)
		kprintf("    %-3s %016lx%s", names[i], (unsigned long)regs[i],
			i % 3 == 0 ? "\n" : "");
	kprintf("backtrace (addr2line -e kernel.elf):\n");
	print_frame(tf->rip, NULL);
	if (!(tf->cs & 3))
		arch_backtrace(tf->rbp, 32, print_frame, NULL);
	kprintf("*** stopping\n");
	arch_shutdown(true);
}

/* interrupt: an external or local APIC vector; false if it is none we know. */
static bool interrupt(unsigned int vector)
{
	if (vector == X86_VEC_TIMER)
		x86_timer_interrupt();
	else if (vector >= X86_VEC_IRQ_BASE && vector <= X86_VEC_IRQ_MAX)
		x86_irq_interrupt(vector);
	else if (vector == X86_VEC_APIC_ERROR)
		x86_lapic_error();
	else if (vector != X86_VEC_SPURIOUS &&
		 !(vector >= X86_VEC_PIC_BASE && vector < X86_VEC_PIC_BASE + 16))
		return false;
	return true;
}

/* x86_trap_kernel: called by entry.S for every trap taken in ring 0. */
void x86_trap_kernel(struct trap_frame *tf);
void x86_trap_kernel(struct trap_frame *tf)
{
	unsigned int vector = (unsigned int)tf->vector;

	if (vector >= 32) {
		if (interrupt(vector))
			return;
	} else if (vector == X86_EXC_PF || vector == X86_EXC_GP) {
		const struct extable_entry *e = extable_find(tf->rip);

		if (e) {
			fixups_taken++;
			tf->rip = e->fixup;
			return;
		}
	}
	x86_report_and_stop(tf, "");
}

/* user_trap: an exception from user mode, decoded for kern/fault.c; the frame to resume. */
static struct trap_frame *user_trap(struct trap_frame *tf)
{
	switch (tf->vector) {
	case X86_EXC_PF:
		if (tf->error & X86_PF_INSN)
			return user_page_fault(tf->cr2, FAULT_ACCESS_EXEC, tf->rip);
		if (tf->error & X86_PF_WRITE)
			return user_page_fault(tf->cr2, FAULT_ACCESS_WRITE, tf->rip);
		return user_page_fault(tf->cr2, FAULT_ACCESS_READ, tf->rip);
	case X86_EXC_UD:
	case X86_EXC_NM:
	case X86_EXC_GP:
		/* Privileged and floating-point instructions, and non-canonical addresses. */
		return user_exception(FAULT_EXC_ILLEGAL, 0, tf->rip);
	case X86_EXC_AC:
		return user_exception(FAULT_EXC_MISALIGNED, 0, tf->rip);
	case X86_EXC_BP:
		/* int3 traps after itself: report (and resume at) the int3, like RISC-V's ebreak. */
		tf->rip--;
		return user_exception(FAULT_EXC_BREAKPOINT, 0, tf->rip);
	case X86_EXC_DB:
		return user_exception(FAULT_EXC_BREAKPOINT, 0, tf->rip);
	default:
		return user_exception(FAULT_EXC_OTHER, 0, tf->rip);
	}
}

/*
 * x86_trap_user: called by entry.S for every trap from user mode, on the
 * current thread's kernel stack, interrupts disabled. Returns the frame to
 * resume: the current thread's, which may be another thread than the one
 * that trapped if this one blocked, yielded or exited.
 */
struct trap_frame *x86_trap_user(struct trap_frame *tf);
struct trap_frame *x86_trap_user(struct trap_frame *tf)
{
	unsigned int vector = (unsigned int)tf->vector;

	if (vector >= 32) {
		if (!interrupt(vector))
			x86_report_and_stop(tf, " from user mode");
	} else if (vector == X86_EXC_NMI || vector == X86_EXC_DF || vector == X86_EXC_MC) {
		x86_report_and_stop(tf, " from user mode");
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
	 * Frame record (-fno-omit-frame-pointer): [rbp] is the caller's rbp,
	 * [rbp + 8] the return address. Frames are read through the
	 * fault-tolerant probe, so a corrupt chain just ends the walk.
	 */
	for (int i = 0; i < max && fp && (fp & 7) == 0; i++) {
		uint64_t ra, next;

		if (arch_probe_read_u64((const void *)(fp + 8), &ra) ||
		    arch_probe_read_u64((const void *)fp, &next))
			return;
		if (!ra)
			return;
		emit((uintptr_t)ra, arg);
		if (next <= fp)
			return;	/* stacks grow down: callers' frames are higher */
		fp = (uintptr_t)next;
	}
}
