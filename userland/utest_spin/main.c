/* userland/utest_spin: spins forever without a system call (the preemption test's victim). */
int main(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}
