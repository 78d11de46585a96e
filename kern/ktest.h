/*
 * kern/ktest.h: the kernel's self-tests, run at boot when the command line
 * holds "ktest"; they report KTAP on the console and power off (exit status
 * 0 only if all passed). scripts/run-guest-tests.sh boots them.
 *
 * A test is a function registered with KTEST(name) in any kernel file; the
 * linker gathers them (section "ktests"), in link order. KT_CHECK records a
 * failure and continues; KT_REQUIRE returns from the test.
 */
#ifndef PAGODA_KERN_KTEST_H
#define PAGODA_KERN_KTEST_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct ktest_ctx {
	int failures;
};

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
};

#define KTEST(fn_)                                                             \
	static void fn_(struct ktest_ctx *t);                                  \
	static const struct ktest ktest_##fn_ __attribute__((used, section("ktests"), \
							     aligned(8))) = { #fn_, fn_ }; \
	static void fn_(struct ktest_ctx *t)

__printf(4, 5) void ktest_fail(struct ktest_ctx *t, const char *file, int line,
			       const char *fmt, ...);

#define KT_CHECK(cond, ...)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(t, __FILE__, __LINE__, "check failed: " #cond " " __VA_ARGS__); \
	} while (0)

#define KT_REQUIRE(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktest_fail(t, __FILE__, __LINE__, "required: " #cond " " __VA_ARGS__); \
			return;                                                \
		}                                                              \
	} while (0)

/*
 * ktest_crash: make an unprotected bad kernel access on purpose ("ktest=crash"),
 * so the test runner can check the trap report and the failing exit status.
 */
__noreturn void ktest_crash(void);

/* ktest_run_all: run every registered test; returns the number that failed. */
int ktest_run_all(void);

#endif
