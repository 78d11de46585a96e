/* kern/console.c: kprintf and the kernel's log_emit, over arch_console_putc. */
#include <arch/console.h>
#include <lib/fmt.h>
#include <lib/log.h>
#include <kern/console.h>

static void console_sink(void *ctx, char c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void kputs(const char *s)
{
	while (*s)
		console_sink(NULL, *s++);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vprintf(console_sink, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void log_emit(enum log_level level, const char *prefix, const char *fmt, ...)
{
	static const char *const names[] = { "err", "warn", "info", "debug" };
	char line[256];
	va_list ap;
	size_t n;

	if (level == LOG_DEBUG && !IS_ENABLED(CONFIG_DEBUG))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (n = 0; line[n]; n++)
		;
	kprintf("[%s] %s%s%s", names[level], prefix, line, n && line[n - 1] == '\n' ? "" : "\n");
}
