/*
 * lib/string.h: memory and string functions for freestanding code (the
 * kernel, the pager, user programs). No state, no locking.
 *
 * They keep the standard C names and semantics because gcc and clang may
 * emit calls to memcpy, memmove, memset and memcmp on their own (structure
 * copies, zeroing), even with -ffreestanding. Only str_to_u64 is ours.
 *
 * Host builds link the host libc's functions of the same names, so
 * lib/string.c is not part of them; its host test compiles it under other
 * names by defining a macro for each name (memcpy -> test_memcpy, ...)
 * before including lib/string.c. That works as long as this header has not
 * been included earlier in that translation unit, which the check below
 * enforces: define LIB_STRING_RENAMED together with the macros.
 */
#ifndef PAGODA_LIB_STRING_H
#define PAGODA_LIB_STRING_H

#include <pagoda/types.h>

#if defined(LIB_STRING_RENAMED) && !defined(memcpy)
#error "LIB_STRING_RENAMED is set but memcpy is not renamed"
#endif

/* Copy @len bytes; the areas must not overlap. Returns @dst. */
void *memcpy(void *dst, const void *src, size_t len);
/* Copy @len bytes; the areas may overlap. Returns @dst. */
void *memmove(void *dst, const void *src, size_t len);
/* Fill @len bytes with (unsigned char)@c. Returns @dst. */
void *memset(void *dst, int c, size_t len);
/* Compare @len bytes as unsigned char: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t len);

size_t strlen(const char *s);
/* strnlen: strlen(s), but reads at most @maxlen bytes and returns at most @maxlen. */
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* strchr/strrchr: first/last (char)@c in @s; c == 0 finds the terminator. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * strlcpy: copy @src into @dst of @size bytes, truncating, and always
 * NUL-terminate when @size > 0. Returns strlen(@src), so a return >= @size
 * means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * str_to_u64: parse the whole of @s as an unsigned number in @base (2..36,
 * or 0: "0x"/"0X" means 16, a leading "0" means 8, else 10). Base 16 also
 * accepts a "0x" prefix. Digits beyond 9 are letters of either case. No
 * sign, no white space, no trailing characters.
 * => 0 and *@out set; -EINVAL for a bad base, an empty string, a prefix
 *    without digits or any stray character; -ERANGE for a value above
 *    UINT64_MAX. *@out is untouched on error.
 */
int str_to_u64(const char *s, int base, uint64_t *out);

#endif
