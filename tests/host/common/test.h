/*
 * tests/host/common/test.h: the host unit-test harness.
 *
 * A test file defines test cases with TEST(name) and lists them in
 * TEST_MAIN(...). Each case runs in turn and reports one KTAP line; CHECK()
 * records a failure with its location and goes on, REQUIRE() ends the case.
 * Randomized tests take their seed from test_seed() (PAGODA_SEED in the
 * environment, else a fixed default) and print it, so a failure replays.
 */
#ifndef PAGODA_TESTS_HOST_TEST_H
#define PAGODA_TESTS_HOST_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <lib/ktap.h>

/* CHECK(x) without a message passes "" as the format: that is intended. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

struct test_case {
	const char *name;
	void (*fn)(void);
};

extern int test_case_failures;
extern jmp_buf test_case_abort;

void test_fail(const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int test_run_all(const struct test_case *cases, size_t n);
unsigned long long test_seed(void);
/* test_iterations: @dflt, scaled by PAGODA_TEST_SCALE (a percentage) if set. */
unsigned long test_iterations(unsigned long dflt);

/* host_alloc_fail_after: make the (n+1)-th vm_zalloc from now fail; -1 = never. */
void host_alloc_fail_after(long n);
/* host_alloc_live: objects currently allocated through vm_zalloc. */
long host_alloc_live(void);

#define TEST(name) static void name(void)

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			test_fail(__FILE__, __LINE__, #cond, "" __VA_ARGS__);  \
	} while (0)

#define REQUIRE(cond, ...)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			test_fail(__FILE__, __LINE__, #cond, "" __VA_ARGS__);  \
			longjmp(test_case_abort, 1);                           \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			test_fail(__FILE__, __LINE__, #a " == " #b,            \
				  "%lld != %lld", a_, b_);                     \
	} while (0)

#define TEST_MAIN(...)                                                         \
	int main(void)                                                         \
	{                                                                      \
		static const struct test_case cases_[] = { __VA_ARGS__ };     \
		return test_run_all(cases_, sizeof(cases_) / sizeof(cases_[0])); \
	}

#define TEST_CASE(fn) { #fn, fn }

#endif
