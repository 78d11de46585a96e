/* lib/ratelimit.c: the token bucket of ratelimit.h. */
#include <lib/ratelimit.h>

bool ratelimit_pass(struct ratelimit *rl, uint64_t now, unsigned long *missed)
{
	if (rl->interval && now > rl->last) {
		uint64_t gained = (now - rl->last) / rl->interval;

		if (gained >= rl->burst - rl->tokens) {
			/* full again: what has not yet made a token is forgotten */
			rl->tokens = rl->burst;
			rl->last = now;
		} else if (gained) {
			/* keep the part of an interval already waited */
			rl->tokens += (unsigned int)gained;
			rl->last += gained * rl->interval;
		}
	}
	if (rl->interval && !rl->tokens) {
		rl->missed++;
		return false;
	}
	if (rl->interval)
		rl->tokens--;
	*missed = rl->missed;
	rl->missed = 0;
	return true;
}
