/*
 * arch/x86_64/cpu.c: the boot CPU's descriptor tables (GDT, TSS, IDT), its
 * control registers and the system-call MSRs, and what CPUID says it has.
 *
 * One CPU: the TSS and the syscall stack pointer are globals, written by
 * arch_user_return (entry.S) each time a thread goes back to user mode.
 */
#include <lib/fmt.h>
#include <lib/string.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include "frame.h"
#include "x86.h"

/* The 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"). */
struct x86_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct x86_idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;		/* P | DPL | 0xe (64-bit interrupt gate) */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __packed;

struct x86_table_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

STATIC_ASSERT(sizeof(struct x86_tss) == 104);
STATIC_ASSERT(__builtin_offsetof(struct x86_tss, rsp) == TSS_RSP0);
STATIC_ASSERT(sizeof(struct x86_idt_gate) == 16);

#define GATE_KERNEL	0x8e	/* present, DPL 0, interrupt gate */
#define GATE_USER	0xee	/* present, DPL 3: int3 from user mode */
/*
 * NMI, #DF and #MC: a known-good stack (they only report and stop). #DB is
 * a user exception (single-step) and must use the thread's own stack.
 */
#define IST_EMERGENCY	1

struct x86_tss x86_tss __aligned(16);
uint64_t x86_kstack_top;	/* the kernel stack of syscalls from user mode */
uint64_t x86_user_rsp;		/* scratch of x86_syscall_entry */
uint8_t x86_smap_on;
struct x86_features x86_cpu;

static uint64_t gdt[8] __aligned(16);
static struct x86_idt_gate idt[256] __aligned(16);
static uint8_t emergency_stack[8192] __aligned(16);
static char cpu_desc[96];

extern char x86_vector_stubs[];
extern char x86_syscall_entry[], x86_syscall_compat[];

/* x86_cpu_detect: fill x86_cpu from CPUID. */
void x86_cpu_detect(void)
{
	uint32_t r[4], max;

	cpuid(0, 0, r);
	max = r[0];
	memcpy(x86_cpu.vendor, &r[1], 4);
	memcpy(x86_cpu.vendor + 4, &r[3], 4);
	memcpy(x86_cpu.vendor + 8, &r[2], 4);
	cpuid(1, 0, r);
	x86_cpu.pcid = (r[2] >> 17) & 1;
	if (max >= 7) {
		cpuid(7, 0, r);
		x86_cpu.smep = (r[1] >> 7) & 1;
		x86_cpu.invpcid = (r[1] >> 10) & 1;
		x86_cpu.smap = (r[1] >> 20) & 1;
		x86_cpu.la57 = (r[2] >> 16) & 1;
	}
	cpuid(0x80000001, 0, r);
	x86_cpu.pdpe1gb = (r[3] >> 26) & 1;
	fmt_snprintf(cpu_desc, sizeof(cpu_desc), "x86-64 (long mode, %s%s%s%s%s%s)", x86_cpu.vendor,
		     x86_cpu.pdpe1gb ? ", 1G pages" : "", x86_cpu.pcid ? ", PCID" : "",
		     x86_cpu.invpcid ? ", INVPCID" : "", x86_cpu.smep ? ", SMEP" : "",
		     x86_cpu.smap ? ", SMAP" : "");
}

const char *arch_name(void)
{
	return cpu_desc;
}

static void set_gate(unsigned int vector, uint8_t type, uint8_t ist)
{
	uintptr_t stub = (uintptr_t)x86_vector_stubs + 16 * vector;

	idt[vector] = (struct x86_idt_gate){
		.offset_lo = (uint16_t)stub,
		.selector = X86_KCODE,
		.ist = ist,
		.type = type,
		.offset_mid = (uint16_t)(stub >> 16),
		.offset_hi = (uint32_t)(stub >> 32),
	};
}

/* tss_descriptor: the two GDT words of an available 64-bit TSS at @base. */
static void tss_descriptor(uint64_t *d, uintptr_t base, uint32_t limit)
{
	d[0] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | (0x89ull << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)((base >> 24) & 0xff) << 56);
	d[1] = base >> 32;
}

static void load_tables(void)
{
	struct x86_table_ptr g = { sizeof(gdt) - 1, (uintptr_t)gdt };
	struct x86_table_ptr i = { sizeof(idt) - 1, (uintptr_t)idt };

	__asm__ volatile("lgdt %0" ::"m"(g));
	/* Reload CS through a far return, then the data segments. */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %1, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs"
			 :
			 : "i"((uint64_t)X86_KCODE), "i"(X86_KDATA)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(X86_TSS_SEL));
	__asm__ volatile("lidt %0" ::"m"(i));
}

void arch_trap_init(void)
{
	gdt[X86_KCODE / 8] = 0x00af9a000000ffffull;	/* 64-bit code, DPL 0 */
	gdt[X86_KDATA / 8] = 0x00cf92000000ffffull;	/* data, DPL 0 */
	gdt[X86_USTAR / 8] = 0;				/* no 32-bit user code */
	gdt[X86_UDATA / 8] = 0x00cff2000000ffffull;	/* data, DPL 3 */
	gdt[X86_UCODE / 8] = 0x00affa000000ffffull;	/* 64-bit code, DPL 3 */
	tss_descriptor(&gdt[X86_TSS_SEL / 8], (uintptr_t)&x86_tss, sizeof(x86_tss) - 1);
	x86_tss.ist[IST_EMERGENCY - 1] = (uintptr_t)emergency_stack + sizeof(emergency_stack);
	x86_tss.iomap_base = sizeof(x86_tss);	/* no I/O bitmap: user mode has no ports */
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, GATE_KERNEL, 0);
	set_gate(X86_EXC_BP, GATE_USER, 0);
	set_gate(X86_EXC_NMI, GATE_KERNEL, IST_EMERGENCY);
	set_gate(X86_EXC_DF, GATE_KERNEL, IST_EMERGENCY);
	set_gate(X86_EXC_MC, GATE_KERNEL, IST_EMERGENCY);
	/* The gdt was just rewritten: the TSS descriptor is "available" again. */
	load_tables();
}

/*
 * x86_cpu_init: control registers and MSRs of the boot CPU. CR0: write
 * protection in ring 0 (the W^X of kernel text needs it) and EM, so that
 * x87, MMX and SSE instructions trap (nothing saves FPU state). CR4: global
 * pages, SMEP and SMAP when present. EFER: syscall/sysret.
 */
void x86_cpu_init(void)
{
	unsigned long cr0 = X86_READ_CR(0), cr4 = X86_READ_CR(4);

	arch_trap_init();
	cr0 = (cr0 | X86_CR0_WP | X86_CR0_NE | X86_CR0_EM | X86_CR0_MP) & ~X86_CR0_TS;
	X86_WRITE_CR(0, cr0);
	cr4 |= X86_CR4_PGE;
	if (x86_cpu.smep)
		cr4 |= X86_CR4_SMEP;
	if (x86_cpu.smap)
		cr4 |= X86_CR4_SMAP;
	X86_WRITE_CR(4, cr4);
	x86_smap_on = x86_cpu.smap;
	wrmsr(X86_MSR_EFER, rdmsr(X86_MSR_EFER) | X86_EFER_SCE);
	wrmsr(X86_MSR_STAR, ((uint64_t)X86_USTAR << 48) | ((uint64_t)X86_KCODE << 32));
	wrmsr(X86_MSR_LSTAR, (uintptr_t)x86_syscall_entry);
	wrmsr(X86_MSR_CSTAR, (uintptr_t)x86_syscall_compat);
	wrmsr(X86_MSR_SFMASK, X86_RFLAGS_IF | X86_RFLAGS_TF | X86_RFLAGS_DF | X86_RFLAGS_AC |
				      X86_RFLAGS_NT | X86_RFLAGS_IOPL);
	wrmsr(X86_MSR_FS_BASE, 0);
	wrmsr(X86_MSR_GS_BASE, 0);
	wrmsr(X86_MSR_KERNEL_GS_BASE, 0);
}
