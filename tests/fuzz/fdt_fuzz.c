/*
 * tests/fuzz/fdt_fuzz.c: libFuzzer target for the FDT parser.
 *
 * The input is a blob. fdt_open() either rejects it or every node and
 * property of the generic API must be reachable with values inside the
 * input; fdt_platform_parse() either fails with a documented code or
 * returns a summary that keeps its promises (non-empty, non-wrapping
 * ranges, bootargs NUL-terminated inside the input, virtio sorted).
 * ASan reports any read past the input; libFuzzer's -timeout an endless
 * loop. Any broken promise traps.
 *
 * The parser warns about every bad blob on stdout; that is sent to
 * /dev/null unless PAGODA_VERBOSE is set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/errno.h>
#include <lib/fdt.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fdt_fuzz: %s broken\n", #cond);       \
			__builtin_trap();                                      \
		}                                                              \
	} while (0)

static bool inside(const void *p, size_t len, const uint8_t *data, size_t size)
{
	const uint8_t *b = p;

	return b >= data && len <= size && b - data <= (ptrdiff_t)(size - len);
}

static void walk(const struct fdt *f, const uint8_t *data, size_t size)
{
	int d = 0, node = -1, steps = 0;
	uint64_t a, s;
	uint32_t ac, sc, c;
	const char *str;

	while ((node = fdt_next_node(f, node, &d)) >= 0) {
		struct fdt_prop pr;
		int off = -1;

		EXPECT(++steps < 1000000);
		EXPECT(fdt_node_name(f, node) != NULL);
		while ((off = fdt_next_prop(f, node, off, &pr)) >= 0)
			EXPECT(inside(pr.val, pr.len, data, size));
		EXPECT(off == -ENOENT);
		if (fdt_reg(f, node, 0, &a, &s) == 0)
			EXPECT(s <= UINT64_MAX - a);
		fdt_reg_raw(f, node, 0, &a, &s);
		fdt_cells(f, node, &ac, &sc);
		fdt_prop_cell(f, node, "interrupts", 0, &c);
		if (fdt_prop_string(f, node, "compatible", &str) >= 0)
			EXPECT(inside(str, strlen(str) + 1, data, size));
		EXPECT(node == f->root || fdt_parent(f, node) >= 0);
	}
	EXPECT(node == -ENOENT);
	fdt_find_path(f, "/soc/serial@10000000", 20);
	fdt_find_path(f, "serial0:115200", 7);
	fdt_find_compatible(f, -1, "virtio,mmio");
}

static void check_ranges(const struct fdt_range *r, size_t n, size_t max)
{
	EXPECT(n <= max);
	for (size_t i = 0; i < n; i++)
		EXPECT(r[i].size && r[i].size <= UINT64_MAX - r[i].base);
}

static void check(const struct fdt_platform *p, const uint8_t *data, size_t size)
{
	EXPECT(p->nmem > 0 && p->nreserved > 0);
	check_ranges(p->mem, p->nmem, FDT_MAX_MEM);
	check_ranges(p->reserved, p->nreserved, FDT_MAX_RESERVED);
	if (p->bootargs)
		EXPECT(inside(p->bootargs, p->bootargs_len + 1, data, size) &&
		       strlen(p->bootargs) == p->bootargs_len);
	EXPECT(!p->has_initrd || p->initrd_start <= p->initrd_end);
	EXPECT(p->nvirtio <= FDT_MAX_VIRTIO);
	for (size_t i = 1; i < p->nvirtio; i++)
		EXPECT(p->virtio[i - 1].base <= p->virtio[i].base);
	EXPECT(p->uart.reg_io_width == 1 || p->uart.reg_io_width == 2 ||
	       p->uart.reg_io_width == 4);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!getenv("PAGODA_VERBOSE") && !freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt_platform p;
	struct fdt f;
	int err;

	if (fdt_open(&f, data, size) == 0)
		walk(&f, data, size);
	err = fdt_platform_parse(data, size, 0x82200000, &p);
	EXPECT(err == 0 || err == -EINVAL || err == -ENOENT || err == -ENOSPC);
	if (err == 0)
		check(&p, data, size);
	return 0;
}
