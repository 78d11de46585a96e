/*
 * tests/host/common/host_env.c: what lib/ and vm/ expect of their
 * environment, for host builds: assert_fail, log_emit, vm_zalloc/vm_free
 * (with fault injection and a live count), and the test harness itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/vm_alloc.h>
#include "test.h"

int test_case_failures;
jmp_buf test_case_abort;

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "ASSERT failed: %s at %s:%d (%s)\n", expr, file, line, func);
	printf("# ASSERT failed: %s at %s:%d (%s)\n", expr, file, line, func);
	fflush(stdout);
	abort();
}

void log_emit(enum log_level level, const char *prefix, const char *fmt, ...)
{
	static const char *const names[] = { "err", "warn", "info", "debug" };
	va_list ap;

	if (level > LOG_WARN && !getenv("PAGODA_VERBOSE"))
		return;
	printf("# [%s] %s", names[level], prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] != '\n')
		putchar('\n');
}

static long alloc_fail_countdown = -1;
static long alloc_live;

void host_alloc_fail_after(long n)
{
	alloc_fail_countdown = n;
}

long host_alloc_live(void)
{
	return alloc_live;
}

void *vm_zalloc(size_t size)
{
	void *p;

	if (alloc_fail_countdown == 0)
		return NULL;
	if (alloc_fail_countdown > 0)
		alloc_fail_countdown--;
	p = calloc(1, size);
	if (p)
		alloc_live++;
	return p;
}

void vm_free(void *p, size_t size)
{
	(void)size;
	if (!p)
		return;
	alloc_live--;
	free(p);
}

void test_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	test_case_failures++;
	if (test_case_failures > 20)
		return;
	printf("# FAIL %s:%d: %s", file, line, expr);
	if (fmt[0]) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
}

unsigned long long test_seed(void)
{
	const char *s = getenv("PAGODA_SEED");

	return s ? strtoull(s, NULL, 0) : 0x5eed0001ULL;
}

unsigned long test_iterations(unsigned long dflt)
{
	const char *s = getenv("PAGODA_TEST_SCALE");

	if (!s)
		return dflt;
	return (unsigned long)((double)dflt * strtod(s, NULL) / 100.0);
}

static void host_out(const char *s)
{
	fputs(s, stdout);
	fflush(stdout);
}

int test_run_all(const struct test_case *cases, size_t n)
{
	ktap_start(host_out);
	ktap_plan((int)n);
	for (size_t i = 0; i < n; i++) {
		test_case_failures = 0;
		host_alloc_fail_after(-1);
		if (setjmp(test_case_abort) == 0)
			cases[i].fn();
		ktap_result(test_case_failures == 0, "%s", cases[i].name);
	}
	return ktap_finish() ? 1 : 0;
}
