/*
 * userland/lib/proc.c: the process calls of proc.h, as requests to the
 * process manager on PROC_SLOT_INIT.
 */
#include <ipcbuf.h>
#include <lib/string.h>
#include <proc.h>

static long cached_pid;

/* proc_call: call the manager; its error label becomes a negative code. */
static long proc_call(struct ipc_msg *m)
{
	long err = ipc_call(PROC_SLOT_INIT, m);

	if (err)
		return err;
	return -(long)IPC_INFO_LABEL(m->info);
}

const struct proc_info *proc_info(void)
{
	const struct proc_info *info = (const struct proc_info *)PROC_INFO_VA;

	if (start_argument() != PROC_INFO_VA || info->magic != PROC_INFO_MAGIC)
		return NULL;
	return info;
}

long fork(void)
{
	struct ipc_msg m = { .info = IPC_INFO(PROC_FORK, 0, 0, 0) };
	long err = proc_call(&m);

	if (err)
		return err;
	if (m.w[0])
		return (long)m.w[0];
	/* The child: a new thread, with no IPC buffer registered yet. */
	ipcbuf_forget();
	cached_pid = (long)m.w[1];
	return 0;
}

/* names_request: a message with "name\0args\0" as data; -E2BIG if too long. */
static long names_request(uint32_t label, const char *name, const char *args,
			  struct ipc_msg *m)
{
	struct ipc_buffer *buf = ipcbuf_get();
	size_t n = strlen(name), a = strlen(args);

	if (!buf)
		return -EFAULT;
	if (n >= PROC_NAME_MAX || a >= PROC_ARGS_MAX)
		return -E2BIG;
	memcpy(buf->data, name, n + 1);
	memcpy(buf->data + n + 1, args, a + 1);
	m->info = IPC_INFO(label, 1, n + a + 2, 0);
	m->w[0] = 0;
	return proc_call(m);
}

long exec(const char *name, const char *args)
{
	struct ipc_msg m;

	return names_request(PROC_EXEC, name, args, &m);
}

long proc_spawn(const char *name, const char *args)
{
	struct ipc_msg m;
	long err = names_request(PROC_SPAWN, name, args, &m);

	return err ? err : (long)m.w[0];
}

long waitpid(long pid, struct proc_status *st, unsigned int flags)
{
	for (;;) {
		struct ipc_msg m = { .info = IPC_INFO(PROC_WAIT, 2, 0, 0) };
		long err;

		m.w[0] = (unsigned long long)pid;
		err = proc_call(&m);

		if (!err) {
			if (st) {
				st->pid = (long)m.w[0];
				st->code = (long)m.w[1];
				st->reason = (unsigned int)m.w[2];
				st->addr = m.w[3];
			}
			return (long)m.w[0];
		}
		if (err != -EAGAIN || (flags & WNOHANG))
			return err;
		/* A child ended since the call, or will: the bit stays until taken. */
		err = ntfn_wait(PROC_SLOT_NTFN);
		if (err < 0)
			return err;
	}
}

long wait(struct proc_status *st)
{
	return waitpid(0, st, 0);
}

long getpid(void)
{
	struct ipc_msg m = { .info = IPC_INFO(PROC_GETPID, 0, 0, 0) };

	if (!cached_pid && !proc_call(&m))
		cached_pid = (long)m.w[0];
	return cached_pid ? cached_pid : -ESRCH;
}

long getppid(void)
{
	struct ipc_msg m = { .info = IPC_INFO(PROC_GETPID, 0, 0, 0) };
	long err = proc_call(&m);

	return err ? err : (long)m.w[1];
}

long kill(long pid)
{
	struct ipc_msg m = { .info = IPC_INFO(PROC_KILL, 1, 0, 0), .w = { (unsigned long)pid } };

	return proc_call(&m);
}
