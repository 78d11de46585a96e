/* userland/lib/env.c: what lib/ expects of its environment, for user programs. */
#include <lib/assert.h>
#include <lib/log.h>
#include <pagoda.h>

unsigned long start_arg;

unsigned long start_argument(void)
{
	return start_arg;
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	printf("assertion '%s' failed at %s:%d (%s)\n", expr, file, line, func);
	exit(-EINVAL);
}

void log_emit(enum log_level level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	printf("%s", prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
