/*
 * userland/lib/check.h: CHECK for the in-guest test programs. A failed
 * expectation prints where it is and what failed as KTAP diagnostics and
 * counts in the program's own `int failed`, which the program turns into
 * each test's ok / not ok.
 */
#ifndef PAGODA_USER_CHECK_H
#define PAGODA_USER_CHECK_H

#include <lib/ktap.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktap_diag("%s:%d: %s", __FILE__, __LINE__, #cond);     \
			ktap_diag(" " __VA_ARGS__);                            \
			failed++;                                              \
		}                                                              \
	} while (0)

#endif
