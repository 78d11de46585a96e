/* lib/ktap.c: KTAP stream state and formatting (see ktap.h). */
#include <lib/fmt.h>
#include <lib/ktap.h>

static void (*ktap_out)(const char *s);
static int ktap_planned = -1;
static int ktap_count;
static int ktap_failed;

static void ktap_vemit(const char *prefix, const char *fmt, va_list ap)
{
	char line[256];
	int n = fmt_snprintf(line, sizeof(line), "%s", prefix);

	fmt_vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = 0;
	while (line[n])
		n++;
	line[n] = '\n';
	line[n + 1] = '\0';
	ktap_out(line);
}

static void ktap_emit(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vemit(prefix, fmt, ap);
	va_end(ap);
}

void ktap_start(void (*out)(const char *s))
{
	ktap_out = out;
	ktap_planned = -1;
	ktap_count = 0;
	ktap_failed = 0;
	out("KTAP version 1\n");
}

void ktap_plan(int n)
{
	ktap_planned = n;
	ktap_emit("", "1..%d", n);
}

bool ktap_result(bool ok, const char *name_fmt, ...)
{
	char prefix[32];
	va_list ap;

	ktap_count++;
	if (!ok)
		ktap_failed++;
	fmt_snprintf(prefix, sizeof(prefix), "%s %d ", ok ? "ok" : "not ok", ktap_count);
	va_start(ap, name_fmt);
	ktap_vemit(prefix, name_fmt, ap);
	va_end(ap);
	return ok;
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vemit("# ", fmt, ap);
	va_end(ap);
}

int ktap_finish(void)
{
	if (ktap_planned < 0)
		ktap_emit("", "1..%d", ktap_count);
	else if (ktap_planned != ktap_count)
		ktap_failed++;
	ktap_emit("# ", "%d passed, %d failed", ktap_count - ktap_failed, ktap_failed);
	return ktap_failed;
}
