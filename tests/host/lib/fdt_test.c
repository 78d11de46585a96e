/*
 * tests/host/lib/fdt_test.c: the FDT parser (lib/fdt.c, lib/fdt_platform.c)
 * on QEMU's real DTBs, dumped at test time with -machine virt,dumpdtb, and
 * cross-checked against dtc's decompilation; on crafted blobs built here
 * (the platform summary's rules, malformed structures, endless-loop bait);
 * and on every truncation, header lie and thousands of random corruptions
 * of the real blob, each in a buffer of exactly its size so that ASan sees
 * any read past it. A watchdog alarm turns an endless loop into a failure.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/fdt.h>
#include "test.h"

#define QEMU "qemu-system-riscv64"
#define DTB_PA 0x87e00000ull
#define WATCHDOG_SECONDS 50

struct blob {
	uint8_t *data;
	size_t len;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------ QEMU's DTBs -- */

static char tmpdir[64];

/* tmp_begin/tmp_end: a private directory for one step's files, removed right after. */
static const char *tmp_begin(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pagoda-fdt-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		abort();
	}
	return tmpdir;
}

static void tmp_end(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static bool read_file(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;
	bool ok;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b->len = (size_t)n;
	b->data = malloc(b->len + 1);
	ok = n >= 0 && b->data && fread(b->data, 1, b->len, f) == b->len;
	fclose(f);
	return ok;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; f && i < len; i++)
		fputc(data ? data[i] : (int)(i * 7 % 251), f);
	if (!f || fclose(f) != 0)
		abort();
}

static void print_log(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		printf("# | %s", line);
	if (f)
		fclose(f);
}

/*
 * qemu_dtb: the virt machine's DTB for @args into *@b. With @initrd_len,
 * also a dummy kernel, an initrd of that many bytes and bootargs
 * "ktest foo=bar". False (with QEMU's output shown) on failure.
 */
static bool qemu_dtb(const char *args, size_t initrd_len, struct blob *b)
{
	const char *dir = tmp_begin();
	char cmd[1024], path[128], log[128], extra[512] = "";
	bool ok;

	snprintf(path, sizeof(path), "%s/virt.dtb", dir);
	snprintf(log, sizeof(log), "%s/qemu.log", dir);
	if (initrd_len) {
		snprintf(cmd, sizeof(cmd), "%s/kernel.bin", dir);
		write_file(cmd, NULL, 4096);
		snprintf(cmd, sizeof(cmd), "%s/initrd.bin", dir);
		write_file(cmd, NULL, initrd_len);
		snprintf(extra, sizeof(extra),
			 "-kernel %s/kernel.bin -initrd %s/initrd.bin -append 'ktest foo=bar'", dir,
			 dir);
	}
	snprintf(cmd, sizeof(cmd),
		 QEMU " -machine virt,dumpdtb=%s -nographic -bios none %s %s >%s 2>&1", path, args,
		 extra, log);
	ok = system(cmd) == 0 && read_file(path, b) && b->len >= FDT_HEADER_SIZE &&
	     get32(b->data + 4) <= b->len;
	if (!ok) {
		printf("# '%s' failed to dump a DTB:\n", cmd);
		print_log(log);
	}
	tmp_end();
	return ok;
}

static void need_qemu(void)
{
	REQUIRE(system("command -v " QEMU " >/dev/null 2>&1") == 0,
		QEMU " not found: run scripts/deps.sh (Debian package qemu-system-misc)");
}

/* virt256: the plain 256 MiB, one-hart virt DTB, dumped once. */
static const struct blob *virt256(void)
{
	static struct blob b;

	if (!b.data) {
		need_qemu();
		REQUIRE(qemu_dtb("-m 256M -smp 1", 0, &b));
	}
	return &b;
}

/* exact_copy: the first @len bytes of @b in a buffer of exactly @len bytes. */
static uint8_t *exact_copy(const uint8_t *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (!p)
		abort();
	memcpy(p, data, len);
	return p;
}

static void check_virt(const struct fdt_platform *p, const struct blob *b, uint64_t mem,
		       uint32_t nharts)
{
	CHECK_EQ(p->nmem, 1);
	CHECK_EQ(p->mem[0].base, 0x80000000);
	CHECK_EQ(p->mem[0].size, mem);
	CHECK_EQ(p->nreserved, 1);
	CHECK(p->reserved[0].base == DTB_PA && p->reserved[0].size == get32(b->data + 4),
	      "reserved[0] is not the DTB");
	CHECK(p->dtb.base == DTB_PA && p->dtb.size == get32(b->data + 4));
	CHECK(p->uart.mmio.present && p->uart.mmio.has_irq && p->uart.is_stdout);
	CHECK_EQ(p->uart.mmio.base, 0x10000000);
	CHECK_EQ(p->uart.mmio.size, 0x100);
	CHECK_EQ(p->uart.mmio.irq, 10);
	CHECK_EQ(p->uart.clock_hz, 3686400);
	CHECK(p->uart.reg_shift == 0 && p->uart.reg_io_width == 1);
	CHECK(p->plic.mmio.present);
	CHECK_EQ(p->plic.mmio.base, 0x0c000000);
	/* The context registers start at +0x200000; source 10 (the UART) must exist. */
	CHECK(p->plic.mmio.size > 0x200000 && p->plic.ndev > 10, "plic size %#llx ndev %u",
	      (unsigned long long)p->plic.mmio.size, p->plic.ndev);
	CHECK_EQ(p->nvirtio, 8);
	for (size_t i = 0; i < p->nvirtio; i++) {
		CHECK_EQ(p->virtio[i].base, 0x10001000 + i * 0x1000);
		CHECK_EQ(p->virtio[i].size, 0x1000);
		CHECK(p->virtio[i].has_irq && p->virtio[i].irq == i + 1, "virtio %zu irq", i);
	}
	CHECK_EQ(p->timebase_hz, 10000000);
	CHECK_EQ(p->nharts, nharts);
	CHECK_EQ(p->boot_hartid, 0);
}

TEST(fdt_qemu_virt)
{
	const struct blob *b = virt256();
	struct fdt_platform p;
	uint8_t *exact;

	REQUIRE(fdt_platform_parse(b->data, b->len, DTB_PA, &p) == 0);
	check_virt(&p, b, 256ull << 20, 1);
	CHECK(p.bootargs == NULL && p.bootargs_len == 0 && !p.has_initrd);
	exact = exact_copy(b->data, get32(b->data + 4));
	CHECK_EQ(fdt_platform_parse(exact, get32(b->data + 4), DTB_PA, &p), 0);
	check_virt(&p, b, 256ull << 20, 1);
	free(exact);
}

TEST(fdt_qemu_bootargs_initrd)
{
	struct fdt_platform p;
	struct blob b;

	need_qemu();
	REQUIRE(qemu_dtb("-m 256M -smp 1", 12345, &b));
	REQUIRE(fdt_platform_parse(b.data, b.len, DTB_PA, &p) == 0);
	check_virt(&p, &b, 256ull << 20, 1);
	REQUIRE(p.bootargs != NULL);
	CHECK_EQ(p.bootargs_len, 13);
	CHECK(!strcmp(p.bootargs, "ktest foo=bar"), "bootargs '%s'", p.bootargs);
	CHECK((const uint8_t *)p.bootargs > b.data &&
	      (const uint8_t *)p.bootargs + p.bootargs_len < b.data + get32(b.data + 4));
	REQUIRE(p.has_initrd);
	CHECK_EQ(p.initrd_end - p.initrd_start, 12345);
	CHECK(p.initrd_start >= 0x80000000 && p.initrd_end <= 0x90000000, "initrd %#llx",
	      (unsigned long long)p.initrd_start);
	free(b.data);
}

TEST(fdt_qemu_1g_smp2)
{
	struct fdt_platform p;
	struct blob b;

	need_qemu();
	REQUIRE(qemu_dtb("-m 1G -smp 2", 0, &b));
	REQUIRE(fdt_platform_parse(b.data, b.len, DTB_PA, &p) == 0);
	check_virt(&p, &b, 1ull << 30, 2);
	free(b.data);
}

/* -------------------------------------------- dtc cross-check -- */

/* One line of a decompiled tree: a node ('N'), its end ('E'), a property ('P'). */
struct ent {
	char kind;
	char name[64];
	int ncells;		/* -1: not a plain <cells> value */
	uint32_t cells[256];
	char str[128];		/* plain "string" value, or "" */
	const uint8_t *val;	/* ours */
	uint32_t len;
};

static bool dts_line(char *s, struct ent *e)
{
	size_t n = strlen(s);
	char *eq, *q;

	while (*s == '\t' || *s == ' ')
		s++, n--;
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	memset(e, 0, sizeof(*e));
	e->ncells = -1;
	if (n == 0 || (s[0] == '/' && strcmp(s, "/ {")))
		return false;
	if (n >= 2 && !strcmp(s + n - 2, " {")) {
		e->kind = 'N';
		snprintf(e->name, sizeof(e->name), "%.*s", s[0] == '/' ? 0 : (int)(n - 2), s);
		return true;
	}
	e->kind = strcmp(s, "};") ? 'P' : 'E';
	if (e->kind == 'E')
		return true;
	eq = strstr(s, " = ");
	snprintf(e->name, sizeof(e->name), "%.*s", (int)(eq ? eq - s : (long)n - 1), s);
	if (!eq)
		return true;
	q = eq + 3;
	if (q[0] == '<' && !strcmp(s + n - 2, ">;") && !strchr(q + 1, '<')) {
		for (e->ncells = 0, q++; *q != '>' && e->ncells < 256; e->ncells++)
			e->cells[e->ncells] = (uint32_t)strtoul(q, &q, 0);
	} else if (q[0] == '"' && !strchr(q, '\\') && strchr(q + 1, '"') == s + n - 2) {
		snprintf(e->str, sizeof(e->str), "%.*s", (int)(s + n - 2 - q - 1), q + 1);
	}
	return true;
}

static size_t our_walk(const struct fdt *f, int node, struct ent *e, size_t n)
{
	struct fdt_prop pr;
	int off = -1, child;

	e[n] = (struct ent){ .kind = 'N' };
	snprintf(e[n++].name, sizeof(e->name), "%s", fdt_node_name(f, node));
	while ((off = fdt_next_prop(f, node, off, &pr)) >= 0 && n < 2000) {
		e[n] = (struct ent){ .kind = 'P', .val = pr.val, .len = pr.len };
		snprintf(e[n++].name, sizeof(e->name), "%s", pr.name);
	}
	fdt_for_each_child(f, node, child)
		n = our_walk(f, child, e, n);
	e[n++] = (struct ent){ .kind = 'E' };
	return n;
}

TEST(fdt_dtc_cross_check)
{
	const struct blob *b = virt256();
	struct ent *theirs = calloc(2048, sizeof(*theirs)), *ours = calloc(2048, sizeof(*ours));
	size_t nt = 0, no, values = 0;
	char cmd[512], line[8192];
	struct fdt f;
	FILE *dts;

	REQUIRE(theirs && ours);
	if (system("command -v dtc >/dev/null 2>&1") != 0) {
		printf("# dtc not found (scripts/deps.sh installs it); cross-check skipped\n");
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s/virt.dtb", tmp_begin());
	snprintf(line, sizeof(line), "%s/virt.dtb", tmpdir);
	write_file(line, b->data, get32(b->data + 4));
	dts = popen(cmd, "r");
	while (dts && nt < 2048 && fgets(line, sizeof(line), dts))
		nt += dts_line(line, &theirs[nt]);
	CHECK(dts && pclose(dts) == 0, "'%s' failed", cmd);
	tmp_end();
	REQUIRE(fdt_open(&f, b->data, b->len) == 0);
	no = our_walk(&f, f.root, ours, 0);
	CHECK_EQ(no, nt);
	for (size_t i = 0; i < MIN(no, nt); i++) {
		struct ent *t = &theirs[i], *o = &ours[i];

		if (t->kind != o->kind || strcmp(t->name, o->name)) {
			CHECK(0, "entry %zu: dtc has %c '%s', we have %c '%s'", i, t->kind,
			      t->name, o->kind, o->name);
			break;
		}
		if (t->ncells >= 0) {
			CHECK(o->len == 4u * (uint32_t)t->ncells, "%s: length %u", t->name, o->len);
			for (int c = 0; c < t->ncells && o->len == 4u * (uint32_t)t->ncells; c++)
				CHECK(get32(o->val + 4 * c) == t->cells[c], "%s: cell %d", t->name,
				      c);
			values++;
		} else if (t->str[0]) {
			CHECK(o->len == strlen(t->str) + 1 && !memcmp(o->val, t->str, o->len),
			      "%s: string differs", t->name);
			values++;
		}
	}
	CHECK(values > 40, "only %zu values compared", values);
	printf("# %zu entries, %zu values agree with dtc\n", nt, values);
out:
	free(theirs);
	free(ours);
}

/* ----------------------------------------------- the generic API -- */

TEST(fdt_generic_api_virt)
{
	const struct blob *b = virt256();
	int soc, serial;
	uint32_t ac, sc, v;
	uint64_t addr, size;
	struct fdt f;

	REQUIRE(fdt_open(&f, b->data, b->len) == 0);
	CHECK(f.nrsv == 0 && fdt_rsv_entry(&f, 0, &addr, &size) == -ENOENT);
	CHECK(!strcmp(fdt_node_name(&f, f.root), ""));
	CHECK_EQ(fdt_find_path(&f, "/", 1), f.root);
	soc = fdt_find_path(&f, "/soc", 4);
	serial = fdt_find_path(&f, "/soc/serial@10000000", 20);
	REQUIRE(soc >= 0 && serial >= 0);
	CHECK_EQ(fdt_find_path(&f, "//soc///serial@10000000/", 24), serial);
	CHECK_EQ(fdt_find_path(&f, "/soc/serial", 11), serial);	/* no unit address */
	CHECK_EQ(fdt_find_path(&f, "/soc/serial@1", 13), -ENOENT);
	CHECK_EQ(fdt_find_path(&f, "/soc/serial@10000000xyz", 20), serial); /* @len counts */
	CHECK_EQ(fdt_find_path(&f, "", 0), -ENOENT);
	CHECK_EQ(fdt_find_path(&f, "serial0", 7), -ENOENT);		/* no /aliases */
	CHECK(!strcmp(fdt_node_name(&f, fdt_find_path(&f, "/memory", 7)), "memory@80000000"));
	CHECK_EQ(fdt_parent(&f, serial), soc);
	CHECK_EQ(fdt_parent(&f, soc), f.root);
	CHECK_EQ(fdt_parent(&f, f.root), -ENOENT);
	CHECK(fdt_reg(&f, serial, 0, &addr, &size) == 0 && addr == 0x10000000 && size == 0x100);
	CHECK_EQ(fdt_reg(&f, serial, 1, &addr, &size), -ENOENT);
	CHECK(fdt_cells(&f, soc, &ac, &sc) == 0 && ac == 2 && sc == 2);
	CHECK(fdt_prop_cell(&f, serial, "reg", 3, &v) == 0 && v == 0x100);
	CHECK_EQ(fdt_prop_cell(&f, serial, "reg", 4, &v), -ENOENT);
	CHECK_EQ(fdt_prop_u32(&f, serial, "reg", &v), -EINVAL);
	CHECK_EQ(fdt_prop_u32(&f, serial, "no-such-property", &v), -ENOENT);
	CHECK(fdt_is_compatible(&f, serial, "ns16550a"));
	CHECK(!fdt_is_compatible(&f, serial, "ns16550"));
}

TEST(fdt_generic_walk_virt)
{
	const struct blob *b = virt256();
	int soc, serial, cpus, cpu0, node, d = 0, n = 0, off = -1;
	uint32_t ac, sc, v;
	uint64_t addr, size;
	const char *s, *names[8];
	struct fdt_prop pr;
	struct fdt f;

	REQUIRE(fdt_open(&f, b->data, b->len) == 0);
	soc = fdt_find_path(&f, "/soc", 4);
	serial = fdt_find_path(&f, "/soc/serial@10000000", 20);
	/* cpus has no "ranges": its children's reg (hart ids) do not translate. */
	cpus = fdt_find_path(&f, "/cpus", 5);
	cpu0 = fdt_find_path(&f, "/cpus/cpu@0", 11);
	CHECK(fdt_cells(&f, cpus, &ac, &sc) == 0 && ac == 1 && sc == 0);
	CHECK(fdt_reg_raw(&f, cpu0, 0, &addr, &size) == 0 && addr == 0 && size == 0);
	CHECK_EQ(fdt_reg(&f, cpu0, 0, &addr, &size), -ENOENT);
	CHECK(fdt_prop_u32(&f, cpus, "timebase-frequency", &v) == 0 && v == 10000000);
	CHECK_EQ(fdt_prop_string(&f, fdt_find_path(&f, "/chosen", 7), "stdout-path", &s), 20);
	while ((off = fdt_next_prop(&f, serial, off, &pr)) >= 0 && n < 8)
		names[n++] = pr.name;
	CHECK(n == 5 && !strcmp(names[0], "interrupts") && !strcmp(names[4], "compatible"));
	for (n = 0, node = -1; (node = fdt_find_compatible(&f, node, "virtio,mmio")) >= 0; n++)
		CHECK_EQ(fdt_parent(&f, node), soc);
	CHECK_EQ(n, 8);
	for (n = 0, node = -1; (node = fdt_next_node(&f, node, &d)) >= 0; n++)
		CHECK(d >= 0 && d <= 4, "depth %d", d);
	CHECK(n >= 20, "only %d nodes", n);
	fdt_for_each_child(&f, soc, node)
		CHECK_EQ(fdt_parent(&f, node), soc);
	/* Offsets that are not nodes. */
	CHECK(fdt_node_name(&f, serial + 4) == NULL);
	CHECK_EQ(fdt_parent(&f, serial + 4), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, 2, &d), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, 1 << 30, &d), -EINVAL);
	CHECK_EQ(fdt_getprop(&f, -7, "reg", (const void **)&s, &v), -EINVAL);
}

/* --------------------------------------------------- robustness -- */

static uint64_t rng;
static unsigned long nbad;
static char first_bad[256];
static int saved_stdout = -1;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void watchdog(int sig)
{
	static const char msg[] = "# watchdog: the parser did not terminate\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* quiet_begin/end: the parser warns on every bad blob; keep thousands of those off stdout. */
static void quiet_begin(void)
{
	int fd = open("/dev/null", O_WRONLY);

	fflush(stdout);
	saved_stdout = dup(1);
	if (fd < 0 || saved_stdout < 0 || dup2(fd, 1) < 0)
		abort();
	close(fd);
	nbad = 0;
	first_bad[0] = '\0';
	signal(SIGALRM, watchdog);
	alarm(WATCHDOG_SECONDS);
}

static void quiet_end(void)
{
	alarm(0);
	fflush(stdout);
	dup2(saved_stdout, 1);
	close(saved_stdout);
	CHECK(nbad == 0, "%lu failures; first: %s", nbad, first_bad);
}

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond) && nbad++ == 0)                                    \
			snprintf(first_bad, sizeof(first_bad), __VA_ARGS__);   \
	} while (0)

static const char *sane_range(const struct fdt_range *r, size_t n, size_t max)
{
	if (n > max)
		return "too many ranges";
	for (size_t i = 0; i < n; i++)
		if (r[i].size == 0 || r[i].size > UINT64_MAX - r[i].base)
			return "empty or wrapping range";
	return NULL;
}

/* sane_platform: what a successful parse promises, whatever the blob. */
static const char *sane_platform(const struct fdt_platform *p, const uint8_t *buf, size_t len)
{
	const char *bad = sane_range(p->mem, p->nmem, FDT_MAX_MEM);

	if (!bad)
		bad = sane_range(p->reserved, p->nreserved, FDT_MAX_RESERVED);
	if (bad)
		return bad;
	if (p->nmem == 0 || p->nreserved == 0)
		return "no memory, or the DTB not reserved";
	if (p->bootargs && ((const uint8_t *)p->bootargs < buf ||
			    (const uint8_t *)p->bootargs + p->bootargs_len >= buf + len ||
			    strlen(p->bootargs) != p->bootargs_len))
		return "bootargs outside the blob or not NUL-terminated";
	if (p->has_initrd && p->initrd_end < p->initrd_start)
		return "initrd ends before it starts";
	if (p->nvirtio > FDT_MAX_VIRTIO)
		return "too many virtio devices";
	for (size_t i = 0; i < p->nvirtio; i++)
		if (!p->virtio[i].present || (i && p->virtio[i - 1].base > p->virtio[i].base))
			return "virtio devices not present or unsorted";
	if (p->uart.reg_shift > 4 || (p->uart.reg_io_width != 1 && p->uart.reg_io_width != 2 &&
				      p->uart.reg_io_width != 4))
		return "uart register layout";
	return NULL;
}

/* walk_all: every node, property and lookup of the generic API; values must lie in the blob. */
static const char *walk_all(const struct fdt *f, const uint8_t *buf, size_t len)
{
	int d = 0, node = -1, steps = 0;
	uint64_t a, s;
	uint32_t ac, sc, c;

	while ((node = fdt_next_node(f, node, &d)) >= 0) {
		struct fdt_prop pr;
		int off = -1;

		if (++steps > 100000)
			return "the node walk does not end";
		if (!fdt_node_name(f, node))
			return "a node without a name";
		while ((off = fdt_next_prop(f, node, off, &pr)) >= 0)
			if ((const uint8_t *)pr.val < buf ||
			    (const uint8_t *)pr.val + pr.len > buf + len)
				return "a property value outside the buffer";
		fdt_reg(f, node, 0, &a, &s);
		fdt_reg_raw(f, node, 1, &a, &s);
		fdt_cells(f, node, &ac, &sc);
		fdt_prop_cell(f, node, "interrupts", 0, &c);
		fdt_next_sibling(f, node);
		if (fdt_parent(f, node) < 0 && node != f->root)
			return "a node without a parent";
	}
	fdt_find_path(f, "/soc/serial@10000000", 20);
	fdt_find_path(f, "serial0/x", 9);
	fdt_find_compatible(f, -1, "ns16550a");
	return NULL;
}

/* probe: open, walk and summarize @len bytes; returns fdt_platform_parse's result. */
static int probe(const uint8_t *buf, size_t len, const char *what, size_t arg)
{
	struct fdt_platform p;
	const char *bad;
	struct fdt f;
	int err;

	err = fdt_open(&f, buf, len);
	EXPECT(err == 0 || err == -EINVAL, "%s %zu: fdt_open gave %d", what, arg, err);
	if (!err && (bad = walk_all(&f, buf, len)))
		EXPECT(0, "%s %zu: %s", what, arg, bad);
	err = fdt_platform_parse(buf, len, DTB_PA, &p);
	EXPECT(err == 0 || err == -EINVAL || err == -ENOENT || err == -ENOSPC,
	       "%s %zu: fdt_platform_parse gave %d", what, arg, err);
	if (!err && (bad = sane_platform(&p, buf, len)))
		EXPECT(0, "%s %zu: %s", what, arg, bad);
	return err;
}

TEST(fdt_truncated)
{
	const struct blob *b = virt256();
	size_t total = get32(b->data + 4);
	static const uint32_t lies[] = { 1, 4, 4096, 0x7fffffff, 0xffffffff };
	uint8_t *buf;

	quiet_begin();
	for (size_t l = 0; l < total; l++) {
		buf = exact_copy(b->data, l);
		EXPECT(probe(buf, l, "truncated to", l) != 0, "truncated to %zu: parsed", l);
		/* And the header agrees with the cut: the blocks no longer fit. */
		if (l >= 8) {
			put32(buf + 4, (uint32_t)l);
			EXPECT(probe(buf, l, "totalsize", l) != 0, "totalsize %zu: parsed", l);
		}
		free(buf);
	}
	buf = exact_copy(b->data, total);
	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		put32(buf + 4, (uint32_t)total + lies[i]);
		EXPECT(probe(buf, total, "totalsize beyond buffer by", lies[i]) != 0,
		       "totalsize %zu + %u: parsed", total, lies[i]);
	}
	put32(buf + 4, (uint32_t)total);
	EXPECT(probe(buf, total, "intact", 0) == 0, "the intact copy does not parse");
	free(buf);
	quiet_end();
}

TEST(fdt_header_fields)
{
	const struct blob *b = virt256();
	uint32_t total = get32(b->data + 4);
	const uint32_t vals[] = { 0,	     1,	   3,	      4,	  8,	      17,
				  39,	     40,   41,	      0x38,	  0x7fffffff, 0x80000000,
				  0xfffffffc, 0xffffffff, total - 1, total, total + 1, total - 8 };
	uint8_t *buf;
	int err;

	quiet_begin();
	for (int field = 0; field < 10; field++) {
		uint32_t orig = get32(b->data + 4 * field);

		for (size_t i = 0; i < ARRAY_SIZE(vals) + 4; i++) {
			size_t k = i - ARRAY_SIZE(vals);	/* then the original -8, -4, +0, +4 */
			uint32_t v = i < ARRAY_SIZE(vals) ? vals[i] : orig + 4 * (uint32_t)k - 8;

			buf = exact_copy(b->data, total);
			put32(buf + 4 * field, v);
			err = probe(buf, total, "header field", (size_t)field);
			EXPECT(err || v == orig || field > 5 || (field == 4 && v == 48) ||
				       (field == 5 && v > 17),
			       "field %d = %#x: parsed", field, v);
			free(buf);
		}
	}
	quiet_end();
}

TEST(fdt_random_corruption)
{
	const struct blob *b = virt256();
	size_t total = get32(b->data + 4);
	unsigned long iters = test_iterations(10000), parsed = 0;
	static const uint32_t tokens[] = { 0, 1, 2, 3, 4, 9, 0xffffffff, 0x7ffffffc, 0x10000 };

	rng = test_seed() | 1;
	printf("# seed %#llx, %lu corruptions\n", test_seed(), iters);
	quiet_begin();
	for (unsigned long it = 0; it < iters; it++) {
		uint8_t *buf = exact_copy(b->data, total);
		int nmut = 1 + (int)(rnd() % 8);

		for (int k = 0; k < nmut; k++) {
			size_t pos = rnd() % total;

			switch (rnd() % 4) {
			case 0:
				buf[pos] = (uint8_t)rnd();
				break;
			case 1:
				buf[pos] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 2:
				if (pos + 4 <= total)
					put32(buf + (pos & ~(size_t)3),
					      tokens[rnd() % ARRAY_SIZE(tokens)]);
				break;
			default:
				if (pos + 4 <= total)
					put32(buf + (pos & ~(size_t)3),
					      (uint32_t)(rnd() % (total + 64)));
				break;
			}
		}
		parsed += probe(buf, total, "corruption", it) == 0;
		free(buf);
	}
	quiet_end();
	printf("# %lu of %lu corrupted blobs still parsed\n", parsed, iters);
}

TEST_MAIN(TEST_CASE(fdt_qemu_virt), TEST_CASE(fdt_qemu_bootargs_initrd),
	  TEST_CASE(fdt_qemu_1g_smp2), TEST_CASE(fdt_dtc_cross_check),
	  TEST_CASE(fdt_generic_api_virt), TEST_CASE(fdt_generic_walk_virt),
	  TEST_CASE(fdt_truncated), TEST_CASE(fdt_header_fields), TEST_CASE(fdt_random_corruption))
