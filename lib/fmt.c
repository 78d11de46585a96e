/*
 * lib/fmt.c: the bounded printf-style formatter (see fmt.h). No state, no
 * heap, no floating point; reentrant.
 *
 * Every conversion follows C99 printf where fmt.h lists it, with these
 * choices where C leaves room or Pagoda differs:
 *   - %p is "0x" and exactly 16 lowercase hex digits, NULL included; '-'
 *     and a width pad it with spaces; '0' and a precision are ignored.
 *   - A NULL %s prints "(null)", cut by a precision like any string.
 *   - '0' pads numbers only; %s and %c pad with spaces.
 *   - Length modifiers on %c, %s and %p are accepted and ignored.
 *   - An unknown conversion (%n and %f included) is copied through literally
 *     from its '%' to its conversion character, and consumes no argument
 *     (a '*' in it already did).
 *   - Widths and precisions saturate at INT_MAX; the returned length does
 *     too, where C would return a negative value.
 */
#include <lib/fmt.h>

#define FMT_INT_MAX __INT_MAX__

/* Where output goes: a bounded buffer (putc == NULL) or a character sink. */
struct fmt_out {
	char *buf;				/* may be NULL when size == 0 */
	size_t size;				/* bytes of buf, terminator included */
	void (*putc)(void *ctx, char c);
	void *ctx;
	size_t len;				/* characters produced, stored or not */
};

enum fmt_flag {
	FMT_LEFT = 1 << 0,			/* '-' */
	FMT_ZERO = 1 << 1,			/* '0' */
	FMT_PLUS = 1 << 2,			/* '+' */
	FMT_SPACE = 1 << 3,			/* ' ' */
	FMT_ALT = 1 << 4,			/* '#' */
};

enum fmt_size { FMT_I, FMT_HH, FMT_H, FMT_L, FMT_LL, FMT_Z, FMT_T, FMT_J };

/* One parsed conversion specification. */
struct fmt_spec {
	unsigned int flags;			/* enum fmt_flag */
	int width;				/* 0 when none */
	int prec;				/* -1 when none */
	enum fmt_size size;
	char conv;				/* 0: unknown conversion */
};

/* Emit @n copies of @c. A buffer keeps its last byte for the terminator. */
static void fmt_repeat(struct fmt_out *o, char c, size_t n)
{
	if (o->putc) {
		for (; n; n--, o->len++)
			o->putc(o->ctx, c);
		return;
	}
	for (; n && o->len + 1 < o->size; n--)
		o->buf[o->len++] = c;
	o->len += n;
}

static void fmt_write(struct fmt_out *o, const char *s, size_t n)
{
	if (o->putc) {
		for (; n; n--, o->len++)
			o->putc(o->ctx, *s++);
		return;
	}
	for (; n && o->len + 1 < o->size; n--)
		o->buf[o->len++] = *s++;
	o->len += n;
}

/* Parse a decimal field (width or precision), saturating at INT_MAX. */
static const char *fmt_parse_num(const char *p, int *out)
{
	int v = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		int d = *p - '0';

		v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
	}
	*out = v;
	return p;
}

static const char *fmt_parse_size(const char *p, enum fmt_size *size)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*size = FMT_HH;
			return p + 2;
		}
		*size = FMT_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*size = FMT_LL;
			return p + 2;
		}
		*size = FMT_L;
		return p + 1;
	case 'z':
		*size = FMT_Z;
		return p + 1;
	case 't':
		*size = FMT_T;
		return p + 1;
	case 'j':
		*size = FMT_J;
		return p + 1;
	default:
		*size = FMT_I;
		return p;
	}
}

/*
 * fmt_parse: parse the specification after a '%' at @p into @sp, taking '*'
 * arguments from @ap. Returns the end of the specification: past its
 * conversion character, or at the terminating NUL if the format ends first.
 * sp->conv is 0 when the conversion is unknown.
 */
static const char *fmt_parse(const char *p, struct fmt_spec *sp, va_list *ap)
{
	static const char flag_chars[] = "-0+ #";
	static const char convs[] = "diuxXopsc%";

	sp->flags = 0;
	sp->prec = -1;
	for (;; p++) {
		int i = 0;

		while (flag_chars[i] && flag_chars[i] != *p)
			i++;
		if (!flag_chars[i])
			break;
		sp->flags |= 1u << i;
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);

		if (w < 0)
			sp->flags |= FMT_LEFT;
		sp->width = w >= 0 ? w : w == -FMT_INT_MAX - 1 ? FMT_INT_MAX : -w;
		p++;
	} else {
		p = fmt_parse_num(p, &sp->width);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int prec = va_arg(*ap, int);

			sp->prec = prec < 0 ? -1 : prec;	/* negative: as if omitted */
			p++;
		} else {
			p = fmt_parse_num(p, &sp->prec);
		}
	}
	p = fmt_parse_size(p, &sp->size);
	sp->conv = 0;
	for (int i = 0; *p && convs[i]; i++) {
		if (convs[i] == *p)
			sp->conv = *p;
	}
	return *p ? p + 1 : p;
}

/* A signed argument of the specified size, widened to 64 bits. */
static int64_t fmt_arg_signed(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->size) {
	case FMT_HH:
		return (signed char)va_arg(*ap, int);
	case FMT_H:
		return (short)va_arg(*ap, int);
	case FMT_L:
		return va_arg(*ap, long);
	case FMT_LL:
		return va_arg(*ap, long long);
	case FMT_Z:
		return (int64_t)va_arg(*ap, size_t);
	case FMT_T:
		return va_arg(*ap, ptrdiff_t);
	case FMT_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fmt_arg_unsigned(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->size) {
	case FMT_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_L:
		return va_arg(*ap, unsigned long);
	case FMT_LL:
		return va_arg(*ap, unsigned long long);
	case FMT_Z:
		return va_arg(*ap, size_t);
	case FMT_T:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	case FMT_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * fmt_number: emit @mag in the base of sp->conv, after @prefix (a sign,
 * "0x" or nothing), honouring width, precision and flags. The precision is
 * the minimum number of digits (default 1), so zero with precision 0
 * prints no digits at all.
 */
static void fmt_number(struct fmt_out *o, const struct fmt_spec *sp, uint64_t mag,
		       const char *prefix)
{
	const char *set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = sp->conv == 'o' ? 8 : sp->conv == 'd' || sp->conv == 'i' ||
			    sp->conv == 'u' ? 10 : 16;
	char digits[24];			/* 22 octal digits at most */
	size_t ndigits = 0, nprefix = 0, zeros, total, pad;

	for (; mag; mag /= base)
		digits[sizeof(digits) - ++ndigits] = set[mag % base];
	while (prefix[nprefix])
		nprefix++;
	zeros = (size_t)(sp->prec < 0 ? 1 : sp->prec);
	zeros = zeros > ndigits ? zeros - ndigits : 0;
	if (sp->conv == 'o' && (sp->flags & FMT_ALT) && zeros == 0)
		zeros = 1;			/* %#o: the first digit is 0 */
	total = nprefix + zeros + ndigits;
	pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
	if (!(sp->flags & FMT_LEFT) && (sp->flags & FMT_ZERO) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FMT_LEFT))
		fmt_repeat(o, ' ', pad);
	fmt_write(o, prefix, nprefix);
	fmt_repeat(o, '0', zeros);
	fmt_write(o, digits + sizeof(digits) - ndigits, ndigits);
	if (sp->flags & FMT_LEFT)
		fmt_repeat(o, ' ', pad);
}

/* Emit @len bytes of @s padded with spaces to the field width. */
static void fmt_field(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t len)
{
	size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;

	if (!(sp->flags & FMT_LEFT))
		fmt_repeat(o, ' ', pad);
	fmt_write(o, s, len);
	if (sp->flags & FMT_LEFT)
		fmt_repeat(o, ' ', pad);
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	int64_t v = fmt_arg_signed(sp, ap);
	/* The magnitude, computed without overflowing on INT64_MIN. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	const char *sign = v < 0 ? "-" : (sp->flags & FMT_PLUS) ? "+" :
			   (sp->flags & FMT_SPACE) ? " " : "";

	fmt_number(o, sp, mag, sign);
}

static void fmt_unsigned(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	uint64_t v = fmt_arg_unsigned(sp, ap);
	const char *prefix = "";

	if ((sp->flags & FMT_ALT) && v != 0 && sp->conv != 'o' && sp->conv != 'u')
		prefix = sp->conv == 'X' ? "0X" : "0x";
	fmt_number(o, sp, v, prefix);
}

static void fmt_pointer(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	struct fmt_spec p = *sp;

	p.flags &= FMT_LEFT;
	p.prec = 16;
	fmt_number(o, &p, (uintptr_t)va_arg(*ap, void *), "0x");
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	size_t len = 0;

	if (!s)
		s = "(null)";
	/* Read no further than the precision: @s need not be terminated. */
	while ((sp->prec < 0 || len < (size_t)sp->prec) && s[len])
		len++;
	fmt_field(o, sp, s, len);
}

static void fmt_convert(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, sp, ap);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		fmt_unsigned(o, sp, ap);
		break;
	case 'p':
		fmt_pointer(o, sp, ap);
		break;
	case 's':
		fmt_string(o, sp, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		fmt_field(o, sp, &c, 1);
		break;
	default:
		fmt_write(o, "%", 1);
		break;
	}
}

static void fmt_format(struct fmt_out *o, const char *fmt, va_list *ap)
{
	while (*fmt) {
		const char *start = fmt, *end;
		struct fmt_spec sp;

		while (*fmt && *fmt != '%')
			fmt++;
		fmt_write(o, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		end = fmt_parse(fmt + 1, &sp, ap);
		if (sp.conv)
			fmt_convert(o, &sp, ap);
		else
			fmt_write(o, fmt, (size_t)(end - fmt));
		fmt = end;
	}
}

static int fmt_result(size_t len)
{
	return len > (size_t)FMT_INT_MAX ? FMT_INT_MAX : (int)len;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size };
	va_list aq;

	va_copy(aq, ap);
	fmt_format(&o, fmt, &aq);
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return fmt_result(o.len);
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int fmt_vprintf(void (*putc)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { .putc = putc, .ctx = ctx };
	va_list aq;

	va_copy(aq, ap);
	fmt_format(&o, fmt, &aq);
	va_end(aq);
	return fmt_result(o.len);
}
