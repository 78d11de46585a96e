/* arch/riscv64/sbi.c: SBI calls (see sbi.h). Called with interrupts in any state. */
#include "sbi.h"

static bool sbi_have_time;
static bool sbi_have_srst;

static struct sbi_ret sbi_call(long ext, long fid, unsigned long arg0, unsigned long arg1,
			       unsigned long arg2)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a6 __asm__("a6") = (unsigned long)fid;
	register unsigned long a7 __asm__("a7") = (unsigned long)ext;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbi_ret){ .error = (long)a0, .value = (long)a1 };
}

bool sbi_has_ext(long ext)
{
	struct sbi_ret r = sbi_call(SBI_EXT_BASE, 3, (unsigned long)ext, 0, 0);

	return r.error == 0 && r.value != 0;
}

long sbi_spec_version(void)
{
	return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
}

void sbi_init(void)
{
	sbi_have_time = sbi_has_ext(SBI_EXT_TIME);
	sbi_have_srst = sbi_has_ext(SBI_EXT_SRST);
}

void sbi_set_timer(uint64_t deadline)
{
	if (sbi_have_time)
		sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
	else
		sbi_call(SBI_LEGACY_SET_TIMER, 0, deadline, 0, 0);
}

void sbi_console_putc(char c)
{
	sbi_call(SBI_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

void sbi_shutdown(bool failure)
{
	unsigned long reason = failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE;

	if (sbi_have_srst)
		sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, reason, 0);
	/* Legacy shutdown (extension 0x08) has no failure status. */
	sbi_call(0x08, 0, 0, 0, 0);
}
