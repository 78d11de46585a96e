/*
 * lib/assert.h: ASSERT() for internal promises. Active when CONFIG_ASSERT is
 * 1 (debug builds and every host build); compiled but dead otherwise, so the
 * expression is always type-checked. Never use it on user-controlled input:
 * that gets an error code.
 *
 * assert_fail() is provided by each environment: the kernel panics, the host
 * test support aborts with the location, userland prints and exits.
 */
#ifndef PAGODA_LIB_ASSERT_H
#define PAGODA_LIB_ASSERT_H

#include <pagoda/compiler.h>

__noreturn void assert_fail(const char *expr, const char *file, int line, const char *func);

#define ASSERT(e)                                                              \
	do {                                                                   \
		if (IS_ENABLED(CONFIG_ASSERT) && unlikely(!(e)))               \
			assert_fail(#e, __FILE__, __LINE__, __func__);         \
	} while (0)

#endif
