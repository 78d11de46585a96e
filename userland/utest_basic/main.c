/*
 * userland/utest_basic: the system call boundary seen from user mode: the
 * null call, unknown numbers, and bad pointers of every kind, which must
 * come back as errors without hurting the kernel. Prints a diagnostic per
 * failed check and exits with the number of failures (0: all good); the
 * kernel self-test user_program_checks_syscalls runs it.
 */
#include <lib/string.h>
#include <pagoda.h>

static int failures;

#define EXPECT(expr, want)                                                     \
	do {                                                                   \
		long got_ = (expr);                                            \
		if (got_ != (want)) {                                          \
			printf("# utest_basic: %s = %ld, expected %ld\n", #expr, got_, \
			       (long)(want));                                  \
			failures++;                                            \
		}                                                              \
	} while (0)

static const char msg[] = "# utest_basic: hello from user mode\n";

int main(void)
{
	char stack_buf[8] = "# ok\n";

	EXPECT(sys_null(), 0);
	EXPECT(syscall_raw(SYS_COUNT, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT(syscall_raw(1000, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT(syscall_raw(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT(sys_debug_write(msg, sizeof(msg) - 1), (long)sizeof(msg) - 1);
	EXPECT(sys_debug_write(stack_buf, 5), 5);
	EXPECT(sys_debug_write(msg, 0), 0);
	EXPECT(sys_debug_write(NULL, 8), -EFAULT);
	/* A kernel address, an unmapped user page, a range wrapping around. */
	EXPECT(sys_debug_write((const void *)0xffffffff80200000ul, 8), -EFAULT);
	EXPECT(sys_debug_write((const void *)0x10000000ul, 8), -EFAULT);
	EXPECT(sys_debug_write((const void *)~0ul, 2), -EFAULT);
	EXPECT(sys_debug_write(msg, ~0ul), -EINVAL);
	EXPECT(sys_debug_write(msg, DEBUG_WRITE_MAX + 1), -EINVAL);
	/* Starts on the stack, runs past its top into unmapped memory. */
	EXPECT(sys_debug_write(stack_buf, DEBUG_WRITE_MAX), -EFAULT);
	EXPECT(sys_yield(), 0);
	{
		/* The allocator in user mode: blocks are distinct, writable, reusable. */
		char *a = malloc(100), *b = malloc(5000), *c;

		EXPECT(a != NULL && b != NULL && a != b, 1);
		memset(a, 1, 100);
		memset(b, 2, 5000);
		EXPECT(a[99] == 1 && b[4999] == 2, 1);
		free(a);
		c = malloc(64);
		EXPECT(c != NULL, 1);
		EXPECT(malloc(1ul << 40) == NULL, 1);
		EXPECT(calloc(~0ul / 2, 4) == NULL, 1);
		free(b);
		free(c);
	}
	return failures;
}
