/*
 * arch/x86_64/irq_ktest.c: a real device interrupt through the I/O APIC.
 * The root-task suite cannot drive the UART on x86 (its registers are I/O
 * ports, which user mode has no access to), so the kernel checks the path
 * itself: COM1 raises "transmitter empty" as soon as that interrupt is
 * enabled, and line 4 must arrive, masked, as the notification's bits.
 */
#include <pagoda/errno.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kern/irq.h>
#include <kern/ktest.h>
#include <kern/notification.h>
#include "x86.h"

KTEST(com1_interrupt_reaches_notification)
{
	struct notification *nt;
	uint64_t start, bits;

	KT_REQUIRE(arch_irq_lines() >= X86_UART_IRQ, "no I/O APIC");
	KT_REQUIRE(notification_create(&nt) == 0);
	kobj_get(&nt->nt_ko);
	KT_CHECK(irq_ack(X86_UART_IRQ) == -ENOENT, "not bound yet");
	KT_CHECK(irq_bind(X86_UART_IRQ, nt, 0x20, NULL) == 0);
	KT_CHECK(irq_bind(X86_UART_IRQ, nt, 0x20, NULL) == -EBUSY);
	x86_uart_irq_enable_thre(true);
	/* The self-tests run with interrupts on: wait up to 1 s for the line. */
	start = arch_timer_now();
	while (!READ_ONCE(nt->nt_bits) && arch_timer_now() - start < arch_timer_freq())
		arch_wait_for_interrupt();
	x86_uart_irq_enable_thre(false);
	bits = nt->nt_bits;
	KT_CHECK(bits == 0x20, "notification bits %#llx", (unsigned long long)bits);
	KT_CHECK(irq_ack(X86_UART_IRQ) == 0);
	KT_CHECK(irq_unbind(X86_UART_IRQ) == 0);
	KT_CHECK(irq_unbind(X86_UART_IRQ) == -ENOENT);
	KT_CHECK(irq_bind(arch_irq_lines() + 1, nt, 1, NULL) == -EINVAL, "no such line");
	kobj_put(&nt->nt_ko);
}
