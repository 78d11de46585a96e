/*
 * tests/fuzz/cpio_fuzz.c: libFuzzer target for lib/cpio.c.
 *
 * The input is an archive. The walk with cpio_next() must stay inside the
 * input and end: every entry's header, name (NUL-terminated, the prefix
 * dropped from the raw name) and data lie in the buffer, offsets are
 * 4-aligned and grow by at least a header and a 2-byte name, and the step
 * count is bounded. Every accepted header is re-read here: its magic, its
 * namesize and filesize fields must agree with what was returned. Then
 * cpio_find() must agree with the walk: -EINVAL for a malformed archive,
 * otherwise the last entry of each name. Any disagreement traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/errno.h>
#include <lib/cpio.h>

#define FUZZ_ASSERT(c)                                                         \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

#define MAX_SEEN 64

static uint32_t hex_field(const uint8_t *h, int field)
{
	char tmp[9];

	memcpy(tmp, h + 6 + 8 * field, 8);
	tmp[8] = 0;
	return (uint32_t)strtoul(tmp, NULL, 16);
}

/* check_entry: the entry whose header is at @off, returned as @e, next entry at @next. */
static void check_entry(const uint8_t *a, size_t size, size_t off, size_t next,
			const struct cpio_entry *e)
{
	const uint8_t *h = a + off, *name = (const uint8_t *)e->name, *d = e->data;
	uint32_t namesize = hex_field(h, 11);

	FUZZ_ASSERT(off % 4 == 0 && next % 4 == 0 && next >= off + CPIO_HEADER_LEN + 2);
	FUZZ_ASSERT(next <= size);
	FUZZ_ASSERT(!memcmp(h, "070701", 6) || !memcmp(h, "070702", 6));
	/* the name lies in [header end, header end + namesize), its NUL last */
	FUZZ_ASSERT(name >= h + CPIO_HEADER_LEN && name + e->name_len + 1 ==
			    h + CPIO_HEADER_LEN + namesize);
	FUZZ_ASSERT(name[e->name_len] == 0 && strlen(e->name) == e->name_len);
	FUZZ_ASSERT(e->name[0] != '/' && strncmp(e->name, "./", 2) != 0);
	FUZZ_ASSERT(e->len == hex_field(h, 6) && e->mode == hex_field(h, 1));
	FUZZ_ASSERT(d >= name + e->name_len + 1 && (size_t)(d - a) % 4 == 0);
	FUZZ_ASSERT(d + e->len <= a + next && a + next - (d + e->len) < 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry seen[MAX_SEEN], e, f;
	size_t off = 0, prev, n = 0, steps = 0;
	int err;

	for (;;) {
		prev = off;
		err = cpio_next(data, size, &off, &e);
		if (err)
			break;
		check_entry(data, size, prev, off, &e);
		if (n < MAX_SEEN)
			seen[n++] = e;
		FUZZ_ASSERT(++steps <= size / (CPIO_HEADER_LEN + 2));
	}
	FUZZ_ASSERT(off == prev && (err == -ENOENT || err == -EINVAL));
	for (size_t i = 0; i < n; i++) {
		int ferr = cpio_find(data, size, seen[i].name, &f);
		size_t last = i;

		if (err == -EINVAL) {
			FUZZ_ASSERT(ferr == -EINVAL);
			continue;
		}
		FUZZ_ASSERT(ferr == 0 && !strcmp(f.name, seen[i].name));
		/* the last entry of that name wins (known when every entry was kept) */
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(seen[j].name, seen[i].name))
				last = j;
		FUZZ_ASSERT(n == MAX_SEEN || (f.name == seen[last].name && f.data == seen[last].data));
	}
	if (err == -EINVAL || n < MAX_SEEN) {
		bool named = false;

		for (size_t i = 0; i < n; i++)
			named |= !strcmp(seen[i].name, "absent");
		FUZZ_ASSERT(cpio_find(data, size, "./absent", &f) ==
			    (err == -EINVAL ? -EINVAL : named ? 0 : -ENOENT));
	}
	return 0;
}
