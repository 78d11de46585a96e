/*
 * kern/main.c: the arch-neutral boot: memory, kernel page tables, the
 * clock, then either the self-tests (command line "ktest") or the root
 * task; the boot thread then waits for it and powers off when it ends.
 */
#define LOG_PREFIX "kern: "
#include <pagoda/errno.h>
#include <lib/cmdline.h>
#include <lib/log.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/clock.h>
#include <kern/console.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/panic.h>
#include <kern/roottask.h>
#include <kern/sched.h>
#include <kern/thread.h>

static void print_banner(const struct boot_info *bi)
{
	psize_t total = 0;

	kprintf("\nPagoda microkernel [%s]\n", CONFIG_NAME);
	kprintf("  cpu      %s, hart %u of %u\n", arch_name(), bi->hartid, bi->nharts);
	kprintf("  firmware %s on %s\n", bi->firmware, bi->platform);
	kprintf("  paging   %s\n", arch_pt_fmt()->name);
	for (size_t i = 0; i < bi->nmem; i++) {
		kprintf("  memory   %#014llx-%#014llx (%llu MiB)\n",
			(unsigned long long)bi->mem[i].base,
			(unsigned long long)(bi->mem[i].base + bi->mem[i].size - 1),
			(unsigned long long)(bi->mem[i].size >> 20));
		total += bi->mem[i].size;
	}
	for (size_t i = 0; i < bi->nreserved; i++)
		kprintf("  reserved %#014llx-%#014llx\n", (unsigned long long)bi->reserved[i].base,
			(unsigned long long)(bi->reserved[i].base + bi->reserved[i].size - 1));
	for (size_t i = 0; i < bi->nmmio; i++)
		kprintf("  device   %-8s %#010llx irq %u\n", bi->mmio[i].name,
			(unsigned long long)bi->mmio[i].base, bi->mmio[i].irq);
	kprintf("  timer    %llu Hz\n", (unsigned long long)bi->timer_hz);
	kprintf("  cmdline  \"%s\"\n", bi->cmdline);
	kprintf("  RAM      %llu MiB, %zu KiB free for the kernel\n",
		(unsigned long long)(total >> 20),
		frame_pool_free_count(&kernel_frames) * (PAGE_SIZE / 1024));
}

/*
 * run_root_task: start the root task ("init", or the program named by
 * init=NAME on the command line) and power off when it ends, failing if
 * its exit code is not 0.
 */
static __noreturn void run_root_task(const struct boot_info *bi)
{
	char name[32] = "init";
	struct user_program prog;
	const char *v;
	size_t len;
	long code;
	int err;

	if (cmdline_find(bi->cmdline, "init", &v, &len) && len > 0 && len < sizeof(name)) {
		for (size_t i = 0; i < len; i++)
			name[i] = v[i];
		name[len] = '\0';
	}
	err = roottask_load(bi, name, &prog);
	if (err) {
		log_err("cannot start the root task '%s': %s\n", name, errno_name(err));
		arch_shutdown(true);
	}
	thread_start(prog.thread);
	code = thread_join(prog.thread);
	/*
	 * The root task's resources are not reclaimed: it holds capabilities
	 * to itself, and the system ends with it.
	 */
	log_info("root task '%s' exited with code %ld; powering off\n", name, code);
	arch_shutdown(code != 0);
}

void kern_main(struct boot_info *bi)
{
	int err;

	err = mem_init(bi);
	if (err)
		panic("no usable memory: %s", errno_name(err));
	err = arch_mmu_init(bi);
	if (err)
		panic("cannot build the kernel page tables: %s", errno_name(err));
	print_banner(bi);
	thread_init_boot();
	loader_set_archive(&bi->initrd);
	clock_start();
	arch_irq_enable();

	if (cmdline_value_is(bi->cmdline, "ktest", "crash"))
		ktest_crash();
	if (cmdline_find(bi->cmdline, "ktest", NULL, NULL)) {
		int failed = ktest_run_all();

		arch_shutdown(failed != 0);
	}
	run_root_task(bi);
}
