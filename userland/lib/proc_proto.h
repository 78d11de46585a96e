/*
 * userland/lib/proc_proto.h: the process manager protocol (init's
 * endpoint) and what a managed process finds when it starts.
 * docs/pager-protocol.md ("The process manager") is the specification.
 *
 * A managed process (started by the process manager, or forked from one)
 * has, in its CSpace of PROC_CSPACE_SLOTS slots:
 *   PROC_SLOT_INIT   the manager's endpoint, send, badge = its pid
 *   PROC_SLOT_PAGER  the pager's endpoint, send, badge = its pid
 *   PROC_SLOT_NTFN   its notification, receive: signalled when a child ends
 * and starts with its first argument pointing at a read-only struct
 * proc_info at PROC_INFO_VA, which the pager wrote at exec.
 *
 * Requests are calls on PROC_SLOT_INIT; the reply's label is 0 or the
 * positive error number, its words the results.
 */
#ifndef PAGODA_USER_PROC_PROTO_H
#define PAGODA_USER_PROC_PROTO_H

#include <pagoda/types.h>

#define PROC_SLOT_INIT		1
#define PROC_SLOT_PAGER		2
#define PROC_SLOT_NTFN		3
#define PROC_SLOT_FIRST_FREE	4
#define PROC_CSPACE_SLOTS	64

#define PROC_FORK	0x7101u	/* -> parent: w0 child pid; child: w0 0, w1 own pid */
#define PROC_EXEC	0x7102u	/* w0 arg; data "name\0args\0"; no reply on success */
#define PROC_SPAWN	0x7103u	/* w0 arg; data "name\0args\0" -> w0 pid */
#define PROC_WAIT	0x7104u	/* w0 pid (0: any child), w1 flags -> w0 pid, w1 code, */
				/* w2 pager kill reason, w3 address */
#define PROC_GETPID	0x7105u	/* -> w0 pid, w1 parent's pid */
#define PROC_KILL	0x7106u	/* w0 pid of a descendant */

#define PROC_WAIT_NOHANG 1u	/* PROC_WAIT flags: EAGAIN instead of "wait on the ntfn" */

/* Exec data: name and argument string, each NUL-terminated. */
#define PROC_NAME_MAX	32	/* with the NUL */
#define PROC_ARGS_MAX	256	/* with the NUL */

/* The page at PROC_INFO_VA (read-only, one page, written by the pager at exec). */
#define PROC_INFO_VA	0x10000ul
#define PROC_INFO_MAGIC	0x4f464e49434f5250ull	/* "PROCINFO" */

struct proc_info {
	uint64_t magic;
	uint64_t arg;			/* the word given to exec/spawn */
	char name[PROC_NAME_MAX];	/* the program */
	char args[PROC_ARGS_MAX];	/* its argument string */
};

#endif
