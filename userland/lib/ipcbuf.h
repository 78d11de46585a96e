/*
 * userland/lib/ipcbuf.h: the IPC buffer of a program's (single) thread,
 * for the library's requests that carry data (exec names, VMA listings,
 * statistics). Not thread-safe: one thread per program for now.
 *
 * The kernel reaches the buffer through the page tables at the moment of
 * a transfer and never faults a page in, so under demand paging (and
 * after a fork made it copy-on-write) the page must be present and
 * writable before each call: ipcbuf_get() writes to it first.
 */
#ifndef PAGODA_USER_IPCBUF_H
#define PAGODA_USER_IPCBUF_H

#include <pagoda.h>

/* ipcbuf_get: the registered, present, writable buffer; NULL if registering failed. */
struct ipc_buffer *ipcbuf_get(void);

/* ipcbuf_forget: the thread has no buffer registered (a forked child's new thread). */
void ipcbuf_forget(void);

#endif
