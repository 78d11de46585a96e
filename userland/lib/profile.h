/*
 * userland/lib/profile.h: the marks scripts/profile.py traces between. A
 * benchmark program calls profile_begin() before one batch of the
 * benchmark named by "profile=NAME" on the kernel command line and
 * profile_end() after it, then prints "profile NAME BATCH"; the script
 * counts every guest instruction executed between the calls of the two
 * (found by their addresses in the program's symbols).
 */
#ifndef PAGODA_USER_PROFILE_H
#define PAGODA_USER_PROFILE_H

void profile_begin(void);
void profile_end(void);

#endif
