/* tests/host/lib/cmdline_test.c: lib/cmdline.c. */
#include <string.h>
#include <lib/cmdline.h>
#include "test.h"

TEST(flags_and_values)
{
	const char *v;
	size_t len;

	CHECK(cmdline_find("ktest", "ktest", NULL, NULL));
	CHECK(cmdline_find("  a=1 ktest  b", "ktest", &v, &len));
	CHECK_EQ(len, 0);
	CHECK(cmdline_find("a=1 ktest=crash b", "ktest", &v, &len));
	CHECK_EQ(len, 5);
	CHECK(strncmp(v, "crash", 5) == 0);
	CHECK(cmdline_value_is("a=1 ktest=crash b", "ktest", "crash"));
	CHECK(!cmdline_value_is("a=1 ktest=crash b", "ktest", "cras"));
	CHECK(!cmdline_value_is("a=1 ktest=cras b", "ktest", "crash"));
	CHECK(cmdline_value_is("x=", "x", ""));
}

TEST(no_false_matches)
{
	CHECK(!cmdline_find("ktests", "ktest", NULL, NULL));
	CHECK(!cmdline_find("xktest", "ktest", NULL, NULL));
	CHECK(!cmdline_find("a=ktest", "ktest", NULL, NULL));
	CHECK(!cmdline_find("", "ktest", NULL, NULL));
	CHECK(!cmdline_find(NULL, "ktest", NULL, NULL));
	CHECK(!cmdline_find("ktest", "", NULL, NULL));
	CHECK(cmdline_find("ktes ktest", "ktest", NULL, NULL));
}

TEST(unsigned_values)
{
	unsigned int n = 77;

	CHECK(cmdline_uint("a asid_bits=12 b", "asid_bits", &n) && n == 12);
	CHECK(cmdline_uint("asid_bits=0", "asid_bits", &n) && n == 0);
	CHECK(cmdline_uint("x=123456789", "x", &n) && n == 123456789);
	n = 77;
	CHECK(!cmdline_uint("x=1234567890", "x", &n) && n == 77, "ten digits");
	CHECK(!cmdline_uint("x", "x", &n) && n == 77, "no value");
	CHECK(!cmdline_uint("x=", "x", &n) && n == 77, "empty value");
	CHECK(!cmdline_uint("x=1a", "x", &n) && n == 77, "not a number");
	CHECK(!cmdline_uint("x=-1", "x", &n) && n == 77, "negative");
	CHECK(!cmdline_uint("y=1", "x", &n) && n == 77, "absent");
	CHECK(!cmdline_uint(NULL, "x", &n) && n == 77, "no command line");
}

TEST_MAIN(TEST_CASE(flags_and_values), TEST_CASE(no_false_matches), TEST_CASE(unsigned_values))
