/*
 * lib/ratelimit.h: a token bucket for messages that a misbehaving program
 * could make something repeat without bound (the kernel's [fault] reports
 * of threads that die with no handler). A burst passes at once, then one
 * message per interval; the messages dropped are counted, so the next one
 * that passes can say how many went missing.
 *
 * Time is whatever monotonic unit the caller passes (the kernel: clock
 * ticks). No locking: the owner serialises calls (the kernel runs them on
 * one hart with interrupts off).
 */
#ifndef PAGODA_LIB_RATELIMIT_H
#define PAGODA_LIB_RATELIMIT_H

#include <pagoda/types.h>

struct ratelimit {
	uint64_t interval;	/* time for one token to come back; 0: no limit */
	unsigned int burst;	/* most tokens held (>= 1) */
	unsigned int tokens;	/* messages that may pass now */
	uint64_t last;		/* when tokens were last counted up */
	unsigned long missed;	/* dropped since the last message that passed */
};

/* A full bucket: @burst messages pass at once, then one per @interval. */
#define RATELIMIT_INIT(interval_, burst_) \
	{ .interval = (interval_), .burst = (burst_), .tokens = (burst_) }

/*
 * ratelimit_pass: may a message go out at time @now (never less than an
 * earlier call's)? true: it may, and *@missed is the number dropped since
 * the last one that passed (the count restarts); false: it is dropped and
 * counted.
 */
bool ratelimit_pass(struct ratelimit *rl, uint64_t now, unsigned long *missed);

#endif
