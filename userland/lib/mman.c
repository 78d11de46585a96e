/*
 * userland/lib/mman.c: the memory calls of mman.h, as requests to the
 * pager on PROC_SLOT_PAGER.
 */
#include <ipcbuf.h>
#include <lib/string.h>
#include <mman.h>
#include <proc_proto.h>

/* pager_call: call the pager; its error label becomes a negative code. */
static long pager_call(unsigned int label, struct ipc_msg *m)
{
	long err;

	m->info = IPC_INFO(label, IPC_WORDS, 0, 0);
	err = ipc_call(PROC_SLOT_PAGER, m);
	if (err)
		return err;
	return -(long)IPC_INFO_LABEL(m->info);
}

long mmap(unsigned long addr, size_t len, unsigned int prot, unsigned int flags)
{
	struct ipc_msg m = { .w = { addr, len, prot, flags } };
	long err = pager_call(PAGER_MMAP, &m);

	return err ? err : (long)m.w[0];
}

long munmap(unsigned long addr, size_t len)
{
	struct ipc_msg m = { .w = { addr, len } };

	return pager_call(PAGER_MUNMAP, &m);
}

long mprotect(unsigned long addr, size_t len, unsigned int prot)
{
	struct ipc_msg m = { .w = { addr, len, prot } };

	return pager_call(PAGER_MPROTECT, &m);
}

long brk(unsigned long addr)
{
	struct ipc_msg m = { .w = { addr } };
	long err = pager_call(PAGER_BRK, &m);

	return err ? err : (long)m.w[0];
}

long sbrk(long incr)
{
	long old = brk(0), err;

	if (old < 0 || !incr)
		return old;
	err = brk((unsigned long)(old + incr));
	return err < 0 ? err : old;
}

long pager_vmas(unsigned long from, struct pager_vma *out, size_t max)
{
	size_t n = 0;

	do {
		struct ipc_buffer *buf = ipcbuf_get();
		struct ipc_msg m = { .w = { 0, from } };
		long err = buf ? pager_call(PAGER_VMAS, &m) : -EFAULT;
		size_t got;

		if (err)
			return err;
		got = MIN((size_t)m.w[0], IPC_INFO_DATA_LEN(m.info) / sizeof(*out));
		got = MIN(got, max - n);
		memcpy(out + n, buf->data, got * sizeof(*out));
		n += got;
		from = m.w[1];
	} while (from && n < max);
	return (long)n;
}

long pager_stats(struct pager_stats *st)
{
	struct ipc_buffer *buf = ipcbuf_get();
	struct ipc_msg m = { .w = { 0 } };
	long err = buf ? pager_call(PAGER_STATS, &m) : -EFAULT;

	if (err)
		return err;
	if (IPC_INFO_DATA_LEN(m.info) < sizeof(*st))
		return -EMSGSIZE;
	memcpy(st, buf->data, sizeof(*st));
	return 0;
}

long pager_check(void)
{
	struct ipc_msg m = { 0 };

	return pager_call(PAGER_CHECK, &m);
}
