/*
 * userland/utest_fuzz: thousands of system calls with random numbers and
 * arguments (a fixed seed, given as the start argument), in a process that
 * holds nothing but what it creates itself. The kernel must answer each
 * with a result, never fault or hang; the root task then checks it is
 * still healthy. Blocking calls are made non-blocking or skipped, and the
 * thread never ends itself; console output is skipped. Exits 0 after
 * the last call.
 */
#include <pagoda.h>

#define FUZZ_CALLS 20000

static unsigned long long rng;

static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A value of an interesting kind: small, a slot, a page-aligned address, or anything. */
static long arg(void)
{
	static const unsigned long special[] = {
		0, 1, 2, 4095, 4096, 0x400000, 0x3ffffff000ul, 0x4000000000ul,
		0xffffffff80200000ul, ~0ul, 1ul << 63, 0x10000000ul,
	};

	switch (next() % 4) {
	case 0:
		return (long)(next() % 16);
	case 1:
		return (long)special[next() % (sizeof(special) / sizeof(special[0]))];
	case 2:
		return (long)((next() & 0x3fffffffffull) & ~0xfffull);
	default:
		return (long)next();
	}
}

int main(void)
{
	rng = start_argument() | 1;
	for (int i = 0; i < FUZZ_CALLS; i++) {
		long nr = (long)(next() % (SYS_COUNT + 3));

		/*
		 * Calls that would end or block this thread for good, and console
		 * output (random bytes could look like KTAP lines to the runner).
		 */
		if (nr == SYS_THREAD_EXIT || nr == SYS_RECV || nr == SYS_CALL || nr == SYS_SEND ||
		    nr == SYS_REPLY_RECV || nr == SYS_THREAD_WAIT || nr == SYS_WAIT ||
		    nr == SYS_DEBUG_WRITE)
			continue;
		syscall_raw(nr, arg(), arg(), arg(), arg(), arg(), arg());
	}
	return 0;
}
