/*
 * userland/lib/pm.h: the process manager, run by the root task (init).
 *
 * pm_main() starts the pager from the boot archive with a frame region and
 * the capabilities of pager_proto.h, then the program @first, and serves
 * the process protocol of proc_proto.h until @first has ended; then it ends
 * whatever still runs, checks that the pager got every frame and every
 * byte of its heap back, prints the pager's counters and returns @first's
 * exit code (1 if the check failed or nothing could start).
 *
 * It lives in userland/lib rather than in userland/init because the root
 * task cannot see the kernel command line: a test boot runs another root
 * program (utest_pm) that calls pm_main() with a test program as @first.
 *
 * Single-threaded server (one thread serves, plus one reaper thread per
 * process that only waits for it to end and reports): no locks.
 */
#ifndef PAGODA_USER_PM_H
#define PAGODA_USER_PM_H

int pm_main(const char *first, const char *args);

#endif
