/*
 * userland/utest_ipc_client: the client half of the kernel's IPC
 * self-test. Slot 1: the server's endpoint, send + grant, badge 42; slot 2:
 * the same endpoint, send only, badge 7; slot 3: a second endpoint to pass
 * along. Exits with the number of failed checks.
 */
#include <lib/string.h>
#include <pagoda.h>

#define SLOT_EP 1
#define SLOT_EP_NOGRANT 2
#define SLOT_GIFT 3
#define SLOT_OWN 10
#define SLOT_OWN_COPY 11

static struct ipc_buffer buf __attribute__((aligned(4096)));
static int failures;

#define EXPECT(expr, want)                                                     \
	do {                                                                   \
		long long got_ = (long long)(expr);                            \
		if (got_ != (long long)(want)) {                               \
			printf("# utest_ipc_client:%d: %s = %lld, expected %lld\n", __LINE__, \
			       #expr, got_, (long long)(want));                \
			failures++;                                            \
		}                                                              \
	} while (0)

static void echo_words(void)
{
	struct ipc_msg m = { .info = IPC_INFO(1, 4, 0, 0), .w = { 10, 20, 30, 40 } };

	EXPECT(ipc_call(SLOT_EP, &m), 0);
	EXPECT(IPC_INFO_LABEL(m.info), 101);
	EXPECT(m.w[0], 42);
	EXPECT(m.w[1], 20);
	EXPECT(m.w[2], 4);
	EXPECT(m.w[3], 0);
	EXPECT(m.badge, 0);
	m = (struct ipc_msg){ .info = IPC_INFO(1, 1, 0, 0), .w = { 5, 99, 99, 99 } };
	EXPECT(ipc_call(SLOT_EP_NOGRANT, &m), 0);
	EXPECT(m.w[0], 7);
	EXPECT(m.w[1], 10);
	EXPECT(m.w[2], 1);
}

static void echo_data(unsigned int len)
{
	struct ipc_msg m = { .info = IPC_INFO(1, 0, len, 0) };
	unsigned int bad = 0;

	for (unsigned int i = 0; i < len; i++)
		buf.data[i] = (unsigned char)(i * 7 + 1);
	EXPECT(ipc_call(SLOT_EP, &m), 0);
	EXPECT(IPC_INFO_DATA_LEN(m.info), len);
	EXPECT(m.w[3], len);
	for (unsigned int i = 0; i < len; i++)
		bad += buf.data[i] != (unsigned char)((len - 1 - i) * 7 + 1);
	EXPECT(bad, 0);
}

static void bad_messages(void)
{
	struct ipc_msg m = { .info = IPC_INFO(1, 5, 0, 0) };

	EXPECT(ipc_call(SLOT_EP, &m), -EINVAL);
	m.info = IPC_INFO(1, 0, IPC_DATA_MAX + 1, 0);
	EXPECT(ipc_call(SLOT_EP, &m), -EINVAL);
	m.info = IPC_INFO(1, 0, 0, 0) | (1ull << 25);
	EXPECT(ipc_call(SLOT_EP, &m), -EINVAL);
	m.info = IPC_INFO(1, 0, 0, 0);
	EXPECT(ipc_recv(SLOT_EP, &m), -EPERM);
	EXPECT(ipc_call(0, &m), -EBADF);
	EXPECT(ipc_call(9999, &m), -EBADF);
	EXPECT(ipc_call(-1, &m), -EBADF);
	EXPECT(ipc_call(4, &m), -EBADF);
	EXPECT(ipc_reply(&m), -ESRCH);
	EXPECT(ipc_set_buffer((struct ipc_buffer *)((char *)&buf + 8)), -EINVAL);
	EXPECT(ipc_set_buffer((struct ipc_buffer *)0xffffffff80200000ul), -EFAULT);
}

static void capabilities(void)
{
	struct ipc_msg m = { .info = IPC_INFO(3, 0, 0, 1) };

	buf.send_cap = SLOT_GIFT;
	EXPECT(ipc_call(SLOT_EP, &m), 0);
	EXPECT(IPC_INFO_LABEL(m.info), 103);
	EXPECT(m.w[0], 1);
	EXPECT((long)m.w[1], -EAGAIN);
	m.info = IPC_INFO(3, 0, 0, 1);
	EXPECT(ipc_call(SLOT_EP_NOGRANT, &m), -EPERM);
	m.info = IPC_INFO(3, 0, 0, 0);
	EXPECT(ipc_call(SLOT_EP, &m), 0);
	EXPECT(m.w[0], 0);

	/* Own endpoint: polls fail, copies lose rights, revoke removes copies. */
	EXPECT(endpoint_create(SLOT_OWN), 0);
	EXPECT(endpoint_create(SLOT_OWN), -EEXIST);
	EXPECT(ipc_nbrecv(SLOT_OWN, &m), -EAGAIN);
	m.info = 0;
	EXPECT(ipc_nbsend(SLOT_OWN, &m), -EAGAIN);
	EXPECT(cap_copy(SLOT_OWN, SLOT_OWN_COPY, CAP_R_SEND), 0);
	EXPECT(ipc_nbrecv(SLOT_OWN_COPY, &m), -EPERM);
	EXPECT(cap_revoke(SLOT_OWN), 0);
	EXPECT(ipc_nbsend(SLOT_OWN_COPY, &m), -EBADF);
	EXPECT(cap_delete(SLOT_OWN), 0);
	EXPECT(ipc_nbsend(SLOT_OWN, &m), -EBADF);
}

int main(void)
{
	struct ipc_msg m = { .info = IPC_INFO(99, 0, 0, 0) };

	EXPECT(ipc_set_buffer(&buf), 0);
	echo_words();
	echo_data(100);
	echo_data(IPC_DATA_MAX);
	bad_messages();
	capabilities();
	EXPECT(ipc_call(SLOT_EP, &m), 0);
	EXPECT(IPC_INFO_LABEL(m.info), 199);
	return failures;
}
