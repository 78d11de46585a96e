/* arch/riscv64/riscv.h: declarations shared by the files of arch/riscv64 (not an interface). */
#ifndef PAGODA_RISCV_RISCV_H
#define PAGODA_RISCV_RISCV_H

#include <pagoda/types.h>

void riscv_timer_init(uint64_t freq);
void riscv_timer_interrupt(void);

/* uart16550: polled driver for the ns16550a at @base (a kernel VA), @shift: reg-shift. */
void uart16550_init(uintptr_t base, unsigned int shift, uint32_t clock_hz);
bool uart16550_present(void);
void uart16550_putc(char c);
int uart16550_getc(void);

/* riscv_console_use_uart: switch the console from SBI to the UART at @base_va. */
void riscv_console_use_uart(uintptr_t base_va, unsigned int reg_shift, uint32_t clock_hz);

/* PLIC (plic.c): set up the S-mode context of @hartid; claim and dispatch. */
void riscv_plic_init(paddr_t base, unsigned int ndev, unsigned int hartid);
void riscv_plic_interrupt(void);

/* riscv_asid_probe: count the hart's ASID bits, at most @limit (asid.c). */
void riscv_asid_probe(unsigned int limit);

#endif
