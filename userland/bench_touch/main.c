/*
 * userland/bench_touch: the client half of the user-fault benchmark. Each
 * write to a fresh page faults; the handler (userland/bench, the root task)
 * maps a page and resumes us. We time batches of faults with instret (all
 * of it: trap, fault IPC, the handler's map and reply_recv, the return)
 * and print the line scripts/bench.py reads.
 */
#include <counters.h>
#include <pagoda.h>

#define TOUCH_BASE 0x40000000ul
#define WARMUP 16
#define REPS 15
#define BATCH 32

static void sort(unsigned long long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

int main(void)
{
	unsigned long page = 0;
	unsigned long long per[REPS];

	for (int i = 0; i < WARMUP; i++)
		*(volatile unsigned long *)(TOUCH_BASE + 4096 * page++) = 1;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = read_instret();

		for (int i = 0; i < BATCH; i++)
			*(volatile unsigned long *)(TOUCH_BASE + 4096 * page++) = 1;
		per[r] = (read_instret() - t0) / BATCH;
	}
	sort(per, REPS);
	printf("bench fault_user_handler_map %llu %llu %llu %d %d\n", per[0], per[REPS / 2],
	       per[REPS - 1], REPS, BATCH);
	return 0;
}
