/*
 * userland/lib/pm_proc.c: the process manager's processes: the table,
 * creating one (spawn, fork), exec, wait, kill, and the end of one (the
 * reaper's report). See pm_impl.h for the states and limits; every address
 * space change goes through the pager's admin requests.
 */
#include <lib/string.h>
#include <pm_impl.h>
#include <proc_arch.h>

static struct pm_proc *by_pid(uint64_t pid)
{
	for (unsigned int i = 0; i < PM_MAX_PROCS; i++)
		if (pm.procs[i].state != PM_FREE && pm.procs[i].pid == pid)
			return &pm.procs[i];
	return NULL;
}

unsigned int pm_live(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < PM_MAX_PROCS; i++)
		n += pm.procs[i].state == PM_LIVE;
	return n;
}

/* desc_limit: how many live descendants @p may have. */
static unsigned int desc_limit(const struct pm_proc *p)
{
	return p->ppid == PM_INIT_PID ? PM_MAX_PROCS : PM_DESC_LIMIT;
}

/* add_desc: @n more (or fewer) live descendants for @ppid and its ancestors. */
static void add_desc(uint64_t ppid, int n)
{
	struct pm_proc *a;

	for (a = by_pid(ppid); a; a = by_pid(a->ppid))
		a->ndesc = (unsigned int)((int)a->ndesc + n);
}

/* proc_alloc: a free entry for a child of @ppid, within the limits; -EAGAIN if not. */
static struct pm_proc *proc_alloc(uint64_t ppid)
{
	struct pm_proc *a, *p = NULL;

	for (a = by_pid(ppid); a; a = by_pid(a->ppid))
		if (a->ndesc >= desc_limit(a))
			return NULL;
	for (unsigned int i = 0; i < PM_MAX_PROCS && !p; i++)
		if (pm.procs[i].state == PM_FREE)
			p = &pm.procs[i];
	if (p) {
		memset(p, 0, sizeof(*p));
		p->pid = pm.next_pid++;
		p->ppid = ppid;
	}
	return p;
}

/* drop_objects: delete every capability init holds for @p. */
static void drop_objects(struct pm_proc *p)
{
	pm_slot_free(p->reaper);
	pm_slot_free(p->thread);
	pm_slot_free(p->cspace);
	pm_slot_free(p->ntfn);
	p->reaper = p->thread = p->cspace = p->ntfn = 0;
}

/*
 * give_caps: @p's CSpace as proc_proto.h says, and its faults to the pager,
 * which maps pages on its fault replies (@as: @p's address space).
 */
static long give_caps(struct pm_proc *p, long as)
{
	long fault = pm_slot_alloc();
	long err = fault < 0 ? fault : 0;

	if (!err)
		err = cap_give(pm.init_ep, p->cspace, PROC_SLOT_INIT, CAP_R_SEND, p->pid);
	if (!err)
		err = cap_give(pm.pager_ep, p->cspace, PROC_SLOT_PAGER, CAP_R_SEND, p->pid);
	if (!err)
		err = cap_give(p->ntfn, p->cspace, PROC_SLOT_NTFN, CAP_R_RECV, 0);
	if (!err)
		err = cap_mint(pm.pager_ep, fault, CAP_R_SEND, PAGER_BADGE_FAULT | p->pid);
	if (!err)
		err = thread_set_fault_ep(p->thread, fault, as);
	pm_slot_free(fault);
	return err;
}

/*
 * new_objects: @p's CSpace, address space (in *@as, for the pager),
 * notification, thread and reaper thread, with its capabilities given.
 */
static long new_objects(struct pm_proc *p, long *as)
{
	long err;

	p->cspace = pm_slot_alloc();
	p->thread = pm_slot_alloc();
	p->ntfn = pm_slot_alloc();
	p->reaper = pm_slot_alloc();
	*as = pm_slot_alloc();
	if (p->cspace < 0 || p->thread < 0 || p->ntfn < 0 || p->reaper < 0 || *as < 0)
		err = -ENOSPC;
	else
		err = cspace_create(p->cspace, PROC_CSPACE_SLOTS);
	if (!err)
		err = aspace_create(*as, PM_TABLE_QUOTA);
	if (!err)
		err = notification_create(p->ntfn);
	if (!err)
		err = thread_create(p->thread, p->cspace, *as, PM_PROC_PRIO);
	if (!err)
		err = thread_create(p->reaper, ROOT_SLOT_CSPACE, ROOT_SLOT_ASPACE,
				    THREAD_PRIO_DEFAULT_USER);
	if (!err)
		err = give_caps(p, *as);
	if (err) {
		pm_slot_free(*as);
		drop_objects(p);
	}
	return err;
}

/* pager_new_mm: MM_CREATE or MM_FORK, handing over @as (init's copy goes). */
static long pager_new_mm(unsigned int label, struct pm_proc *p, long as)
{
	struct ipc_msg m = { .w = { label == PAGER_MM_FORK ? p->ppid : p->pid, p->pid } };
	long err;

	if (label == PAGER_MM_CREATE)
		m.w[1] = 0;
	err = pm_pager_call(label, &m, as, 0);
	pm_slot_free(as);
	return err;
}

static void pager_destroy(struct pm_proc *p)
{
	struct ipc_msg m = { .w = { p->pid } };

	if (!pm_pager_call(PAGER_MM_DESTROY, &m, 0, 0)) {
		p->reason = m.w[0];
		p->addr = m.w[1];
	}
}

/* go_live: @p's thread is ready: count it, start its reaper. */
static void go_live(struct pm_proc *p)
{
	p->state = PM_LIVE;
	add_desc(p->ppid, 1);
	pm_start_reaper((unsigned int)(p - pm.procs));
}

/* proc_create: @p's kernel objects and its mm at the pager (@label); nothing left on error. */
static long proc_create(struct pm_proc *p, unsigned int label)
{
	long as, err = new_objects(p, &as);

	if (!err)
		err = pager_new_mm(label, p, as);
	if (err)
		drop_objects(p);
	return err;
}

/* proc_teardown: drop @p's mm at the pager and every capability init holds for it. */
static void proc_teardown(struct pm_proc *p)
{
	pager_destroy(p);
	drop_objects(p);
}

/*
 * pm_spawn: a new process, child of @ppid, running program @data
 * ("name\0args\0", @len bytes) with argument word @arg. Its pid.
 */
long pm_spawn(uint64_t ppid, const char *data, size_t len, uint64_t arg)
{
	struct pm_proc *p = proc_alloc(ppid);
	struct ipc_msg m = { 0 };
	long err;

	if (!p)
		return -EAGAIN;
	if (len > IPC_DATA_MAX)
		return -E2BIG;
	err = proc_create(p, PAGER_MM_CREATE);
	if (err)
		return err;
	memmove(pm.buf->data, data, len);
	m.w[0] = p->pid;
	m.w[1] = arg;
	err = pm_pager_call(PAGER_EXEC, &m, 0, len);
	if (!err)
		err = thread_start(p->thread, m.w[0], m.w[1], PROC_INFO_VA);
	if (err) {
		proc_teardown(p);
		return err;
	}
	go_live(p);
	return (long)p->pid;
}

/* fork_regs: the child's registers: the parent's, returning 0 and its own pid. */
static long fork_regs(struct pm_proc *parent, struct pm_proc *child)
{
	struct ipc_msg ret = { .info = IPC_INFO(0, 2, 0, 0), .w = { 0, child->pid } };
	struct user_regs regs;
	long err = thread_read_regs(parent->thread, &regs);

	if (err)
		return err;
	arch_regs_set_ipc_return(&regs, 0, &ret);
	return thread_write_regs(child->thread, &regs);
}

/* do_fork: PROC_FORK from @parent (blocked in the call); w0 the child's pid. */
static long do_fork(struct pm_proc *parent, struct ipc_msg *m)
{
	struct pm_proc *c = proc_alloc(parent->pid);
	long err;

	if (!c)
		return -EAGAIN;
	err = proc_create(c, PAGER_MM_FORK);
	if (err)
		return err;
	err = fork_regs(parent, c);
	if (!err)
		err = thread_resume(c->thread);
	if (err) {
		proc_teardown(c);
		return err;
	}
	go_live(c);
	m->w[0] = c->pid;
	return 0;
}

/* descends: whether @q is @a or lies below it. */
static bool descends(const struct pm_proc *q, const struct pm_proc *a)
{
	for (; q; q = by_pid(q->ppid))
		if (q == a)
			return true;
	return false;
}

/* end_thread: delete @q's thread (its last reference): it ends, its reaper reports. */
static void end_thread(struct pm_proc *q)
{
	q->killed = true;
	pm_slot_free(q->thread);
	q->thread = 0;
}

/*
 * do_exec: PROC_EXEC: the pager replaces the address space; the caller's
 * call is cut short (suspend) and its thread restarts at the new entry.
 * 1: no reply is owed any more; or an error for the reply.
 */
static long do_exec(struct pm_proc *p, struct ipc_msg *m)
{
	struct ipc_msg x = { .w = { p->pid, m->w[0] } };
	long err = pm_pager_call(PAGER_EXEC, &x, 0, IPC_INFO_DATA_LEN(m->info));

	if (err)
		return err;
	err = thread_suspend(p->thread);
	if (!err)
		err = thread_start(p->thread, x.w[0], x.w[1], PROC_INFO_VA);
	if (err)
		end_thread(p);	/* the new image cannot start: the reaper reports */
	return 1;
}

/* do_wait: PROC_WAIT: reap an ended child @w0 (0: any). */
static long do_wait(struct pm_proc *p, struct ipc_msg *m)
{
	bool live = false;

	if (m->w[1])
		return -EINVAL;
	for (unsigned int i = 0; i < PM_MAX_PROCS; i++) {
		struct pm_proc *c = &pm.procs[i];

		if (c->state == PM_FREE || c->ppid != p->pid || (m->w[0] && m->w[0] != c->pid))
			continue;
		if (c->state == PM_LIVE) {
			live = true;
			continue;
		}
		m->w[0] = c->pid;
		m->w[1] = (unsigned long long)c->code;
		m->w[2] = c->reason;
		m->w[3] = c->addr;
		c->state = PM_FREE;
		return 0;
	}
	return live ? -EAGAIN : -ECHILD;
}

/* do_kill: PROC_KILL: end live descendant @w0 of @p and every live descendant of it. */
static long do_kill(struct pm_proc *p, struct ipc_msg *m)
{
	struct pm_proc *t = by_pid(m->w[0]);

	if (!t || t->state != PM_LIVE)
		return -ESRCH;
	if (t == p || !descends(t, p))
		return -EPERM;
	for (unsigned int i = 0; i < PM_MAX_PROCS; i++)
		if (pm.procs[i].state == PM_LIVE && pm.procs[i].thread && descends(&pm.procs[i], t))
			end_thread(&pm.procs[i]);
	return 0;
}

/* dispatch: a request of live process @p; 1 when no reply is owed any more. */
static long dispatch(struct pm_proc *p, unsigned int label, struct ipc_msg *m)
{
	unsigned int words = IPC_INFO_NWORDS(m->info);
	long err;

	switch (label) {
	case PROC_FORK:
		return do_fork(p, m);
	case PROC_EXEC:
		return words < 1 ? -EINVAL : do_exec(p, m);
	case PROC_SPAWN:
		if (words < 1)
			return -EINVAL;
		err = pm_spawn(p->pid, (const char *)pm.buf->data, IPC_INFO_DATA_LEN(m->info),
			       m->w[0]);
		if (err < 0)
			return err;
		m->w[0] = (unsigned long long)err;
		return 0;
	case PROC_WAIT:
		return words < 2 ? -EINVAL : do_wait(p, m);
	case PROC_KILL:
		return words < 1 ? -EINVAL : do_kill(p, m);
	case PROC_GETPID:
		m->w[0] = p->pid;
		m->w[1] = p->ppid;
		return 0;
	default:
		return -ENOSYS;
	}
}

/* pm_request: a process's request in @m; true if @m now holds the reply. */
bool pm_request(struct ipc_msg *m)
{
	struct pm_proc *p = by_pid(m->badge);
	long err;

	if (!p || p->state != PM_LIVE)
		err = -ESRCH;
	else
		err = dispatch(p, (unsigned int)IPC_INFO_LABEL(m->info), m);
	if (err == 1)
		return false;
	m->info = IPC_INFO(err < 0 ? -err : 0, IPC_WORDS, 0, 0);
	return true;
}

/* orphan: @p's children get init as parent; those already ended are reaped. */
static void orphan(struct pm_proc *p)
{
	for (unsigned int i = 0; i < PM_MAX_PROCS; i++) {
		struct pm_proc *c = &pm.procs[i];

		if (c->state == PM_FREE || c->ppid != p->pid)
			continue;
		c->ppid = PM_INIT_PID;
		if (c->state == PM_ZOMBIE)
			c->state = PM_FREE;
	}
}

/* pm_reaped: the reaper of entry @idx saw its thread end with @code. */
void pm_reaped(unsigned int idx, long code)
{
	struct pm_proc *p = idx < PM_MAX_PROCS ? &pm.procs[idx] : NULL;
	struct pm_proc *parent;

	if (!p || p->state != PM_LIVE)
		return;
	proc_teardown(p);		/* the reaper too: it waits for this reply */
	p->code = p->killed ? -EDEAD : code;
	p->state = PM_ZOMBIE;
	add_desc(p->ppid, -1 - (int)p->ndesc);
	orphan(p);
	parent = by_pid(p->ppid);
	if (parent && parent->state == PM_LIVE) {
		ntfn_signal(parent->ntfn);
		return;
	}
	if (p->pid == pm.first_pid) {
		pm.first_code = p->code;
		pm.first_done = true;
	}
	p->state = PM_FREE;		/* init's own child: nobody waits */
}

/* pm_kill_all: end every live process (the first program has ended). */
void pm_kill_all(void)
{
	for (unsigned int i = 0; i < PM_MAX_PROCS; i++) {
		struct pm_proc *p = &pm.procs[i];

		if (p->state == PM_LIVE && p->thread)
			end_thread(p);
	}
}

