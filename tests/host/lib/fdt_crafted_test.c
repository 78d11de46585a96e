/*
 * tests/host/lib/fdt_crafted_test.c: the FDT parser on blobs built here.
 * A synthetic platform exercises what QEMU's virt tree lacks: aliases and
 * stdout-path options, bus "ranges" translation, /reserved-memory and the
 * reservation map, several memory nodes and entries, disabled nodes,
 * 64-bit initrd cells, a 16550 with reg-shift, more virtio devices than
 * fit; its variants break one rule each. Then malformed structures and
 * endless-loop bait (deep nesting, no FDT_END, lengths that wrap), under a
 * watchdog alarm.
 */
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

#define DTB_PA 0x82200000ull

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------ builder -- */

struct fdtb {
	uint8_t st[65536];
	size_t n;
	char strs[8192];
	size_t ns;
	uint64_t rsv[4][2];
	size_t nrsv;
};

static void b_raw(struct fdtb *b, const void *p, size_t len)
{
	if (b->n + len + 8 > sizeof(b->st))
		abort();
	if (len)
		memcpy(b->st + b->n, p, len);
	b->n += len;
	while (b->n % 4)
		b->st[b->n++] = 0;
}

static void b_u32(struct fdtb *b, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	b_raw(b, x, 4);
}

static void b_begin(struct fdtb *b, const char *name)
{
	b_u32(b, 1);
	b_raw(b, name, strlen(name) + 1);
}

static void b_end(struct fdtb *b)
{
	b_u32(b, 2);
}

static void b_prop(struct fdtb *b, const char *name, const void *val, uint32_t len)
{
	b_u32(b, 3);
	b_u32(b, len);
	b_u32(b, (uint32_t)b->ns);
	memcpy(b->strs + b->ns, name, strlen(name) + 1);
	b->ns += strlen(name) + 1;
	b_raw(b, val, len);
}

static void b_str(struct fdtb *b, const char *name, const char *s)
{
	b_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

static void b_cells(struct fdtb *b, const char *name, int n, ...)
{
	uint8_t v[4 * 16];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	b_prop(b, name, v, 4 * (uint32_t)n);
}

/* b_blob: header, reservation map, structure (+ FDT_END if @end), strings, exactly sized. */
static uint8_t *b_blob(struct fdtb *b, bool end, size_t *len)
{
	size_t st = 40 + 16 * (b->nrsv + 1), strs, total;
	uint8_t *p;

	if (end)
		b_u32(b, 9);
	strs = st + b->n;
	total = strs + b->ns;
	p = calloc(1, total);
	if (!p)
		abort();
	put32(p, FDT_MAGIC);
	put32(p + 4, (uint32_t)total);
	put32(p + 8, (uint32_t)st);
	put32(p + 12, (uint32_t)strs);
	put32(p + 16, 40);
	put32(p + 20, 17);
	put32(p + 24, 16);
	put32(p + 32, (uint32_t)b->ns);
	put32(p + 36, (uint32_t)b->n);
	for (size_t i = 0; i < b->nrsv; i++)
		for (int k = 0; k < 2; k++) {
			put32(p + 40 + 16 * i + 8 * k, (uint32_t)(b->rsv[i][k] >> 32));
			put32(p + 44 + 16 * i + 8 * k, (uint32_t)b->rsv[i][k]);
		}
	memcpy(p + st, b->st, b->n);
	memcpy(p + strs, b->strs, b->ns);
	*len = total;
	return p;
}

/* ---------------------------------------------- synthetic platform -- */

/* Each variant breaks one rule of the platform summary. */
enum variant {
	V_OK,
	V_STDOUT_NOT_UART,	/* stdout-path names the PLIC: first 16550 instead */
	V_BAD_UART_WIDTH,	/* reg-io-width 3: defaults */
	V_BOOTARGS_NO_NUL,	/* bootargs ignored */
	V_INITRD_HALF,		/* -EINVAL */
	V_INITRD_BACKWARDS,	/* -EINVAL */
	V_NO_MEMORY,		/* -ENOENT */
	V_MANY_RESERVED,	/* -ENOSPC */
	V_MEM_WRAP,		/* -EINVAL */
};

static void platform_soc(struct fdtb *b, enum variant v)
{
	static const char uart2[] = "snps,dw-apb-uart\0ns16550";
	static const char plic[] = "sifive,plic-1.0.0\0riscv,plic0";
	char name[64];

	b_begin(b, "soc");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 1);
	b_str(b, "compatible", "simple-bus");
	/* child 0 -> CPU 0x10000000, 1 MiB */
	b_cells(b, "ranges", 4, 0, 0, 0x10000000, 0x100000);
	b_begin(b, "virtio_mmio@200000");	/* outside the ranges: ignored */
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "reg", 2, 0x200000, 0x1000);
	b_end(b);
	b_begin(b, "uart@10000");
	b_str(b, "compatible", "ns16550a");
	b_cells(b, "reg", 2, 0x10000, 0x100);
	b_cells(b, "interrupts", 1, 3);
	b_end(b);
	b_begin(b, "uart@20000");
	b_prop(b, "compatible", uart2, sizeof(uart2));
	b_cells(b, "reg", 2, 0x20000, 0x100);
	b_cells(b, "interrupts", 2, 4, 0);
	b_cells(b, "reg-shift", 1, 2);
	b_cells(b, "reg-io-width", 1, v == V_BAD_UART_WIDTH ? 3 : 4);
	b_cells(b, "clock-frequency", 2, 0, 50000000);
	b_end(b);
	b_begin(b, "interrupt-controller@80000");
	b_prop(b, "compatible", plic, sizeof(plic));
	b_cells(b, "reg", 2, 0x80000, 0x4000);
	b_cells(b, "riscv,ndev", 1, 53);
	b_end(b);
	for (uint32_t i = 0; i < 20; i++) {
		uint32_t k = 19 - i;	/* descending, as QEMU lists them */

		snprintf(name, sizeof(name), "virtio_mmio@%x", 0x90000 + k * 0x1000);
		b_begin(b, name);
		b_str(b, "compatible", "virtio,mmio");
		b_cells(b, "reg", 2, 0x90000 + k * 0x1000, 0x1000);
		b_cells(b, "interrupts", 1, k + 1);
		b_end(b);
	}
	b_end(b);
}

static void platform_cpus(struct fdtb *b)
{
	static const char *const status[] = { NULL, "disabled", "okay" };
	char name[16];

	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 0);
	for (uint32_t i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		b_begin(b, name);
		b_str(b, "device_type", "cpu");
		b_cells(b, "reg", 1, i);
		if (status[i])
			b_str(b, "status", status[i]);
		if (i == 0)
			b_cells(b, "timebase-frequency", 1, 24000000);
		b_end(b);
	}
	b_begin(b, "cpu-map");
	b_end(b);
	b_end(b);
}

static void platform_memory(struct fdtb *b, enum variant v)
{
	if (v != V_NO_MEMORY) {
		b_begin(b, "memory@80000000");
		b_str(b, "device_type", "memory");
		b_cells(b, "reg", 8, 0, 0x80000000, 0, 0x1000000, 0, 0x90000000, 0, 0x2000000);
		b_end(b);
		b_begin(b, "memory@a0000000");	/* a memory node by its name alone */
		b_cells(b, "reg", 8, 0, 0xa0000000, 0, 0, 0, 0xa0000000, 0, 0x100000);
		b_end(b);
	}
	b_begin(b, "memory@b0000000");
	b_str(b, "device_type", "memory");
	b_str(b, "status", "disabled");
	b_cells(b, "reg", 4, 0, 0xb0000000, 0, 0x1000);
	b_end(b);
	if (v == V_MEM_WRAP) {
		b_begin(b, "memory@ffffffffffff0000");
		b_cells(b, "reg", 4, 0xffffffff, 0xffff0000, 0, 0x20000);
		b_end(b);
	}
	b_begin(b, "reserved-memory");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 1);
	b_prop(b, "ranges", NULL, 0);
	b_begin(b, "mmode_resv0@80000000");
	b_cells(b, "reg", 2, 0x80000000, 0x40000);
	b_prop(b, "no-map", NULL, 0);
	b_end(b);
	b_begin(b, "dynamic");
	b_cells(b, "size", 1, 0x1000);
	b_end(b);
	b_begin(b, "off@81000000");
	b_str(b, "status", "disabled");
	b_cells(b, "reg", 2, 0x81000000, 0x1000);
	b_end(b);
	for (uint32_t i = 0; v == V_MANY_RESERVED && i < FDT_MAX_RESERVED; i++) {
		b_begin(b, "r");
		b_cells(b, "reg", 2, 0x82000000 + i * 0x1000, 0x1000);
		b_end(b);
	}
	b_end(b);
}

static uint8_t *platform_blob(enum variant v, size_t *len)
{
	static struct fdtb b;

	memset(&b, 0, sizeof(b));
	b.rsv[0][0] = 0x87000000;
	b.rsv[0][1] = 0x10000;
	b.rsv[1][0] = 0x88000000;	/* empty: skipped */
	b.nrsv = 2;
	b_u32(&b, 4);			/* NOPs are allowed anywhere */
	b_begin(&b, "");
	b_cells(&b, "#address-cells", 1, 2);
	b_cells(&b, "#size-cells", 1, 2);
	b_u32(&b, 4);
	b_begin(&b, "aliases");
	b_str(&b, "serial0", "/soc/uart@20000");
	b_str(&b, "plic", "/soc/interrupt-controller@80000");
	b_str(&b, "relative", "serial0");
	b_end(&b);
	b_begin(&b, "chosen");
	b_str(&b, "stdout-path", v == V_STDOUT_NOT_UART ? "plic" : "serial0:115200n8");
	if (v == V_BOOTARGS_NO_NUL)
		b_prop(&b, "bootargs", "console", 7);
	else
		b_str(&b, "bootargs", "console=hvc0 ktest");
	b_cells(&b, "linux,initrd-start", 2, 0, 0x84000000);
	if (v != V_INITRD_HALF)
		b_cells(&b, "linux,initrd-end", 2, 0,
			v == V_INITRD_BACKWARDS ? 0x83000000 : 0x84100000);
	b_end(&b);
	platform_memory(&b, v);
	platform_cpus(&b);
	platform_soc(&b, v);
	b_end(&b);
	b_u32(&b, 4);
	return b_blob(&b, true, len);
}

static bool has_range(const struct fdt_range *r, size_t n, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].base == base && r[i].size == size)
			return true;
	return false;
}

TEST(fdt_synthetic_platform)
{
	struct fdt_platform p;
	size_t len;
	uint8_t *blob = platform_blob(V_OK, &len);

	REQUIRE(fdt_platform_parse(blob, len, DTB_PA, &p) == 0);
	CHECK_EQ(p.nmem, 3);
	CHECK(has_range(p.mem, p.nmem, 0x80000000, 0x1000000));
	CHECK(has_range(p.mem, p.nmem, 0x90000000, 0x2000000));
	CHECK(has_range(p.mem, p.nmem, 0xa0000000, 0x100000));
	CHECK_EQ(p.nreserved, 3);
	CHECK(has_range(p.reserved, p.nreserved, 0x87000000, 0x10000));
	CHECK(has_range(p.reserved, p.nreserved, 0x80000000, 0x40000));
	CHECK(has_range(p.reserved, p.nreserved, DTB_PA, len));
	CHECK(p.uart.mmio.present && p.uart.is_stdout);
	CHECK_EQ(p.uart.mmio.base, 0x10020000);	/* translated through soc's ranges */
	CHECK_EQ(p.uart.mmio.irq, 4);
	CHECK_EQ(p.uart.clock_hz, 50000000);
	CHECK(p.uart.reg_shift == 2 && p.uart.reg_io_width == 4);
	CHECK(p.plic.mmio.present && !p.plic.mmio.has_irq);
	CHECK(p.plic.mmio.base == 0x10080000 && p.plic.mmio.size == 0x4000 && p.plic.ndev == 53);
	CHECK_EQ(p.nvirtio, FDT_MAX_VIRTIO);
	for (size_t i = 0; i < p.nvirtio; i++) {
		/* The first 16 in document order (k = 19..4), sorted by base. */
		CHECK_EQ(p.virtio[i].base, 0x10094000 + i * 0x1000);
		CHECK_EQ(p.virtio[i].irq, 5 + i);
	}
	CHECK_EQ(p.timebase_hz, 24000000);
	CHECK_EQ(p.nharts, 2);
	REQUIRE(p.bootargs);
	CHECK(!strcmp(p.bootargs, "console=hvc0 ktest") && p.bootargs_len == 18);
	CHECK(p.has_initrd && p.initrd_start == 0x84000000 && p.initrd_end == 0x84100000);
	free(blob);
}

TEST(fdt_synthetic_variants)
{
	struct fdt_platform p;
	size_t len;
	uint8_t *blob;

	blob = platform_blob(V_STDOUT_NOT_UART, &len);
	REQUIRE(fdt_platform_parse(blob, len, DTB_PA, &p) == 0);
	CHECK(!p.uart.is_stdout && p.uart.mmio.base == 0x10010000 && p.uart.mmio.irq == 3);
	CHECK(p.uart.clock_hz == 0 && p.uart.reg_shift == 0 && p.uart.reg_io_width == 1);
	free(blob);
	blob = platform_blob(V_BAD_UART_WIDTH, &len);
	REQUIRE(fdt_platform_parse(blob, len, DTB_PA, &p) == 0);
	CHECK(p.uart.is_stdout && p.uart.reg_shift == 0 && p.uart.reg_io_width == 1);
	free(blob);
	blob = platform_blob(V_BOOTARGS_NO_NUL, &len);
	REQUIRE(fdt_platform_parse(blob, len, DTB_PA, &p) == 0);
	CHECK(p.bootargs == NULL && p.bootargs_len == 0 && p.has_initrd);
	free(blob);
	blob = platform_blob(V_INITRD_HALF, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
	blob = platform_blob(V_INITRD_BACKWARDS, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
	blob = platform_blob(V_NO_MEMORY, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -ENOENT);
	free(blob);
	blob = platform_blob(V_MANY_RESERVED, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -ENOSPC);
	free(blob);
	blob = platform_blob(V_MEM_WRAP, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
	/* The DTB itself must not wrap either. */
	blob = platform_blob(V_OK, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, UINT64_MAX - 16, &p), -EINVAL);
	free(blob);
}

TEST(fdt_synthetic_generic)
{
	size_t len;
	uint8_t *blob = platform_blob(V_OK, &len);
	int soc, uart, node, n = 0;
	uint64_t addr, size;
	const char *s;
	uint32_t v;
	struct fdt f;

	REQUIRE(fdt_open(&f, blob, len) == 0);
	CHECK_EQ(f.nrsv, 2);
	CHECK(fdt_rsv_entry(&f, 1, &addr, &size) == 0 && addr == 0x88000000 && size == 0);
	soc = fdt_find_path(&f, "/soc", 4);
	uart = fdt_find_path(&f, "serial0", 7);
	CHECK(uart >= 0 && !strcmp(fdt_node_name(&f, uart), "uart@20000"));
	CHECK_EQ(fdt_find_path(&f, "/soc/uart", 9), fdt_find_path(&f, "/soc/uart@10000", 15));
	CHECK_EQ(fdt_find_path(&f, "serial0/x", 9), -ENOENT);
	CHECK_EQ(fdt_find_path(&f, "relative", 8), -EINVAL);	/* alias to an alias */
	CHECK_EQ(fdt_find_path(&f, "nosuch", 6), -ENOENT);
	CHECK_EQ(fdt_parent(&f, uart), soc);
	CHECK(fdt_reg_raw(&f, uart, 0, &addr, &size) == 0 && addr == 0x20000 && size == 0x100);
	CHECK(fdt_reg(&f, uart, 0, &addr, &size) == 0 && addr == 0x10020000);
	node = fdt_find_path(&f, "/soc/virtio_mmio@200000", 23);
	CHECK(fdt_reg_raw(&f, node, 0, &addr, &size) == 0 && addr == 0x200000);
	CHECK_EQ(fdt_reg(&f, node, 0, &addr, &size), -ENOENT);	/* outside ranges */
	CHECK(fdt_is_compatible(&f, uart, "ns16550"));
	CHECK(fdt_is_compatible(&f, uart, "snps,dw-apb-uart"));
	CHECK(!fdt_is_compatible(&f, uart, "ns1655") && !fdt_is_compatible(&f, uart, "ns16550a"));
	CHECK_EQ(fdt_find_compatible(&f, -1, "ns16550"), uart);
	CHECK(fdt_prop_cell(&f, uart, "interrupts", 1, &v) == 0 && v == 0);
	CHECK_EQ(fdt_prop_u32(&f, uart, "clock-frequency", &v), -EINVAL);	/* 8 bytes */
	CHECK_EQ(fdt_prop_string(&f, uart, "reg-io-width", &s), -EINVAL);	/* no NUL */
	CHECK(!fdt_node_enabled(&f, fdt_find_path(&f, "/cpus/cpu@1", 11)));
	CHECK(fdt_node_enabled(&f, fdt_find_path(&f, "/cpus/cpu@2", 11)));
	fdt_for_each_child(&f, f.root, node)
		n++;
	CHECK_EQ(n, 8);
	free(blob);
}

TEST(fdt_translation)
{
	static struct fdtb b;
	uint64_t addr, size;
	uint8_t *blob;
	size_t len;
	struct fdt f;
	int dev;

	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	b_begin(&b, "bus1");
	b_cells(&b, "#address-cells", 1, 1);
	b_cells(&b, "#size-cells", 1, 1);
	b_cells(&b, "ranges", 8, 0, 0, 0x20000000, 0x1000, 0x1000, 0, 0x40000000, 0x10000000);
	b_begin(&b, "bus2");
	b_cells(&b, "#address-cells", 1, 1);
	b_cells(&b, "#size-cells", 1, 1);
	b_cells(&b, "ranges", 3, 0, 0x100000, 0x100000);
	b_begin(&b, "dev");
	b_cells(&b, "reg", 6, 0x2000, 0x100, 0xfffff000, 0x2000, 0xff000, 0x2000);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	blob = b_blob(&b, true, &len);
	REQUIRE(fdt_open(&f, blob, len) == 0);
	dev = fdt_find_path(&f, "/bus1/bus2/dev", 14);
	/* 0x2000 -> bus1 0x102000 -> second range of bus1: 0x40000000 + 0x101000 */
	CHECK(fdt_reg(&f, dev, 0, &addr, &size) == 0 && addr == 0x40101000 && size == 0x100,
	      "translated to %#llx", (unsigned long long)addr);
	/* The second entry is outside bus2's range, the third runs past its end. */
	CHECK_EQ(fdt_reg(&f, dev, 1, &addr, &size), -ENOENT);
	CHECK_EQ(fdt_reg(&f, dev, 2, &addr, &size), -ENOENT);
	CHECK(fdt_reg_raw(&f, dev, 2, &addr, &size) == 0 && addr == 0xff000);
	free(blob);
}

/* ------------------------------------------- malformed structures -- */

static void watchdog(int sig)
{
	static const char msg[] = "# watchdog: the parser did not terminate\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static struct fdtb *fresh(void)
{
	static struct fdtb b;

	memset(&b, 0, sizeof(b));
	return &b;
}

/* crafted: fdt_open's result on @b's blob; fdt_platform_parse must fail alike. */
static int crafted(struct fdtb *b, bool end)
{
	struct fdt_platform p;
	struct fdt f;
	size_t len;
	uint8_t *blob = b_blob(b, end, &len);
	int err = fdt_open(&f, blob, len);

	if (err)
		CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), err);
	free(blob);
	return err;
}

static void nest(struct fdtb *b, int levels, bool close)
{
	for (int i = 0; i < levels; i++)
		b_begin(b, i ? "n" : "");
	for (int i = 0; close && i < levels; i++)
		b_end(b);
}

/* raw_prop: a PROP token with any length and name offset, and no value. */
static void raw_prop(struct fdtb *b, uint32_t len, uint32_t nameoff)
{
	b_u32(b, 3);
	b_u32(b, len);
	b_u32(b, nameoff);
}

TEST(fdt_malformed_structure)
{
	struct fdtb *b;

	signal(SIGALRM, watchdog);
	alarm(50);
	nest(b = fresh(), FDT_MAX_DEPTH, true);
	CHECK_EQ(crafted(b, true), 0);
	nest(b = fresh(), FDT_MAX_DEPTH + 1, true);
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 6000, false);			/* never closed */
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, true);			/* no FDT_END */
	CHECK_EQ(crafted(b, false), -EINVAL);
	nest(b = fresh(), 1, false);			/* FDT_END inside the root */
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, true);
	b_end(b);					/* one END_NODE too many */
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, true);
	nest(b, 1, true);				/* a second root */
	CHECK_EQ(crafted(b, true), -EINVAL);
	b_str(b = fresh(), "x", "before the root");
	nest(b, 1, true);
	CHECK_EQ(crafted(b, true), -EINVAL);
	b_u32(b = fresh(), 4);				/* only a NOP */
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, false);
	b_u32(b, 5);					/* unknown token */
	b_end(b);
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, false);
	b_str(b, "ok", "");
	raw_prop(b, 0xffffffff, 0);			/* value past the end */
	b_end(b);
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, false);
	b_str(b, "ok", "");
	raw_prop(b, 0, 3);				/* name offset at the strings' end */
	b_end(b);
	CHECK_EQ(crafted(b, true), -EINVAL);
	nest(b = fresh(), 1, false);
	b_u32(b, 1);
	b_raw(b, "abcdefgh", 8);			/* a name running off the end */
	CHECK_EQ(crafted(b, false), -EINVAL);
	alarm(0);
}

/* header: a valid small blob with header word @field set to @v, through fdt_open. */
static int header(int field, uint32_t v, size_t cut)
{
	struct fdtb *b = fresh();
	struct fdt f;
	size_t len;
	uint8_t *blob;
	int err;

	b_begin(b, "");
	b_str(b, "x", "y");
	nest(b, 2, true);
	b_end(b);
	blob = b_blob(b, true, &len);
	if (field >= 0)
		put32(blob + 4 * field, v);
	err = fdt_open(&f, blob, len - cut);
	free(blob);
	return err;
}

TEST(fdt_malformed_header)
{
	struct fdtb *b;
	struct fdt f;
	size_t len;
	uint8_t *blob;

	CHECK_EQ(header(-1, 0, 0), 0);
	CHECK_EQ(header(-1, 0, 1), -EINVAL);		/* buffer one byte short */
	CHECK_EQ(header(0, 0xedfe0dd0, 0), -EINVAL);	/* byte-swapped magic */
	CHECK_EQ(header(2, 58, 0), -EINVAL);		/* structure misaligned */
	CHECK_EQ(header(2, 0, 0), -EINVAL);		/* structure over the header */
	CHECK_EQ(header(9, 6, 0), -EINVAL);		/* structure size not 4n */
	CHECK_EQ(header(9, 0, 0), -EINVAL);
	CHECK_EQ(header(3, 4096, 0), -EINVAL);		/* strings beyond the blob */
	CHECK_EQ(header(4, 44, 0), -EINVAL);		/* reservation map misaligned */
	CHECK_EQ(header(5, 16, 0), -EINVAL);		/* version 16 */
	CHECK_EQ(header(6, 18, 0), -EINVAL);		/* last compatible 18 */
	CHECK_EQ(header(1, 39, 0), -EINVAL);
	CHECK_EQ(fdt_open(&f, NULL, 100), -EINVAL);
	/* The strings block's last name lacks its NUL. */
	b = fresh();
	nest(b, 1, false);
	b_str(b, "name", "v");
	b_end(b);
	blob = b_blob(b, true, &len);
	blob[len - 1] = 'x';
	CHECK_EQ(fdt_open(&f, blob, len), -EINVAL);
	free(blob);
	/* A reservation map whose (0, 0) terminator would straddle the blob's end. */
	b = fresh();
	nest(b, 1, true);
	b->ns = 24 + (8 - (40 + 16 + b->n + 4) % 8) % 8;	/* zeros; total is 8n */
	blob = b_blob(b, true, &len);
	REQUIRE(len % 8 == 0 && len > 64);
	put32(blob + 16, (uint32_t)len - 8);
	CHECK_EQ(fdt_open(&f, blob, len), -EINVAL);
	put32(blob + 16, (uint32_t)len - 16);
	CHECK_EQ(fdt_open(&f, blob, len), 0);
	CHECK_EQ(f.nrsv, 0);
	free(blob);
}

TEST(fdt_malformed_values)
{
	struct fdt_platform p;
	struct fdtb *b;
	size_t len;
	uint8_t *blob;

	/* A memory reg of 16 bytes under the default 2+1 cells. */
	b = fresh();
	b_begin(b, "");
	b_begin(b, "memory@0");
	b_cells(b, "reg", 4, 0, 0x80000000, 0, 0x1000);
	b_end(b);
	b_end(b);
	blob = b_blob(b, true, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
	/* Three address cells are not supported for memory. */
	b = fresh();
	b_begin(b, "");
	b_cells(b, "#address-cells", 1, 3);
	b_begin(b, "memory@0");
	b_cells(b, "reg", 4, 0, 0, 0x80000000, 0x1000);
	b_end(b);
	b_end(b);
	blob = b_blob(b, true, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
	/* A reservation-map entry that wraps. */
	b = fresh();
	b->rsv[0][0] = 0xfffffffffffff000ull;
	b->rsv[0][1] = 0x2000;
	b->nrsv = 1;
	b_begin(b, "");
	b_begin(b, "memory@0");
	b_cells(b, "reg", 4, 0, 0x80000000, 0, 0x1000);
	b_end(b);
	b_end(b);
	blob = b_blob(b, true, &len);
	CHECK_EQ(fdt_platform_parse(blob, len, DTB_PA, &p), -EINVAL);
	free(blob);
}

TEST_MAIN(TEST_CASE(fdt_synthetic_platform), TEST_CASE(fdt_synthetic_variants),
	  TEST_CASE(fdt_synthetic_generic), TEST_CASE(fdt_translation),
	  TEST_CASE(fdt_malformed_structure), TEST_CASE(fdt_malformed_header),
	  TEST_CASE(fdt_malformed_values))
