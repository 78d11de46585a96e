/* tests/host/lib/ratelimit_test.c: lib/ratelimit.c, and a random run against a replay of its rules. */
#include <lib/ratelimit.h>
#include "test.h"

TEST(burst_then_one_per_interval)
{
	struct ratelimit rl = RATELIMIT_INIT(100, 3);
	unsigned long missed = 99;

	for (int i = 0; i < 3; i++) {
		CHECK(ratelimit_pass(&rl, 5, &missed));
		CHECK_EQ(missed, 0);
	}
	CHECK(!ratelimit_pass(&rl, 6, &missed));
	CHECK(!ratelimit_pass(&rl, 104, &missed));
	/* one interval after the bucket was last full (t = 5) */
	CHECK(ratelimit_pass(&rl, 105, &missed));
	CHECK_EQ(missed, 2);
	CHECK(!ratelimit_pass(&rl, 150, &missed));
	CHECK(ratelimit_pass(&rl, 205, &missed));
	CHECK_EQ(missed, 1);
	/* a long silence refills the burst, no more */
	for (int i = 0; i < 3; i++)
		CHECK(ratelimit_pass(&rl, 100000, &missed));
	CHECK(!ratelimit_pass(&rl, 100000, &missed));
}

TEST(partial_intervals_are_kept)
{
	struct ratelimit rl = RATELIMIT_INIT(10, 4);
	unsigned long missed;

	for (int i = 0; i < 4; i++)
		CHECK(ratelimit_pass(&rl, 0, &missed));
	/* 25 units: two tokens, and the 5 towards the third are not lost */
	CHECK(ratelimit_pass(&rl, 25, &missed));
	CHECK(ratelimit_pass(&rl, 25, &missed));
	CHECK(!ratelimit_pass(&rl, 29, &missed));
	CHECK(ratelimit_pass(&rl, 30, &missed));
	CHECK_EQ(missed, 1);
}

TEST(zero_interval_never_limits)
{
	struct ratelimit rl = RATELIMIT_INIT(0, 1);
	unsigned long missed = 7;

	for (int i = 0; i < 1000; i++)
		CHECK(ratelimit_pass(&rl, 0, &missed));
	CHECK_EQ(missed, 0);
}

/*
 * Over any window of time, no more than burst + window / interval
 * messages pass; nothing passes while the bucket is empty; and every
 * message is either passed or counted in the next pass's missed.
 */
TEST(random_bound_and_accounting)
{
	uint64_t rng = test_seed() | 1;
	unsigned long steps = test_iterations(200000);

	for (int run = 0; run < 8; run++) {
		unsigned int burst = 1 + run;
		uint64_t interval = 1 + 7 * (uint64_t)run, now = 0;
		struct ratelimit rl = RATELIMIT_INIT(interval, burst);
		uint64_t passed_at[64];
		unsigned long calls = 0, passed = 0, accounted = 0, missed;

		for (unsigned long s = 0; s < steps; s++) {
			rng ^= rng >> 12;
			rng ^= rng << 25;
			rng ^= rng >> 27;
			now += (rng * 0x2545f4914f6cdd1dULL) % 4 == 0 ? rng % (3 * interval) : 0;
			calls++;
			if (!ratelimit_pass(&rl, now, &missed))
				continue;
			accounted += missed + 1;
			/* the (burst + 1)-th last pass lies at least one interval back */
			if (passed >= burst)
				CHECK(now - passed_at[(passed - burst) % 64] >= interval,
				      "burst %u interval %llu: %u passes within one interval", burst,
				      (unsigned long long)interval, burst + 1);
			passed_at[passed % 64] = now;
			passed++;
		}
		CHECK_EQ(accounted + rl.missed, calls);
		CHECK(passed > 0);
	}
}

TEST_MAIN(TEST_CASE(burst_then_one_per_interval), TEST_CASE(partial_intervals_are_kept),
	  TEST_CASE(zero_interval_never_limits), TEST_CASE(random_bound_and_accounting))
