/*
 * userland/utest_minipager: the smallest fault handler: every page fault of
 * its client (badge 5) is answered by mapping the next page of its frame
 * region read-write there and resuming the client. Slots: 1 the fault
 * endpoint (receive), 2 the client's address space (map), 3 a frame
 * region (map, read, write). Anything else is answered "kill". It serves
 * until it is killed (kern/selftest/fault_ktest.c).
 */
#include <pagoda.h>

int main(void)
{
	unsigned long next = 0;
	struct ipc_msg m;
	long err = ipc_recv(1, &m);

	for (;;) {
		unsigned long label = FAULT_REPLY_KILL;

		if (!err && IPC_INFO_LABEL(m.info) == FAULT_LABEL_PAGE && m.badge == 5 &&
		    map(2, m.w[0] & ~0xffful, 3, next, 1, MAP_R | MAP_W) == 0) {
			next++;
			label = FAULT_REPLY_RESUME;
		}
		m.info = IPC_INFO(label, 0, 0, 0);
		err = ipc_reply_recv(1, &m);
	}
}
