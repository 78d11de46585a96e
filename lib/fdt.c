/*
 * lib/fdt.c: the read-only flattened device tree parser (generic API).
 *
 * Layout of a blob (all integers big-endian):
 *
 *   header (40 bytes)  magic, totalsize, off_dt_struct, off_dt_strings,
 *                      off_mem_rsvmap, version, last_comp_version,
 *                      boot_cpuid_phys, size_dt_strings, size_dt_struct
 *   rsvmap             (u64 address, u64 size) pairs ending with (0, 0)
 *   structure block    4-byte tokens: BEGIN_NODE name\0 pad | PROP len
 *                      nameoff value pad | END_NODE | NOP | END
 *   strings block      NUL-terminated property names
 *
 * fdt_read_tok() is the only code that decodes the structure block; it
 * checks every length against the block's end, so every walk is bounded
 * by construction. fdt_open() runs it over the whole block once and checks
 * the nesting, so later walks only fail if the caller passes a bad offset.
 */
#define LOG_PREFIX "fdt: "
#include <pagoda/errno.h>
#include <lib/fdt.h>
#include <lib/log.h>
#include <lib/string.h>

#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE 0x2u
#define FDT_PROP 0x3u
#define FDT_NOP 0x4u
#define FDT_END 0x9u

/* Blobs larger than this are refused, so that every offset fits an int. */
#define FDT_MAX_TOTALSIZE 0x40000000u

/* One decoded token of the structure block. */
struct fdt_tok {
	uint32_t type;
	int next;		/* offset of the following token */
	const char *name;	/* BEGIN_NODE: node name; PROP: property name */
	const uint8_t *val;	/* PROP: value */
	uint32_t len;		/* PROP: value length in bytes */
};

static uint32_t fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t fdt_be64(const uint8_t *p)
{
	return (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4);
}

/* fdt_cells_val: a value of @ncells (0..2) big-endian cells. */
static uint64_t fdt_cells_val(const uint8_t *p, uint32_t ncells)
{
	if (ncells == 0)
		return 0;
	return ncells == 1 ? fdt_be32(p) : fdt_be64(p);
}

/* fdt_name_is: whether the NUL-terminated @s equals @n bytes at @name. */
static bool fdt_name_is(const char *s, const char *name, size_t n)
{
	return strnlen(s, n + 1) == n && !memcmp(s, name, n);
}

/*
 * fdt_read_tok: decode the token at structure offset @off into @t.
 * => @off must be 4-aligned and leave room for the token's fixed part
 * => a name must end inside its block; a value must end inside the block
 * Returns 0 or -EINVAL (logged). t->next > @off always.
 */
static int fdt_read_tok(const struct fdt *fdt, int off, struct fdt_tok *t)
{
	const uint8_t *base = fdt->blob + fdt->off_struct;
	const char *strings = (const char *)fdt->blob + fdt->off_strings;
	uint32_t size = fdt->size_struct, nameoff;
	size_t n;

	if (off < 0 || (off & 3) || (uint64_t)off + 4 > size) {
		log_warn("token offset %d outside the structure block (%u bytes)\n", off, size);
		return -EINVAL;
	}
	t->type = fdt_be32(base + off);
	t->next = off + 4;
	switch (t->type) {
	case FDT_BEGIN_NODE:
		t->name = (const char *)base + off + 4;
		n = strnlen(t->name, size - (uint32_t)off - 4);
		if (n == size - (uint32_t)off - 4) {
			log_warn("node name at %d runs past the structure block\n", off);
			return -EINVAL;
		}
		t->next = (int)ALIGN_UP((uint32_t)off + 4 + (uint32_t)n + 1, 4u);
		return 0;
	case FDT_PROP:
		if ((uint64_t)off + 12 > size) {
			log_warn("property header at %d truncated\n", off);
			return -EINVAL;
		}
		t->len = fdt_be32(base + off + 4);
		nameoff = fdt_be32(base + off + 8);
		if ((uint64_t)off + 12 + t->len > size) {
			log_warn("property at %d: length %u runs past the structure block\n", off,
				 t->len);
			return -EINVAL;
		}
		if (nameoff >= fdt->size_strings ||
		    strnlen(strings + nameoff, fdt->size_strings - nameoff) ==
			    fdt->size_strings - nameoff) {
			log_warn("property at %d: bad name offset %u\n", off, nameoff);
			return -EINVAL;
		}
		t->name = strings + nameoff;
		t->val = base + off + 12;
		t->next = (int)ALIGN_UP((uint32_t)off + 12 + t->len, 4u);
		return 0;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		return 0;
	default:
		log_warn("unknown token %#x at %d\n", t->type, off);
		return -EINVAL;
	}
}

/* fdt_check_block: @off/@size of a block lie inside the blob's @totalsize. */
static int fdt_check_block(const char *what, uint32_t off, uint32_t size, uint32_t totalsize)
{
	if (off < FDT_HEADER_SIZE || (uint64_t)off + size > totalsize) {
		log_warn("%s block [%u, +%u) outside the blob (%u bytes)\n", what, off, size,
			 totalsize);
		return -EINVAL;
	}
	return 0;
}

/* fdt_check_rsvmap: find the reservation map's terminator inside the blob. */
static int fdt_check_rsvmap(struct fdt *fdt)
{
	uint64_t pos = fdt->off_rsvmap;

	if (pos < FDT_HEADER_SIZE || (pos & 7)) {
		log_warn("reservation map offset %u misplaced or not 8-byte aligned\n",
			 fdt->off_rsvmap);
		return -EINVAL;
	}
	for (fdt->nrsv = 0;; fdt->nrsv++, pos += 16) {
		if (pos + 16 > fdt->totalsize) {
			log_warn("reservation map has no terminator inside the blob\n");
			return -EINVAL;
		}
		if (fdt_be64(fdt->blob + pos) == 0 && fdt_be64(fdt->blob + pos + 8) == 0)
			return 0;
	}
}

static int fdt_check_header(struct fdt *fdt, const uint8_t *b, size_t bufsize)
{
	uint32_t version, last_comp;

	if (!b || bufsize < FDT_HEADER_SIZE) {
		log_warn("buffer of %zu bytes cannot hold a header\n", b ? bufsize : 0);
		return -EINVAL;
	}
	if (fdt_be32(b) != FDT_MAGIC) {
		log_warn("bad magic %#x\n", fdt_be32(b));
		return -EINVAL;
	}
	fdt->blob = b;
	fdt->totalsize = fdt_be32(b + 4);
	fdt->off_struct = fdt_be32(b + 8);
	fdt->off_strings = fdt_be32(b + 12);
	fdt->off_rsvmap = fdt_be32(b + 16);
	version = fdt_be32(b + 20);
	last_comp = fdt_be32(b + 24);
	fdt->boot_cpuid = fdt_be32(b + 28);
	fdt->size_strings = fdt_be32(b + 32);
	fdt->size_struct = fdt_be32(b + 36);
	if (version < FDT_VERSION || last_comp > FDT_VERSION) {
		log_warn("version %u (last compatible %u) unsupported, need 17\n", version,
			 last_comp);
		return -EINVAL;
	}
	if (fdt->totalsize < FDT_HEADER_SIZE || fdt->totalsize > bufsize ||
	    fdt->totalsize > FDT_MAX_TOTALSIZE) {
		log_warn("totalsize %u does not fit the %zu-byte buffer\n", fdt->totalsize,
			 bufsize);
		return -EINVAL;
	}
	if ((fdt->off_struct & 3) || (fdt->size_struct & 3) || fdt->size_struct < 4) {
		log_warn("structure block [%u, +%u) misaligned or empty\n", fdt->off_struct,
			 fdt->size_struct);
		return -EINVAL;
	}
	if (fdt_check_block("structure", fdt->off_struct, fdt->size_struct, fdt->totalsize) ||
	    fdt_check_block("strings", fdt->off_strings, fdt->size_strings, fdt->totalsize))
		return -EINVAL;
	return fdt_check_rsvmap(fdt);
}

/*
 * fdt_check_struct: walk the whole structure block: leading NOPs, one root
 * node with balanced nesting no deeper than FDT_MAX_DEPTH, properties only
 * inside nodes, then NOPs and FDT_END. Sets fdt->root.
 */
static int fdt_check_struct(struct fdt *fdt)
{
	struct fdt_tok t;
	int off = 0, depth = 0, err;
	bool closed = false;

	for (;;) {
		err = fdt_read_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.type == FDT_BEGIN_NODE) {
			if (closed || depth >= FDT_MAX_DEPTH)
				goto bad;
			if (depth++ == 0)
				fdt->root = off;
		} else if (t.type == FDT_END_NODE) {
			if (depth == 0)
				goto bad;
			closed = --depth == 0;
		} else if (t.type == FDT_PROP) {
			if (depth == 0)
				goto bad;
		} else if (t.type == FDT_END) {
			if (!closed)
				goto bad;
			return 0;
		}
		off = t.next;
	}
bad:
	log_warn("token %#x at %d out of place (depth %d, root %s)\n", t.type, off, depth,
		 closed ? "closed" : "open");
	return -EINVAL;
}

int fdt_open(struct fdt *fdt, const void *blob, size_t bufsize)
{
	int err;

	err = fdt_check_header(fdt, blob, bufsize);
	if (err)
		return err;
	return fdt_check_struct(fdt);
}

int fdt_rsv_entry(const struct fdt *fdt, uint32_t idx, uint64_t *addr, uint64_t *size)
{
	const uint8_t *p;

	if (idx >= fdt->nrsv)
		return -ENOENT;
	p = fdt->blob + fdt->off_rsvmap + (size_t)idx * 16;
	*addr = fdt_be64(p);
	*size = fdt_be64(p + 8);
	return 0;
}

/* fdt_read_node: decode @node, which must be a BEGIN_NODE token. */
static int fdt_read_node(const struct fdt *fdt, int node, struct fdt_tok *t)
{
	int err = fdt_read_tok(fdt, node, t);

	if (!err && t->type != FDT_BEGIN_NODE) {
		log_warn("offset %d is not a node\n", node);
		return -EINVAL;
	}
	return err;
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	struct fdt_tok t;
	int off, d = 1, err;

	if (node == -1)
		return fdt->root;
	err = fdt_read_node(fdt, node, &t);
	if (err)
		return err;
	/* Loop invariant: d is the depth of the token at off relative to @node's parent. */
	for (off = t.next;; off = t.next) {
		err = fdt_read_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.type == FDT_BEGIN_NODE) {
			*depth += d;
			return off;
		}
		if (t.type == FDT_END_NODE)
			d--;
		else if (t.type == FDT_END)
			return -ENOENT;
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int d = 0, next = fdt_next_node(fdt, node, &d);

	if (next < 0)
		return next;
	return d == 1 ? next : -ENOENT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	int d = 0, cur = node;

	/* d: depth of cur relative to @node; the walk skips @node's subtree. */
	for (;;) {
		cur = fdt_next_node(fdt, cur, &d);
		if (cur < 0)
			return cur;
		if (d == 0)
			return cur;
		if (d < 0)
			return -ENOENT;
	}
}

/*
 * fdt_ancestors: fill @stack[0..depth] with the path from the root to
 * @node and return depth (0 for the root), or -EINVAL if @node is no node.
 */
static int fdt_ancestors(const struct fdt *fdt, int node, int stack[FDT_MAX_DEPTH + 1])
{
	int cur = fdt->root, depth = 0;

	stack[0] = cur;
	while (cur != node) {
		int d = 0;

		cur = fdt_next_node(fdt, cur, &d);
		depth += d;
		/* Offsets grow in document order: past @node, it is not a node. */
		if (cur < 0 || cur > node || depth < 0 || depth > FDT_MAX_DEPTH) {
			log_warn("offset %d is not a node\n", node);
			return -EINVAL;
		}
		stack[depth] = cur;
	}
	return depth;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = fdt_ancestors(fdt, node, stack);

	if (depth < 0)
		return depth;
	return depth == 0 ? -ENOENT : stack[depth - 1];
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	struct fdt_tok t;

	return fdt_read_node(fdt, node, &t) ? NULL : t.name;
}

int fdt_next_prop(const struct fdt *fdt, int node, int prev, struct fdt_prop *p)
{
	struct fdt_tok t;
	int off, err;

	err = fdt_read_tok(fdt, prev < 0 ? node : prev, &t);
	if (err)
		return err;
	if (t.type != (prev < 0 ? FDT_BEGIN_NODE : FDT_PROP)) {
		log_warn("offset %d is not a %s\n", prev < 0 ? node : prev,
			 prev < 0 ? "node" : "property");
		return -EINVAL;
	}
	for (off = t.next;; off = t.next) {
		err = fdt_read_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.type == FDT_NOP)
			continue;
		if (t.type != FDT_PROP)
			return -ENOENT;
		p->name = t.name;
		p->val = t.val;
		p->len = t.len;
		return off;
	}
}

/* fdt_getprop_n: like fdt_getprop with a name of @namelen bytes. */
static int fdt_getprop_n(const struct fdt *fdt, int node, const char *name, size_t namelen,
			 const void **val, uint32_t *len)
{
	struct fdt_prop p;
	int off = -1;

	while ((off = fdt_next_prop(fdt, node, off, &p)) >= 0) {
		if (fdt_name_is(p.name, name, namelen)) {
			*val = p.val;
			*len = p.len;
			return 0;
		}
	}
	return off;
}

int fdt_getprop(const struct fdt *fdt, int node, const char *name, const void **val,
		uint32_t *len)
{
	return fdt_getprop_n(fdt, node, name, strlen(name), val, len);
}

int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	const void *val;
	uint32_t len;
	int err = fdt_getprop(fdt, node, name, &val, &len);

	if (err)
		return err;
	if (len != 4)
		return -EINVAL;
	*out = fdt_be32(val);
	return 0;
}

int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	const void *val;
	uint32_t len;
	int err = fdt_getprop(fdt, node, name, &val, &len);

	if (err)
		return err;
	if (len != 4 && len != 8)
		return -EINVAL;
	*out = fdt_cells_val(val, len / 4);
	return 0;
}

int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **out)
{
	const void *val;
	uint32_t len;
	int err = fdt_getprop(fdt, node, name, &val, &len);

	if (err)
		return err;
	if (len == 0 || ((const char *)val)[len - 1] != '\0')
		return -EINVAL;
	*out = val;
	return (int)strnlen(val, len);
}

int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, uint32_t idx, uint32_t *out)
{
	const void *val;
	uint32_t len;
	int err = fdt_getprop(fdt, node, name, &val, &len);

	if (err)
		return err;
	if (len % 4)
		return -EINVAL;
	if (idx >= len / 4)
		return -ENOENT;
	*out = fdt_be32((const uint8_t *)val + (size_t)idx * 4);
	return 0;
}

bool fdt_node_enabled(const struct fdt *fdt, int node)
{
	const char *s;
	int err = fdt_prop_string(fdt, node, "status", &s);

	if (err == -ENOENT)
		return true;
	return err >= 0 && (!strcmp(s, "okay") || !strcmp(s, "ok"));
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	const void *val;
	const char *list;
	uint32_t len, pos;
	size_t clen = strlen(compat), n;

	if (fdt_getprop(fdt, node, "compatible", &val, &len))
		return false;
	list = val;
	/* A string list; the last entry may lack its NUL, and then it ends at len. */
	for (pos = 0; pos < len; pos += (uint32_t)n + 1) {
		n = strnlen(list + pos, len - pos);
		if (n == clen && !memcmp(list + pos, compat, n))
			return true;
	}
	return false;
}

int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat)
{
	int d = 0, node = from;

	for (;;) {
		node = fdt_next_node(fdt, node, &d);
		if (node < 0 || fdt_is_compatible(fdt, node, compat))
			return node;
	}
}

/* fdt_find_child: @node's child named @name (@len bytes), with or without "@unit". */
static int fdt_find_child(const struct fdt *fdt, int node, const char *name, size_t len)
{
	bool has_unit = false;
	const char *cname;
	int child;

	for (size_t i = 0; i < len; i++)
		has_unit |= name[i] == '@';
	fdt_for_each_child(fdt, node, child) {
		cname = fdt_node_name(fdt, child);
		if (!cname)
			return -EINVAL;
		if (fdt_name_is(cname, name, len))
			return child;
		if (!has_unit && strnlen(cname, len) == len && !memcmp(cname, name, len) &&
		    cname[len] == '@')
			return child;
	}
	return child;
}

/* fdt_find_alias: the node an /aliases entry of @len bytes names (an absolute path). */
static int fdt_find_alias(const struct fdt *fdt, const char *name, size_t len)
{
	const void *val;
	uint32_t vlen;
	int aliases = fdt_find_path(fdt, "/aliases", 8), err;

	if (aliases < 0)
		return aliases;
	err = fdt_getprop_n(fdt, aliases, name, len, &val, &vlen);
	if (err)
		return err;
	/* Only absolute targets, so this recursion is one level deep. */
	if (vlen < 2 || ((const char *)val)[0] != '/' || ((const char *)val)[vlen - 1])
		return -EINVAL;
	return fdt_find_path(fdt, val, strnlen(val, vlen));
}

int fdt_find_path(const struct fdt *fdt, const char *path, size_t len)
{
	const char *p = path, *end = path + len, *comp;
	int node = fdt->root;

	if (len == 0)
		return -ENOENT;
	if (*p != '/') {
		for (comp = p; p < end && *p != '/'; p++)
			;
		node = fdt_find_alias(fdt, comp, (size_t)(p - comp));
	}
	while (node >= 0) {
		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		for (comp = p; p < end && *p != '/'; p++)
			;
		node = fdt_find_child(fdt, node, comp, (size_t)(p - comp));
	}
	return node;
}

int fdt_cells(const struct fdt *fdt, int bus, uint32_t *acells, uint32_t *scells)
{
	int err;

	*acells = 2;
	*scells = 1;
	err = fdt_prop_u32(fdt, bus, "#address-cells", acells);
	if (err && err != -ENOENT)
		return err;
	err = fdt_prop_u32(fdt, bus, "#size-cells", scells);
	if (err && err != -ENOENT)
		return err;
	if (*acells < 1 || *acells > 2 || *scells > 2)
		return -ENOTSUP;
	return 0;
}

int fdt_reg_child(const struct fdt *fdt, int parent, int node, uint32_t idx, uint64_t *addr,
		  uint64_t *size)
{
	const uint8_t *p;
	const void *val;
	uint32_t ac, sc, len, entry;
	int err;

	err = fdt_cells(fdt, parent, &ac, &sc);
	if (err)
		return err;
	err = fdt_getprop(fdt, node, "reg", &val, &len);
	if (err)
		return err;
	entry = (ac + sc) * 4;
	if (len % entry) {
		log_warn("%s: reg of %u bytes is not a multiple of %u\n", fdt_node_name(fdt, node),
			 len, entry);
		return -EINVAL;
	}
	if (idx >= len / entry)
		return -ENOENT;
	p = (const uint8_t *)val + (size_t)idx * entry;
	*addr = fdt_cells_val(p, ac);
	*size = fdt_cells_val(p + ac * 4, sc);
	if (*size > UINT64_MAX - *addr) {
		log_warn("%s: reg entry %u wraps\n", fdt_node_name(fdt, node), idx);
		return -EINVAL;
	}
	return 0;
}

int fdt_reg_raw(const struct fdt *fdt, int node, uint32_t idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent(fdt, node);

	return parent < 0 ? parent : fdt_reg_child(fdt, parent, node, idx, addr, size);
}

/*
 * fdt_translate: map [*addr, +size) from @bus's child address space to
 * its parent's (@parent) through @bus's "ranges" entries
 * (child address, parent address, length). The whole region must fit one
 * entry.
 */
static int fdt_translate(const struct fdt *fdt, int bus, int parent, uint64_t *addr,
			 uint64_t size)
{
	const uint8_t *p;
	const void *val;
	uint32_t cac, csc, pac, psc, len, entry;
	uint64_t cba, pba, rsz, off;
	int err;

	err = fdt_getprop(fdt, bus, "ranges", &val, &len);
	if (err || len == 0)
		return err;
	err = fdt_cells(fdt, bus, &cac, &csc);
	if (!err)
		err = fdt_cells(fdt, parent, &pac, &psc);
	if (err)
		return err;
	entry = (cac + pac + csc) * 4;
	if (len % entry) {
		log_warn("%s: ranges of %u bytes is not a multiple of %u\n",
			 fdt_node_name(fdt, bus), len, entry);
		return -EINVAL;
	}
	for (p = val; p < (const uint8_t *)val + len; p += entry) {
		cba = fdt_cells_val(p, cac);
		pba = fdt_cells_val(p + cac * 4, pac);
		rsz = fdt_cells_val(p + (cac + pac) * 4, csc);
		if (*addr < cba || *addr - cba >= rsz || size > rsz - (*addr - cba))
			continue;
		off = *addr - cba;
		if (off > UINT64_MAX - pba || size > UINT64_MAX - (pba + off))
			return -EINVAL;
		*addr = pba + off;
		return 0;
	}
	return -ENOENT;
}

int fdt_reg(const struct fdt *fdt, int node, uint32_t idx, uint64_t *addr, uint64_t *size)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = fdt_ancestors(fdt, node, stack), err;

	if (depth < 0)
		return depth;
	if (depth == 0)
		return -ENOENT;
	err = fdt_reg_child(fdt, stack[depth - 1], node, idx, addr, size);
	for (int lvl = depth - 1; lvl > 0 && !err; lvl--)
		err = fdt_translate(fdt, stack[lvl], stack[lvl - 1], addr, *size);
	return err;
}

