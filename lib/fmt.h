/*
 * lib/fmt.h: a bounded printf-style formatter, freestanding.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with flags '-' '0' '+' ' ' '#',
 * a field width and precision (numbers or '*'), and the length modifiers
 * h hh l ll z t j. %p prints 0x followed by 16 hex digits. A NULL %s prints
 * "(null)". An unknown conversion is copied through literally.
 * Output never exceeds the given bound; no heap, no floating point.
 */
#ifndef PAGODA_LIB_FMT_H
#define PAGODA_LIB_FMT_H

#include <stdarg.h>
#include <pagoda/compiler.h>
#include <pagoda/types.h>

/*
 * fmt_vsnprintf: format into @buf of @size bytes, always NUL-terminated when
 * @size > 0. Returns the length the full output would have had (like C99
 * vsnprintf), so a return >= @size means it was truncated.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int fmt_snprintf(char *buf, size_t size, const char *fmt, ...);

/*
 * fmt_vprintf: format to a character sink, one call per character.
 * Returns the number of characters emitted.
 */
int fmt_vprintf(void (*putc)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

#endif
