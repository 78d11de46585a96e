/*
 * arch/riscv64/uart16550.c: polled driver for the NS16550A UART of QEMU
 * virt (8-bit registers, spaced by 1 << reg-shift). Transmit waits for the
 * holding register; receive never waits.
 */
#include <pagoda/compiler.h>
#include "riscv.h"

#define UART_RBR 0	/* receive buffer (read, DLAB=0) */
#define UART_THR 0	/* transmit holding (write, DLAB=0) */
#define UART_DLL 0	/* divisor latch low (DLAB=1) */
#define UART_IER 1	/* interrupt enable (DLAB=0) */
#define UART_DLM 1	/* divisor latch high (DLAB=1) */
#define UART_FCR 2	/* FIFO control (write) */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

#define UART_BAUD 115200

static volatile uint8_t *uart_base;
static unsigned int uart_shift;

static inline uint8_t uart_read(unsigned int reg)
{
	return uart_base[reg << uart_shift];
}

static inline void uart_write(unsigned int reg, uint8_t v)
{
	uart_base[reg << uart_shift] = v;
}

void uart16550_init(uintptr_t base, unsigned int shift, uint32_t clock_hz)
{
	uint32_t divisor = clock_hz ? clock_hz / (16 * UART_BAUD) : 1;

	uart_base = (volatile uint8_t *)base;
	uart_shift = shift;
	uart_write(UART_IER, 0);
	uart_write(UART_LCR, LCR_DLAB);
	uart_write(UART_DLL, (uint8_t)(divisor ? divisor : 1));
	uart_write(UART_DLM, (uint8_t)(divisor >> 8));
	uart_write(UART_LCR, LCR_8N1);
	uart_write(UART_FCR, FCR_ENABLE_CLEAR);
	uart_write(UART_MCR, MCR_DTR_RTS);
}

bool uart16550_present(void)
{
	return uart_base != NULL;
}

void uart16550_putc(char c)
{
	while (!(uart_read(UART_LSR) & LSR_THR_EMPTY))
		;
	uart_write(UART_THR, (uint8_t)c);
}

int uart16550_getc(void)
{
	if (!(uart_read(UART_LSR) & LSR_DATA_READY))
		return -1;
	return uart_read(UART_RBR);
}
