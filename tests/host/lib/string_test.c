/*
 * tests/host/lib/string_test.c: lib/string.c against the host libc, over
 * random buffers, lengths, alignments and overlaps.
 *
 * The host libc owns memcpy & co., so lib/string.c is compiled here under
 * the names lib_memcpy & co.: the macros below rename every function before
 * the file is included, and are dropped again afterwards so that the plain
 * names mean libc, the reference.
 */
#include <stdint.h>
#include <string.h>
#include "test.h"

#define LIB_STRING_RENAMED 1
#define memcpy lib_memcpy
#define memmove lib_memmove
#define memset lib_memset
#define memcmp lib_memcmp
#define strlen lib_strlen
#define strnlen lib_strnlen
#define strcmp lib_strcmp
#define strncmp lib_strncmp
#define strchr lib_strchr
#define strrchr lib_strrchr
#define strlcpy lib_strlcpy
#include "lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy

#define BUF 16384
#define MAXOFF 4096

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void rnd_seed(void)
{
	rng_state = test_seed() | 1;
	printf("# seed %#llx\n", test_seed());
}

static void rnd_fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

/* A length biased to what matters: tiny, around a word, around a page. */
static size_t rnd_len(size_t max)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 20;
	case 1:
		return (rnd() % 8) * 8 + rnd() % 3;
	case 2:
		return 4096 - 8 + rnd() % 17;
	default:
		return rnd() % max;
	}
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static unsigned char ref[BUF], got[BUF], src[BUF];

TEST(memcpy_memset_random)
{
	unsigned long n = test_iterations(40000);

	rnd_seed();
	for (unsigned long i = 0; i < n; i++) {
		size_t len = rnd_len(MAXOFF), doff = rnd() % 64, soff = rnd() % 64;
		size_t span = MAX(doff, soff) + len + 64;
		int c = (int)(rnd() % 1024) - 512;

		rnd_fill(src, span);
		rnd_fill(ref, span);
		memcpy(got, ref, span);
		if (i & 1) {
			REQUIRE(lib_memcpy(got + doff, src + soff, len) == got + doff, "return");
			memcpy(ref + doff, src + soff, len);
		} else {
			REQUIRE(lib_memset(got + doff, c, len) == got + doff, "return");
			memset(ref + doff, c, len);
		}
		REQUIRE(memcmp(ref, got, span) == 0, "%s len %zu doff %zu soff %zu",
			i & 1 ? "memcpy" : "memset", len, doff, soff);
	}
}

TEST(memmove_overlap_random)
{
	unsigned long n = test_iterations(40000);

	rnd_seed();
	for (unsigned long i = 0; i < n; i++) {
		size_t len = rnd_len(MAXOFF), doff = rnd() % MAXOFF, soff, span;

		/* Mostly close offsets (so the areas overlap), in either direction. */
		if (rnd() % 4 == 0)
			soff = rnd() % MAXOFF;
		else
			soff = doff + 20 - rnd() % 41;
		if (soff >= MAXOFF + 20)
			soff = 0;
		span = MAX(doff, soff) + len + 64;
		rnd_fill(ref, span);
		memcpy(got, ref, span);
		REQUIRE(lib_memmove(got + doff, got + soff, len) == got + doff, "return");
		memmove(ref + doff, ref + soff, len);
		REQUIRE(memcmp(ref, got, span) == 0, "len %zu doff %zu soff %zu", len, doff, soff);
	}
}

TEST(memcmp_random)
{
	unsigned long n = test_iterations(40000);

	rnd_seed();
	for (unsigned long i = 0; i < n; i++) {
		size_t len = rnd_len(MAXOFF), aoff = rnd() % 32;
		size_t boff = rnd() & 1 ? aoff : rnd() % 32;

		rnd_fill(ref + aoff, len);
		memcpy(got + boff, ref + aoff, len);
		/* Usually plant one difference, anywhere in the range. */
		if (len && rnd() % 4)
			got[boff + rnd() % len] = (unsigned char)rnd();
		REQUIRE(sign(lib_memcmp(ref + aoff, got + boff, len)) ==
				sign(memcmp(ref + aoff, got + boff, len)),
			"len %zu aoff %zu boff %zu", len, aoff, boff);
	}
}

/* A random string over a small alphabet (so searches hit), with high bytes. */
static size_t rnd_str(char *s, size_t max)
{
	static const char alpha[] = "ab\x7f\x80\xc1\xff";
	size_t len = rnd() % max;

	for (size_t i = 0; i < len; i++)
		s[i] = alpha[rnd() % (sizeof(alpha) - 1)];
	s[len] = '\0';
	return len;
}

TEST(str_functions_random)
{
	static const int cs[] = { 'a', 'b', 0, 0x7f, 0x80, 0xc1, -1, 0x1c1, 'z' };
	static char a[80], b[80];
	unsigned long n = test_iterations(100000);

	rnd_seed();
	for (unsigned long i = 0; i < n; i++) {
		size_t alen = rnd_str(a, 64), lim = rnd() % 70;
		int c = cs[rnd() % ARRAY_SIZE(cs)];

		/* b: a copy of a, perhaps cut short or changed at one place. */
		memcpy(b, a, sizeof(a));
		if (alen && rnd() % 3)
			b[rnd() % alen] = (char)(rnd() % 3 ? rnd() : 0);
		CHECK_EQ(lib_strlen(a), strlen(a));
		CHECK_EQ(lib_strnlen(a, lim), strnlen(a, lim));
		CHECK_EQ(sign(lib_strcmp(a, b)), sign(strcmp(a, b)));
		CHECK_EQ(sign(lib_strncmp(a, b, lim)), sign(strncmp(a, b, lim)));
		CHECK(lib_strchr(a, c) == strchr(a, c), "strchr %d in %zu bytes", c, alen);
		CHECK(lib_strrchr(a, c) == strrchr(a, c), "strrchr %d in %zu bytes", c, alen);
		if (test_case_failures)
			return;
	}
}

TEST(strlcpy_every_size)
{
	static const char *const srcs[] = { "", "x", "hello", "exactly sixteen!",
					    "a longer string that is truncated often" };
	char dst[64];

	for (size_t k = 0; k < ARRAY_SIZE(srcs); k++) {
		size_t len = strlen(srcs[k]);

		for (size_t size = 0; size <= len + 3; size++) {
			size_t n = size ? MIN(len, size - 1) : 0;

			memset(dst, '#', sizeof(dst));
			CHECK_EQ(lib_strlcpy(dst, srcs[k], size), len);
			CHECK(memcmp(dst, srcs[k], n) == 0, "\"%s\" size %zu", srcs[k], size);
			if (size)
				CHECK_EQ(dst[n], '\0');
			for (size_t j = size; j < sizeof(dst); j++)
				CHECK_EQ(dst[j], '#');
		}
	}
	/* size 0: the destination may be NULL. */
	CHECK_EQ(lib_strlcpy(NULL, "abc", 0), 3);
}

struct u64_case {
	const char *s;
	int base;
	int err;
	uint64_t v;
};

TEST(str_to_u64_table)
{
	static const struct u64_case cases[] = {
		{ "0", 10, 0, 0 },
		{ "0", 0, 0, 0 },
		{ "42", 0, 0, 42 },
		{ "042", 0, 0, 34 },
		{ "0x2A", 0, 0, 42 },
		{ "0X2a", 16, 0, 42 },
		{ "2a", 16, 0, 42 },
		{ "zZ", 36, 0, 36 * 35 + 35 },
		{ "101", 2, 0, 5 },
		{ "18446744073709551615", 10, 0, UINT64_MAX },
		{ "18446744073709551616", 10, -ERANGE, 0 },
		{ "99999999999999999999999", 0, -ERANGE, 0 },
		{ "0xffffffffffffffff", 0, 0, UINT64_MAX },
		{ "0x10000000000000000", 0, -ERANGE, 0 },
		{ "1777777777777777777777", 8, 0, UINT64_MAX },
		{ "2000000000000000000000", 8, -ERANGE, 0 },
		{ "99999999999999999999999x", 10, -EINVAL, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "0x", 0, -EINVAL, 0 },
		{ "0x", 16, -EINVAL, 0 },
		{ "0x1", 10, -EINVAL, 0 },
		{ "08", 0, -EINVAL, 0 },
		{ "12", 2, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "1", 1, -EINVAL, 0 },
		{ "1", 37, -EINVAL, 0 },
		{ "1", -16, -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
		int err = str_to_u64(cases[i].s, cases[i].base, &v);

		CHECK(err == cases[i].err, "\"%s\" base %d: %d", cases[i].s, cases[i].base, err);
		CHECK(v == (err ? 0x5a5a5a5a5a5a5a5aULL : cases[i].v), "\"%s\": %llu",
		      cases[i].s, (unsigned long long)v);
	}
}

/* Print @v in @base (2..36) into @s. */
static void u64_to_str(char *s, uint64_t v, int base, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				: "0123456789abcdefghijklmnopqrstuvwxyz";
	char tmp[70];
	int n = 0;

	do {
		tmp[n++] = dig[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v);
	while (n)
		*s++ = tmp[--n];
	*s = '\0';
}

TEST(str_to_u64_random)
{
	unsigned long n = test_iterations(100000);
	char s[80];

	rnd_seed();
	for (unsigned long i = 0; i < n; i++) {
		int base = 2 + (int)(rnd() % 35);
		uint64_t v = rnd() >> (rnd() % 64), got = 0;
		unsigned __int128 big;

		u64_to_str(s, v, base, rnd() & 1);
		REQUIRE(str_to_u64(s, base, &got) == 0, "\"%s\" base %d", s, base);
		REQUIRE(got == v, "\"%s\" base %d", s, base);
		REQUIRE(strtoull(s, NULL, base) == v, "libc disagrees on \"%s\"", s);
		/* One digit more usually overflows: check against 128-bit math. */
		big = (unsigned __int128)v * (unsigned)base + 1;
		strcat(s, "1");
		REQUIRE(str_to_u64(s, base, &got) == (big > UINT64_MAX ? -ERANGE : 0), "\"%s\"", s);
		if (big <= UINT64_MAX)
			REQUIRE(got == (uint64_t)big, "\"%s\"", s);
	}
}

TEST_MAIN(TEST_CASE(memcpy_memset_random), TEST_CASE(memmove_overlap_random),
	  TEST_CASE(memcmp_random), TEST_CASE(str_functions_random),
	  TEST_CASE(strlcpy_every_size), TEST_CASE(str_to_u64_table),
	  TEST_CASE(str_to_u64_random))
