/*
 * arch/x86_64/setup.c: from the PVH hand-off to kern_main(). Runs on the
 * boot tables (boot.S), whose direct map covers the first 4 GiB of
 * physical space: the start info, its memory map and modules, and the
 * APICs are reachable before the real kernel tables exist.
 *
 * The boot information is struct hvm_start_info (Xen's public
 * arch-x86/hvm/start_info.h, version 1, which QEMU's PVH option ROM
 * fills): RAM from its E820-style memory map, the command line, and the
 * initrd as module 0.
 */
#define LOG_PREFIX "boot: "
#include <pagoda/errno.h>
#include <lib/fmt.h>
#include <lib/log.h>
#include <lib/string.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <kern/boot_info.h>
#include <kern/console.h>
#include <kern/panic.h>
#include <kern/sections.h>
#include "x86.h"

#define HVM_START_MAGIC	0x336ec578
#define E820_RAM	1
/* Everything the boot tables' direct map reaches (boot.S). */
#define BOOT_DIRECT_LIMIT ((uint64_t)X86_BOOT_DIRECT_GB << 30)
/* Below 1 MiB: real-mode structures, the BIOS and its option ROMs. */
#define LOW_MEMORY_END	0x100000
#define IOAPIC_BASE	0xfec00000
#define CMDLINE_MAX	1024

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;		/* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

static struct boot_info boot_info;
static char cmdline[CMDLINE_MAX];
static char platform_desc[32];

__noreturn void arch_shutdown(bool failure)
{
	arch_irq_disable();
	/* QEMU's isa-debug-exit: exit status 1 (clean) or 3 (failure); scripts/qemu.sh maps them. */
	outl(X86_DEBUG_EXIT_PORT, failure ? 1 : 0);
	/* Without that device: ACPI S5 through the PM1a control block of QEMU pc and q35. */
	outw(0x604, 0x2000);
	for (;;)
		arch_wait_for_interrupt();
}

/* boot_ptr: the direct-map address of a boot structure, if the boot tables reach it. */
static const void *boot_ptr(uint64_t pa, uint64_t len)
{
	if (!pa || pa >= BOOT_DIRECT_LIMIT || len > BOOT_DIRECT_LIMIT - pa)
		return NULL;
	return phys_to_virt(pa);
}

static void add_reserved(struct boot_info *bi, paddr_t start, paddr_t end)
{
	if (bi->nreserved == BOOT_MAX_RESERVED)
		panic("too many reserved memory ranges");
	bi->reserved[bi->nreserved++] = (struct phys_range){ start, end - start };
}

static void add_mmio(struct boot_info *bi, const char *name, paddr_t base, psize_t size)
{
	if (bi->nmmio < BOOT_MAX_MMIO)
		bi->mmio[bi->nmmio++] = (struct boot_mmio){ .name = name, .base = base, .size = size };
}

/*
 * parse_memmap: RAM above the first MiB and below BOOT_DIRECT_LIMIT, from
 * the E820 entries of type 1.
 */
static void parse_memmap(struct boot_info *bi, const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *map;

	map = boot_ptr(si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(*map));
	if (si->version < 1 || !map || !si->memmap_entries)
		panic("the PVH start info has no memory map (version %u)", si->version);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		uint64_t start = MAX(map[i].addr, (uint64_t)LOW_MEMORY_END);
		uint64_t end = map[i].addr + map[i].size;

		if (map[i].type == E820_RAM && end > BOOT_DIRECT_LIMIT) {
			log_warn("RAM above %llu GiB is not used\n",
				 (unsigned long long)X86_BOOT_DIRECT_GB);
			end = BOOT_DIRECT_LIMIT;
		}
		if (map[i].type != E820_RAM || end <= start)
			continue;
		if (bi->nmem == BOOT_MAX_MEM) {
			log_warn("more than %d RAM ranges; ignoring the rest\n", BOOT_MAX_MEM);
			break;
		}
		bi->mem[bi->nmem++] = (struct phys_range){ start, end - start };
	}
}

static void parse_start_info(struct boot_info *bi, const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *mod;
	const char *cl;

	parse_memmap(bi, si);
	cl = boot_ptr(si->cmdline_paddr, 1);
	for (size_t i = 0; cl && i < CMDLINE_MAX - 1 && cl[i]; i++)
		cmdline[i] = cl[i];
	bi->cmdline = cmdline;
	add_reserved(bi, kernel_image_pa(_kernel_start), kernel_image_pa(_end));
	mod = boot_ptr(si->modlist_paddr, sizeof(*mod));
	if (si->nr_modules >= 1 && mod && mod->size && boot_ptr(mod->paddr, mod->size)) {
		bi->initrd = (struct phys_range){ mod->paddr, mod->size };
		add_reserved(bi, mod->paddr, mod->paddr + mod->size);
	}
}

/* platform_name: the host bridge on PCI 00:00.0 tells QEMU's two PC machines apart. */
static const char *platform_name(void)
{
	uint32_t id;

	outl(0xcf8, 0x80000000u);
	id = inl(0xcfc);
	if (id == 0x12378086)
		return "QEMU pc (i440FX)";
	if (id == 0x29c08086)
		return "QEMU q35";
	fmt_snprintf(platform_desc, sizeof(platform_desc), "PC (host bridge %04x:%04x)",
		     id & 0xffff, id >> 16);
	return platform_desc;
}

/* x86_boot: called by boot.S on the boot stack, long mode on (boot tables). */
__noreturn void x86_boot(uint32_t start_info_pa);
__noreturn void x86_boot(uint32_t start_info_pa)
{
	const struct hvm_start_info *si = boot_ptr(start_info_pa, sizeof(*si));
	paddr_t lapic_base;

	x86_uart_init();
	x86_cpu_detect();
	x86_cpu_init();
	if (!si || si->magic != HVM_START_MAGIC)
		panic("not started through PVH (%%ebx = %#x)", start_info_pa);
	parse_start_info(&boot_info, si);
	x86_pic_disable();
	lapic_base = rdmsr(X86_MSR_APIC_BASE) & ~0xfffull & ((1ull << 52) - 1);
	add_mmio(&boot_info, "lapic", lapic_base, PAGE_SIZE);
	add_mmio(&boot_info, "ioapic", IOAPIC_BASE, PAGE_SIZE);
	x86_lapic_init(lapic_base);
	x86_ioapic_init(IOAPIC_BASE, x86_lapic_id());
	x86_timer_init();
	boot_info.timer_hz = arch_timer_freq();
	boot_info.hartid = x86_lapic_id();
	boot_info.nharts = 1;
	boot_info.firmware = "PVH boot (hvm_start_info)";
	boot_info.platform = platform_name();
	kern_main(&boot_info);
}
