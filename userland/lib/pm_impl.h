/*
 * userland/lib/pm_impl.h: the process manager's internals (pm.c: start,
 * pager, slots, the server loop; pm_proc.c: the process table and the
 * requests). See pm.h. Locks: none (one serving thread; the reaper threads
 * only read their process's thread slot and call the server).
 *
 * A process's life:
 *   LIVE    its thread runs; init holds its thread, CSpace and notification
 *           capabilities, and a reaper thread blocked in SYS_THREAD_WAIT on it;
 *   ZOMBIE  its thread ended (exit, fault, kill); the reaper reported it, the
 *           pager destroyed its mm, every capability went; only the exit code
 *           stays until the parent waits (init reaps its own children at once).
 * Limits (a fork bomb stays inside its own subtree): at most PM_MAX_PROCS
 * processes, live or zombie, and every process but those init started may
 * have at most PM_DESC_LIMIT live descendants.
 */
#ifndef PAGODA_USER_PM_IMPL_H
#define PAGODA_USER_PM_IMPL_H

#include <pagoda/rootinfo.h>
#include <pagoda.h>
#include <pager_proto.h>
#include <proc_proto.h>

#define PM_MAX_PROCS	40
#define PM_DESC_LIMIT	12
#define PM_INIT_PID	1		/* init itself: the parent of what it starts */
/*
 * Processes run at init's and the pager's priority: the kernel's boot
 * thread waits for the root task in a loop of yields at that priority, so
 * anything below it would never run.
 */
#define PM_PROC_PRIO	THREAD_PRIO_DEFAULT_USER
#define PM_TABLE_QUOTA	64		/* page-table pages of a process */
#define PM_BADGE_REAPER	(1ull << 62)	/* init's own reaper threads */
#define PM_REAPED	0x71ffu		/* reaper -> server: w0 index, w1 exit code */
#define PM_REAPER_STACK	1024

enum pm_state { PM_FREE, PM_LIVE, PM_ZOMBIE };

struct pm_proc {
	enum pm_state state;
	uint64_t pid, ppid;
	long thread, cspace, ntfn, reaper;	/* slots of init's CSpace (LIVE only) */
	unsigned int ndesc;			/* live descendants */
	bool killed;				/* ended by PROC_KILL */
	long code;				/* ZOMBIE: exit code */
	uint64_t reason, addr;			/* ZOMBIE: pager's kill reason, address */
};

struct pm {
	struct pm_proc procs[PM_MAX_PROCS];
	uint64_t next_pid;
	long init_ep;		/* init's endpoint (unbadged original) */
	long reaper_ep;		/* ... badged PM_BADGE_REAPER, for the reapers */
	long pager_ep;		/* the pager's endpoint (unbadged original) */
	long pager_admin;	/* ... badged PAGER_BADGE_ADMIN, send + grant */
	struct ipc_buffer *buf;
	uint64_t first_pid;
	long first_code;
	bool first_done;
};

extern struct pm pm;

/* pm.c */
long pm_slot_alloc(void);
void pm_slot_free(long slot);
long pm_pager_call(unsigned int label, struct ipc_msg *m, long cap, size_t data_len);
void pm_start_reaper(unsigned int idx);

/* pm_proc.c */
long pm_spawn(uint64_t ppid, const char *data, size_t len, uint64_t arg);
bool pm_request(struct ipc_msg *m);
void pm_reaped(unsigned int idx, long code);
unsigned int pm_live(void);
void pm_kill_all(void);

#endif
