/*
 * kern/uaccess.h: copying between the kernel and the current thread's user
 * memory. The kernel never dereferences a user pointer itself: every access
 * goes through here, which rejects ranges outside the user half (or
 * wrapping) with -EFAULT and survives faults on unmapped or protected pages
 * (-EFAULT; a prefix may have been copied).
 */
#ifndef PAGODA_KERN_UACCESS_H
#define PAGODA_KERN_UACCESS_H

#include <pagoda/types.h>

/* user_range_ok: [uaddr, uaddr + len) lies inside the user half. */
bool user_range_ok(uintptr_t uaddr, size_t len);

int copy_from_user(void *dst, uintptr_t usrc, size_t len);
int copy_to_user(uintptr_t udst, const void *src, size_t len);

#endif
