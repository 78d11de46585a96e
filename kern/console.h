/*
 * kern/console.h: formatted kernel output on the arch console. Polled and
 * unbuffered, usable from any context including trap handlers; no locking
 * (one hart), so interleaving from interrupt context is possible but never
 * loses characters.
 */
#ifndef PAGODA_KERN_CONSOLE_H
#define PAGODA_KERN_CONSOLE_H

#include <stdarg.h>
#include <pagoda/compiler.h>

void kputs(const char *s);
__printf(1, 2) int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);

#endif
