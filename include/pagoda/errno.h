/*
 * pagoda/errno.h: the one list of error codes, shared by the kernel, the pager,
 * vm/, lib/ and userland. Functions return 0 or a negative code from here.
 * The numbers follow Linux where the meaning is the same, so they are familiar
 * in traces; docs/syscalls.md explains each code's use per syscall.
 */
#ifndef PAGODA_ERRNO_H
#define PAGODA_ERRNO_H

#define EPERM 1		/* operation not permitted (missing right) */
#define ENOENT 2	/* no such object or file */
#define ESRCH 3		/* no such thread or process */
#define EINTR 4		/* interrupted (IPC aborted) */
#define EIO 5		/* I/O error */
#define E2BIG 7		/* argument list or message too long */
#define ENOEXEC 8	/* malformed executable */
#define EBADF 9		/* bad capability slot */
#define ECHILD 10	/* no child to wait for */
#define EAGAIN 11	/* would block (poll timeout) */
#define ENOMEM 12	/* out of memory or quota */
#define EACCES 13	/* access denied by protection */
#define EFAULT 14	/* bad address */
#define EBUSY 16	/* object in use */
#define EEXIST 17	/* already exists / slot occupied */
#define ENODEV 19	/* no such device */
#define ENOTDIR 20	/* not a directory */
#define EINVAL 22	/* invalid argument */
#define EMFILE 24	/* too many objects (per-process limit) */
#define ENOSPC 28	/* no space left (table full) */
#define ERANGE 34	/* result out of range */
#define EDEADLK 35	/* would deadlock */
#define ENOSYS 38	/* no such syscall or request */
#define EOVERFLOW 75	/* value too large / arithmetic overflow */
#define EMSGSIZE 90	/* message too long */
#define ENOTSUP 95	/* not supported */
#define ETIMEDOUT 110	/* timed out */
#define ECANCELED 125	/* operation canceled (object deleted) */
#define ECAPTYPE 200	/* capability is of the wrong object type */
#define EDEAD 201	/* peer died or object was destroyed */

#define PAGODA_EMAX 255

/* errno_name: the symbolic name of a code (positive or negative), or "E?". */
const char *errno_name(int err);

#endif
