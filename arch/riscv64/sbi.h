/*
 * arch/riscv64/sbi.h: calls into the SBI firmware (OpenSBI), per the RISC-V
 * SBI specification v1.0: the TIME, SRST and base extensions, and the legacy
 * console for output before the UART is known.
 */
#ifndef PAGODA_RISCV_SBI_H
#define PAGODA_RISCV_SBI_H

#include <pagoda/types.h>

struct sbi_ret {
	long error;	/* 0 or an SBI_ERR_* code */
	long value;
};

#define SBI_EXT_BASE	0x10
#define SBI_EXT_TIME	0x54494d45
#define SBI_EXT_SRST	0x53525354
#define SBI_LEGACY_SET_TIMER	0x00
#define SBI_LEGACY_PUTCHAR	0x01

#define SBI_SRST_SHUTDOWN	0
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE	1

void sbi_init(void);
bool sbi_has_ext(long ext);
void sbi_set_timer(uint64_t deadline);
void sbi_console_putc(char c);
/* sbi_shutdown: power off (through SRST when present); returns only on failure. */
void sbi_shutdown(bool failure);
/* sbi_spec_version: major << 24 | minor, as the base extension reports it. */
long sbi_spec_version(void);

#endif
