/*
 * lib/fdt_platform.c: the platform summary the kernel boots from (memory,
 * reservations, UART, PLIC, virtio-mmio, harts, timebase, /chosen), built
 * on the generic read-only API of lib/fdt.c, which does all the bounds
 * checking. No state, no locking.
 */
#define LOG_PREFIX "fdt: "
#include <pagoda/errno.h>
#include <lib/fdt.h>
#include <lib/log.h>
#include <lib/string.h>

static const char *const fdt_uart_compat[] = { "ns16550a", "ns16550", NULL };
static const char *const fdt_plic_compat[] = { "riscv,plic0", "sifive,plic-1.0.0", NULL };

static bool fdt_compat_any(const struct fdt *fdt, int node, const char *const *compats)
{
	for (; *compats; compats++)
		if (fdt_is_compatible(fdt, node, *compats))
			return true;
	return false;
}

/* fdt_find_any: the first enabled node compatible with one of @compats. */
static int fdt_find_any(const struct fdt *fdt, const char *const *compats)
{
	int d = 0, node = -1;

	for (;;) {
		node = fdt_next_node(fdt, node, &d);
		if (node < 0)
			return node;
		if (fdt_compat_any(fdt, node, compats) && fdt_node_enabled(fdt, node))
			return node;
	}
}

/* fdt_plat_add: append [base, +size) to @ranges (*@n used of @max). */
static int fdt_plat_add(struct fdt_range *ranges, size_t *n, size_t max, uint64_t base,
			uint64_t size)
{
	if (*n >= max)
		return -ENOSPC;
	ranges[*n].base = base;
	ranges[*n].size = size;
	(*n)++;
	return 0;
}

static bool fdt_plat_is_memory(const struct fdt *fdt, int node)
{
	const char *name = fdt_node_name(fdt, node), *type;

	if (fdt_prop_string(fdt, node, "device_type", &type) >= 0 && !strcmp(type, "memory"))
		return true;
	return name && !strncmp(name, "memory", 6) && (name[6] == '\0' || name[6] == '@');
}

/*
 * fdt_plat_memory: every reg entry of the root's memory nodes. Their parent
 * is the root, so the addresses need no translation.
 */
static int fdt_plat_memory(const struct fdt *fdt, struct fdt_platform *out)
{
	uint64_t base, size;
	int node, err;

	fdt_for_each_child(fdt, fdt->root, node) {
		if (!fdt_plat_is_memory(fdt, node) || !fdt_node_enabled(fdt, node))
			continue;
		for (uint32_t i = 0;; i++) {
			err = fdt_reg_child(fdt, fdt->root, node, i, &base, &size);
			if (err == -ENOENT)
				break;
			if (err) {
				log_warn("%s: malformed reg\n", fdt_node_name(fdt, node));
				return -EINVAL;
			}
			if (size && fdt_plat_add(out->mem, &out->nmem, FDT_MAX_MEM, base, size)) {
				log_warn("more than %d memory ranges; the rest is unused\n",
					 FDT_MAX_MEM);
				return 0;
			}
		}
	}
	if (out->nmem == 0) {
		log_warn("no memory node with a non-empty reg\n");
		return -ENOENT;
	}
	return 0;
}

static int fdt_plat_reserve(struct fdt_platform *out, uint64_t base, uint64_t size)
{
	if (size == 0)
		return 0;
	if (size > UINT64_MAX - base) {
		log_warn("reserved range %#llx+%#llx wraps\n", (unsigned long long)base,
			 (unsigned long long)size);
		return -EINVAL;
	}
	if (fdt_plat_add(out->reserved, &out->nreserved, FDT_MAX_RESERVED, base, size)) {
		log_warn("more than %d reserved ranges\n", FDT_MAX_RESERVED);
		return -ENOSPC;
	}
	return 0;
}

/* fdt_plat_resmem: the reg entries of /reserved-memory's enabled children. */
static int fdt_plat_resmem(const struct fdt *fdt, struct fdt_platform *out)
{
	uint64_t base, size;
	int resmem = fdt_find_path(fdt, "/reserved-memory", 16), node, err;

	if (resmem < 0)
		return 0;
	fdt_for_each_child(fdt, resmem, node) {
		if (!fdt_node_enabled(fdt, node))
			continue;
		/* A child without reg asks for a dynamic allocation: nothing to keep. */
		for (uint32_t i = 0;; i++) {
			err = fdt_reg_child(fdt, resmem, node, i, &base, &size);
			if (err == -ENOENT)
				break;
			if (err) {
				log_warn("/reserved-memory/%s: malformed reg\n",
					 fdt_node_name(fdt, node));
				return -EINVAL;
			}
			err = fdt_plat_reserve(out, base, size);
			if (err)
				return err;
		}
	}
	return 0;
}

static int fdt_plat_reserved(const struct fdt *fdt, paddr_t blob_pa, struct fdt_platform *out)
{
	uint64_t base, size;
	int err = 0;

	for (uint32_t i = 0; i < fdt->nrsv && !err; i++) {
		fdt_rsv_entry(fdt, i, &base, &size);
		err = fdt_plat_reserve(out, base, size);
	}
	if (!err)
		err = fdt_plat_resmem(fdt, out);
	if (err)
		return err;
	out->dtb.base = blob_pa;
	out->dtb.size = fdt->totalsize;
	return fdt_plat_reserve(out, blob_pa, fdt->totalsize);
}

/* fdt_plat_mmio: the node's first reg entry and first interrupt cell. */
static void fdt_plat_mmio(const struct fdt *fdt, int node, struct fdt_mmio *m)
{
	uint64_t base, size;

	if (fdt_reg(fdt, node, 0, &base, &size)) {
		log_warn("%s: no usable reg; device ignored\n", fdt_node_name(fdt, node));
		return;
	}
	m->present = true;
	m->base = base;
	m->size = size;
	m->has_irq = fdt_prop_cell(fdt, node, "interrupts", 0, &m->irq) == 0;
}

/* fdt_plat_stdout: the node /chosen/stdout-path names (options after ':' cut). */
static int fdt_plat_stdout(const struct fdt *fdt)
{
	const char *path;
	int chosen = fdt_find_path(fdt, "/chosen", 7), len, n = 0;

	if (chosen < 0)
		return chosen;
	len = fdt_prop_string(fdt, chosen, "stdout-path", &path);
	if (len < 0)
		len = fdt_prop_string(fdt, chosen, "linux,stdout-path", &path);
	if (len < 0)
		return len;
	while (n < len && path[n] != ':')
		n++;
	return fdt_find_path(fdt, path, (size_t)n);
}

static void fdt_plat_uart(const struct fdt *fdt, struct fdt_platform *out)
{
	int node = fdt_plat_stdout(fdt);
	uint32_t shift = 0, width = 1;

	out->uart.reg_io_width = width;
	out->uart.is_stdout = node >= 0 && fdt_compat_any(fdt, node, fdt_uart_compat) &&
			      fdt_node_enabled(fdt, node);
	if (!out->uart.is_stdout)
		node = fdt_find_any(fdt, fdt_uart_compat);
	if (node < 0)
		return;
	fdt_plat_mmio(fdt, node, &out->uart.mmio);
	out->uart.is_stdout &= out->uart.mmio.present;
	fdt_prop_u64(fdt, node, "clock-frequency", &out->uart.clock_hz);
	fdt_prop_u32(fdt, node, "reg-shift", &shift);
	fdt_prop_u32(fdt, node, "reg-io-width", &width);
	if (shift > 4 || (width != 1 && width != 2 && width != 4)) {
		log_warn("uart: reg-shift %u / reg-io-width %u invalid; using 0 / 1\n", shift,
			 width);
		shift = 0;
		width = 1;
	}
	out->uart.reg_shift = shift;
	out->uart.reg_io_width = width;
}

static void fdt_plat_plic(const struct fdt *fdt, struct fdt_platform *out)
{
	int node = fdt_find_any(fdt, fdt_plic_compat);

	if (node < 0)
		return;
	fdt_plat_mmio(fdt, node, &out->plic.mmio);
	fdt_prop_u32(fdt, node, "riscv,ndev", &out->plic.ndev);
}

/* fdt_plat_virtio: every enabled virtio,mmio node, kept sorted by base. */
static void fdt_plat_virtio(const struct fdt *fdt, struct fdt_platform *out)
{
	struct fdt_mmio m;
	int node = -1;
	size_t i;

	while ((node = fdt_find_compatible(fdt, node, "virtio,mmio")) >= 0) {
		if (!fdt_node_enabled(fdt, node))
			continue;
		m = (struct fdt_mmio){ 0 };
		fdt_plat_mmio(fdt, node, &m);
		if (!m.present)
			continue;
		if (out->nvirtio == FDT_MAX_VIRTIO) {
			log_warn("more than %d virtio-mmio devices; the rest is ignored\n",
				 FDT_MAX_VIRTIO);
			return;
		}
		for (i = out->nvirtio++; i > 0 && out->virtio[i - 1].base > m.base; i--)
			out->virtio[i] = out->virtio[i - 1];
		out->virtio[i] = m;
	}
}

/* fdt_plat_cpus: count enabled cpu nodes; timebase from /cpus or else a cpu. */
static void fdt_plat_cpus(const struct fdt *fdt, struct fdt_platform *out)
{
	const char *type;
	int cpus = fdt_find_path(fdt, "/cpus", 5), node;

	if (cpus < 0)
		return;
	fdt_prop_u64(fdt, cpus, "timebase-frequency", &out->timebase_hz);
	fdt_for_each_child(fdt, cpus, node) {
		if (fdt_prop_string(fdt, node, "device_type", &type) < 0 ||
		    strcmp(type, "cpu") || !fdt_node_enabled(fdt, node))
			continue;
		out->nharts++;
		if (out->timebase_hz == 0)
			fdt_prop_u64(fdt, node, "timebase-frequency", &out->timebase_hz);
	}
}

/* fdt_plat_chosen: bootargs (ignored if malformed) and the initrd (an error if malformed). */
static int fdt_plat_chosen(const struct fdt *fdt, struct fdt_platform *out)
{
	uint64_t start = 0, end = 0;
	int chosen = fdt_find_path(fdt, "/chosen", 7), len, e1, e2;

	if (chosen < 0)
		return 0;
	len = fdt_prop_string(fdt, chosen, "bootargs", &out->bootargs);
	if (len >= 0) {
		out->bootargs_len = (size_t)len;
	} else {
		out->bootargs = NULL;
		if (len != -ENOENT)
			log_warn("/chosen/bootargs is not NUL-terminated; ignored\n");
	}
	e1 = fdt_prop_u64(fdt, chosen, "linux,initrd-start", &start);
	e2 = fdt_prop_u64(fdt, chosen, "linux,initrd-end", &end);
	if (e1 == -ENOENT && e2 == -ENOENT)
		return 0;
	if (e1 || e2 || end < start) {
		log_warn("malformed initrd range [%#llx, %#llx)\n", (unsigned long long)start,
			 (unsigned long long)end);
		return -EINVAL;
	}
	out->has_initrd = true;
	out->initrd_start = start;
	out->initrd_end = end;
	return 0;
}

int fdt_platform_parse(const void *blob, size_t bufsize, paddr_t blob_pa, struct fdt_platform *out)
{
	struct fdt fdt;
	int err;

	*out = (struct fdt_platform){ 0 };
	err = fdt_open(&fdt, blob, bufsize);
	if (!err)
		err = fdt_plat_memory(&fdt, out);
	if (!err)
		err = fdt_plat_reserved(&fdt, blob_pa, out);
	if (!err)
		err = fdt_plat_chosen(&fdt, out);
	if (err)
		return err;
	out->boot_hartid = fdt.boot_cpuid;
	fdt_plat_uart(&fdt, out);
	fdt_plat_plic(&fdt, out);
	fdt_plat_virtio(&fdt, out);
	fdt_plat_cpus(&fdt, out);
	return 0;
}
