/*
 * userland/lib/proc.h: processes, for programs run by the process manager
 * (init): fork, exec, spawn, wait, getpid, kill. Each is a request to the
 * manager (proc_proto.h, docs/pager-protocol.md); exit() is the plain
 * thread exit, which the manager notices. Results are >= 0 or a negative
 * error code. Single-threaded programs only, for now.
 */
#ifndef PAGODA_USER_PROC_H
#define PAGODA_USER_PROC_H

#include <pagoda.h>
#include <pager_proto.h>
#include <proc_proto.h>

/* What wait tells about a child that ended. */
struct proc_status {
	long pid;
	long code;		/* exit code; -EFAULT: ended by a fault; -EDEAD: killed */
	unsigned int reason;	/* PAGER_KILL_* when the pager ended it, else 0 */
	unsigned long addr;	/* the faulting address then */
};

#define WNOHANG 1u		/* waitpid: -EAGAIN instead of blocking */

/* proc_info: what exec left at PROC_INFO_VA, or NULL if not a managed process. */
const struct proc_info *proc_info(void);

/* fork: a copy of this process; the child's pid in the parent, 0 in the child. */
long fork(void);

/* exec: replace this program by @name (argument string @args); returns only on error. */
long exec(const char *name, const char *args);

/* proc_spawn: start @name with @args as a new child; its pid. */
long proc_spawn(const char *name, const char *args);

/* waitpid: wait for child @pid (0: any) to end and reap it; its pid. -ECHILD: none. */
long waitpid(long pid, struct proc_status *st, unsigned int flags);
long wait(struct proc_status *st);

long getpid(void);
long getppid(void);

/* kill: end descendant @pid (its code becomes -EDEAD). */
long kill(long pid);

#endif
