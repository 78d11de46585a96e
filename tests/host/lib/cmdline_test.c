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

TEST_MAIN(TEST_CASE(flags_and_values), TEST_CASE(no_false_matches))
