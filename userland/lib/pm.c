/*
 * userland/lib/pm.c: the process manager's start, its CSpace slots, the
 * pager, the reaper threads and the server loop (see pm.h, pm_impl.h).
 */
#include <lib/string.h>
#include <pm.h>
#include <pm_impl.h>
#include <spawn.h>

struct pm pm;

static struct ipc_buffer pm_ipcbuf __aligned(IPC_BUFFER_SIZE);
static unsigned char reaper_stacks[PM_MAX_PROCS][PM_REAPER_STACK] __aligned(16);

/* Slots of init's CSpace from slot_base on (spawn.c's bump allocator keeps those below). */
static long slot_base, slot_count;
static uint64_t slot_used[4096 / 64];	/* a CSpace has at most 4096 slots */

long pm_slot_alloc(void)
{
	for (long i = 0; i < slot_count; i++)
		if (!(slot_used[i / 64] & (1ull << (i % 64)))) {
			slot_used[i / 64] |= 1ull << (i % 64);
			return slot_base + i;
		}
	return -ENOSPC;
}

/* pm_slot_free: delete whatever @slot holds and make it free (0 is ignored). */
void pm_slot_free(long slot)
{
	long i = slot - slot_base;

	if (slot <= 0 || i < 0 || i >= slot_count)
		return;
	cap_delete(slot);
	slot_used[i / 64] &= ~(1ull << (i % 64));
}

/*
 * pm_pager_call: an admin request; @cap (0: none) goes with it, and
 * @data_len bytes of pm.buf->data. The pager's error label becomes a
 * negative code; the reply's words are in @m.
 */
long pm_pager_call(unsigned int label, struct ipc_msg *m, long cap, size_t data_len)
{
	long err;

	pm.buf->send_cap = (unsigned long long)cap;
	m->info = IPC_INFO(label, IPC_WORDS, data_len, cap != 0);
	err = ipc_call(pm.pager_admin, m);
	return err ? err : -(long)IPC_INFO_LABEL(m->info);
}

/* reaper: wait for process @idx's thread to end, tell the server, be deleted. */
static __noreturn void reaper(unsigned long idx)
{
	struct ipc_msg m = { .info = IPC_INFO(PM_REAPED, 2, 0, 0) };

	m.w[0] = idx;
	m.w[1] = (unsigned long long)thread_wait(pm.procs[idx].thread);
	ipc_call(pm.reaper_ep, &m);
	exit(0);
}

void pm_start_reaper(unsigned int idx)
{
	struct pm_proc *p = &pm.procs[idx];

	thread_start(p->reaper, (unsigned long)reaper,
		     (unsigned long)(reaper_stacks[idx] + PM_REAPER_STACK), idx);
}

/* pager_region: the largest RAM region but the first (spawn() allocates from that one). */
static const struct root_region *pager_region(void)
{
	const struct root_info *ri = root_info();
	const struct root_region *best = NULL, *first = NULL;

	for (unsigned long i = 0; i < ri->nregions; i++) {
		const struct root_region *r = &ri->regions[i];

		if (r->kind != ROOT_REGION_RAM)
			continue;
		if (!first)
			first = r;
		else if (!best || r->npages > best->npages)
			best = r;
	}
	return best;
}

/* give_pager: the pager's CSpace, as pager_proto.h's PAGER_SLOT_* say. */
static long give_pager(const struct child *c, const struct root_region *ram)
{
	long err = cap_give(pm.pager_ep, c->cspace, PAGER_SLOT_EP, CAP_R_RECV, 0);

	if (!err)
		err = cap_give(c->aspace, c->cspace, PAGER_SLOT_ASPACE, CAP_R_MAP, 0);
	if (!err)
		err = cap_give((long)ram->slot, c->cspace, PAGER_SLOT_RAM,
			       CAP_R_MAP | CAP_R_READ | CAP_R_WRITE | CAP_R_EXEC, 0);
	if (!err)
		err = cap_give(ROOT_SLOT_ARCHIVE, c->cspace, PAGER_SLOT_ARCHIVE,
			       CAP_R_MAP | CAP_R_READ, 0);
	return err;
}

/* start_pager: spawn it, give it its capabilities, start it, PAGER_SETUP. */
static long start_pager(void)
{
	const struct root_info *ri = root_info();
	const struct root_region *ram = pager_region();
	struct ipc_msg m = { .w = { 0, ri->user_top, ri->archive_size, ri->archive_offset } };
	struct child c;
	long err;

	if (!ram)
		return -ENOMEM;
	err = spawn("pager", THREAD_PRIO_DEFAULT_USER, &c);
	slot_base = slot_alloc();
	slot_count = (long)ri->nslots - slot_base;
	if (!err && (slot_base < 0 || slot_count <= 0 || slot_count > 4096))
		err = -ENOSPC;
	pm.pager_ep = pm_slot_alloc();
	pm.pager_admin = pm_slot_alloc();
	if (!err)
		err = endpoint_create(pm.pager_ep);
	if (!err)
		err = cap_mint(pm.pager_ep, pm.pager_admin, CAP_R_SEND | CAP_R_GRANT,
			       PAGER_BADGE_ADMIN);
	if (!err)
		err = give_pager(&c, ram);
	if (!err)
		err = thread_start(c.thread, c.entry, c.stack_top, 0);
	m.w[0] = ram->npages;
	return err ? err : pm_pager_call(PAGER_SETUP, &m, 0, 0);
}

static long boot(void)
{
	long err = root_info() ? 0 : root_init();

	if (!err)
		err = ipc_set_buffer(&pm_ipcbuf);
	if (err)
		return err;
	pm.buf = &pm_ipcbuf;
	pm.next_pid = PM_INIT_PID + 1;
	err = start_pager();
	pm.init_ep = pm_slot_alloc();
	pm.reaper_ep = pm_slot_alloc();
	if (!err)
		err = endpoint_create(pm.init_ep);
	if (!err)
		err = cap_mint(pm.init_ep, pm.reaper_ep, CAP_R_SEND, PM_BADGE_REAPER);
	return err;
}

/* serve: answer requests until the first program and everything else ended. */
static void serve(void)
{
	struct ipc_msg m;
	bool reply = false;
	long err;

	for (;;) {
		err = reply ? ipc_reply_recv(pm.init_ep, &m) : ipc_recv(pm.init_ep, &m);
		reply = false;
		if (err)
			continue;
		if (m.badge == PM_BADGE_REAPER && IPC_INFO_LABEL(m.info) == PM_REAPED)
			pm_reaped((unsigned int)m.w[0], (long)m.w[1]);
		else
			reply = pm_request(&m);
		if (pm.first_done && pm_live())
			pm_kill_all();
		if (pm.first_done && !pm_live())
			break;
	}
	if (reply)
		ipc_reply(&m);
}

static void print_stats(const struct pager_stats *st)
{
	unsigned long long c[PAGER_CNT_COUNT];

	for (int i = 0; i < PAGER_CNT_COUNT; i++)
		c[i] = st->counters[i];
	printf("init: pager: %llu faults: %llu zero-filled, %llu zero page, %llu from images, "
	       "%llu COW copies, %llu COW reuses, %llu stack growths, %llu remaps; %llu "
	       "processes ended by it\n",
	       c[PAGER_CNT_FAULTS], c[PAGER_CNT_ZERO_FILL], c[PAGER_CNT_ZERO_PAGE],
	       c[PAGER_CNT_FILE_FILL], c[PAGER_CNT_COW_COPY], c[PAGER_CNT_COW_REUSE],
	       c[PAGER_CNT_STACK_GROW], c[PAGER_CNT_REMAP], c[PAGER_CNT_KILLS]);
	printf("init: pager: %llu of %llu frames free, heap %llu of %llu bytes used\n",
	       (unsigned long long)st->frames_free, (unsigned long long)st->frames_total,
	       (unsigned long long)st->heap_used, (unsigned long long)st->heap_total);
}

/* stats: the pager's global counters; 0 or an error. */
static long stats(struct pager_stats *st)
{
	struct ipc_msg m = { .w = { 0 } };
	long err = pm_pager_call(PAGER_STATS, &m, 0, 0);

	if (!err && IPC_INFO_DATA_LEN(m.info) < sizeof(*st))
		err = -EMSGSIZE;
	if (!err)
		memcpy(st, pm.buf->data, sizeof(*st));
	return err;
}

int pm_main(const char *first, const char *args)
{
	struct pager_stats before, after;
	char data[PROC_NAME_MAX + PROC_ARGS_MAX];
	size_t n = strlen(first), a = strlen(args);
	struct ipc_msg m = { 0 };
	long err = boot();

	if (!err)
		err = stats(&before);
	if (!err && (n >= PROC_NAME_MAX || a >= PROC_ARGS_MAX))
		err = -E2BIG;
	if (!err) {
		memcpy(data, first, n + 1);
		memcpy(data + n + 1, args, a + 1);
		err = pm_spawn(PM_INIT_PID, data, n + a + 2, 0);
	}
	if (err < 0) {
		printf("init: cannot start the pager and '%s': %ld\n", first, err);
		return 1;
	}
	pm.first_pid = (uint64_t)err;
	serve();
	err = stats(&after);
	if (!err)
		print_stats(&after);
	if (!err)
		err = pm_pager_call(PAGER_CHECK, &m, 0, 0);
	/* The image cache is kept for good: it is not a leak. */
	if (!err && (after.frames_free != before.frames_free ||
		     after.heap_used - after.heap_images != before.heap_used - before.heap_images))
		err = -EINVAL;
	if (err) {
		printf("init: the pager did not get everything back (%ld): %llu -> %llu frames "
		       "free, heap %llu -> %llu bytes\n", err,
		       (unsigned long long)before.frames_free,
		       (unsigned long long)after.frames_free,
		       (unsigned long long)before.heap_used, (unsigned long long)after.heap_used);
		return 1;
	}
	return (int)pm.first_code;
}
