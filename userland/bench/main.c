/*
 * userland/bench: in-guest micro-benchmarks, run by `make bench` under
 * QEMU -icount shift=0, where rdinstret counts retired guest instructions.
 *
 * Output, parsed by scripts/bench.py:
 *   calibration <slope> <cycles_equal_instret>
 *   bench <name> <min> <median> <max> <reps> <batch>
 * Figures are instructions per operation, with the cost of an empty
 * measurement loop subtracted. Each benchmark warms up first, then runs
 * BENCH_REPS batches of BENCH_BATCH operations.
 */
#include <counters.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <pagoda.h>
#include <pm.h>
#include <benchkit.h>
#include <spawn.h>

#define BENCH_REPS 15
#define BENCH_BATCH 64
#define BENCH_WARMUP 64

typedef void (*bench_fn)(void);

static uint64_t empty_loop_cost;	/* per iteration, from the calibration */
static const char *profile_name;	/* "profile=NAME": trace that one benchmark */

static uint64_t measure_batch(bench_fn fn, int batch)
{
	uint64_t t0 = read_instret();

	for (int i = 0; i < batch; i++)
		fn();
	return read_instret() - t0;
}

static void nothing(void)
{
	__asm__ volatile("" ::: "memory");
}

static void run_bench(const char *name, bench_fn fn)
{
	uint64_t per_op[BENCH_REPS];

	if (*profile_name && strcmp(profile_name, name))
		return;
	for (int i = 0; i < BENCH_WARMUP; i++)
		fn();
	if (*profile_name) {
		/* One batch between the marks; the rest would only swell the trace. */
		profile_begin();
		measure_batch(fn, BENCH_BATCH);
		profile_end();
		printf("profile %s %d\n", name, BENCH_BATCH);
		return;
	}
	for (int r = 0; r < BENCH_REPS; r++) {
		uint64_t total = measure_batch(fn, BENCH_BATCH);

		per_op[r] = total / BENCH_BATCH - empty_loop_cost;
	}
	sort_u64(per_op, BENCH_REPS);
	printf("bench %s %llu %llu %llu %d %d\n", name, (unsigned long long)per_op[0],
	       (unsigned long long)per_op[BENCH_REPS / 2],
	       (unsigned long long)per_op[BENCH_REPS - 1], BENCH_REPS, BENCH_BATCH);
}

/*
 * calibrate: the slope of instret over loops of known length must be 2
 * (instructions per iteration) if instret counts instructions exactly.
 * Rounded to the hundredth: the code around the counter reads may differ
 * by an instruction or two between the two loops (register moves the
 * compiler places, as on x86 where a read is several instructions).
 */
static void calibrate(void)
{
	uint64_t a0, a1, b0, b1, c0, c1, slope_x100;

	a0 = read_instret();
	calibration_loop(1000);
	a1 = read_instret();
	b0 = read_instret();
	calibration_loop(101000);
	b1 = read_instret();
	slope_x100 = (((b1 - b0) - (a1 - a0)) * 100 + 50000) / 100000;
	c0 = read_cycles();
	a0 = read_instret();
	calibration_loop(1000);
	a1 = read_instret();
	c1 = read_cycles();
	printf("calibration %llu.%02llu %s\n", (unsigned long long)(slope_x100 / 100),
	       (unsigned long long)(slope_x100 % 100),
	       (c1 - c0) - (a1 - a0) < 4 ? "cycles=instret" : "cycles!=instret");
	empty_loop_cost = measure_batch(nothing, BENCH_BATCH * 16) / (BENCH_BATCH * 16);
}

static long server_ep;
static unsigned long long ipc_word;

static void bench_null_syscall(void)
{
	sys_null();
}

/* One word each way: call + the server's reply_recv, across address spaces. */
static void bench_ipc_call(void)
{
	struct ipc_msg m = { .info = IPC_INFO(0, 1, 0, 0), .w = { ipc_word } };

	ipc_call(server_ep, &m);
	ipc_word = m.w[0];
}

/* start_server: bench_server in its own address space, sharing an endpoint. */
static int start_server(void)
{
	struct child c;
	int err = spawn("bench_server", THREAD_PRIO_DEFAULT_USER, &c);

	server_ep = slot_alloc();
	if (!err && server_ep < 0)
		err = (int)server_ep;
	if (!err)
		err = (int)endpoint_create(server_ep);
	if (!err)
		err = (int)cap_give(server_ep, c.cspace, 1, CAP_R_RECV | CAP_R_SEND, 0);
	if (!err)
		err = (int)thread_start(c.thread, c.entry, c.stack_top, 0);
	return err;
}

/*
 * bench_faults: bench_touch faults on fresh pages; we are its fault handler,
 * mapping a page of our RAM for each and resuming it with reply_recv.
 */
static int bench_faults(void)
{
	const unsigned long total = 16 + 15 * 32;	/* bench_touch's warm-up + batches */
	long ep = slot_alloc(), badged = slot_alloc(), region;
	unsigned long pgoff;
	struct ipc_msg m;
	struct child c;
	int err = spawn("bench_touch", THREAD_PRIO_DEFAULT_USER, &c);

	if (!err)
		err = (int)endpoint_create(ep);
	if (!err)
		err = (int)cap_mint(ep, badged, CAP_R_SEND, 5);
	if (!err)
		err = (int)thread_set_fault_ep(c.thread, badged, 0);
	if (!err)
		err = (int)thread_start(c.thread, c.entry, c.stack_top, 0);
	if (err)
		return err;
	err = (int)ipc_recv(ep, &m);
	for (unsigned long n = 1; !err; n++) {
		if (ram_page_alloc(&region, &pgoff) ||
		    map(c.aspace, m.w[0] & ~0xffful, region, pgoff, 1, MAP_R | MAP_W))
			return -ENOMEM;
		m.info = IPC_INFO(FAULT_REPLY_RESUME, 0, 0, 0);
		if (n == total)
			return (int)ipc_reply(&m) ?: (int)thread_wait(c.thread);
		err = (int)ipc_reply_recv(ep, &m);
	}
	return err;
}

/*
 * profile_arg: the benchmark named by "profile=NAME" on the kernel command
 * line (scripts/profile.py), or "" for all of them; bench_proc gets it as
 * its argument.
 */
static const char *profile_arg(char *buf, size_t size)
{
	const char *v;
	size_t len;

	if (!cmdline_find(root_info()->cmdline, "profile", &v, &len) || !v || len >= size)
		return "";
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

int main(void)
{
	char buf[64];
	int err;

	if (root_init()) {
		printf("# bench: not started as the root task\n");
		return 1;
	}
	profile_name = profile_arg(buf, sizeof(buf));
	printf("# Pagoda in-guest benchmarks (instructions per operation)\n");
	calibrate();
	run_bench("null_syscall", bench_null_syscall);
	err = start_server();
	if (err) {
		printf("# bench: cannot start bench_server: %d\n", err);
		return 1;
	}
	run_bench("ipc_call_reply_recv", bench_ipc_call);
	/* bench_touch times itself: no profile of it (nor of what follows, when profiling) */
	err = *profile_name ? 0 : bench_faults();
	if (err)
		printf("# bench: the fault benchmark failed: %d\n", err);
	if (!*profile_name && ipc_word < BENCH_WARMUP + BENCH_REPS * BENCH_BATCH)
		printf("# bench: the server answered only %llu calls\n", ipc_word);
	/* The pager and processes: init's process manager runs bench_proc. */
	err = pm_main("bench_proc", profile_name);
	if (err)
		printf("# bench: the process benchmarks failed: %d\n", err);
	printf("bench-done\n");
	return 0;
}
