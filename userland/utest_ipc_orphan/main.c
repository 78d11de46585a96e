/*
 * userland/utest_ipc_orphan: calls the IPC test server with "vanish"
 * (label 98): the server exits without replying, so the call must end with
 * -EDEAD instead of waiting forever. Exit code 0 if it did.
 */
#include <pagoda.h>

int main(void)
{
	struct ipc_msg m = { .info = IPC_INFO(98, 0, 0, 0) };
	long err = ipc_call(1, &m);

	if (err != -EDEAD) {
		printf("# utest_ipc_orphan: call returned %ld, expected %d\n", err, -EDEAD);
		return 1;
	}
	return 0;
}
