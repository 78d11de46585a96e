/*
 * lib/ktap.h: KTAP version 1 output for test programs (host tests, the
 * kernel's self-tests, in-guest test programs).
 *
 *   KTAP version 1
 *   1..N                 (ktap_plan, or printed by ktap_finish when not known)
 *   ok 1 name
 *   not ok 2 name
 *   # diagnostic
 *
 * The host runner (scripts/ktap.py) treats a missing plan, a count that
 * does not match it, or any "not ok" as failure. One test stream per
 * program; the state lives in lib/ktap.c. Not thread-safe: one reporting
 * thread per program.
 */
#ifndef PAGODA_LIB_KTAP_H
#define PAGODA_LIB_KTAP_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

/* ktap_start: begin a stream written through @out (a NUL-terminated chunk). */
void ktap_start(void (*out)(const char *s));
/* ktap_plan: announce @n tests up front (optional). */
void ktap_plan(int n);
/* ktap_result: report the next test; returns @ok. */
__printf(2, 3) bool ktap_result(bool ok, const char *name_fmt, ...);
__printf(1, 2) void ktap_diag(const char *fmt, ...);
/* ktap_finish: print the plan if none was given; returns the number failed. */
int ktap_finish(void);

#endif
