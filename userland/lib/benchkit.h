/*
 * userland/lib/benchkit.h: what the in-guest benchmark programs (bench,
 * bench_proc, bench_touch) share.
 *
 * The profile marks: a program calls profile_begin() before one batch of
 * the benchmark named by "profile=NAME" on the kernel command line and
 * profile_end() after it, then prints "profile NAME BATCH";
 * scripts/profile.py counts every guest instruction executed between the
 * calls of the two (found by their addresses in the program's symbols).
 */
#ifndef PAGODA_USER_BENCHKIT_H
#define PAGODA_USER_BENCHKIT_H

#include <pagoda/types.h>

void profile_begin(void);
void profile_end(void);

/* sort_u64: @v[0..@n) in ascending order (few samples: insertion sort). */
void sort_u64(uint64_t *v, int n);

#endif
