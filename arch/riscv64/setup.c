/*
 * arch/riscv64/setup.c: from OpenSBI's hand-off to kern_main(). Runs on the
 * boot page table (boot.S): the direct map of the first 16 GiB of physical
 * space is there, so the DTB and the UART are reachable before the real
 * kernel tables exist.
 */
#define LOG_PREFIX "boot: "
#include <pagoda/errno.h>
#include <lib/fdt.h>
#include <lib/fmt.h>
#include <lib/log.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <kern/boot_info.h>
#include <kern/console.h>
#include <kern/panic.h>
#include <kern/sections.h>
#include "csr.h"
#include "riscv.h"
#include "sbi.h"

/* The DTB may not be larger than this (QEMU's is a few KiB). */
#define DTB_MAX_SIZE (1u << 20)
/* Everything the boot table's direct map reaches (boot.S: 16 GiB). */
#define BOOT_DIRECT_LIMIT (16ull << 30)

static struct boot_info boot_info;
static struct fdt_platform platform;
static char firmware_desc[48];

/*
 * QEMU's test finisher ("sifive,test0"): SBI SRST powers off through it but
 * always with a passing status, whatever the reset reason. A failing
 * shutdown writes FAIL with exit code 1 itself, so test runs see it.
 */
#define FINISHER_FAIL 0x3333
#define FINISHER_EXIT_CODE(c) ((uint32_t)(c) << 16)
static struct fdt_mmio test_finisher;

__noreturn void arch_shutdown(bool failure)
{
	if (failure && test_finisher.present)
		*(volatile uint32_t *)phys_to_virt(test_finisher.base) =
			FINISHER_FAIL | FINISHER_EXIT_CODE(1);
	sbi_shutdown(failure);
	for (;;)
		arch_wait_for_interrupt();
}

/* find_test_finisher: QEMU's test device, if the DTB lists one. */
static void find_test_finisher(const void *dtb)
{
	struct fdt fdt;
	uint64_t base, size;
	int node;

	if (fdt_open(&fdt, dtb, DTB_MAX_SIZE))
		return;
	node = fdt_find_compatible(&fdt, -1, "sifive,test0");
	if (node < 0 || fdt_reg(&fdt, node, 0, &base, &size) || base >= BOOT_DIRECT_LIMIT)
		return;
	test_finisher = (struct fdt_mmio){ .present = true, .base = base, .size = size };
}

const char *arch_name(void)
{
	return "riscv64 (S-mode, rv64imac)";
}

static void add_reserved(struct boot_info *bi, paddr_t start, paddr_t end)
{
	if (bi->nreserved == BOOT_MAX_RESERVED)
		panic("too many reserved memory ranges");
	bi->reserved[bi->nreserved++] = (struct phys_range){ start, end - start };
}

static void add_mmio(struct boot_info *bi, const char *name, const struct fdt_mmio *m)
{
	if (!m->present || bi->nmmio == BOOT_MAX_MMIO)
		return;
	bi->mmio[bi->nmmio++] = (struct boot_mmio){
		.name = name, .base = m->base, .size = m->size, .irq = m->has_irq ? m->irq : 0,
	};
}

static void fill_boot_info(struct boot_info *bi, const struct fdt_platform *p, unsigned long hartid)
{
	long v = sbi_spec_version();

	bi->cmdline = p->bootargs ? p->bootargs : "";
	for (size_t i = 0; i < p->nmem && i < BOOT_MAX_MEM; i++)
		bi->mem[bi->nmem++] = (struct phys_range){ p->mem[i].base, p->mem[i].size };
	for (size_t i = 0; i < p->nreserved; i++)
		add_reserved(bi, p->reserved[i].base, p->reserved[i].base + p->reserved[i].size);
	/* The image from its first byte to the end of bss; OpenSBI lies below it. */
	add_reserved(bi, kernel_image_pa(_kernel_start), kernel_image_pa(_end));
	if (p->has_initrd) {
		bi->initrd = (struct phys_range){ p->initrd_start, p->initrd_end - p->initrd_start };
		add_reserved(bi, p->initrd_start, p->initrd_end);
	}
	add_mmio(bi, "uart", &p->uart.mmio);
	add_mmio(bi, "plic", &p->plic.mmio);
	add_mmio(bi, "finisher", &test_finisher);
	for (size_t i = 0; i < p->nvirtio; i++)
		add_mmio(bi, "virtio", &p->virtio[i]);
	bi->timer_hz = p->timebase_hz;
	bi->hartid = (unsigned int)hartid;
	bi->nharts = p->nharts;
	fmt_snprintf(firmware_desc, sizeof(firmware_desc), "OpenSBI (SBI v%ld.%ld)",
		     (v >> 24) & 0x7f, v & 0xffffff);
	bi->firmware = firmware_desc;
	bi->platform = "QEMU virt";
}

/* arch_boot: called by boot.S on the boot stack, paging on (boot table). */
__noreturn void arch_boot(unsigned long hartid, paddr_t dtb_pa);
__noreturn void arch_boot(unsigned long hartid, paddr_t dtb_pa)
{
	int err;

	arch_trap_init();
	sbi_init();
	/* User mode may read cycle, time and instret (benchmarks, clocks). */
	csr_write(scounteren, 7);
	if (dtb_pa == 0 || dtb_pa + DTB_MAX_SIZE > BOOT_DIRECT_LIMIT)
		panic("no usable device tree (a1 = %#lx)", (unsigned long)dtb_pa);
	err = fdt_platform_parse(phys_to_virt(dtb_pa), DTB_MAX_SIZE, dtb_pa, &platform);
	if (err)
		panic("the device tree is unusable: %s", errno_name(err));
	find_test_finisher(phys_to_virt(dtb_pa));
	if (platform.uart.mmio.present && platform.uart.mmio.base < BOOT_DIRECT_LIMIT)
		riscv_console_use_uart((uintptr_t)phys_to_virt(platform.uart.mmio.base),
				       platform.uart.reg_shift, (uint32_t)platform.uart.clock_hz);
	if (!platform.timebase_hz)
		panic("the device tree gives no timebase-frequency");
	riscv_timer_init(platform.timebase_hz);
	fill_boot_info(&boot_info, &platform, hartid);
	if (platform.plic.mmio.present)
		riscv_plic_init(platform.plic.mmio.base, platform.plic.ndev, (unsigned int)hartid);
	kern_main(&boot_info);
}
