/*
 * userland/bench_touch: the client half of the user-fault benchmark. Each
 * write to a fresh page faults; the handler (userland/bench, the root task)
 * maps a page and resumes us. We time batches of faults with instret (all
 * of it: trap, fault IPC, the handler's map and reply_recv, the return)
 * and print the line scripts/bench.py reads.
 */
#include <benchkit.h>
#include <counters.h>
#include <pagoda.h>

#define TOUCH_BASE 0x40000000ul
#define WARMUP 16
#define REPS 15
#define BATCH 32

int main(void)
{
	unsigned long page = 0;
	uint64_t per[REPS];

	for (int i = 0; i < WARMUP; i++)
		*(volatile unsigned long *)(TOUCH_BASE + 4096 * page++) = 1;
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = read_instret();

		for (int i = 0; i < BATCH; i++)
			*(volatile unsigned long *)(TOUCH_BASE + 4096 * page++) = 1;
		per[r] = (read_instret() - t0) / BATCH;
	}
	sort_u64(per, REPS);
	printf("bench fault_user_handler_map %llu %llu %llu %d %d\n", (unsigned long long)per[0],
	       (unsigned long long)per[REPS / 2], (unsigned long long)per[REPS - 1], REPS, BATCH);
	return 0;
}
