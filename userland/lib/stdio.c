/*
 * userland/lib/stdio.c: formatted console output. printf formats into a
 * buffer on the stack and writes it with one system call, so lines from
 * different threads do not interleave below the buffer size.
 */
#include <lib/fmt.h>
#include <lib/string.h>
#include <pagoda.h>

#define PRINTF_BUF 512

int puts(const char *s)
{
	long n = sys_debug_write(s, strlen(s));

	if (n < 0)
		return (int)n;
	return (int)sys_debug_write("\n", 1) < 0 ? -EIO : (int)n + 1;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	if (n < 0)
		return n;
	return (int)sys_debug_write(buf, len);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
