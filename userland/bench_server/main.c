/*
 * userland/bench_server: the other address space of the IPC benchmark.
 * Slot 1: an endpoint with receive rights. Answers every call with one
 * word, the received word plus one, forever (the benchmark ends the system).
 */
#include <pagoda.h>

int main(void)
{
	struct ipc_msg m;
	long err = ipc_recv(1, &m);

	for (;;) {
		m.info = IPC_INFO(0, 1, 0, 0);
		m.w[0] = err ? 0 : m.w[0] + 1;
		err = ipc_reply_recv(1, &m);
	}
}
