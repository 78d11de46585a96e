/*
 * arch/uaccess.h (x86_64): raw user-memory copy with fault fixup. Callers
 * (kern/uaccess.c) have already checked that the user range lies in the
 * user half; this only survives faults (and lifts SMAP for the copy when
 * the CPU has it). Returns 0 or -EFAULT.
 */
#ifndef PAGODA_ARCH_UACCESS_H
#define PAGODA_ARCH_UACCESS_H

#include <pagoda/types.h>

int arch_copy_user(void *dst, const void *src, size_t len);

#endif
