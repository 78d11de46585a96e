/*
 * tests/host/lib/fmt_test.c: lib/fmt.c. A table of edge cases (each also
 * checked at every buffer size from 0 to its length + 2, and through
 * fmt_vprintf), then random conversions compared with the host's snprintf
 * wherever fmt.h promises C semantics.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <lib/fmt.h>
#include "test.h"

struct sink {
	char buf[1024];
	size_t len;
};

static void sink_putc(void *ctx, char c)
{
	struct sink *s = ctx;

	if (s->len < sizeof(s->buf))
		s->buf[s->len] = c;
	s->len++;
}

static int vprintf_to_sink(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vprintf(sink_putc, s, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Check that @fmt formats to @want (@wlen bytes: it may hold a NUL), into
 * a large buffer, into every small size (the prefix, a terminator, nothing
 * written past @size, the full length returned), and through fmt_vprintf.
 */
static void expect_v(int line, const char *want, size_t wlen, const char *fmt, va_list ap)
{
	char buf[1100];
	struct sink sink = { .len = 0 };
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	CHECK(n == (int)wlen && memcmp(buf, want, wlen) == 0 && buf[wlen] == '\0',
	      "line %d: \"%s\" gave %d \"%.60s\", want %zu \"%.60s\"", line, fmt, n, buf, wlen,
	      want);
	for (size_t size = 0; size <= wlen + 2 && wlen < 1000; size++) {
		size_t keep = size ? MIN(size - 1, wlen) : 0;

		memset(buf, '#', sizeof(buf));
		va_copy(aq, ap);
		n = fmt_vsnprintf(size ? buf : NULL, size, fmt, aq);
		va_end(aq);
		CHECK(n == (int)wlen, "line %d size %zu: returned %d", line, size, n);
		CHECK(memcmp(buf, want, keep) == 0, "line %d size %zu: prefix", line, size);
		if (size)
			CHECK(buf[keep] == '\0', "line %d size %zu: not terminated", line, size);
		for (size_t i = size; i < wlen + 8; i++)
			CHECK(buf[i] == '#', "line %d size %zu: byte %zu written", line, size, i);
		if (test_case_failures)
			return;
	}
	va_copy(aq, ap);
	n = fmt_vprintf(sink_putc, &sink, fmt, aq);
	va_end(aq);
	CHECK(n == (int)wlen && sink.len == wlen && memcmp(sink.buf, want, MIN(wlen, 1024)) == 0,
	      "line %d: fmt_vprintf of \"%s\" gave %d", line, fmt, n);
}

/* expect: compile-time checked formats; expect_raw: deliberately odd ones. */
static __printf(4, 5) void expect(int line, const char *want, size_t wlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_v(line, want, wlen, fmt, ap);
	va_end(ap);
}

static void expect_raw(int line, const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_v(line, want, strlen(want), fmt, ap);
	va_end(ap);
}

#define EXPECT(want, ...) expect(__LINE__, want, strlen(want), __VA_ARGS__)

TEST(integers)
{
	EXPECT("0", "%d", 0);
	EXPECT("-42 42", "%d %i", -42, 42);
	EXPECT("2147483647 -2147483648", "%d %d", INT_MAX, INT_MIN);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("deadbeef DEADBEEF 10", "%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 8u);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("9223372036854775807", "%ld", (long)INT64_MAX);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	EXPECT("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
	EXPECT("18446744073709551615 -5 ffff", "%zu %zd %zx", SIZE_MAX, (size_t)-5, (size_t)0xffff);
	EXPECT("-3 -9223372036854775808 18446744073709551615", "%td %jd %ju", (ptrdiff_t)-3,
	       INTMAX_MIN, UINTMAX_MAX);
	/* h and hh convert the promoted int (clang would warn: values out of range). */
	expect_raw(__LINE__, "4464 1 -1", "%hd %hu %hd", 70000, 65537, -1);
	expect_raw(__LINE__, "44 255 ff -128", "%hhd %hhu %hhx %hhd", 300, -1, 0x1ff, 128);
}

TEST(flags_width_precision)
{
	EXPECT("   42|42   |00042|-0042", "%5d|%-5d|%05d|%05d", 42, 42, 42, -42);
	EXPECT("+5| 5| 0005", "%+d|% d|% 05d", 5, 5, 5);
	/* Flags C defines as ignored here (gcc would warn about them). */
	expect_raw(__LINE__, "+5|5    |", "%+ d|%-05d|", 5, 5);
	expect_raw(__LINE__, "    -007|7 7 7", "%08.3d|%+u % x %+o", -7, 7u, 7u, 7u);
	EXPECT("-5|-5", "%+d|% d", -5, -5);
	EXPECT("007||     |+|-007|    -007|-007    |", "%.3d|%.0d|%5.0d|%+.0d|%.3d|%8.3d|%-8.3d|", 7,
	       0, 0, 0, -7, -7, -7);
	EXPECT("0xff 0XFF 0 010 0 0 010", "%#x %#X %#x %#o %#o %#.0o %#.3o", 255u, 255u, 0u, 8u, 0u,
	       0u, 8u);
	EXPECT("      0xff|0x000000ff|0xff      |", "%#10x|%#010x|%#-10x|", 255u, 255u, 255u);
	EXPECT("| 0x0ff", "%#.0x|%#6.3x", 0u, 255u);
	EXPECT("   42|42   |007|7|   007", "%*d|%*d|%.*d|%.*d|%*.*d", 5, 42, -5, 42, 3, 7, -1, 7,
	       6, 3, 7);
	EXPECT("42   |", "%-*d|", -5, 42);
	EXPECT("0000000000000000000000000000000000000000000000000000000000000000000000000000000001",
	       "%.82d", 1);
}

TEST(strings_and_chars)
{
	static const char unterminated[5] = { 'h', 'e', 'l', 'l', 'o' };
	const char *null_str = NULL;

	EXPECT("abc|  abc|abc  |ab|   ab|", "%s|%5s|%-5s|%.2s|%5.2s|", "abc", "abc", "abc", "abc",
	       "abc");
	expect_raw(__LINE__, "(null)|(nu|    (null)|", "%s|%.3s|%10s|", null_str, null_str,
		   null_str);
	EXPECT("|hello", "%.0s|%.5s", "abc", unterminated);
	EXPECT("x|  x|x  |", "%c|%3c|%-3c|", 'x', 'x', 'x');
	expect(__LINE__, "a\0b", 3, "a%cb", 0);
	EXPECT("%|100%", "%%|100%%");
	EXPECT("", "%s", "");
	EXPECT("[   ]", "[%3s]", "");
}

TEST(pointers)
{
	EXPECT("0x0000000000000000", "%p", NULL);
	EXPECT("0x00000000deadbeef", "%p", (void *)0xdeadbeef);
	EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	EXPECT("  0x00000000deadbeef|0x00000000deadbeef  |", "%20p|%-20p|", (void *)0xdeadbeef,
	       (void *)0xdeadbeef);
}

TEST(unknown_conversions)
{
	expect_raw(__LINE__, "%q", "%q");
	expect_raw(__LINE__, "%-5q 7", "%-5q %d", 7);
	expect_raw(__LINE__, "a%", "a%");
	expect_raw(__LINE__, "%l", "%l");
	expect_raw(__LINE__, "%.", "%.");
	expect_raw(__LINE__, "%n 5", "%n %d", 5);
	expect_raw(__LINE__, "%f %Lf %hq", "%f %Lf %hq");
	expect_raw(__LINE__, "%", "%5%");
	expect_raw(__LINE__, "%*q 9", "%*q %d", 3, 9);
}

/* fmt_snprintf without the format attribute, for formats gcc would reject. */
static int fmt_raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(huge_fields)
{
	char buf[16];
	struct sink sink = { .len = 0 };

	/* Widths past the buffer only count, quickly; the length saturates. */
	CHECK_EQ(fmt_raw(buf, sizeof(buf), "%2147483647d", 1), INT_MAX);
	CHECK(strspn(buf, " ") == 15 && buf[15] == '\0', "\"%s\"", buf);
	CHECK_EQ(fmt_raw(buf, sizeof(buf), "%99999999999d|", 1), INT_MAX);
	CHECK_EQ(fmt_raw(buf, sizeof(buf), "%2147483647d%2147483647d", 1, 2), INT_MAX);
	CHECK_EQ(fmt_raw(buf, sizeof(buf), "%.2147483647d", 7), INT_MAX);
	CHECK(strspn(buf, "0") == 15, "\"%s\"", buf);
	CHECK_EQ(fmt_raw(NULL, 0, "%*d", INT_MIN, 1), INT_MAX);
	CHECK_EQ(fmt_raw(buf, sizeof(buf), "%1000s|", "x"), 1001);
	CHECK_EQ(vprintf_to_sink(&sink, "%-1000s|", "x"), 1001);
	CHECK(sink.len == 1001 && sink.buf[0] == 'x' && sink.buf[999] == ' ' && sink.buf[1000] == '|',
	      "sink");
}

/* -------------------------------------------- against the host printf -- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

enum arg_kind { ARG_INT, ARG_LONG, ARG_LLONG, ARG_SIZE, ARG_PTRDIFF, ARG_INTMAX, ARG_STR };

/*
 * A random specification for conversion @conv whose meaning C defines
 * (no '#' on d/i/u, no '0' or '#' on s/c, no length on s/c, no precision
 * on c), with random stars. Returns the argument kind.
 */
static enum arg_kind random_spec(char *f, char conv, int *nstar)
{
	static const char *const sizes[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	static const enum arg_kind kinds[] = { ARG_INT, ARG_INT, ARG_INT, ARG_LONG,
					       ARG_LLONG, ARG_SIZE, ARG_PTRDIFF, ARG_INTMAX };
	bool text = conv == 's' || conv == 'c';
	bool numeric_alt = conv == 'x' || conv == 'X' || conv == 'o';
	size_t sz = text ? 0 : rnd() % ARRAY_SIZE(sizes);

	*nstar = 0;
	*f++ = '%';
	for (const char *fl = "-0+ #"; *fl; fl++) {
		if (rnd() % 4 == 0 && !(*fl == '#' && !numeric_alt) && !(*fl == '0' && text))
			*f++ = *fl;
	}
	if (rnd() % 4 == 0) {
		*f++ = '*';
		(*nstar)++;
	} else if (rnd() % 2) {
		f += sprintf(f, "%d", (int)(rnd() % 30));
	}
	if (conv != 'c' && rnd() % 2) {
		*f++ = '.';
		if (rnd() % 4 == 0) {
			*f++ = '*';
			(*nstar)++;
		} else if (rnd() % 4) {
			f += sprintf(f, "%d", (int)(rnd() % 30));
		}
	}
	f += sprintf(f, "%s%c", sizes[sz], conv);
	*f = '\0';
	return conv == 's' ? ARG_STR : kinds[sz];
}

/* Call fmt_snprintf and snprintf alike: 0-2 star ints, then one argument. */
#define BOTH(arg)                                                              \
	do {                                                                   \
		if (nstar == 0) {                                              \
			r1 = fmt_snprintf(b1, size, f, arg);                   \
			r2 = snprintf(b2, size, f, arg);                       \
		} else if (nstar == 1) {                                       \
			r1 = fmt_snprintf(b1, size, f, s1, arg);               \
			r2 = snprintf(b2, size, f, s1, arg);                   \
		} else {                                                       \
			r1 = fmt_snprintf(b1, size, f, s1, s2, arg);           \
			r2 = snprintf(b2, size, f, s1, s2, arg);               \
		}                                                              \
	} while (0)

TEST(random_vs_host_snprintf)
{
	static const char convs[] = "diuxXosc";
	static const char *const strs[] = { "", "a", "hello", "with space",
					    "a somewhat longer string of forty chars" };
	unsigned long n = test_iterations(500000);
	char f[64], b1[96], b2[96];

	rng_state = test_seed() | 1;
	printf("# seed %#llx\n", test_seed());
	for (unsigned long i = 0; i < n; i++) {
		char conv = convs[rnd() % (sizeof(convs) - 1)];
		int nstar, r1 = 0, r2 = 0;
		enum arg_kind kind = random_spec(f + 1, conv, &nstar);
		int s1 = (int)(rnd() % 61) - 30, s2 = (int)(rnd() % 61) - 30;
		uint64_t v = rnd() >> (rnd() % 64);
		size_t size = rnd() % 4 ? sizeof(b1) : rnd() % 24;

		f[0] = '<';
		strcat(f, ">");
		memset(b1, '#', sizeof(b1));
		memset(b2, '#', sizeof(b2));
		if (conv == 'c')
			v = 32 + v % 95;
		switch (kind) {
		case ARG_INT:
			BOTH((int)v);
			break;
		case ARG_LONG:
			BOTH((long)v);
			break;
		case ARG_LLONG:
			BOTH((long long)v);
			break;
		case ARG_SIZE:
			BOTH((size_t)v);
			break;
		case ARG_PTRDIFF:
			BOTH((ptrdiff_t)v);
			break;
		case ARG_INTMAX:
			BOTH((intmax_t)v);
			break;
		case ARG_STR:
			BOTH(strs[v % ARRAY_SIZE(strs)]);
			break;
		}
		REQUIRE(r1 == r2 && memcmp(b1, b2, sizeof(b1)) == 0,
			"\"%s\" stars %d %d value %#llx size %zu: got %d \"%.40s\", host %d \"%.40s\"",
			f, s1, s2, (unsigned long long)v, size, r1, b1, r2, b2);
	}
}

TEST_MAIN(TEST_CASE(integers), TEST_CASE(flags_width_precision), TEST_CASE(strings_and_chars),
	  TEST_CASE(pointers), TEST_CASE(unknown_conversions), TEST_CASE(huge_fields),
	  TEST_CASE(random_vs_host_snprintf))
