/* lib/errno.c: names of the error codes of <pagoda/errno.h>. No state. */
#include <pagoda/errno.h>

#define ERRNO_CASE(e)                                                          \
	case e:                                                                \
		return #e

const char *errno_name(int err)
{
	/* -INT_MIN overflows; it is no code anyway. */
	if (err < 0 && err >= -PAGODA_EMAX)
		err = -err;
	switch (err) {
	ERRNO_CASE(EPERM);
	ERRNO_CASE(ENOENT);
	ERRNO_CASE(ESRCH);
	ERRNO_CASE(EINTR);
	ERRNO_CASE(EIO);
	ERRNO_CASE(E2BIG);
	ERRNO_CASE(ENOEXEC);
	ERRNO_CASE(EBADF);
	ERRNO_CASE(ECHILD);
	ERRNO_CASE(EAGAIN);
	ERRNO_CASE(ENOMEM);
	ERRNO_CASE(EACCES);
	ERRNO_CASE(EFAULT);
	ERRNO_CASE(EBUSY);
	ERRNO_CASE(EEXIST);
	ERRNO_CASE(ENODEV);
	ERRNO_CASE(ENOTDIR);
	ERRNO_CASE(EINVAL);
	ERRNO_CASE(EMFILE);
	ERRNO_CASE(ENOSPC);
	ERRNO_CASE(ERANGE);
	ERRNO_CASE(EDEADLK);
	ERRNO_CASE(ENOSYS);
	ERRNO_CASE(EOVERFLOW);
	ERRNO_CASE(EMSGSIZE);
	ERRNO_CASE(ENOTSUP);
	ERRNO_CASE(ETIMEDOUT);
	ERRNO_CASE(ECANCELED);
	ERRNO_CASE(ECAPTYPE);
	ERRNO_CASE(EDEAD);
	default:
		return "E?";
	}
}
