/*
 * lib/string.c: memory and string functions (see string.h). No state.
 *
 * memcpy, memmove, memset and memcmp move a word at a time once both
 * pointers are word aligned: the kernel clears and copies whole pages with
 * them. When @dst and @src are misaligned relative to each other they go a
 * byte at a time, since some targets trap on (or emulate) misaligned loads.
 * The string functions read a byte at a time: reading whole words could
 * cross the end of the object, which the host sanitizers (rightly) reject.
 */
#if defined(LIB_STRING_RENAMED) && defined(PAGODA_LIB_STRING_H)
#error "lib/string.h was included before the macros renaming its functions"
#endif

#include <pagoda/errno.h>
#include <lib/string.h>

/* A word that may alias any object, so word copies stay well defined. */
typedef unsigned long __attribute__((__may_alias__)) str_word_t;

#define STR_WORD sizeof(str_word_t)
#define STR_ONES (~0UL / 0xff)	/* 0x0101...01 */

static inline bool str_aligned(const void *p)
{
	return ((uintptr_t)p & (STR_WORD - 1)) == 0;
}

static inline bool str_coaligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & (STR_WORD - 1)) == 0;
}

/*
 * Copy upwards. Safe for overlapping areas when d < s: every byte is read
 * before any store can reach it.
 */
static void str_copy_up(unsigned char *d, const unsigned char *s, size_t len)
{
	if (len >= STR_WORD && str_coaligned(d, s)) {
		while (!str_aligned(d)) {
			*d++ = *s++;
			len--;
		}
		/* Invariant: d and s are word aligned. */
		while (len >= 4 * STR_WORD) {
			str_word_t *dw = (str_word_t *)d;
			const str_word_t *sw = (const str_word_t *)s;

			dw[0] = sw[0];
			dw[1] = sw[1];
			dw[2] = sw[2];
			dw[3] = sw[3];
			d += 4 * STR_WORD;
			s += 4 * STR_WORD;
			len -= 4 * STR_WORD;
		}
		while (len >= STR_WORD) {
			*(str_word_t *)d = *(const str_word_t *)s;
			d += STR_WORD;
			s += STR_WORD;
			len -= STR_WORD;
		}
	}
	while (len--)
		*d++ = *s++;
}

/* Copy downwards, from the ends; safe for overlapping areas when d > s. */
static void str_copy_down(unsigned char *d, const unsigned char *s, size_t len)
{
	d += len;
	s += len;
	if (len >= STR_WORD && str_coaligned(d, s)) {
		while (!str_aligned(d)) {
			*--d = *--s;
			len--;
		}
		/* Invariant: d and s (the ends still to copy) are word aligned. */
		while (len >= STR_WORD) {
			d -= STR_WORD;
			s -= STR_WORD;
			*(str_word_t *)d = *(const str_word_t *)s;
			len -= STR_WORD;
		}
	}
	while (len--)
		*--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t len)
{
	str_copy_up(dst, src, len);
	return dst;
}

void *memmove(void *dst, const void *src, size_t len)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	/* Downwards only when dst starts inside [src, src + len). */
	if (d - s >= len)
		str_copy_up(dst, src, len);
	else if (d != s)
		str_copy_down(dst, src, len);
	return dst;
}

void *memset(void *dst, int c, size_t len)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	if (len >= STR_WORD) {
		str_word_t w = b * STR_ONES;

		while (!str_aligned(d)) {
			*d++ = b;
			len--;
		}
		/* Invariant: d is word aligned. */
		while (len >= 4 * STR_WORD) {
			str_word_t *dw = (str_word_t *)d;

			dw[0] = w;
			dw[1] = w;
			dw[2] = w;
			dw[3] = w;
			d += 4 * STR_WORD;
			len -= 4 * STR_WORD;
		}
		while (len >= STR_WORD) {
			*(str_word_t *)d = w;
			d += STR_WORD;
			len -= STR_WORD;
		}
	}
	while (len--)
		*d++ = b;
	return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;

	if (len >= STR_WORD && str_coaligned(x, y)) {
		while (!str_aligned(x) && *x == *y) {
			x++;
			y++;
			len--;
		}
		/* Skip equal words; the byte loop then finds the first difference. */
		while (str_aligned(x) && len >= STR_WORD &&
		       *(const str_word_t *)x == *(const str_word_t *)y) {
			x += STR_WORD;
			y += STR_WORD;
			len -= STR_WORD;
		}
	}
	for (; len; x++, y++, len--) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (; n; x++, y++, n--) {
		if (*x != *y || !*x)
			return *x - *y;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* The value of digit @c in any base up to 36, or 36 if @c is no digit. */
static unsigned int str_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned int)(c - 'A' + 10);
	return 36;
}

int str_to_u64(const char *s, int base, uint64_t *out)
{
	bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	bool overflow = false;
	uint64_t v = 0;

	if (base == 0)
		base = hex_prefix ? 16 : s[0] == '0' ? 8 : 10;
	if (base < 2 || base > 36)
		return -EINVAL;
	if (base == 16 && hex_prefix)
		s += 2;
	if (!*s)
		return -EINVAL;
	/* Keep parsing after an overflow: a stray character is still -EINVAL. */
	for (; *s; s++) {
		unsigned int d = str_digit(*s);

		if (d >= (unsigned int)base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / (unsigned int)base)
			overflow = true;
		else
			v = v * (unsigned int)base + d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}
