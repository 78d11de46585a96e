/*
 * lib/cmdline.h: reading the kernel command line ("bootargs"): words
 * separated by spaces, each either a flag ("ktest") or key=value
 * ("ktest=crash"). Read-only; nothing is copied or allocated.
 */
#ifndef PAGODA_LIB_CMDLINE_H
#define PAGODA_LIB_CMDLINE_H

#include <pagoda/types.h>

/*
 * cmdline_find: look for the word @key (alone or as "key=value").
 * Returns true if present; then *@value and *@len give the value after '='
 * (len 0 and value pointing at the end of the word when there is none).
 * @value and @len may be NULL. A NULL @cmdline holds nothing.
 */
bool cmdline_find(const char *cmdline, const char *key, const char **value, size_t *len);

/* cmdline_value_is: true if @key is present with exactly the value @want. */
bool cmdline_value_is(const char *cmdline, const char *key, const char *want);

/*
 * cmdline_uint: the value of "key=N" (1 to 9 decimal digits) in *@out.
 * False, *@out untouched, if @key is absent or its value is not such a number.
 */
bool cmdline_uint(const char *cmdline, const char *key, unsigned int *out);

#endif
