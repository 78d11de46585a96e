/*
 * tests/host/lib/cpio_test.c: lib/cpio.c against archives made by the real
 * `cpio -o` (newc and crc) from files written at test time, against a
 * test-side writer (names with "./" and "/", duplicates, every name
 * padding), and against damaged archives: every truncation length,
 * every hex digit of every header replaced, bad magic, namesize and
 * filesize limits, checksum faults, and thousands of seeded random
 * corruptions compared with an independent reference parser. Buffers are
 * malloc'ed at their exact size, so ASan sees any read past the end.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pagoda/errno.h>
#include <lib/cpio.h>
#include "test.h"

#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define MAX_ENTRIES 4096

/* ------------------------------------------------------------ helpers -- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* quiet: send stdout (the log lines of thousands of refusals) to /dev/null, or back. */
static void quiet(bool on)
{
	static int saved = -1;
	int fd;

	fflush(stdout);
	if (on && saved < 0) {
		saved = dup(1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		close(fd);
	} else if (!on && saved >= 0) {
		dup2(saved, 1);
		close(saved);
		saved = -1;
	}
}

static uint8_t *dup_exact(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (!p)
		abort();
	memcpy(p, src, len);
	return p;
}

/* A file the test writes and expects back. */
struct tfile {
	char name[64];
	size_t len;
	uint8_t *data;
	bool dir;
};

struct tree {
	char dir[64];
	struct tfile files[32];
	size_t n;
};

static void tree_add(struct tree *t, const char *name, size_t len, bool dir)
{
	struct tfile *f = &t->files[t->n++];
	char path[256];
	FILE *fp;

	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	f->dir = dir;
	if (dir) {
		REQUIRE(mkdir(path, 0755) == 0);
		return;
	}
	f->len = len;
	f->data = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		f->data[i] = (uint8_t)rnd();
	fp = fopen(path, "wb");
	REQUIRE(fp);
	REQUIRE(fwrite(f->data, 1, len, fp) == len);
	fclose(fp);
	REQUIRE(chmod(path, 0644) == 0);
}

/* tree_make: a directory of files of awkward sizes and name lengths; @big adds large ones. */
static void tree_make(struct tree *t, bool big)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 63, 511, 512, 513 };

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/pagoda-cpio-XXXXXX");
	REQUIRE(mkdtemp(t->dir));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char name[32];

		/* name lengths 1..12 give every padding after the 110-byte header */
		memset(name, 'a' + (char)i, i + 1);
		name[i + 1] = 0;
		tree_add(t, name, sizes[i], false);
	}
	tree_add(t, "sub", 0, true);
	tree_add(t, "sub/deeper", 0, true);
	tree_add(t, "sub/init", 300, false);
	tree_add(t, "sub/deeper/x.bin", 77, false);
	if (big) {
		tree_add(t, "large", 100000, false);
		tree_add(t, "sub/page", 4096, false);
	}
}

static const struct tfile *tree_get(const struct tree *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->files[i].name, name))
			return &t->files[i];
	return NULL;
}

static void tree_free(struct tree *t)
{
	char cmd[512];

	for (size_t i = 0; i < t->n; i++)
		free(t->files[i].data);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.cpio'", t->dir, t->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", t->dir);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n ? (size_t)n : 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		abort();
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* tree_archive: run the real cpio over the tree, as the build does. */
static uint8_t *tree_archive(const struct tree *t, const char *format, size_t *len)
{
	char cmd[512], out[80];
	uint8_t *buf;

	snprintf(out, sizeof(out), "%s.cpio", t->dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C sort | cpio -o -H %s --quiet > '%s'",
		 t->dir, format, out);
	if (system(cmd) != 0)
		return NULL;
	buf = slurp(out, len);
	unlink(out);
	return buf;
}

/* ---------------------------------------------- the reference parser -- */

struct ref_entry {
	size_t hdr, name_off, namesize, data_off, len, end;
	uint32_t f[13];
};

static size_t round4(size_t x)
{
	return (x + 3) / 4 * 4;
}

/*
 * ref_walk: parse @a independently of lib/cpio.c (libc string functions,
 * 64-bit sums that cannot wrap for these sizes). Returns 0 at the trailer
 * (*@trailer_end set) or -1 if malformed; entries before it in @v.
 */
static int ref_walk(const uint8_t *a, size_t size, struct ref_entry *v, size_t *n,
		    size_t *trailer_end)
{
	size_t off = 0;

	for (*n = 0;; off = v[(*n)++].end) {
		struct ref_entry e = { .hdr = off };

		if (off + 110 > size || (memcmp(a + off, "070701", 6) && memcmp(a + off, "070702", 6)))
			return -1;
		for (int i = 0; i < 13; i++) {
			char tmp[9];

			memcpy(tmp, a + off + 6 + 8 * i, 8);
			tmp[8] = 0;
			if (strspn(tmp, "0123456789abcdefABCDEF") != 8)
				return -1;
			e.f[i] = (uint32_t)strtoul(tmp, NULL, 16);
		}
		e.name_off = off + 110;
		e.namesize = e.f[11];
		e.len = e.f[6];
		if (e.namesize < 2 || e.name_off + e.namesize > size ||
		    memchr(a + e.name_off, 0, e.namesize) != a + e.name_off + e.namesize - 1)
			return -1;
		e.data_off = round4(e.name_off + e.namesize);
		e.end = round4(e.data_off + e.len);
		if (e.data_off > size || e.end > size)
			return -1;
		if (a[off + 5] == '2') {
			uint32_t sum = 0;

			for (size_t i = 0; i < e.len; i++)
				sum += a[e.data_off + i];
			if (sum != e.f[12])
				return -1;
		}
		if (!strcmp((const char *)a + e.name_off, "TRAILER!!!")) {
			*trailer_end = e.end;
			return 0;
		}
		if (*n == MAX_ENTRIES)
			abort();
		v[*n] = e;
	}
}

static const char *ref_strip(const char *s)
{
	while (!strncmp(s, "./", 2) || s[0] == '/')
		s += s[0] == '/' ? 1 : 2;
	return s;
}

static struct ref_entry ref_v[MAX_ENTRIES];

/*
 * agree: walk @a with cpio_next() and with the reference; both must accept
 * or both refuse at the same entry, and accepted entries must match.
 * Returns true if they agree; *@ok says whether the archive was accepted.
 */
static bool agree(const uint8_t *a, size_t size, bool *ok)
{
	size_t n, tend, off = 0, i;
	int ref = ref_walk(a, size, ref_v, &n, &tend), err;
	struct cpio_entry e;

	for (i = 0; (err = cpio_next(a, size, &off, &e)) == 0; i++) {
		const struct ref_entry *r = &ref_v[i];

		if (i >= n || e.name != ref_strip((const char *)a + r->name_off) ||
		    e.name_len != strlen(e.name) || e.data != a + r->data_off || e.len != r->len ||
		    e.mode != r->f[1] || e.ino != r->f[0] || e.uid != r->f[2] ||
		    e.gid != r->f[3] || e.nlink != r->f[4] || e.mtime != r->f[5] || off != r->end)
			return false;
		if (i > size / 112)
			return false;	/* cannot happen if it terminates properly */
	}
	*ok = err == -ENOENT;
	if (err != -ENOENT && err != -EINVAL)
		return false;
	return ref == 0 ? (err == -ENOENT && i == n) : (err == -EINVAL && i == n);
}

/* walk_count: entries before the trailer, or a negative error. */
static int walk_count(const uint8_t *a, size_t size)
{
	struct cpio_entry e;
	size_t off = 0;
	int n = 0, err;

	while ((err = cpio_next(a, size, &off, &e)) == 0)
		n++;
	return err == -ENOENT ? n : err;
}

/* ---------------------------------------------------- real archives -- */

static void check_tree_found(const struct tree *t, const uint8_t *a, size_t size)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct tfile *f = &t->files[i];
		static const char *const prefixes[] = { "", "./", "/", ".//./" };

		for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
			struct cpio_entry e;
			char name[80];

			snprintf(name, sizeof(name), "%s%s", prefixes[p], f->name);
			REQUIRE(cpio_find(a, size, name, &e) == 0, "%s", name);
			CHECK(!strcmp(e.name, f->name), "%s", e.name);
			CHECK(((const uint8_t *)e.data - a) % 4 == 0);
			if (f->dir) {
				CHECK_EQ(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
				continue;
			}
			CHECK_EQ(e.mode & CPIO_MODE_TYPE, CPIO_MODE_REG);
			CHECK_EQ(e.mode & 0777, 0644);
			REQUIRE(e.len == f->len, "%s: %zu != %zu", name, e.len, f->len);
			CHECK(memcmp(e.data, f->data, f->len) == 0, "%s content", name);
		}
	}
}

static void check_real_format(const char *format)
{
	struct tree t;
	struct cpio_entry e;
	size_t size, off = 0;
	uint8_t *a;
	int count = 0, err;
	bool ok;

	tree_make(&t, true);
	a = tree_archive(&t, format, &size);
	REQUIRE(a, "cpio -o -H %s failed", format);
	printf("# %s archive: %zu bytes, %zu files\n", format, size, t.n);
	while ((err = cpio_next(a, size, &off, &e)) == 0) {
		bool known = !strcmp(e.name, ".");

		for (size_t i = 0; i < t.n; i++)
			known |= !strcmp(e.name, t.files[i].name);
		CHECK(known, "unexpected entry %s", e.name);
		count++;
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(count, t.n + 1);	/* with "." */
	check_tree_found(&t, a, size);
	CHECK_EQ(cpio_find(a, size, "missing", &e), -ENOENT);
	CHECK_EQ(cpio_find(a, size, "sub/ini", &e), -ENOENT);
	CHECK_EQ(cpio_find(a, size, "TRAILER!!!", &e), -ENOENT);
	CHECK_EQ(cpio_find(a, size, NULL, &e), -EINVAL);
	CHECK(agree(a, size, &ok) && ok);
	free(a);
	tree_free(&t);
}

TEST(real_newc_archive)
{
	check_real_format("newc");
}

TEST(real_crc_archive)
{
	check_real_format("crc");
}

/* ------------------------------------------------- the test's writer -- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	uint32_t ino;
};

static void w_put(struct wbuf *w, const void *d, size_t n)
{
	if (!n)
		return;
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2;
		w->p = realloc(w->p, w->cap);
		if (!w->p)
			abort();
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void w_pad(struct wbuf *w)
{
	while (w->len & 3)
		w_put(w, "", 1);
}

/* w_entry: one entry; @magic "070701" or "070702" (check = byte sum of the data). */
static void w_entry(struct wbuf *w, const char *magic, const char *name, uint32_t mode,
		    const void *data, size_t len)
{
	char hdr[CPIO_HEADER_LEN + 1];
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += ((const uint8_t *)data)[i];
	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
		 ++w->ino, mode, 1000, 100, 1, 0x5f5e0ffu, (uint32_t)len, 0, 0, 0, 0,
		 (uint32_t)strlen(name) + 1, magic[5] == '2' ? sum : 0);
	w_put(w, hdr, CPIO_HEADER_LEN);
	w_put(w, name, strlen(name) + 1);
	w_pad(w);
	w_put(w, data, len);
	w_pad(w);
}

static const char *const w_names[] = { "./init", "/etc/motd", ".//./deep/x", "dup", "a", "ab",
				       "abc", "abcd", "empty", "dup", "./TRAILER!!!" };

/* w_sample: an archive of w_names (data: the name reversed, "" for "empty") + block padding. */
static void w_sample(struct wbuf *w, const char *magic)
{
	static const uint8_t zeros[512];

	memset(w, 0, sizeof(*w));
	w_entry(w, magic, ".", CPIO_MODE_DIR | 0755, NULL, 0);
	for (size_t i = 0; i < ARRAY_SIZE(w_names); i++) {
		char data[32];
		size_t n = strcmp(w_names[i], "empty") ? strlen(w_names[i]) : 0;

		for (size_t j = 0; j < n; j++)
			data[j] = w_names[i][n - 1 - j];
		if (i == 3)
			data[0] = '1';	/* the first "dup" differs from the second */
		w_entry(w, magic, w_names[i], CPIO_MODE_REG | 0600, data, n);
	}
	w_entry(w, magic, "TRAILER!!!", 0, NULL, 0);
	w_put(w, zeros, 512 - w->len % 512);
}

/* real_cpio_accepts: GNU cpio lists (and, for crc, verifies) the archive @w. */
static bool real_cpio_accepts(const struct wbuf *w, size_t expect_entries)
{
	char path[] = "/tmp/pagoda-cpio-w-XXXXXX", cmd[200];
	int fd = mkstemp(path), lines = 0, c;
	FILE *fp;

	if (fd < 0 || write(fd, w->p, w->len) != (ssize_t)w->len)
		return false;
	close(fd);
	snprintf(cmd, sizeof(cmd), "cpio -i --only-verify-crc --quiet < %s && cpio -it --quiet < %s",
		 path, path);
	fp = popen(cmd, "r");
	while (fp && (c = fgetc(fp)) != EOF)
		lines += c == '\n';
	c = fp ? pclose(fp) : -1;
	unlink(path);
	return c == 0 && (size_t)lines == expect_entries;
}

TEST(writer_names_and_duplicates)
{
	static const char *const magics[] = { "070701", "070702" };

	for (size_t m = 0; m < ARRAY_SIZE(magics); m++) {
		struct cpio_entry e;
		struct wbuf w;
		bool ok;

		w_sample(&w, magics[m]);
		CHECK(real_cpio_accepts(&w, ARRAY_SIZE(w_names) + 1), "%s", magics[m]);
		CHECK(agree(w.p, w.len, &ok) && ok);
		CHECK_EQ(walk_count(w.p, w.len), ARRAY_SIZE(w_names) + 1);
		REQUIRE(cpio_find(w.p, w.len, "init", &e) == 0);
		CHECK(e.len == 6 && !memcmp(e.data, "tini/.", 6) && !strcmp(e.name, "init"));
		REQUIRE(cpio_find(w.p, w.len, "/init", &e) == 0);
		CHECK(!strcmp(e.name, "init"));
		REQUIRE(cpio_find(w.p, w.len, "etc/motd", &e) == 0);
		CHECK(e.len == 9 && !memcmp(e.data, "dtom/cte/", 9));
		REQUIRE(cpio_find(w.p, w.len, "./deep/x", &e) == 0);
		CHECK_EQ(e.name_len, 6);
		REQUIRE(cpio_find(w.p, w.len, "dup", &e) == 0);
		CHECK(e.len == 3 && !memcmp(e.data, "pud", 3), "the last duplicate wins");
		REQUIRE(cpio_find(w.p, w.len, "empty", &e) == 0);
		CHECK_EQ(e.len, 0);
		REQUIRE(cpio_find(w.p, w.len, "TRAILER!!!", &e) == 0, "a ./TRAILER!!! is a file");
		REQUIRE(cpio_find(w.p, w.len, ".", &e) == 0);
		CHECK_EQ(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
		for (size_t i = 4; i < 8; i++) {
			REQUIRE(cpio_find(w.p, w.len, w_names[i], &e) == 0);
			CHECK(e.len == i - 3 && ((const uint8_t *)e.data - w.p) % 4 == 0);
		}
		CHECK_EQ(cpio_find(w.p, w.len, "ini", &e), -ENOENT);
		CHECK_EQ(cpio_find(w.p, w.len, "init/", &e), -ENOENT);
		free(w.p);
	}
}

/* ------------------------------------------------- damaged archives -- */

/* small_archive: a real newc (or crc) archive of the small tree, and its entries. */
static uint8_t *small_archive(struct tree *t, const char *format, size_t *size, size_t *n,
			      size_t *tend)
{
	uint8_t *a;

	tree_make(t, false);
	a = tree_archive(t, format, size);
	if (!a || ref_walk(a, *size, ref_v, n, tend) != 0)
		return NULL;
	return a;
}

TEST(truncation_every_length)
{
	size_t size, n, tend, found = 0;
	struct tree t;
	uint8_t *a = small_archive(&t, "newc", &size, &n, &tend);
	const struct tfile *init = tree_get(&t, "sub/init");
	unsigned long bad = 0, first_bad = 0;

	REQUIRE(a && init);
	printf("# %zu-byte archive, trailer ends at %zu\n", size, tend);
	quiet(true);
	for (size_t len = 0; len <= size; len++) {
		uint8_t *b = dup_exact(a, len);
		struct cpio_entry e;
		int count = walk_count(b, len), err = cpio_find(b, len, "sub/init", &e);
		bool ok, good = agree(b, len, &ok) && ok == (len >= tend);

		if (len < tend)
			good &= count == -EINVAL && err == -EINVAL;
		else
			good &= count == (int)n && err == 0 && e.len == init->len &&
				!memcmp(e.data, init->data, e.len);
		found += err == 0;
		if (!good && !bad++)
			first_bad = len;
		free(b);
	}
	quiet(false);
	CHECK(bad == 0, "%lu lengths wrong, first %lu", bad, first_bad);
	CHECK_EQ(found, size - tend + 1);
	free(a);
	tree_free(&t);
}

static void set_field(uint8_t *a, size_t hdr, int field, uint32_t val)
{
	char tmp[9];

	snprintf(tmp, sizeof(tmp), "%08X", val);
	memcpy(a + hdr + 6 + 8 * field, tmp, 8);
}

/* refused: an exact copy of @a is refused by the walk, by cpio_find() and by the reference. */
static bool refused(const uint8_t *a, size_t size)
{
	uint8_t *b = dup_exact(a, size);
	struct cpio_entry e;
	bool ok, res;

	res = walk_count(b, size) == -EINVAL && agree(b, size, &ok) && !ok &&
	      cpio_find(b, size, "a", &e) == -EINVAL;
	free(b);
	return res;
}

TEST(every_hex_digit)
{
	static const char bad_chars[] = "gG x-+\0\xff:/@`";
	size_t size, n, tend, hdrs[64], nh;
	struct tree t;
	uint8_t *a = small_archive(&t, "newc", &size, &n, &tend), *b;
	unsigned long tried = 0, bad = 0;
	bool ok;

	REQUIRE(a && n < 63);
	for (nh = 0; nh < n; nh++)
		hdrs[nh] = ref_v[nh].hdr;
	hdrs[nh++] = ref_v[n - 1].end;	/* the trailer */
	b = dup_exact(a, size);
	quiet(true);
	for (size_t h = 0; h < nh; h++) {
		for (size_t pos = 6; pos < CPIO_HEADER_LEN; pos++) {
			for (size_t c = 0; c < sizeof(bad_chars) - 1; c++) {
				b[hdrs[h] + pos] = (uint8_t)bad_chars[c];
				bad += !refused(b, size);
				tried++;
			}
			b[hdrs[h] + pos] = (uint8_t)tolower(a[hdrs[h] + pos]);
		}
	}
	quiet(false);
	CHECK(bad == 0, "%lu of %lu bad digits accepted", bad, tried);
	/* the whole archive now has lower-case hex digits: same entries */
	CHECK(memcmp(a, b, size) != 0);
	CHECK(agree(b, size, &ok) && ok);
	CHECK_EQ(walk_count(b, size), n);
	free(b);
	free(a);
	tree_free(&t);
}

/* ref_find: the reference's entry named @name (after small_archive()), or NULL. */
static const struct ref_entry *ref_find(const uint8_t *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp((const char *)a + ref_v[i].name_off, name))
			return &ref_v[i];
	return NULL;
}

TEST(namesize_and_filesize)
{
	size_t size, n, tend;
	struct tree t;
	uint8_t *a = small_archive(&t, "newc", &size, &n, &tend), *b;
	const struct ref_entry *r = a ? ref_find(a, n, "sub/init") : NULL;
	struct wbuf w = { 0 };

	REQUIRE(r && r->len > 0);
	const uint32_t names[] = { 0, 1, 0xffffffffu, (uint32_t)r->namesize - 1,
				   (uint32_t)r->namesize + 1, (uint32_t)(size - r->name_off + 1),
				   (uint32_t)(size - r->name_off) };
	const uint32_t files[] = { 0xffffffffu, (uint32_t)(size - r->data_off + 1), 0x80000000u };

	b = dup_exact(a, size);
	quiet(true);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		set_field(b, r->hdr, 11, names[i]);
		CHECK(refused(b, size), "namesize %#x", names[i]);
	}
	memcpy(b, a, size);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		set_field(b, r->hdr, 6, files[i]);
		CHECK(refused(b, size), "filesize %#x", files[i]);
	}
	w_entry(&w, "070701", "", CPIO_MODE_REG, "x", 1);	/* namesize 1: an empty name */
	w_entry(&w, "070701", "TRAILER!!!", 0, NULL, 0);
	CHECK(refused(w.p, w.len), "empty name");
	memcpy(b, a, size);
	b[r->name_off + r->namesize - 1] = 'X';	/* the name's NUL */
	CHECK(refused(b, size), "missing NUL");
	memcpy(b, a, size);
	b[r->name_off + 2] = 0;	/* an early NUL */
	CHECK(refused(b, size), "NUL inside the name");
	quiet(false);
	free(w.p);
	free(b);
	free(a);
	tree_free(&t);
}

TEST(magic_and_relabel)
{
	size_t size, n, tend;
	struct tree t;
	uint8_t *a = small_archive(&t, "newc", &size, &n, &tend), *b;
	const struct ref_entry *r = a ? ref_find(a, n, "sub/init") : NULL;
	bool ok;

	REQUIRE(r && r->len > 0);
	b = dup_exact(a, size);
	quiet(true);
	for (size_t pos = 0; pos < 6; pos++) {
		memcpy(b, a, size);
		b[r->hdr + pos] = pos == 5 ? '7' : 'x';	/* "070707" is the odc format */
		CHECK(refused(b, size), "magic byte %zu", pos);
	}
	memcpy(b, a, size);
	b[r->hdr + 5] = '2';	/* crc variant with check 0 over non-empty data */
	CHECK(refused(b, size), "crc relabel");
	memcpy(b, a, size);
	b[ref_v[0].hdr + 5] = '2';	/* "." has no data: its sum 0 is right */
	CHECK(agree(b, size, &ok) && ok);
	memcpy(b, a, size);
	b[r->data_off] ^= 0x55;	/* newc has no checksum: still valid */
	CHECK(agree(b, size, &ok) && ok);
	quiet(false);
	free(b);
	free(a);
	tree_free(&t);
}

TEST(crc_checksum_and_offsets)
{
	size_t size, n, tend, off;
	struct tree t;
	uint8_t *a = small_archive(&t, "crc", &size, &n, &tend), *b;
	struct cpio_entry e, before;

	REQUIRE(a);
	b = dup_exact(a, size);
	quiet(true);
	for (size_t i = 0; i < n; i++) {
		if (!ref_v[i].len)
			continue;
		b[ref_v[i].data_off + ref_v[i].len - 1] ^= 1;
		CHECK(refused(b, size), "data byte of entry %zu", i);
		b[ref_v[i].data_off + ref_v[i].len - 1] ^= 1;
	}
	/* a whole header at a misaligned offset: padding would be computed wrongly */
	memmove(b + 2, a, size - 2);
	for (off = 1; off < 4; off++)
		CHECK_EQ(cpio_next(b, size, &off, &e), -EINVAL);
	off = 0;
	CHECK_EQ(cpio_next(b + 2, size - 2, &off, &e), 0);
	memcpy(b, a, size);
	off = size + 4;
	CHECK_EQ(cpio_next(a, size, &off, &e), -EINVAL);
	off = size;
	CHECK_EQ(cpio_next(a, size, &off, &e), -EINVAL);
	off = 0;
	CHECK_EQ(cpio_next(NULL, size, &off, &e), -EINVAL);
	CHECK_EQ(cpio_next(a, 0, &off, &e), -EINVAL);
	CHECK_EQ(cpio_find(a, ref_v[n - 1].end, "a", &e), -EINVAL);	/* no trailer */
	quiet(false);
	off = ref_v[n - 1].end;
	memset(&e, 0xa5, sizeof(e));
	before = e;
	CHECK_EQ(cpio_next(a, size, &off, &e), -ENOENT);
	CHECK_EQ(off, ref_v[n - 1].end);
	CHECK(!memcmp(&e, &before, sizeof(e)), "out untouched at the trailer");
	CHECK_EQ(walk_count(a + off, size - off), 0);	/* an archive of just a trailer */
	CHECK_EQ(cpio_find(a + off, size - off, "a", &e), -ENOENT);
	free(b);
	free(a);
	tree_free(&t);
}

/* mutate: one random change to @b (*@len bytes) of the kinds most likely to reach deep code. */
static void mutate(uint8_t *b, size_t *len)
{
	size_t n, tend, hdr;
	static const char hex[] = "0123456789abcdefABCDEF";
	const uint32_t vals[] = { 0, 1, 2, 3, 4, 11, 0xffffffffu, 0x7fffffffu, (uint32_t)*len,
				  (uint32_t)rnd() };

	if (*len == 0)
		return;
	/* a header offset the reference saw, or just anywhere */
	ref_walk(b, *len, ref_v, &n, &tend);
	hdr = n && rnd_below(4) ? ref_v[rnd_below(n)].hdr : rnd_below(*len);
	switch (rnd_below(6)) {
	case 0:
		b[rnd_below(*len)] = (uint8_t)rnd();
		break;
	case 1:
		if (hdr + CPIO_HEADER_LEN <= *len)
			b[hdr + 6 + rnd_below(104)] = (uint8_t)hex[rnd_below(sizeof(hex) - 1)];
		break;
	case 2:
	case 3:
		if (hdr + CPIO_HEADER_LEN <= *len)
			set_field(b, hdr, (int)rnd_below(13),
				  vals[rnd_below(ARRAY_SIZE(vals))] + (uint32_t)rnd_below(3) - 1);
		break;
	case 4:
		*len = rnd_below(*len + 1);
		break;
	default:
		b[rnd_below(*len)] = rnd_below(2) ? 0 : '0';
		break;
	}
}

TEST(random_corruption)
{
	unsigned long iters = test_iterations(20000), bad = 0, accepted = 0, first_bad = 0;
	size_t size[3], n, tend;
	struct tree t[2];
	uint8_t *base[3], *b;
	struct wbuf w;

	rng = test_seed();
	printf("# seed %#llx, %lu iterations\n", test_seed(), iters);
	base[0] = small_archive(&t[0], "newc", &size[0], &n, &tend);
	base[1] = small_archive(&t[1], "crc", &size[1], &n, &tend);
	w_sample(&w, "070702");
	base[2] = w.p;
	size[2] = w.len;
	REQUIRE(base[0] && base[1]);
	quiet(true);
	for (unsigned long it = 0; it < iters; it++) {
		unsigned int k = (unsigned int)rnd_below(3), nmut = 1 + (unsigned int)rnd_below(6);
		size_t len = size[k];
		uint8_t *m = dup_exact(base[k], len);
		bool ok;

		for (unsigned int j = 0; j < nmut; j++)
			mutate(m, &len);
		b = dup_exact(m, len);
		if (!agree(b, len, &ok) && !bad++)
			first_bad = it;
		accepted += ok;
		free(b);
		free(m);
	}
	for (unsigned long it = 0; it < iters / 10; it++) {
		size_t len = rnd_below(700);
		bool ok;

		b = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			b[i] = rnd_below(4) ? (uint8_t)"0123456789ABCDEF"[rnd_below(16)] : (uint8_t)rnd();
		if (len >= 6 && rnd_below(2))
			memcpy(b, "070701", 6);
		if (!agree(b, len, &ok) && !bad++)
			first_bad = iters + it;
		free(b);
	}
	quiet(false);
	printf("# %lu of %lu corrupted archives still valid\n", accepted, iters);
	CHECK(bad == 0, "%lu disagreements, first at iteration %lu", bad, first_bad);
	CHECK(accepted > iters / 20 && accepted < iters, "mutations too weak or too strong");
	for (int i = 0; i < 3; i++)
		free(base[i]);
	tree_free(&t[0]);
	tree_free(&t[1]);
}

TEST_MAIN(TEST_CASE(real_newc_archive), TEST_CASE(real_crc_archive),
	  TEST_CASE(writer_names_and_duplicates), TEST_CASE(truncation_every_length),
	  TEST_CASE(every_hex_digit), TEST_CASE(namesize_and_filesize), TEST_CASE(magic_and_relabel),
	  TEST_CASE(crc_checksum_and_offsets), TEST_CASE(random_corruption))
