/* kern/ktest.c: running the registered self-tests with KTAP output. */
#include <lib/fmt.h>
#include <lib/ktap.h>
#include <kern/console.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <arch/layout.h>

extern const struct ktest __ktests_start[], __ktests_end[];

void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	t->failures++;
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktap_diag("%s:%d: %s", file, line, msg);
}

int ktest_run_all(void)
{
	ktap_start(kputs);
	ktap_plan((int)(__ktests_end - __ktests_start));
	for (const struct ktest *k = __ktests_start; k < __ktests_end; k++) {
		struct ktest_ctx t = { 0 };

		k->fn(&t);
		ktap_result(t.failures == 0, "%s", k->name);
	}
	return ktap_finish();
}

void ktest_crash(void)
{
	/* The page below the image window is never mapped (see arch/layout.h). */
	volatile const uint64_t *hole = (const uint64_t *)(KERNEL_IMAGE_VBASE - 2 * PAGE_SIZE);

	kputs("ktest: deliberate bad kernel access\n");
	(void)*hole;
	panic("the bad access at %p did not fault", (const void *)hole);
}
