/*
 * userland/lib/arch/x86_64/syscall_arch.h: the raw system call: number in
 * rax, arguments in rdi, rsi, rdx, r10, r8, r9, result in rax (a second one
 * in rsi). The syscall instruction itself takes rcx and r11; every other
 * register is preserved.
 */
#ifndef PAGODA_USER_SYSCALL_ARCH_H
#define PAGODA_USER_SYSCALL_ARCH_H

/*
 * syscall6: any call with up to six arguments. IPC calls made through it
 * (tests with raw arguments) may write results into every argument
 * register, so all of them are outputs here.
 */
static inline long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "+a"(nr), "+D"(a), "+S"(b), "+d"(c), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	return nr;
}

/*
 * syscall_ipc: an IPC system call. In: rdi = @slot, rsi = info, rdx, r10,
 * r8, r9 = the words. Out: rax = result, rsi = info, rdx, r10, r8, r9 =
 * words, rdi = badge.
 */
static inline long syscall_ipc(long nr, long slot, struct ipc_msg *m)
{
	unsigned long long rdi = (unsigned long long)slot, rsi = m->info, rdx = m->w[0];
	register unsigned long long r10 __asm__("r10") = m->w[1];
	register unsigned long long r8 __asm__("r8") = m->w[2];
	register unsigned long long r9 __asm__("r9") = m->w[3];

	__asm__ volatile("syscall"
			 : "+a"(nr), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	m->info = rsi;
	m->w[0] = rdx;
	m->w[1] = r10;
	m->w[2] = r8;
	m->w[3] = r9;
	m->badge = rdi;
	return nr;
}

/* syscall_ipc_in: an IPC call that only receives (the message registers are outputs). */
static inline long syscall_ipc_in(long nr, long slot, struct ipc_msg *m)
{
	unsigned long long rdi = (unsigned long long)slot, rsi, rdx;
	register unsigned long long r10 __asm__("r10");
	register unsigned long long r8 __asm__("r8");
	register unsigned long long r9 __asm__("r9");

	__asm__ volatile("syscall"
			 : "+a"(nr), "+D"(rdi), "=S"(rsi), "=d"(rdx), "=r"(r10), "=r"(r8), "=r"(r9)
			 :
			 : "rcx", "r11", "memory");
	m->info = rsi;
	m->w[0] = rdx;
	m->w[1] = r10;
	m->w[2] = r8;
	m->w[3] = r9;
	m->badge = rdi;
	return nr;
}

static inline long syscall0(long nr)
{
	__asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
	return nr;
}

static inline long syscall2(long nr, long a, long b)
{
	__asm__ volatile("syscall" : "+a"(nr), "+S"(b) : "D"(a) : "rcx", "r11", "memory");
	return nr;
}

#endif
