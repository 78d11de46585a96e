/*
 * lib/fdt.h: a read-only parser of flattened device trees (DTB, version 17,
 * big-endian), and the platform summary the kernel boots from.
 *
 * Trust: none. fdt_open() checks the header against the caller's buffer
 * size and then walks the whole structure block once, checking every token,
 * node name, property length and string offset, the nesting depth and the
 * final FDT_END. Every later walk reads through the same bounds-checked
 * token reader, so a malformed blob gives -EINVAL (with a log_warn saying
 * what is wrong), never a read outside [blob, blob + bufsize) nor an endless
 * loop: each step advances by at least one 4-byte token.
 *
 * Values are read byte by byte, so the blob needs no particular alignment.
 * Nodes are named by their offset in the structure block (an int >= 0);
 * functions that find a node return that offset or a negative error
 * (-ENOENT: not there). Properties must come before a node's children, as
 * the specification requires; a property after a child is not found.
 *
 * No locking: a struct fdt is read-only after fdt_open() and the blob must
 * not change while it is in use.
 */
#ifndef PAGODA_LIB_FDT_H
#define PAGODA_LIB_FDT_H

#include <pagoda/types.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_VERSION 17
#define FDT_HEADER_SIZE 40
#define FDT_MAX_DEPTH 32	/* deeper nesting is rejected by fdt_open() */

/* An opened blob: the header fields, checked against the buffer. */
struct fdt {
	const uint8_t *blob;
	uint32_t totalsize;	/* <= the caller's buffer size */
	uint32_t off_struct;	/* structure block: [off_struct, +size_struct) */
	uint32_t size_struct;
	uint32_t off_strings;	/* strings block: [off_strings, +size_strings) */
	uint32_t size_strings;
	uint32_t off_rsvmap;	/* memory reservation map, 8-byte aligned */
	uint32_t nrsv;		/* entries before its (0, 0) terminator */
	uint32_t boot_cpuid;	/* boot_cpuid_phys from the header */
	int root;		/* offset of the root node */
};

/* fdt_open: check @blob (@bufsize readable bytes) and fill @fdt. 0 or -EINVAL. */
int fdt_open(struct fdt *fdt, const void *blob, size_t bufsize);

/* fdt_rsv_entry: entry @idx (< fdt->nrsv) of the memory reservation map. */
int fdt_rsv_entry(const struct fdt *fdt, uint32_t idx, uint64_t *addr, uint64_t *size);

/*
 * Walking. fdt_next_node() returns the node after @node in document order
 * (depth first) and adds to *@depth the change of depth: +1 into a first
 * child, 0 to a sibling, negative going back up. @node = -1 gives the root
 * (*@depth unchanged). -ENOENT after the last node. fdt_parent() of the
 * root is -ENOENT.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);

#define fdt_for_each_child(fdt, node, child)                                   \
	for ((child) = fdt_first_child((fdt), (node)); (child) >= 0;           \
	     (child) = fdt_next_sibling((fdt), (child)))

/* fdt_node_name: the node's name ("" for the root, "uart@1000"), or NULL. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/*
 * fdt_find_path: the node at @path (@len bytes, no NUL needed), e.g.
 * "/soc/serial@10000000". A component without '@' also matches a name with
 * a unit address ("/memory" finds "memory@80000000", the first such).
 * A path not starting with '/' begins with an alias from /aliases.
 */
int fdt_find_path(const struct fdt *fdt, const char *path, size_t len);

/* fdt_find_compatible: the first node after @from (-1: from the start) listing @compat. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);

/*
 * Properties. fdt_getprop() points *@val into the blob (*@len bytes).
 * The typed readers check the length: u32 needs 4 bytes, u64 4 or 8 (one or
 * two cells); a string must be NUL-terminated within the property, and its
 * length up to the first NUL is returned (>= 0). -ENOENT if absent,
 * -EINVAL if malformed.
 */
int fdt_getprop(const struct fdt *fdt, int node, const char *name, const void **val,
		uint32_t *len);

/* One property, pointing into the blob. */
struct fdt_prop {
	const char *name;
	const void *val;
	uint32_t len;
};

/*
 * fdt_next_prop: @node's property after the one at offset @prev (-1: the
 * first), into *@p. Returns its offset, -ENOENT after the last.
 */
int fdt_next_prop(const struct fdt *fdt, int node, int prev, struct fdt_prop *p);
int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);
int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out);
int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **out);
/* fdt_prop_cell: cell @idx of a property of whole cells (-ENOENT past the end). */
int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, uint32_t idx, uint32_t *out);
/* fdt_node_enabled: false when "status" is present and neither "okay" nor "ok". */
bool fdt_node_enabled(const struct fdt *fdt, int node);

/*
 * fdt_cells: #address-cells (default 2) and #size-cells (default 1) of
 * @bus, i.e. the cell counts of its children's "reg". Only 1..2 address and
 * 0..2 size cells are supported (-ENOTSUP otherwise).
 */
int fdt_cells(const struct fdt *fdt, int bus, uint32_t *acells, uint32_t *scells);

/*
 * fdt_reg_raw: entry @idx of @node's "reg", in its parent's address space.
 * fdt_reg: the same, translated to a CPU physical address through the
 * "ranges" of every bus above the node (an empty "ranges" is identity; a bus
 * without "ranges", or an address outside them, gives -ENOENT).
 * -ENOENT past the last entry. An entry whose end wraps past 2^64 is -EINVAL.
 */
int fdt_reg_raw(const struct fdt *fdt, int node, uint32_t idx, uint64_t *addr, uint64_t *size);
/* fdt_reg_child: fdt_reg_raw for a @node known to be a child of @parent (no walk). */
int fdt_reg_child(const struct fdt *fdt, int parent, int node, uint32_t idx, uint64_t *addr,
		  uint64_t *size);
int fdt_reg(const struct fdt *fdt, int node, uint32_t idx, uint64_t *addr, uint64_t *size);

/* ------------------------------------------------------------------------ */

#define FDT_MAX_MEM 16
#define FDT_MAX_RESERVED 32
#define FDT_MAX_VIRTIO 16

struct fdt_range {
	paddr_t base;
	psize_t size;		/* > 0; base + size does not wrap */
};

/* A simple MMIO device: the first "reg" entry and the first "interrupts" cell. */
struct fdt_mmio {
	bool present;
	bool has_irq;
	paddr_t base;
	psize_t size;
	uint32_t irq;		/* PLIC source number */
};

/*
 * What the kernel needs of the platform. Absent optional items are marked
 * (present/has_ flags false, 0 frequencies, NULL bootargs), not errors.
 */
struct fdt_platform {
	struct fdt_range mem[FDT_MAX_MEM];	/* RAM: every memory node's reg */
	size_t nmem;
	/*
	 * Memory the kernel must not hand out: the reservation map, the
	 * /reserved-memory children (OpenSBI's own region is there) and the
	 * DTB itself. Unsorted; may overlap each other and the kernel image.
	 */
	struct fdt_range reserved[FDT_MAX_RESERVED];
	size_t nreserved;
	struct fdt_range dtb;			/* also in reserved[] */

	struct {
		struct fdt_mmio mmio;
		uint64_t clock_hz;		/* 0: unknown */
		uint32_t reg_shift;		/* default 0 */
		uint32_t reg_io_width;		/* bytes, default 1 */
		bool is_stdout;			/* named by /chosen stdout-path */
	} uart;					/* ns16550a / ns16550 */
	struct {
		struct fdt_mmio mmio;
		uint32_t ndev;			/* "riscv,ndev"; 0: unknown */
	} plic;
	struct fdt_mmio virtio[FDT_MAX_VIRTIO];	/* virtio,mmio, by base address */
	size_t nvirtio;

	uint64_t timebase_hz;			/* 0: unknown */
	uint32_t nharts;			/* enabled cpu nodes */
	uint32_t boot_hartid;			/* boot_cpuid_phys of the header */

	const char *bootargs;			/* into the blob, NUL-terminated; or NULL */
	size_t bootargs_len;
	bool has_initrd;
	paddr_t initrd_start, initrd_end;	/* [start, end) */
};

/*
 * lib/fdt_platform.c builds the summary on the API above.
 * fdt_platform_parse: open @blob (@bufsize readable bytes, found at
 * physical address @blob_pa) and fill @out. Errors: -EINVAL for a
 * malformed blob or a malformed value the kernel needs (a memory or
 * reserved range, the initrd), -ENOENT if no memory is described,
 * -ENOSPC if there are more than FDT_MAX_RESERVED reserved ranges (dropping
 * one would be unsafe). Extra memory ranges or virtio devices beyond the
 * maxima are dropped with a warning.
 */
int fdt_platform_parse(const void *blob, size_t bufsize, paddr_t blob_pa, struct fdt_platform *out);

#endif
