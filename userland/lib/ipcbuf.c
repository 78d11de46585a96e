/* userland/lib/ipcbuf.c: the library's IPC buffer (see ipcbuf.h). */
#include <ipcbuf.h>

static struct ipc_buffer lib_ipcbuf __aligned(IPC_BUFFER_SIZE);
static bool lib_ipcbuf_registered;

struct ipc_buffer *ipcbuf_get(void)
{
	/* A write: faults the page in, and breaks copy-on-write after a fork. */
	*(volatile unsigned long long *)&lib_ipcbuf.recv_cap = 0;
	if (!lib_ipcbuf_registered) {
		if (ipc_set_buffer(&lib_ipcbuf))
			return NULL;
		lib_ipcbuf_registered = true;
	}
	return &lib_ipcbuf;
}

void ipcbuf_forget(void)
{
	lib_ipcbuf_registered = false;
}
