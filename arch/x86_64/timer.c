/*
 * arch/x86_64/timer.c: the clock is the time-stamp counter; the one-shot
 * timer interrupt is the local APIC timer. Neither rate is known, so both
 * are measured once against the PIT (1193182 Hz, a fixed ISA constant):
 * channel 2 counts down 10 ms with its output readable on port 0x61 while
 * we read the TSC and the APIC timer on both sides. One deadline at a
 * time; kern/clock.c decides the next one.
 */
#define LOG_PREFIX "timer: "
#include <lib/log.h>
#include <arch/timer.h>
#include <kern/clock.h>
#include <kern/panic.h>
#include "x86.h"

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define PIT_CH2_ONESHOT	0xb0	/* channel 2, lobyte/hibyte, mode 0, binary */
#define GATE_ON		0x01
#define SPEAKER_ON	0x02
#define OUT2_HIGH	0x20
#define CALIBRATE_MS	10

#define LAPIC_DIV_1	0x0b
#define LAPIC_ONESHOT	0

static uint64_t tsc_hz;
static uint64_t lapic_per_tsc;	/* APIC timer counts per TSC tick, 32.32 fixed point */

uint64_t arch_timer_freq(void)
{
	return tsc_hz;
}

void x86_timer_init(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000, apic0, apic1;
	uint64_t t0, t1, apic_hz;
	uint8_t gate = inb(PIT_GATE) & ~(GATE_ON | SPEAKER_ON);

	x86_lapic_write(X86_LAPIC_LVT_TIMER, X86_LAPIC_LVT_MASKED | X86_VEC_TIMER);
	x86_lapic_write(X86_LAPIC_TIMER_DIV, LAPIC_DIV_1);
	outb(PIT_GATE, gate);
	outb(PIT_CMD, PIT_CH2_ONESHOT);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	x86_lapic_write(X86_LAPIC_TIMER_INIT, 0xffffffffu);
	outb(PIT_GATE, gate | GATE_ON);	/* the count starts now */
	t0 = arch_timer_now();
	apic0 = x86_lapic_read(X86_LAPIC_TIMER_CUR);
	while (!(inb(PIT_GATE) & OUT2_HIGH))
		;
	t1 = arch_timer_now();
	apic1 = x86_lapic_read(X86_LAPIC_TIMER_CUR);
	outb(PIT_GATE, gate);
	x86_lapic_write(X86_LAPIC_TIMER_INIT, 0);
	if (t1 <= t0 || apic0 <= apic1)
		panic("the TSC or the APIC timer does not advance against the PIT");
	tsc_hz = (t1 - t0) * PIT_HZ / count;
	apic_hz = (uint64_t)(apic0 - apic1) * PIT_HZ / count;
	lapic_per_tsc = (apic_hz << 32) / tsc_hz;
	log_info("TSC %llu kHz, APIC timer %llu kHz\n", (unsigned long long)(tsc_hz / 1000),
		 (unsigned long long)(apic_hz / 1000));
}

void arch_timer_set_deadline(uint64_t deadline)
{
	uint64_t now = arch_timer_now(), count = 1;

	if (deadline > now) {
		unsigned __int128 c = (unsigned __int128)(deadline - now) * lapic_per_tsc;

		count = (uint64_t)(c >> 32);
		if (c >> 64 || count > 0xffffffffu)
			count = 0xffffffffu;
		if (!count)
			count = 1;
	}
	x86_lapic_write(X86_LAPIC_TIMER_INIT, (uint32_t)count);
}

void arch_timer_enable(void)
{
	x86_lapic_write(X86_LAPIC_LVT_TIMER, LAPIC_ONESHOT | X86_VEC_TIMER);
}

void x86_timer_interrupt(void)
{
	x86_lapic_eoi();
	clock_tick();
}
