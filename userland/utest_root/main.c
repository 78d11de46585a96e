/*
 * userland/utest_root: the kernel-core test suite, run as the root task
 * (make test boots it with init=utest_root). It builds processes itself
 * from the capabilities the kernel gave it and reports KTAP.
 */
#include <lib/cmdline.h>
#include <lib/ktap.h>
#include <lib/string.h>
#include <arch_user.h>
#include <check.h>
#include <pagoda.h>
#include <spawn.h>

#define SCRATCH_TEST_VA 0x1e00000000ul

static int failed;

static void out(const char *s)
{
	sys_debug_write(s, strlen(s));
}

/* run_child: spawn @name with @arg, wait for it; its exit code, or a spawn error. */
static long run_child(const char *name, unsigned long arg)
{
	struct child c;
	long err = spawn(name, THREAD_PRIO_DEFAULT_USER, &c);

	if (!err)
		err = thread_start(c.thread, c.entry, c.stack_top, arg);
	return err ? err : thread_wait(c.thread);
}

static void test_root_info(void)
{
	const struct root_info *ri = root_info();
	unsigned long ram = 0;

	CHECK(ri->archive_size > 0);
	CHECK(cmdline_value_is(ri->cmdline, "init", "utest_root"), "cmdline %s", ri->cmdline);
	CHECK(ri->page_size == 4096);
	for (unsigned long i = 0; i < ri->nregions; i++)
		if (ri->regions[i].kind == ROOT_REGION_RAM)
			ram += ri->regions[i].npages;
	CHECK(ram > 1024, "only %lu pages of RAM", ram);
}

/* IPC between two processes built here, with capabilities given by cap_give. */
static void test_spawned_ipc_pair(void)
{
	struct child srv, cli;
	long ep = slot_alloc(), gift = slot_alloc();

	CHECK(spawn("utest_ipc_server", THREAD_PRIO_DEFAULT_USER, &srv) == 0);
	CHECK(spawn("utest_ipc_client", THREAD_PRIO_DEFAULT_USER, &cli) == 0);
	CHECK(endpoint_create(ep) == 0 && endpoint_create(gift) == 0);
	CHECK(cap_give(ep, srv.cspace, 1, CAP_R_SEND | CAP_R_RECV | CAP_R_GRANT, 0) == 0);
	CHECK(cap_give(ep, cli.cspace, 1, CAP_R_SEND | CAP_R_GRANT, 42) == 0);
	CHECK(cap_give(ep, cli.cspace, 2, CAP_R_SEND, 7) == 0);
	CHECK(cap_give(gift, cli.cspace, 3, CAP_R_ALL, 0) == 0);
	CHECK(cap_give(ep, cli.cspace, 2, CAP_R_SEND, 0) == -EEXIST);
	CHECK(thread_start(srv.thread, srv.entry, srv.stack_top, 0) == 0);
	CHECK(thread_start(cli.thread, cli.entry, cli.stack_top, 0) == 0);
	CHECK(thread_start(cli.thread, cli.entry, cli.stack_top, 0) == -EINVAL, "started twice");
	CHECK(thread_wait(cli.thread) == 0, "client failures");
	CHECK(thread_wait(srv.thread) == 0, "server failures");
	CHECK(thread_wait(srv.thread) == 0, "waiting on a dead thread");
}

static void test_map_rules(void)
{
	long region, as = slot_alloc();
	unsigned long pgoff;
	volatile unsigned long *p = (volatile unsigned long *)SCRATCH_TEST_VA;

	CHECK(ram_page_alloc(&region, &pgoff) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA + 8, region, pgoff, 1, MAP_R) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, 0xffffffff80200000ul, region, pgoff, 1, MAP_R) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, 0, region, pgoff, 1, MAP_R) == -EINVAL, "page 0");
	CHECK(map(ROOT_SLOT_ASPACE, root_info()->user_top - 4096, region, pgoff, 2, MAP_R) ==
	      -EINVAL, "past the top");
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 0, MAP_R) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, ~0ul, 1, MAP_R) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_W) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R | MAP_W | MAP_X) ==
	      -EINVAL, "W+X");
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, 0x10 | MAP_R) == -EINVAL);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, ROOT_SLOT_THREAD, 0, 1, MAP_R) == -ECAPTYPE);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, ROOT_SLOT_ARCHIVE, 0, 1, MAP_R | MAP_W) ==
	      -EPERM, "the archive is read-only");
	CHECK(map(ROOT_SLOT_THREAD, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R) == -ECAPTYPE);
	CHECK(map(4000, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R) == -EBADF);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R | MAP_W) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R) == -EEXIST);
	p[0] = 0x1234;
	p[511] = 0x5678;
	CHECK(p[0] == 0x1234 && p[511] == 0x5678);
	CHECK(unmap(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, 1) == 0);
	CHECK(unmap(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, 0) == -EINVAL);
	/* The data is in the frame, not the mapping: map it again elsewhere. */
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA + 4096, region, pgoff, 1, MAP_R) == 0);
	CHECK(p[512] == 0x1234);
	CHECK(unmap(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA + 4096, 1) == 0);
	/*
	 * Page-table quota: one table per level (the root included) allows one
	 * leaf table; a second one is refused.
	 */
	CHECK(aspace_create(as, 0) == -EINVAL);
	CHECK(aspace_create(as, root_info()->pt_levels) == 0);
	CHECK(map(as, 0x400000, region, pgoff, 1, MAP_R) == 0);
	CHECK(map(as, 0x401000, region, pgoff, 1, MAP_R) == 0, "same leaf table");
	CHECK(map(as, 0x40000000, region, pgoff, 1, MAP_R) == -ENOMEM, "quota");
	CHECK(map(as, 0x402000, region, pgoff, 1, MAP_R) == 0, "still usable");
	CHECK(cap_delete(as) == 0);
}

static void test_thread_regs(void)
{
	long t = slot_alloc(), as = slot_alloc(), cs = slot_alloc();
	struct user_regs in, back;

	CHECK(aspace_create(as, 8) == 0 && cspace_create(cs, 16) == 0);
	CHECK(cspace_create(slot_alloc(), 1) == -EINVAL);
	CHECK(thread_create(t, cs, as, THREAD_PRIO_DEFAULT_USER + 1) == -EPERM, "priority");
	CHECK(thread_create(t, as, cs, THREAD_PRIO_DEFAULT_USER) == -ECAPTYPE);
	CHECK(thread_create(t, cs, as, THREAD_PRIO_DEFAULT_USER) == 0);
	for (int i = 0; i < 32; i++)
		in.gpr[i] = 0x1000u * (unsigned)i + 7;
	in.pc = 0x400123;
	CHECK(thread_write_regs(t, &in) == 0);
	CHECK(thread_read_regs(t, &back) == 0);
	CHECK(back.pc == in.pc && back.gpr[5] == in.gpr[5] &&
	      back.gpr[ARCH_USER_GPRS - 1] == in.gpr[ARCH_USER_GPRS - 1]);
	if (ARCH_USER_GPR_ZERO >= 0)
		CHECK(back.gpr[ARCH_USER_GPR_ZERO] == 0, "the zero register reads as 0");
	CHECK(thread_read_regs(t, (struct user_regs *)8) == -EFAULT);
	CHECK(thread_write_regs(t, (struct user_regs *)0xffffffff80200000ul) == -EFAULT);
	CHECK(thread_read_regs(ROOT_SLOT_THREAD, &back) == -EBUSY, "a running thread");
	CHECK(cap_delete(t) == 0 && cap_delete(as) == 0 && cap_delete(cs) == 0);
}

static void test_protect_query(void)
{
	unsigned long va = SCRATCH_TEST_VA + 0x100000, pgoff;
	volatile unsigned long *p = (volatile unsigned long *)va;
	unsigned char st[4] = { 0 };
	long region;

	CHECK(ram_page_alloc(&region, &pgoff) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, va, region, pgoff, 1, MAP_R | MAP_W) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, va + 8192, ROOT_SLOT_ARCHIVE, 0, 1, MAP_R) == 0);
	p[0] = 42;
	CHECK(query(ROOT_SLOT_ASPACE, va, 3, st, false) == 0);
	CHECK(st[0] == (QUERY_PRESENT | QUERY_W | QUERY_ACCESSED | QUERY_DIRTY), "%#x", st[0]);
	CHECK(st[1] == 0 && (st[2] & (QUERY_PRESENT | QUERY_W)) == QUERY_PRESENT);
	CHECK(query(ROOT_SLOT_ASPACE, va, 1, st, true) == 0 && (st[0] & QUERY_ACCESSED));
	CHECK(query(ROOT_SLOT_ASPACE, va, 1, st, false) == 0 && !(st[0] & QUERY_ACCESSED),
	      "accessed cleared: %#x", st[0]);
	CHECK(query(ROOT_SLOT_ASPACE, va, 1, (unsigned char *)8, false) == -EFAULT);
	CHECK(protect(ROOT_SLOT_ASPACE, va, 3, MAP_R) == 0, "across a hole");
	CHECK(query(ROOT_SLOT_ASPACE, va, 1, st, false) == 0 && !(st[0] & QUERY_W));
	CHECK(p[0] == 42);
	CHECK(protect(ROOT_SLOT_ASPACE, va, 1, MAP_R | MAP_W) == 0);
	p[0] = 43;
	CHECK(protect(ROOT_SLOT_ASPACE, va + 8192, 1, MAP_R | MAP_W) == -EPERM,
	      "the archive's frames were mapped without the write right");
	CHECK(protect(ROOT_SLOT_ASPACE, va, 1, MAP_W) == -EINVAL);
	CHECK(protect(ROOT_SLOT_ASPACE, va, 1, MAP_R | MAP_W | MAP_X) == -EINVAL);
	CHECK(protect(ROOT_SLOT_ASPACE, va + 1, 1, MAP_R) == -EINVAL);
	CHECK(unmap_status(ROOT_SLOT_ASPACE, va, 3, st) == 0);
	CHECK((st[0] & (QUERY_PRESENT | QUERY_DIRTY)) == (QUERY_PRESENT | QUERY_DIRTY));
	CHECK(st[1] == 0 && (st[2] & QUERY_PRESENT));
	CHECK(query(ROOT_SLOT_ASPACE, va, 3, st, false) == 0 && !st[0] && !st[1] && !st[2]);
}

/* A thread that never yields must not starve another of the same priority. */
static void test_preemption(void)
{
	struct child c;

	CHECK(spawn("utest_spin", THREAD_PRIO_DEFAULT_USER, &c) == 0);
	CHECK(thread_start(c.thread, c.entry, c.stack_top, 0) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(sys_yield() == 0);	/* returns only if the spinner is preempted */
	CHECK(cap_delete(c.thread) == 0, "killing the spinner");
	/* A lower priority runs whenever nothing higher is runnable (we wait). */
	CHECK(spawn("utest_basic", THREAD_PRIO_DEFAULT_USER - 5, &c) == 0);
	CHECK(thread_start(c.thread, c.entry, c.stack_top, 0) == 0);
	CHECK(thread_wait(c.thread) == 0, "a priority-5 thread ran to its end");
}

static void test_notifications(void)
{
	long nt = slot_alloc(), a = slot_alloc(), b = slot_alloc(), ro = slot_alloc();
	struct child c;

	CHECK(notification_create(nt) == 0);
	CHECK(ntfn_poll(nt) == -EAGAIN);
	CHECK(cap_mint(nt, a, CAP_R_SEND, 0x4) == 0 && cap_mint(nt, b, CAP_R_SEND, 0x10) == 0);
	CHECK(cap_mint(a, ro, CAP_R_SEND, 0x8) == -EINVAL, "badges are set once");
	CHECK(ntfn_signal(a) == 0 && ntfn_signal(b) == 0 && ntfn_signal(a) == 0);
	CHECK(ntfn_poll(nt) == 0x14);
	CHECK(ntfn_poll(nt) == -EAGAIN, "bits are cleared");
	CHECK(ntfn_wait(a) == -EPERM, "waiting needs the receive right");
	CHECK(cap_copy(nt, ro, CAP_R_RECV) == 0 && ntfn_signal(ro) == -EPERM);
	CHECK(ntfn_wait(ROOT_SLOT_THREAD) == -ECAPTYPE);
	/* Another process signals while we are blocked in wait. */
	CHECK(spawn("utest_ntfn", THREAD_PRIO_DEFAULT_USER, &c) == 0);
	CHECK(cap_give(nt, c.cspace, 1, CAP_R_SEND, 0x100) == 0);
	CHECK(thread_start(c.thread, c.entry, c.stack_top, 3) == 0);
	{
		long bits = 0;

		while (bits >= 0 && !(bits & 0x100))
			bits = ntfn_wait(nt);
		CHECK(bits == 0x100, "bits %ld", bits);
	}
	CHECK(thread_wait(c.thread) == 0);
	ntfn_poll(nt);
	CHECK(cap_delete(a) == 0 && cap_delete(b) == 0 && cap_delete(ro) == 0);
	CHECK(cap_delete(nt) == 0);
}

static const struct root_region *find_region(unsigned long kind, const char *name)
{
	const struct root_info *ri = root_info();

	for (unsigned long i = 0; i < ri->nregions; i++)
		if (ri->regions[i].kind == kind && !strcmp(ri->regions[i].name, name))
			return &ri->regions[i];
	return NULL;
}

/*
 * A real interrupt: the UART raises "transmitter empty" as soon as that
 * interrupt is enabled in its IER; the line arrives as notification bits.
 */
static void test_irq_delivery(void)
{
	const struct root_region *uart = find_region(ROOT_REGION_MMIO, "uart");
	const struct root_region *line = find_region(ROOT_REGION_IRQ, "uart");
	volatile unsigned char *regs = (volatile unsigned char *)(SCRATCH_TEST_VA + 0x10000);
	long nt = slot_alloc(), bits = -EAGAIN;

	if (!ARCH_UART_MMIO) {
		ktap_diag("the UART is not memory-mapped on this machine: not run");
		return;
	}
	if (!uart || !line) {
		CHECK(false, "no UART region or line in root_info");
		return;
	}
	CHECK(notification_create(nt) == 0);
	CHECK(irq_bind((long)uart->slot, nt) == -ECAPTYPE);
	CHECK(irq_ack((long)line->slot) == -ENOENT, "not bound yet");
	CHECK(irq_bind((long)line->slot, nt) == 0);
	CHECK(irq_bind((long)line->slot, nt) == -EBUSY);
	CHECK(map(ROOT_SLOT_ASPACE, (unsigned long)regs, (long)uart->slot, 0, 1, MAP_R | MAP_W) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, (unsigned long)regs + 4096, (long)uart->slot, 0, 1,
		  MAP_R | MAP_X) == -EINVAL, "MMIO is never executable");
	regs[1] |= 0x02;	/* IER: transmitter holding register empty */
	for (int i = 0; i < 100000 && bits == -EAGAIN; i++)
		bits = ntfn_poll(nt);
	regs[1] &= (unsigned char)~0x02;
	CHECK(bits == 1, "notification bits %ld", bits);
	CHECK(irq_ack((long)line->slot) == 0);
	CHECK(irq_unbind((long)line->slot) == 0);
	CHECK(irq_unbind((long)line->slot) == -ENOENT);
	CHECK(unmap(ROOT_SLOT_ASPACE, (unsigned long)regs, 1) == 0);
	CHECK(cap_delete(nt) == 0);
}

/*
 * A binding lives with the capability it was made with: it follows a
 * move, and goes (the line masked, free for the next driver) when that
 * capability is deleted or revoked; other capabilities to the line do
 * not keep it.
 */
static void test_irq_binding_lifetime(void)
{
	const struct root_region *line = NULL;
	const struct root_info *ri = root_info();
	long nt = slot_alloc(), c1 = slot_alloc(), c2 = slot_alloc();

	for (unsigned long i = 0; i < ri->nregions && !line; i++)
		if (ri->regions[i].kind == ROOT_REGION_IRQ)
			line = &ri->regions[i];
	if (!line) {
		ktap_diag("the root task has no interrupt line on this machine: not run");
		return;
	}
	CHECK(notification_create(nt) == 0);
	CHECK(cap_copy((long)line->slot, c1, CAP_R_ALL) == 0);
	CHECK(irq_bind(c1, nt) == 0);
	CHECK(irq_bind((long)line->slot, nt) == -EBUSY);
	CHECK(cap_move(c1, c2) == 0);
	CHECK(irq_bind((long)line->slot, nt) == -EBUSY, "the binding followed its capability");
	CHECK(irq_ack((long)line->slot) == 0);
	CHECK(cap_delete(c2) == 0);
	CHECK(irq_ack((long)line->slot) == -ENOENT, "unbound with its capability");
	CHECK(irq_bind((long)line->slot, nt) == 0, "the line is free again");
	CHECK(cap_copy((long)line->slot, c1, CAP_R_ALL) == 0 && cap_delete(c1) == 0);
	CHECK(irq_ack((long)line->slot) == 0, "another capability's end changes nothing");
	CHECK(irq_unbind((long)line->slot) == 0);
	/* bound through a derived capability, ended by revoking the root's */
	CHECK(cap_copy((long)line->slot, c1, CAP_R_ALL) == 0 && irq_bind(c1, nt) == 0);
	CHECK(cap_revoke((long)line->slot) == 0);
	CHECK(irq_ack((long)line->slot) == -ENOENT, "unbound by the revoke");
	CHECK(irq_bind((long)line->slot, nt) == 0 && irq_unbind((long)line->slot) == 0);
	CHECK(cap_delete(nt) == 0);
}

static void test_suspend_resume(void)
{
	struct child spin, srv;
	struct user_regs regs;
	long ep = slot_alloc();

	CHECK(spawn("utest_spin", THREAD_PRIO_DEFAULT_USER, &spin) == 0);
	CHECK(thread_start(spin.thread, spin.entry, spin.stack_top, 0) == 0);
	CHECK(sys_yield() == 0);
	CHECK(thread_suspend(spin.thread) == 0);
	CHECK(thread_suspend(spin.thread) == 0, "suspending twice is fine");
	CHECK(thread_read_regs(spin.thread, &regs) == 0);
	CHECK(regs.pc >= 0x400000 && regs.pc < 0x500000, "pc %llx", regs.pc);
	CHECK(thread_resume(spin.thread) == 0);
	CHECK(thread_resume(spin.thread) == -EINVAL, "already running");
	CHECK(sys_yield() == 0);
	CHECK(cap_delete(spin.thread) == 0);
	/* A thread blocked in IPC has stable registers too. */
	CHECK(spawn("utest_ipc_server", THREAD_PRIO_DEFAULT_USER, &srv) == 0);
	CHECK(endpoint_create(ep) == 0);
	CHECK(cap_give(ep, srv.cspace, 1, CAP_R_RECV | CAP_R_SEND, 0) == 0);
	CHECK(thread_start(srv.thread, srv.entry, srv.stack_top, 0) == 0);
	CHECK(sys_yield() == 0);
	CHECK(thread_read_regs(srv.thread, &regs) == 0, "blocked in recv");
	CHECK(cap_delete(srv.thread) == 0 && cap_delete(ep) == 0);
}

/* Each missing right gives -EPERM, on every kind of capability. */
static void test_rights(void)
{
	long t = slot_alloc(), as = slot_alloc(), cs = slot_alloc(), nt = slot_alloc();
	long weak = slot_alloc(), region;
	unsigned long pgoff;
	struct child c;

	CHECK(spawn("utest_spin", THREAD_PRIO_DEFAULT_USER, &c) == 0);
	CHECK(cap_copy(c.thread, t, CAP_R_ALL & ~CAP_R_CONTROL) == 0);
	CHECK(thread_start(t, c.entry, c.stack_top, 0) == -EPERM);
	CHECK(thread_suspend(t) == -EPERM && thread_set_prio(t, 1) == -EPERM);
	CHECK(thread_set_prio(c.thread, THREAD_PRIO_DEFAULT_USER + 1) == -EPERM, "above own");
	CHECK(thread_set_prio(c.thread, 99) == -EPERM);
	CHECK(thread_set_prio(c.thread, 3) == 0);
	CHECK(cap_copy(c.aspace, as, CAP_R_ALL & ~CAP_R_MAP) == 0);
	CHECK(ram_page_alloc(&region, &pgoff) == 0);
	CHECK(map(as, 0x10000000, region, pgoff, 1, MAP_R) == -EPERM);
	CHECK(unmap(as, 0x400000, 1) == -EPERM);
	CHECK(cap_copy(c.cspace, cs, CAP_R_ALL & ~CAP_R_CONTROL) == 0);
	CHECK(cap_give(ROOT_SLOT_ARCHIVE, cs, 5, CAP_R_READ, 0) == -EPERM);
	CHECK(cap_copy(region, weak, CAP_R_MAP | CAP_R_READ) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, weak, pgoff, 1, MAP_R | MAP_W) == -EPERM);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, weak, pgoff, 1, MAP_R | MAP_X) == -EPERM);
	CHECK(cap_delete(weak) == 0 && cap_copy(region, weak, CAP_R_READ | CAP_R_WRITE) == 0);
	CHECK(map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, weak, pgoff, 1, MAP_R) == -EPERM, "no map");
	CHECK(notification_create(nt) == 0 && cap_delete(weak) == 0);
	CHECK(cap_copy(nt, weak, CAP_R_RECV) == 0 && ntfn_signal(weak) == -EPERM);
	CHECK(cap_delete(weak) == 0 && cap_copy(nt, weak, CAP_R_SEND) == 0);
	CHECK(ntfn_poll(weak) == -EPERM);
	{
		long copy = slot_alloc();

		CHECK(cap_copy(weak, copy, CAP_R_ALL) == 0);
		CHECK(ntfn_poll(copy) == -EPERM, "a copy never gains rights");
	}
	CHECK(cap_delete(c.thread) == 0);
}

/*
 * run_faulting: spawn @name with its faults going to @ep (badge 77), the
 * handler allowed to map on its replies if @may_map; receive its first fault.
 */
static long run_faulting(const char *name, long ep_badged, long ep, struct child *c,
			 struct ipc_msg *m, bool may_map)
{
	long err = spawn(name, THREAD_PRIO_DEFAULT_USER, c);

	if (!err)
		err = thread_set_fault_ep(c->thread, ep_badged, may_map ? c->aspace : 0);
	if (!err)
		err = thread_start(c->thread, c->entry, c->stack_top, 0);
	return err ? err : ipc_recv(ep, m);
}

static void test_fault_forwarding(void)
{
	long ep = slot_alloc(), badged = slot_alloc(), region;
	struct user_regs regs;
	unsigned long pgoff;
	struct ipc_msg m;
	struct child c;

	CHECK(endpoint_create(ep) == 0 && cap_mint(ep, badged, CAP_R_SEND, 77) == 0);
	/* A page fault, answered by mapping the page: the write then succeeds. */
	CHECK(run_faulting("utest_fault", badged, ep, &c, &m, false) == 0);
	CHECK(IPC_INFO_LABEL(m.info) == FAULT_LABEL_PAGE && m.badge == 77);
	CHECK(m.w[0] == 0x20000000 && m.w[1] == FAULT_ACCESS_WRITE, "addr %llx", m.w[0]);
	CHECK(thread_set_fault_ep(c.thread, ROOT_SLOT_THREAD, 0) == -ECAPTYPE);
	CHECK(thread_set_fault_ep(c.thread, badged, ROOT_SLOT_ASPACE) == -EINVAL, "not its space");
	CHECK(thread_read_regs(c.thread, &regs) == 0 && regs.pc == m.w[2], "pc of the fault");
	CHECK(ram_page_alloc(&region, &pgoff) == 0);
	CHECK(map(c.aspace, 0x20000000, region, pgoff, 1, MAP_R | MAP_W) == 0);
	m.info = IPC_INFO(FAULT_REPLY_RESUME, 0, 0, 0);
	CHECK(ipc_reply(&m) == 0);
	CHECK(thread_wait(c.thread) == 1, "resumed after the handler mapped the page");
	/* The handler refuses: the thread ends with -EFAULT. */
	CHECK(run_faulting("utest_fault", badged, ep, &c, &m, false) == 0);
	m.info = IPC_INFO(FAULT_REPLY_KILL, 0, 0, 0);
	CHECK(ipc_reply(&m) == 0);
	CHECK(thread_wait(c.thread) == -EFAULT);
	/* A breakpoint, stepped over by moving the pc. */
	CHECK(run_faulting("utest_ebreak", badged, ep, &c, &m, false) == 0);
	CHECK(IPC_INFO_LABEL(m.info) == FAULT_LABEL_EXCEPTION && m.w[1] == FAULT_EXC_BREAKPOINT);
	CHECK(thread_read_regs(c.thread, &regs) == 0 && regs.pc == m.w[2]);
	regs.pc += ARCH_BREAKPOINT_LEN;
	CHECK(thread_write_regs(c.thread, &regs) == 0);
	m.info = IPC_INFO(FAULT_REPLY_RESUME, 0, 0, 0);
	CHECK(ipc_reply(&m) == 0);
	CHECK(thread_wait(c.thread) == 5, "stepped over the breakpoint");
	CHECK(cap_delete(badged) == 0 && cap_delete(ep) == 0);
}

/* peek: the first word of page @pgoff of @region, through a scratch mapping. */
static unsigned long peek(long region, unsigned long pgoff)
{
	volatile unsigned long *p = (volatile unsigned long *)SCRATCH_TEST_VA;
	unsigned long v = ~0ul;

	if (map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R) == 0) {
		v = *p;
		unmap(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, 1);
	}
	return v;
}

static void poke(long region, unsigned long pgoff, unsigned long v)
{
	volatile unsigned long *p = (volatile unsigned long *)SCRATCH_TEST_VA;

	if (map(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, region, pgoff, 1, MAP_R | MAP_W) == 0) {
		*p = v;
		unmap(ROOT_SLOT_ASPACE, SCRATCH_TEST_VA, 1);
	}
}

static long reply_map(struct ipc_msg *m, unsigned int nwords, long region, unsigned long pgoff,
		      unsigned long prot)
{
	m->w[0] = (unsigned long)region;
	m->w[1] = pgoff;
	m->w[2] = prot;
	m->info = IPC_INFO(FAULT_REPLY_MAP, nwords, 0, 0);
	return ipc_reply(m);
}

/*
 * FAULT_REPLY_MAP: every bad reply is refused with the fault still waiting;
 * a good one maps the page (replacing a read-only one) and resumes.
 */
static void test_fault_reply_map(void)
{
	long ep = slot_alloc(), badged = slot_alloc(), weak = slot_alloc(), ra = 0, rb = 0;
	unsigned long pa = 0, pb = 0;
	struct user_regs regs;
	struct ipc_msg m;
	struct child c;

	CHECK(endpoint_create(ep) == 0 && cap_mint(ep, badged, CAP_R_SEND, 78) == 0);
	CHECK(ram_page_alloc(&ra, &pa) == 0 && ram_page_alloc(&rb, &pb) == 0);
	CHECK(cap_copy(rb, weak, CAP_R_MAP | CAP_R_READ) == 0);
	poke(ra, pa, 0);
	poke(rb, pb, 0);
	/* A handler set without the space's map right may only resume or kill. */
	CHECK(run_faulting("utest_fault", badged, ep, &c, &m, false) == 0);
	CHECK(reply_map(&m, 3, ra, pa, MAP_R | MAP_W) == -EPERM, "no map authority");
	m.info = IPC_INFO(FAULT_REPLY_KILL, 0, 0, 0);
	CHECK(ipc_reply(&m) == 0 && thread_wait(c.thread) == -EFAULT);
	CHECK(run_faulting("utest_fault", badged, ep, &c, &m, true) == 0);
	CHECK(IPC_INFO_LABEL(m.info) == FAULT_LABEL_PAGE && m.w[0] == 0x20000000);
	CHECK(reply_map(&m, 2, ra, pa, MAP_R | MAP_W) == -EINVAL, "two words");
	CHECK(reply_map(&m, 3, ep, pa, MAP_R | MAP_W) == -ECAPTYPE, "not a frame region");
	CHECK(reply_map(&m, 3, 1l << 40, pa, MAP_R | MAP_W) == -EBADF, "no such slot");
	CHECK(reply_map(&m, 3, ra, pa + (1ul << 40), MAP_R | MAP_W) == -EINVAL, "offset");
	CHECK(reply_map(&m, 3, ra, pa, MAP_W) == -EINVAL, "no read");
	CHECK(reply_map(&m, 3, ra, pa, MAP_R | MAP_W | MAP_X) == -EINVAL, "W and X");
	CHECK(reply_map(&m, 3, weak, pb, MAP_R | MAP_W) == -EPERM, "region without write");
	/* Read-only first: the write faults again, now on a mapped page. */
	CHECK(reply_map(&m, 3, ra, pa, MAP_R) == 0);
	CHECK(ipc_recv(ep, &m) == 0 && IPC_INFO_LABEL(m.info) == FAULT_LABEL_PAGE &&
	      m.w[0] == 0x20000000 && m.w[1] == FAULT_ACCESS_WRITE, "protection fault");
	CHECK(reply_map(&m, 3, rb, pb, MAP_R | MAP_W) == 0, "replace it");
	CHECK(thread_wait(c.thread) == 1, "resumed after the map");
	CHECK(peek(ra, pa) == 0 && peek(rb, pb) == 1, "the write went to the new page");
	CHECK(ipc_reply(&m) == -ESRCH, "answered once");
	/*
	 * The thread is suspended while its handler works: reply_recv says the
	 * answer was lost (once, receiving nothing) and nothing is mapped, so
	 * the resumed thread faults again.
	 */
	CHECK(run_faulting("utest_fault", badged, ep, &c, &m, true) == 0);
	CHECK(thread_suspend(c.thread) == 0);
	m.w[0] = (unsigned long)rb;
	m.w[1] = pb;
	m.w[2] = MAP_R | MAP_W;
	m.info = IPC_INFO(FAULT_REPLY_MAP, 3, 0, 0);
	CHECK(ipc_reply_recv(ep, &m) == -ESRCH, "the lost answer is reported");
	CHECK(thread_resume(c.thread) == 0);
	CHECK(ipc_recv(ep, &m) == 0 && IPC_INFO_LABEL(m.info) == FAULT_LABEL_PAGE &&
	      m.w[0] == 0x20000000, "faults again: nothing was mapped");
	poke(rb, pb, 0);
	CHECK(reply_map(&m, 3, rb, pb, MAP_R | MAP_W) == 0 && thread_wait(c.thread) == 1);
	CHECK(peek(rb, pb) == 1);
	/* Only page faults take a map. */
	CHECK(run_faulting("utest_ebreak", badged, ep, &c, &m, true) == 0);
	CHECK(IPC_INFO_LABEL(m.info) == FAULT_LABEL_EXCEPTION);
	CHECK(reply_map(&m, 3, ra, pa, MAP_R) == -EINVAL, "not a page fault");
	CHECK(thread_read_regs(c.thread, &regs) == 0);
	regs.pc += ARCH_BREAKPOINT_LEN;
	CHECK(thread_write_regs(c.thread, &regs) == 0);
	m.info = IPC_INFO(FAULT_REPLY_RESUME, 0, 0, 0);
	CHECK(ipc_reply(&m) == 0 && thread_wait(c.thread) == 5);
	CHECK(cap_delete(weak) == 0 && cap_delete(badged) == 0 && cap_delete(ep) == 0);
}

static void test_bad_programs(void)
{
	CHECK(run_child("bad_elf", 0) == -ENOEXEC);
	CHECK(run_child("no_such_program", 0) == -ENOENT);
	CHECK(run_child("utest_fault", 0) == -EFAULT);
	CHECK(run_child("utest_basic", 0) == 0);
}

/*
 * A burst of threads that die of an unhandled fault, more than the kernel
 * reports at once: each still ends with -EFAULT, and the kernel drops the
 * reports beyond its burst, saying so once on the console (the harness
 * checks that line in this boot's log).
 */
static void test_fault_report_flood(void)
{
	for (int i = 0; i < 24; i++) {
		struct child c;
		long err = spawn("utest_fault", THREAD_PRIO_DEFAULT_USER, &c);

		if (!err)
			err = thread_start(c.thread, c.entry, c.stack_top, 0);
		CHECK(!err && thread_wait(c.thread) == -EFAULT, "child %d: %ld", i, err);
		CHECK(cap_delete(c.thread) == 0 && cap_delete(c.aspace) == 0 &&
		      cap_delete(c.cspace) == 0);
	}
}

static void test_random_syscalls(void)
{
	CHECK(run_child("utest_fuzz", 0x5eed1234) == 0);
	CHECK(run_child("utest_fuzz", 0xdeadbeef) == 0);
	/* The kernel is still healthy: a full IPC exchange works. */
	test_spawned_ipc_pair();
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "root_info_describes_resources", test_root_info },
	{ "ipc_between_spawned_processes", test_spawned_ipc_pair },
	{ "map_checks_every_argument", test_map_rules },
	{ "thread_registers_and_rights", test_thread_regs },
	{ "preemption_of_a_spinning_thread", test_preemption },
	{ "protect_query_and_unmap_status", test_protect_query },
	{ "notifications_signal_wait_poll", test_notifications },
	{ "device_interrupt_reaches_notification", test_irq_delivery },
	{ "irq_binding_lives_with_its_capability", test_irq_binding_lifetime },
	{ "suspend_resume_and_registers", test_suspend_resume },
	{ "each_missing_right_is_refused", test_rights },
	{ "faults_forwarded_to_a_handler", test_fault_forwarding },
	{ "fault_reply_maps_the_page", test_fault_reply_map },
	{ "malformed_and_faulting_programs", test_bad_programs },
	{ "fault_report_flood_still_ends_threads", test_fault_report_flood },
	{ "random_syscalls_leave_kernel_healthy", test_random_syscalls },
};

int main(void)
{
	int nfailed;

	ktap_start(out);
	if (root_init()) {
		ktap_plan(1);
		ktap_result(false, "root_init");
		return ktap_finish();
	}
	ktap_plan((int)(sizeof(tests) / sizeof(tests[0])));
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failed = 0;
		tests[i].fn();
		ktap_result(failed == 0, "%s", tests[i].name);
	}
	nfailed = ktap_finish();
	return nfailed;
}
