/* kern/uaccess.c: range checks in front of the arch's fault-tolerant copy. */
#include <pagoda/errno.h>
#include <arch/mmu.h>
#include <arch/uaccess.h>
#include <kern/uaccess.h>

bool user_range_ok(uintptr_t uaddr, size_t len)
{
	const struct pt_fmt *fmt = arch_pt_fmt();

	if (uaddr < fmt->user_min || uaddr >= fmt->user_top)
		return false;
	return len <= fmt->user_top - uaddr;
}

int copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
	if (!len)
		return 0;
	if (!user_range_ok(usrc, len))
		return -EFAULT;
	return arch_copy_user(dst, (const void *)usrc, len);
}

int copy_to_user(uintptr_t udst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (!user_range_ok(udst, len))
		return -EFAULT;
	return arch_copy_user((void *)udst, src, len);
}
