/*
 * userland/pager: the default pager. One thread serves the endpoint in
 * PAGER_SLOT_EP with the protocol of docs/pager-protocol.md: the
 * kernel's fault calls for every managed process, the process manager's
 * MM_* and EXEC requests, and each process's own requests. The badge says
 * who calls (pager_proto.h); each request is checked before anything
 * changes, and a malformed one gets an error reply and changes nothing.
 *
 * The process manager starts it with the capabilities of pager_proto.h's
 * PAGER_SLOT_* and sends PAGER_SETUP first; until then every request gets
 * EAGAIN.
 */
#define LOG_PREFIX "pager: "

#include <pagoda/errno.h>
#include <lib/log.h>
#include "pager.h"

struct pager pager;

static struct ipc_buffer ipcbuf __aligned(IPC_BUFFER_SIZE);

/* The words each request needs (shorter messages get EINVAL). */
static unsigned int words_needed(uint32_t label)
{
	switch (label) {
	case PAGER_SETUP:
	case PAGER_MMAP:
		return 4;
	case PAGER_MPROTECT:
		return 3;
	case PAGER_MM_CREATE:
	case PAGER_MM_FORK:
	case PAGER_EXEC:
	case PAGER_MUNMAP:
	case PAGER_VMAS:
		return 2;
	case PAGER_MM_DESTROY:
	case PAGER_BRK:
	case PAGER_STATS:
		return 1;
	default:
		return 0;
	}
}

/* setup: PAGER_SETUP: w0 frames, w1 task_size, w2 archive size, w3 its offset. */
static long setup(struct ipc_msg *m)
{
	uint64_t npages = m->w[0], task_size = m->w[1], size = m->w[2], off = m->w[3];
	long err;

	if (pager.ready)
		return -EEXIST;
	if (!task_size || !IS_ALIGNED(task_size, PAGE_SIZE) || task_size > ((vaddr_t)1 << 57) ||
	    task_size <= PAGER_ARCHIVE_VA || off >= PAGE_SIZE || size > ((uint64_t)1 << 32))
		return -EINVAL;
	pager.task_size = task_size;
	err = mem_setup(npages);
	if (!err && size)
		err = map(PAGER_SLOT_ASPACE, PAGER_ARCHIVE_VA, PAGER_SLOT_ARCHIVE, 0,
			  (off + size + PAGE_SIZE - 1) >> PAGE_SHIFT, MAP_R);
	if (err)
		return err;
	pager.archive = (const uint8_t *)PAGER_ARCHIVE_VA + off;
	pager.archive_size = size;
	pager.ready = true;
	return 0;
}

/* take_cap: the capability that came with @m, or -EINVAL; a new receive slot follows. */
static long take_cap(const struct ipc_msg *m)
{
	long slot = (long)ipcbuf.recv_cap, next;

	if (!IPC_INFO_HAS_CAP(m->info))
		return -EINVAL;
	next = pmm_slot_alloc();
	ipcbuf.recv_cap = next > 0 ? (unsigned long long)next : 0;
	return slot;
}

/* admin: the process manager's requests. *@data_len: reply data bytes. */
static long admin(uint32_t label, struct ipc_msg *m, size_t *data_len)
{
	uint64_t w0 = m->w[0], w1 = m->w[1];
	uint64_t reason = 0, addr = 0;
	long err, cap;
	vaddr_t pc = 0, sp = 0;

	switch (label) {
	case PAGER_SETUP:
		return setup(m);
	case PAGER_MM_CREATE:
	case PAGER_MM_FORK:
		cap = take_cap(m);
		if (cap <= 0)
			return -EINVAL;
		err = label == PAGER_MM_CREATE ? pmm_create(w0, (unsigned long)w1, cap) :
						 pmm_fork(w0, w1, cap);
		if (err)
			pmm_slot_free(cap);
		return err;
	case PAGER_MM_DESTROY:
		err = pmm_destroy(w0, &reason, &addr);
		m->w[0] = reason;
		m->w[1] = addr;
		return err;
	case PAGER_EXEC:
		if (!pmm_find(w0) || !w0)
			return -ESRCH;
		err = image_exec(pmm_find(w0), (const char *)ipcbuf.data,
				 IPC_INFO_DATA_LEN(m->info), w1, &pc, &sp);
		m->w[0] = pc;
		m->w[1] = sp;
		return err;
	case PAGER_VMAS:
	case PAGER_STATS:
		if (w0 && !pmm_find(w0))
			return -ESRCH;
		if (label == PAGER_STATS) {
			*data_len = (size_t)info_stats(w0 ? pmm_find(w0) : NULL, m, ipcbuf.data);
			return 0;
		}
		if (!w0)
			return -EINVAL;
		*data_len = (size_t)info_vmas(pmm_find(w0), m, ipcbuf.data);
		return 0;
	case PAGER_CHECK:
		return info_check();
	default:
		return words_needed(label) ? -EPERM : -ENOSYS;	/* the manager has no mm */
	}
}

/* process: the requests of process @p about itself. */
static long process(struct pmm *p, uint32_t label, struct ipc_msg *m, size_t *data_len)
{
	switch (label) {
	case PAGER_MMAP:
		return mmreq_mmap(p, m);
	case PAGER_MUNMAP:
		return mmreq_munmap(p, m);
	case PAGER_MPROTECT:
		return mmreq_mprotect(p, m);
	case PAGER_BRK:
		return mmreq_brk(p, m);
	case PAGER_VMAS:
		if (m->w[0] && m->w[0] != p->pid)
			return -EPERM;
		*data_len = (size_t)info_vmas(p, m, ipcbuf.data);
		return 0;
	case PAGER_STATS:
		if (m->w[0] && m->w[0] != p->pid)
			return -EPERM;
		*data_len = (size_t)info_stats(p, m, ipcbuf.data);
		return 0;
	case PAGER_CHECK:
		return info_check();
	default:
		return -ENOSYS;
	}
}

static bool admin_only(uint32_t label)
{
	return label >= PAGER_SETUP && label <= PAGER_EXEC;
}

/*
 * request: anything but a fault; the reply goes back in @m. The checks
 * come in this order: set up (EAGAIN), the caller (ESRCH, EPERM), the
 * word count (EINVAL), then the request's own.
 */
static void request(struct ipc_msg *m)
{
	uint32_t label = (uint32_t)IPC_INFO_LABEL(m->info);
	long cap_slot = IPC_INFO_HAS_CAP(m->info) ? (long)ipcbuf.recv_cap : 0;
	bool words_ok = IPC_INFO_NWORDS(m->info) >= words_needed(label);
	size_t data_len = 0;
	struct pmm *p = NULL;
	long err;

	if (!pager.ready && label != PAGER_SETUP)
		err = -EAGAIN;
	else if (m->badge == PAGER_BADGE_ADMIN)
		err = words_ok ? admin(label, m, &data_len) : -EINVAL;
	else if (m->badge > PAGER_PID_MAX || !(p = pmm_find(m->badge)))
		err = -ESRCH;
	else if (admin_only(label))
		err = -EPERM;
	else
		err = words_ok ? process(p, label, m, &data_len) : -EINVAL;
	/* A capability nobody took (only the manager can send one) goes. */
	if (cap_slot && (long)ipcbuf.recv_cap == cap_slot)
		cap_delete(cap_slot);
	if (!ipcbuf.recv_cap) {
		long next = pmm_slot_alloc();

		ipcbuf.recv_cap = next > 0 ? (unsigned long long)next : 0;
	}
	if (err)
		data_len = 0;
	m->info = IPC_INFO(err < 0 ? -err : 0, IPC_WORDS, data_len, 0);
}

/*
 * fault: the kernel's call for a faulting thread of process badge & PID.
 * A page to map rides on the reply (FAULT_REPLY_MAP); *@mapped is then
 * the process and @ans the page, for fault_map_failed.
 */
static void fault(struct ipc_msg *m, struct fault_answer *ans, struct pmm **mapped)
{
	struct pmm *p = pmm_find(m->badge & PAGER_PID_MAX);
	uint32_t label = (uint32_t)IPC_INFO_LABEL(m->info);
	unsigned int reply = FAULT_REPLY_KILL;

	*mapped = NULL;
	if (!p)
		log_err("fault of unknown pid %llu\n", m->badge & PAGER_PID_MAX);
	else if (label == FAULT_LABEL_PAGE)
		reply = fault_page(p, m->w[0], (unsigned int)m->w[1], m->w[2], ans);
	else if (label == FAULT_LABEL_EXCEPTION)
		reply = fault_exception(p, m->w[0], (unsigned int)m->w[1], m->w[2]);
	if (reply != FAULT_REPLY_MAP) {
		m->info = IPC_INFO(reply, 0, 0, 0);
		return;
	}
	*mapped = p;
	m->w[0] = PAGER_SLOT_RAM;
	m->w[1] = mem_pfn(ans->page);
	m->w[2] = ans->prot;
	m->info = IPC_INFO(FAULT_REPLY_MAP, 3, 0, 0);
}

int main(void)
{
	struct fault_answer ans;
	struct pmm *mapped = NULL;
	struct ipc_msg m;
	long err;

	err = ipc_set_buffer(&ipcbuf);
	if (!err)
		err = pmm_slot_alloc();
	if (err < 0) {
		printf("pager: cannot start: %ld\n", err);
		return 1;
	}
	ipcbuf.recv_cap = (unsigned long long)err;
	err = ipc_recv(PAGER_SLOT_EP, &m);
	for (;;) {
		if (err == -ESRCH && mapped) {
			/* The thread went away before the reply: nothing was mapped. */
			fault_reply_dropped(mapped, &ans);
			mapped = NULL;
			err = ipc_recv(PAGER_SLOT_EP, &m);
			continue;
		}
		if (err && mapped) {
			/*
			 * The kernel refused the map on a fault reply: the fault
			 * still waits. (An error of the receive half would land
			 * here too, but receiving on our own endpoint, which we
			 * hold for good, does not fail.)
			 */
			m.info = IPC_INFO(fault_map_failed(mapped, &ans, err), 0, 0, 0);
			mapped = NULL;
			err = ipc_reply_recv(PAGER_SLOT_EP, &m);
			continue;
		}
		if (err) {
			err = ipc_recv(PAGER_SLOT_EP, &m);
			continue;
		}
		mapped = NULL;
		if (m.badge & PAGER_BADGE_FAULT)
			fault(&m, &ans, &mapped);
		else
			request(&m);
		err = ipc_reply_recv(PAGER_SLOT_EP, &m);
	}
}

