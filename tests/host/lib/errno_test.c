/* tests/host/lib/errno_test.c: errno_name() over the codes of <pagoda/errno.h>. */
#include <limits.h>
#include <string.h>
#include <pagoda/errno.h>
#include "test.h"

struct errno_entry {
	int code;
	const char *name;
};

#define ENTRY(e) { e, #e }

static const struct errno_entry entries[] = {
	ENTRY(EPERM), ENTRY(ENOENT), ENTRY(ESRCH), ENTRY(EINTR), ENTRY(EIO),
	ENTRY(E2BIG), ENTRY(ENOEXEC), ENTRY(EBADF), ENTRY(ECHILD), ENTRY(EAGAIN),
	ENTRY(ENOMEM), ENTRY(EACCES), ENTRY(EFAULT), ENTRY(EBUSY), ENTRY(EEXIST),
	ENTRY(ENODEV), ENTRY(ENOTDIR), ENTRY(EINVAL), ENTRY(EMFILE), ENTRY(ENOSPC),
	ENTRY(ERANGE), ENTRY(EDEADLK), ENTRY(ENOSYS), ENTRY(EOVERFLOW), ENTRY(EMSGSIZE),
	ENTRY(ENOTSUP), ENTRY(ETIMEDOUT), ENTRY(ECANCELED), ENTRY(ECAPTYPE), ENTRY(EDEAD),
};

TEST(known_codes_both_signs)
{
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		const struct errno_entry *e = &entries[i];

		CHECK(strcmp(errno_name(e->code), e->name) == 0, "%d: %s", e->code,
		      errno_name(e->code));
		CHECK(strcmp(errno_name(-e->code), e->name) == 0, "%d: %s", -e->code,
		      errno_name(-e->code));
	}
	CHECK(strcmp(errno_name(-ENOMEM), "ENOMEM") == 0, "ENOMEM");
}

TEST(unknown_codes)
{
	static const int unknown[] = { 0, 6, 15, 254, PAGODA_EMAX, 256, 1000, -1000,
				       -PAGODA_EMAX - 1, INT_MAX, -INT_MAX, INT_MIN };

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		CHECK(strcmp(errno_name(unknown[i]), "E?") == 0, "%d: %s", unknown[i],
		      errno_name(unknown[i]));
}

/* Every named code is in the table above, and no two codes share a name. */
TEST(names_are_unique)
{
	size_t named = 0;

	for (int c = 1; c <= PAGODA_EMAX; c++) {
		const char *name = errno_name(c);

		if (strcmp(name, "E?") == 0)
			continue;
		named++;
		for (int d = 1; d < c; d++)
			CHECK(strcmp(errno_name(d), name) != 0, "%d and %d are both %s", d, c, name);
	}
	CHECK_EQ(named, ARRAY_SIZE(entries));
}

TEST_MAIN(TEST_CASE(known_codes_both_signs), TEST_CASE(unknown_codes), TEST_CASE(names_are_unique))
