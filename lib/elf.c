/*
 * lib/elf.c: the ELF64 executable validator (rules in lib/elf.h).
 *
 * elf_parse() decides, then describes: it checks the ELF header, walks the
 * program header table once checking each entry as it goes, and finally
 * checks the entry point. Each check that fails goes through elf_refuse(),
 * which records the rule, logs one line and yields -ENOEXEC, so every
 * refusal says why. Bounds arithmetic is written as "x > size - off" after
 * checking off <= size, so no sum can wrap.
 *
 * Because PT_LOAD entries must come in ascending p_vaddr order, comparing
 * each segment with the previous one is enough to prove that no two share
 * a page. elf_check() re-proves the output pairwise, without that shortcut.
 */
#define LOG_PREFIX "elf: "
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/elf.h>
#include <lib/fmt.h>
#include <lib/log.h>
#include <lib/string.h>

STATIC_ASSERT(sizeof(struct elf64_ehdr) == ELF_EHDR_SIZE);
STATIC_ASSERT(sizeof(struct elf64_phdr) == ELF_PHDR_SIZE);
STATIC_ASSERT(offsetof(struct elf64_ehdr, e_entry) == 24);
STATIC_ASSERT(offsetof(struct elf64_ehdr, e_phoff) == 32);
STATIC_ASSERT(offsetof(struct elf64_ehdr, e_flags) == 48);
STATIC_ASSERT(offsetof(struct elf64_ehdr, e_phnum) == 56);
STATIC_ASSERT(offsetof(struct elf64_ehdr, e_shstrndx) == 62);
STATIC_ASSERT(offsetof(struct elf64_phdr, p_offset) == 8);
STATIC_ASSERT(offsetof(struct elf64_phdr, p_align) == 48);

static const char *const elf_reject_names[ELF_REJ_COUNT] = {
	[ELF_OK] = "ok",
	[ELF_REJ_RULES] = "rules",
	[ELF_REJ_SHORT] = "short",
	[ELF_REJ_MAGIC] = "magic",
	[ELF_REJ_CLASS] = "class",
	[ELF_REJ_DATA] = "data",
	[ELF_REJ_VERSION] = "version",
	[ELF_REJ_OSABI] = "osabi",
	[ELF_REJ_TYPE] = "type",
	[ELF_REJ_MACHINE] = "machine",
	[ELF_REJ_HDRSIZE] = "hdrsize",
	[ELF_REJ_PHTAB] = "phtab",
	[ELF_REJ_PHNUM] = "phnum",
	[ELF_REJ_DYNAMIC] = "dynamic",
	[ELF_REJ_FLAGS] = "flags",
	[ELF_REJ_WX] = "wx",
	[ELF_REJ_ALIGN] = "align",
	[ELF_REJ_FILESZ] = "filesz",
	[ELF_REJ_FILE] = "file",
	[ELF_REJ_RANGE] = "range",
	[ELF_REJ_CONGRUENT] = "congruent",
	[ELF_REJ_ORDER] = "order",
	[ELF_REJ_OVERLAP] = "overlap",
	[ELF_REJ_NSEGS] = "nsegs",
	[ELF_REJ_NOLOAD] = "noload",
	[ELF_REJ_ENTRY] = "entry",
};

const char *elf_reject_name(enum elf_reject why)
{
	if ((unsigned int)why >= ELF_REJ_COUNT)
		return "?";
	return elf_reject_names[why];
}

/* One elf_parse() call. */
struct elf_ctx {
	const uint8_t *img;
	size_t size;
	const struct elf_rules *rules;
	struct elf_image *out;
};

/* elf_refuse: record @why, log the formatted reason, and return -ENOEXEC. */
static __printf(3, 4) int elf_refuse(struct elf_ctx *c, enum elf_reject why, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	c->out->reject = why;
	if (c->rules->quiet)
		return -ENOEXEC;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warn("refused (%s): %s\n", elf_reject_name(why), buf);
	return -ENOEXEC;
}

static uint64_t elf_le(const uint8_t *p, unsigned int nbytes)
{
	uint64_t v = 0;

	while (nbytes--)
		v = v << 8 | p[nbytes];
	return v;
}

#define ELF_FIELD(p, type, field) elf_le((p) + offsetof(type, field), sizeof(((type *)0)->field))

/* elf_read_ehdr: decode the ELF header at @p (ELF_EHDR_SIZE readable bytes). */
static void elf_read_ehdr(const uint8_t *p, struct elf64_ehdr *eh)
{
	memcpy(eh->e_ident, p, EI_NIDENT);
	eh->e_type = ELF_FIELD(p, struct elf64_ehdr, e_type);
	eh->e_machine = ELF_FIELD(p, struct elf64_ehdr, e_machine);
	eh->e_version = ELF_FIELD(p, struct elf64_ehdr, e_version);
	eh->e_entry = ELF_FIELD(p, struct elf64_ehdr, e_entry);
	eh->e_phoff = ELF_FIELD(p, struct elf64_ehdr, e_phoff);
	eh->e_shoff = ELF_FIELD(p, struct elf64_ehdr, e_shoff);
	eh->e_flags = ELF_FIELD(p, struct elf64_ehdr, e_flags);
	eh->e_ehsize = ELF_FIELD(p, struct elf64_ehdr, e_ehsize);
	eh->e_phentsize = ELF_FIELD(p, struct elf64_ehdr, e_phentsize);
	eh->e_phnum = ELF_FIELD(p, struct elf64_ehdr, e_phnum);
	eh->e_shentsize = ELF_FIELD(p, struct elf64_ehdr, e_shentsize);
	eh->e_shnum = ELF_FIELD(p, struct elf64_ehdr, e_shnum);
	eh->e_shstrndx = ELF_FIELD(p, struct elf64_ehdr, e_shstrndx);
}

/* elf_read_phdr: decode the program header at @p (ELF_PHDR_SIZE readable bytes). */
static void elf_read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->p_type = ELF_FIELD(p, struct elf64_phdr, p_type);
	ph->p_flags = ELF_FIELD(p, struct elf64_phdr, p_flags);
	ph->p_offset = ELF_FIELD(p, struct elf64_phdr, p_offset);
	ph->p_vaddr = ELF_FIELD(p, struct elf64_phdr, p_vaddr);
	ph->p_paddr = ELF_FIELD(p, struct elf64_phdr, p_paddr);
	ph->p_filesz = ELF_FIELD(p, struct elf64_phdr, p_filesz);
	ph->p_memsz = ELF_FIELD(p, struct elf64_phdr, p_memsz);
	ph->p_align = ELF_FIELD(p, struct elf64_phdr, p_align);
}

static bool elf_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* elf_rules_ok: whether the caller's rules make sense (a caller bug otherwise). */
static bool elf_rules_ok(const struct elf_rules *r)
{
	return r && elf_is_pow2(r->page_size) && IS_ALIGNED(r->va_min, r->page_size) &&
	       IS_ALIGNED(r->va_max, r->page_size) && r->va_min < r->va_max;
}

/* elf_check_ident: e_ident, e_type, e_machine, e_version. */
static int elf_check_ident(struct elf_ctx *c, const struct elf64_ehdr *eh)
{
	const uint8_t *id = eh->e_ident;

	if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return elf_refuse(c, ELF_REJ_MAGIC, "bad magic %02x %02x %02x %02x", id[0], id[1],
				  id[2], id[3]);
	if (id[EI_CLASS] != ELFCLASS64)
		return elf_refuse(c, ELF_REJ_CLASS, "class %u, not ELFCLASS64", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return elf_refuse(c, ELF_REJ_DATA, "data encoding %u, not little-endian",
				  id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return elf_refuse(c, ELF_REJ_VERSION, "version %u/%u, not 1", id[EI_VERSION],
				  eh->e_version);
	if ((id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU) ||
	    id[EI_ABIVERSION] != 0)
		return elf_refuse(c, ELF_REJ_OSABI, "OS ABI %u version %u, not SYSV/GNU 0",
				  id[EI_OSABI], id[EI_ABIVERSION]);
	if (eh->e_type != ET_EXEC)
		return elf_refuse(c, ELF_REJ_TYPE, "type %u, not ET_EXEC (static only)",
				  eh->e_type);
	if (eh->e_machine != c->rules->machine)
		return elf_refuse(c, ELF_REJ_MACHINE, "machine %u, expected %u", eh->e_machine,
				  c->rules->machine);
	return 0;
}

/* elf_check_ehdr: the whole ELF header, including where the phdr table lies. */
static int elf_check_ehdr(struct elf_ctx *c, const struct elf64_ehdr *eh)
{
	uint64_t tab_len = (uint64_t)eh->e_phnum * ELF_PHDR_SIZE;
	int err = elf_check_ident(c, eh);

	if (err)
		return err;
	if (eh->e_ehsize != ELF_EHDR_SIZE || eh->e_phentsize != ELF_PHDR_SIZE ||
	    (eh->e_shnum && eh->e_shentsize != 64))
		return elf_refuse(c, ELF_REJ_HDRSIZE, "header sizes %u/%u/%u, need 64/56/64",
				  eh->e_ehsize, eh->e_phentsize, eh->e_shentsize);
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return elf_refuse(c, ELF_REJ_PHNUM, "%u program headers, need 1..%u", eh->e_phnum,
				  ELF_MAX_PHDRS);
	if (eh->e_phoff < ELF_EHDR_SIZE || eh->e_phoff > c->size || tab_len > c->size - eh->e_phoff)
		return elf_refuse(
			c, ELF_REJ_PHTAB, "program headers [%#llx, +%#llx) outside [64, %#zx)",
			(unsigned long long)eh->e_phoff, (unsigned long long)tab_len, c->size);
	return 0;
}

/* elf_check_load_file: PT_LOAD @i's flags, alignment and file bytes. */
static int elf_check_load_file(struct elf_ctx *c, unsigned int i, const struct elf64_phdr *ph)
{
	if (ph->p_flags & ~(uint32_t)(PF_R | PF_W | PF_X))
		return elf_refuse(c, ELF_REJ_FLAGS, "phdr %u: unknown flags %#x", i, ph->p_flags);
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return elf_refuse(c, ELF_REJ_WX, "phdr %u: writable and executable (W^X)", i);
	if ((ph->p_flags & PF_W) && !(ph->p_flags & PF_R))
		return elf_refuse(c, ELF_REJ_FLAGS, "phdr %u: writable but not readable", i);
	if (ph->p_align > 1 &&
	    (!elf_is_pow2(ph->p_align) || ((ph->p_vaddr - ph->p_offset) & (ph->p_align - 1))))
		return elf_refuse(c, ELF_REJ_ALIGN, "phdr %u: p_align %#llx bad for %#llx/%#llx", i,
				  (unsigned long long)ph->p_align, (unsigned long long)ph->p_vaddr,
				  (unsigned long long)ph->p_offset);
	if (ph->p_filesz > ph->p_memsz)
		return elf_refuse(c, ELF_REJ_FILESZ, "phdr %u: filesz %#llx > memsz %#llx", i,
				  (unsigned long long)ph->p_filesz,
				  (unsigned long long)ph->p_memsz);
	if (ph->p_offset > c->size || ph->p_filesz > c->size - ph->p_offset)
		return elf_refuse(c, ELF_REJ_FILE, "phdr %u: bytes [%#llx, +%#llx) outside %#zx", i,
				  (unsigned long long)ph->p_offset,
				  (unsigned long long)ph->p_filesz, c->size);
	return 0;
}

/* elf_check_load_mem: non-empty PT_LOAD @i's place in memory. */
static int elf_check_load_mem(struct elf_ctx *c, unsigned int i, const struct elf64_phdr *ph)
{
	const struct elf_rules *r = c->rules;

	if (ph->p_vaddr > UINT64_MAX - ph->p_memsz || ph->p_vaddr < r->va_min ||
	    ph->p_vaddr + ph->p_memsz > r->va_max)
		return elf_refuse(c, ELF_REJ_RANGE,
				  "phdr %u: [%#llx, +%#llx) outside [%#llx, %#llx)", i,
				  (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz,
				  (unsigned long long)r->va_min, (unsigned long long)r->va_max);
	if ((ph->p_vaddr - ph->p_offset) & (r->page_size - 1))
		return elf_refuse(c, ELF_REJ_CONGRUENT,
				  "phdr %u: vaddr %#llx and offset %#llx differ modulo %#llx", i,
				  (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset,
				  (unsigned long long)r->page_size);
	return 0;
}

/*
 * elf_add_load: append checked PT_LOAD @i to out->seg.
 * => out->seg[0 .. nsegs) is ascending and page-disjoint, and stays so
 */
static int elf_add_load(struct elf_ctx *c, unsigned int i, const struct elf64_phdr *ph)
{
	struct elf_image *out = c->out;
	vsize_t ps = c->rules->page_size;
	struct elf_segment *prev, *s;

	if (out->nsegs == ELF_MAX_SEGMENTS)
		return elf_refuse(c, ELF_REJ_NSEGS, "more than %u PT_LOAD segments",
				  ELF_MAX_SEGMENTS);
	if (out->nsegs) {
		prev = &out->seg[out->nsegs - 1];
		if (ph->p_vaddr < prev->vaddr)
			return elf_refuse(c, ELF_REJ_ORDER, "phdr %u: vaddr %#llx below %#llx", i,
					  (unsigned long long)ph->p_vaddr,
					  (unsigned long long)prev->vaddr);
		/* Both ends lie below va_max, which is page aligned: no wrap. */
		if (ALIGN_UP(prev->vaddr + prev->memsz, ps) > ALIGN_DOWN(ph->p_vaddr, ps))
			return elf_refuse(c, ELF_REJ_OVERLAP,
					  "phdr %u: vaddr %#llx shares a page with [%#llx, +%#llx)",
					  i, (unsigned long long)ph->p_vaddr,
					  (unsigned long long)prev->vaddr,
					  (unsigned long long)prev->memsz);
	}
	s = &out->seg[out->nsegs++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->prot = ((ph->p_flags & PF_R) ? ELF_PROT_R : 0) |
		  ((ph->p_flags & PF_W) ? ELF_PROT_W : 0) | ((ph->p_flags & PF_X) ? ELF_PROT_X : 0);
	return 0;
}

/* elf_scan_phdrs: check every program header, collecting the PT_LOAD segments. */
static int elf_scan_phdrs(struct elf_ctx *c, const struct elf64_ehdr *eh)
{
	struct elf64_phdr ph;
	unsigned int i;
	int err;

	for (i = 0; i < eh->e_phnum; i++) {
		elf_read_phdr(c->img + eh->e_phoff + (uint64_t)i * ELF_PHDR_SIZE, &ph);
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return elf_refuse(c, ELF_REJ_DYNAMIC,
					  "phdr %u: type %u (dynamic linking unsupported)", i,
					  ph.p_type);
		if (ph.p_type != PT_LOAD)
			continue;
		err = elf_check_load_file(c, i, &ph);
		if (err)
			return err;
		if (ph.p_memsz == 0)
			continue;
		err = elf_check_load_mem(c, i, &ph);
		if (!err)
			err = elf_add_load(c, i, &ph);
		if (err)
			return err;
	}
	if (c->out->nsegs == 0)
		return elf_refuse(c, ELF_REJ_NOLOAD, "no non-empty PT_LOAD segment");
	return 0;
}

/* elf_find_exec: whether @addr lies in an executable segment of @img. */
static bool elf_find_exec(const struct elf_image *img, vaddr_t addr)
{
	for (unsigned int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->prot & ELF_PROT_X) && addr >= s->vaddr && addr - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

int elf_parse(const void *image, size_t size, const struct elf_rules *rules, struct elf_image *out)
{
	struct elf_ctx c = {.img = image, .size = size, .rules = rules, .out = out};
	struct elf64_ehdr eh;
	enum elf_reject why;
	int err;

	memset(out, 0, sizeof(*out));
	if (!elf_rules_ok(rules)) {
		log_err("invalid rules (window or page size)\n");
		out->reject = ELF_REJ_RULES;
		return -EINVAL;
	}
	if (!image || size < ELF_EHDR_SIZE) {
		err = elf_refuse(&c, ELF_REJ_SHORT, "%zu bytes, less than an ELF header",
				 image ? size : 0);
		goto fail;
	}
	elf_read_ehdr(c.img, &eh);
	err = elf_check_ehdr(&c, &eh);
	if (!err)
		err = elf_scan_phdrs(&c, &eh);
	if (err)
		goto fail;
	if (!elf_find_exec(out, eh.e_entry)) {
		err = elf_refuse(&c, ELF_REJ_ENTRY, "entry %#llx not in an executable segment",
				 (unsigned long long)eh.e_entry);
		goto fail;
	}
	out->entry = eh.e_entry;
	out->flags = eh.e_flags;
	return 0;
fail:
	why = out->reject;
	memset(out, 0, sizeof(*out));
	out->reject = why;
	return err;
}

/* elf_check_seg: the rules on one output segment, alone. */
static int elf_check_seg(const struct elf_image *img, unsigned int i, size_t size,
			 const struct elf_rules *r)
{
	const struct elf_segment *s = &img->seg[i];

	if (s->prot & ~(unsigned int)(ELF_PROT_R | ELF_PROT_W | ELF_PROT_X)) {
		log_err("seg %u: prot %#x has unknown bits\n", i, s->prot);
		return -EINVAL;
	}
	if ((s->prot & ELF_PROT_W) && (s->prot & (ELF_PROT_X | ELF_PROT_R)) != ELF_PROT_R) {
		log_err("seg %u: prot %#x breaks W^X or is write-only\n", i, s->prot);
		return -EINVAL;
	}
	if (s->memsz == 0 || s->filesz > s->memsz || s->offset > size ||
	    s->filesz > size - s->offset) {
		log_err("seg %u: sizes %#llx/%#llx at %#llx bad for a %#zx-byte file\n", i,
			(unsigned long long)s->filesz, (unsigned long long)s->memsz,
			(unsigned long long)s->offset, size);
		return -EINVAL;
	}
	if (s->vaddr < r->va_min || s->vaddr > r->va_max || s->memsz > r->va_max - s->vaddr ||
	    ((s->vaddr ^ s->offset) & (r->page_size - 1))) {
		log_err("seg %u: [%#llx, +%#llx) outside the window or incongruent\n", i,
			(unsigned long long)s->vaddr, (unsigned long long)s->memsz);
		return -EINVAL;
	}
	return 0;
}

int elf_check(const struct elf_image *img, size_t size, const struct elf_rules *r)
{
	vsize_t ps = r->page_size;
	unsigned int i, j;

	if (!elf_rules_ok(r)) {
		log_err("invalid rules (window or page size)\n");
		return -EINVAL;
	}
	if (img->nsegs == 0 || img->nsegs > ELF_MAX_SEGMENTS) {
		log_err("%u segments, need 1..%u\n", img->nsegs, ELF_MAX_SEGMENTS);
		return -EINVAL;
	}
	for (i = 0; i < img->nsegs; i++) {
		if (elf_check_seg(img, i, size, r))
			return -EINVAL;
		if (i && img->seg[i].vaddr <= img->seg[i - 1].vaddr) {
			log_err("seg %u: not above seg %u\n", i, i - 1);
			return -EINVAL;
		}
	}
	/* Pairwise, as page ranges [first, last] (inclusive: no rounding up). */
	for (i = 0; i < img->nsegs; i++) {
		for (j = i + 1; j < img->nsegs; j++) {
			const struct elf_segment *a = &img->seg[i], *b = &img->seg[j];

			if (a->vaddr / ps <= (b->vaddr + b->memsz - 1) / ps &&
			    b->vaddr / ps <= (a->vaddr + a->memsz - 1) / ps) {
				log_err("segs %u and %u share a page\n", i, j);
				return -EINVAL;
			}
		}
	}
	if (!elf_find_exec(img, img->entry)) {
		log_err("entry %#llx not in an executable segment\n",
			(unsigned long long)img->entry);
		return -EINVAL;
	}
	return 0;
}
