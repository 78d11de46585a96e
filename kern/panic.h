/*
 * kern/panic.h: stopping the kernel on a broken internal promise. Never
 * for anything a user program can cause: those get an error code.
 */
#ifndef PAGODA_KERN_PANIC_H
#define PAGODA_KERN_PANIC_H

#include <pagoda/compiler.h>

/* panic: print the message and a backtrace, then power off with a failing status. */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);

#endif
