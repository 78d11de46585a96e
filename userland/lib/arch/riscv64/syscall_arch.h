/*
 * userland/lib/arch/riscv64/syscall_arch.h: the raw system call: number in
 * a7, arguments in a0..a5, result in a0 (a second one in a1).
 */
#ifndef PAGODA_USER_SYSCALL_ARCH_H
#define PAGODA_USER_SYSCALL_ARCH_H

static inline long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

/*
 * syscall_ipc: an IPC system call. In: a0 = @slot, a1 = info, a2..a5 =
 * the words. Out: a0 = result, a1 = info, a2..a5 = words, a6 = badge.
 */
static inline long syscall_ipc(long nr, long slot, struct ipc_msg *m)
{
	register long a0 __asm__("a0") = slot;
	register unsigned long long a1 __asm__("a1") = m->info;
	register unsigned long long a2 __asm__("a2") = m->w[0];
	register unsigned long long a3 __asm__("a3") = m->w[1];
	register unsigned long long a4 __asm__("a4") = m->w[2];
	register unsigned long long a5 __asm__("a5") = m->w[3];
	register unsigned long long a6 __asm__("a6");
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "=r"(a6)
			 : "r"(a7)
			 : "memory");
	m->info = a1;
	m->w[0] = a2;
	m->w[1] = a3;
	m->w[2] = a4;
	m->w[3] = a5;
	m->badge = a6;
	return a0;
}

/* syscall_ipc_in: an IPC call that only receives (the message registers are outputs). */
static inline long syscall_ipc_in(long nr, long slot, struct ipc_msg *m)
{
	register long a0 __asm__("a0") = slot;
	register unsigned long long a1 __asm__("a1");
	register unsigned long long a2 __asm__("a2");
	register unsigned long long a3 __asm__("a3");
	register unsigned long long a4 __asm__("a4");
	register unsigned long long a5 __asm__("a5");
	register unsigned long long a6 __asm__("a6");
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "=r"(a1), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5), "=r"(a6)
			 : "r"(a7)
			 : "memory");
	m->info = a1;
	m->w[0] = a2;
	m->w[1] = a3;
	m->w[2] = a4;
	m->w[3] = a5;
	m->badge = a6;
	return a0;
}

static inline long syscall0(long nr)
{
	register long a0 __asm__("a0");
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long syscall2(long nr, long a, long b)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
	return a0;
}

#endif
