/*
 * userland/utest_ipc_server: the server half of the kernel's IPC self-test
 * (kern/selftest/ipc_ktest.c puts an endpoint with receive rights in slot
 * 1). Protocol, by label:
 *   1 echo: reply label 101 with w0 = the sender's badge, w1 = 2 * w0,
 *     w2 = words received, w3 = data bytes received; data reversed.
 *   3 capability: reply w0 = whether one arrived, w1 = the result of a
 *     non-blocking send through it (-EAGAIN shows it is a live endpoint).
 *   98 vanish: exit without replying (the caller must get -EDEAD).
 *   99 quit: reply, then exit with the number of protocol errors seen.
 */
#include <lib/string.h>
#include <pagoda.h>

#define SLOT_EP 1
#define SLOT_RECEIVED 5

static struct ipc_buffer buf __attribute__((aligned(4096)));

static void reverse(unsigned char *p, unsigned int n)
{
	for (unsigned int i = 0; i < n / 2; i++) {
		unsigned char t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

int main(void)
{
	struct ipc_msg m;
	int errors = 0;
	long err;

	if (ipc_set_buffer(&buf))
		return 100;
	buf.recv_cap = SLOT_RECEIVED;
	err = ipc_recv(SLOT_EP, &m);
	for (;;) {
		unsigned long long label = IPC_INFO_LABEL(m.info);
		unsigned int len = IPC_INFO_DATA_LEN(m.info);
		struct ipc_msg probe = { 0 };

		if (err) {
			errors++;
			memset(&m, 0, sizeof(m));
			err = ipc_reply_recv(SLOT_EP, &m);
			continue;
		}
		switch (label) {
		case 1:
			reverse(buf.data, len);
			m.w[3] = len;
			m.w[2] = IPC_INFO_NWORDS(m.info);
			m.w[1] = 2 * m.w[0];
			m.w[0] = m.badge;
			m.info = IPC_INFO(101, 4, len, 0);
			break;
		case 3:
			m.w[0] = IPC_INFO_HAS_CAP(m.info);
			m.w[1] = (unsigned long long)ipc_nbsend(SLOT_RECEIVED, &probe);
			cap_delete(SLOT_RECEIVED);
			m.info = IPC_INFO(103, 2, 0, 0);
			break;
		case 98:
			return errors;
		case 99:
			m.info = IPC_INFO(199, 0, 0, 0);
			ipc_reply(&m);
			return errors;
		default:
			errors++;
			m.info = IPC_INFO(404, 0, 0, 0);
		}
		err = ipc_reply_recv(SLOT_EP, &m);
	}
}
