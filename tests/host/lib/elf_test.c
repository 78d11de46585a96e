/*
 * tests/host/lib/elf_test.c: lib/elf.c against real executables built at
 * test time (riscv64-unknown-elf-gcc, and gcc for x86-64, from tiny C
 * sources), checked against readelf; then against each malformation the
 * validator must refuse, made by editing a copy of the real bytes (with the
 * rule expected to refuse it) and the accepted boundary cases next to
 * them; every truncation length; and thousands of seeded random
 * corruptions. Whatever parses is re-checked against the raw bytes by
 * indep_check(), written here without the library's code, and by
 * elf_check(). Buffers are malloc'ed at their exact size for ASan.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pagoda/errno.h>
#include <lib/elf.h>
#include "test.h"

#pragma GCC diagnostic ignored "-Wformat-zero-length"
/* edits[] names only the fields each kind of edit uses */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define VA_MIN 0x10000ULL
#define VA_MAX (1ULL << 38)	/* Sv39's user half */
#define PS 4096ULL

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

/* Little-endian field access at a byte offset (the host is little-endian, but say so). */
static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, unsigned int n, uint64_t v)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header field's offset and size, for get_le()/put_le(). */
#define EHF(f) offsetof(struct elf64_ehdr, f), sizeof(((struct elf64_ehdr *)0)->f)
#define PHF(f) offsetof(struct elf64_phdr, f), sizeof(((struct elf64_phdr *)0)->f)
#define EH(b, f) get_le((b) + EHF(f))
#define SET_EH(b, f, v) put_le((b) + EHF(f), (v))
#define PH_AT(b, i) ((b) + EH(b, e_phoff) + (uint64_t)(i) * ELF_PHDR_SIZE)
#define PH(b, i, f) get_le(PH_AT(b, i) + PHF(f))
#define SET_PH(b, i, f, v) put_le(PH_AT(b, i) + PHF(f), (v))

static struct elf_rules rules_for(uint16_t machine)
{
	return (struct elf_rules){ .machine = machine, .va_min = VA_MIN, .va_max = VA_MAX,
				   .page_size = PS, .quiet = true };
}

/* ---------------------------------------------- the independent check -- */

static bool pages_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	unsigned __int128 a0 = a / PS, a1 = ((unsigned __int128)a + alen + PS - 1) / PS;
	unsigned __int128 b0 = b / PS, b1 = ((unsigned __int128)b + blen + PS - 1) / PS;

	return a0 < b1 && b0 < a1;
}

/* indep_seg: PT_LOAD @ph (raw) against the rules and against the output @s. */
static const char *indep_seg(const struct elf64_phdr *ph, const struct elf_segment *s, size_t len,
			     const struct elf_rules *r)
{
	uint64_t end;
	unsigned int prot = (ph->p_flags & PF_R ? ELF_PROT_R : 0) |
			    (ph->p_flags & PF_W ? ELF_PROT_W : 0) |
			    (ph->p_flags & PF_X ? ELF_PROT_X : 0);

	if (s->vaddr != ph->p_vaddr || s->memsz != ph->p_memsz || s->offset != ph->p_offset ||
	    s->filesz != ph->p_filesz || s->prot != prot)
		return "segment differs from its phdr";
	if (ph->p_flags > 7 || ((ph->p_flags & PF_W) && (ph->p_flags & (PF_X | PF_R)) != PF_R))
		return "flags";
	if (ph->p_align > 1 && (__builtin_popcountll(ph->p_align) != 1 ||
				(ph->p_vaddr % ph->p_align) != (ph->p_offset % ph->p_align)))
		return "p_align";
	if (ph->p_filesz > ph->p_memsz || __builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) ||
	    end > len)
		return "file bytes";
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end) || ph->p_vaddr < r->va_min ||
	    end > r->va_max)
		return "window";
	if (ph->p_vaddr % PS != ph->p_offset % PS)
		return "congruence";
	return NULL;
}

/* indep_check: re-derive everything elf_parse() promised from the raw bytes @b. NULL if fine. */
static const char *indep_check(const uint8_t *b, size_t len, const struct elf_rules *r,
			       const struct elf_image *img)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[ELF_MAX_PHDRS];
	unsigned int nload = 0, i, j;
	bool entry_ok = false;
	const char *why;

	if (len < sizeof(eh))
		return "short";
	memcpy(&eh, b, sizeof(eh));
	if (memcmp(eh.e_ident, "\177ELF\2\1\1", 7) || (eh.e_ident[7] != 0 && eh.e_ident[7] != 3) ||
	    eh.e_ident[8] || eh.e_type != 2 || eh.e_machine != r->machine || eh.e_version != 1 ||
	    eh.e_ehsize != 64 || eh.e_phentsize != 56 || (eh.e_shnum && eh.e_shentsize != 64))
		return "ELF header";
	if (eh.e_phnum < 1 || eh.e_phnum > ELF_MAX_PHDRS || eh.e_phoff < 64 || eh.e_phoff > len ||
	    len - eh.e_phoff < eh.e_phnum * 56ULL)
		return "phdr table";
	memcpy(ph, b + eh.e_phoff, eh.e_phnum * sizeof(ph[0]));
	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP || ph[i].p_type == PT_DYNAMIC)
			return "dynamic";
		if (ph[i].p_type != PT_LOAD || (ph[i].p_memsz == 0 && ph[i].p_filesz == 0))
			continue;
		if (nload == img->nsegs)
			return "a PT_LOAD is missing from the output";
		why = indep_seg(&ph[i], &img->seg[nload++], len, r);
		if (why)
			return why;
	}
	if (nload != img->nsegs || nload == 0 || nload > ELF_MAX_SEGMENTS)
		return "segment count";
	for (i = 0; i < nload; i++) {
		const struct elf_segment *s = &img->seg[i];

		for (j = i + 1; j < nload; j++)
			if (pages_meet(s->vaddr, s->memsz, img->seg[j].vaddr, img->seg[j].memsz) ||
			    img->seg[j].vaddr < s->vaddr)
				return "overlap or order";
		entry_ok |= (s->prot & ELF_PROT_X) && eh.e_entry >= s->vaddr &&
			    eh.e_entry - s->vaddr < s->memsz;
	}
	if (!entry_ok || img->entry != eh.e_entry || img->flags != eh.e_flags ||
	    img->reject != ELF_OK)
		return "entry";
	return elf_check(img, len, r) ? "elf_check" : NULL;
}

/* parse_copy: elf_parse() on an exact-size copy; then either the checks or a proper refusal. */
static int parse_copy(const uint8_t *b, size_t len, const struct elf_rules *r,
		      struct elf_image *img, const char **why)
{
	uint8_t *c = dup_exact(b, len);
	static const struct elf_image zero;
	int err = elf_parse(c, len, r, img);

	*why = NULL;
	if (err == 0)
		*why = indep_check(c, len, r, img);
	else if (err != -ENOEXEC || img->reject <= ELF_OK || img->reject >= ELF_REJ_COUNT)
		*why = "bad error";
	else if (img->nsegs || img->entry || memcmp(img->seg, zero.seg, sizeof(zero.seg)))
		*why = "output not cleared";
	free(c);
	return err;
}

/* ------------------------------------------------- real executables -- */

static const char tiny_src[] = "static const char msg[] = \"pagoda\";\n"
			       "int counter = 5;\n"
			       "int zeros[100];\n"
			       "void _start(void)\n"
			       "{\n"
			       "	volatile int x = msg[1] + counter + zeros[3];\n"
			       "	for (;;)\n"
			       "		x++;\n"
			       "}\n";

static const char big_src[] = "static const unsigned int table[3000] = { 1, 2, 3 };\n"
			      "unsigned int data[5000] = { 7 };\n"
			      "char bss[1 << 20];\n"
			      "static unsigned int f(unsigned int i)\n"
			      "{\n"
			      "	return table[i % 3000] + data[i % 5000] + bss[i % sizeof(bss)];\n"
			      "}\n"
			      "void _start(void)\n"
			      "{\n"
			      "	volatile unsigned int s = 0;\n"
			      "	for (unsigned int i = 0;; i++)\n"
			      "		s += f(i);\n"
			      "}\n";

#define RV_CC                                                                  \
	"riscv64-unknown-elf-gcc -nostdlib -static -Wl,-e,_start -O2 -march=rv64imac -mabi=lp64"
#define X86_CC "gcc -nostdlib -static -no-pie -fno-stack-protector -Wl,-e,_start -O2"

/* A program to build, and what readelf says about it. */
struct prog {
	const char *name;
	bool riscv;
	const char *src;
	const char *flags;
	/* filled by prog_build() */
	uint8_t *b;
	size_t len;
	uint64_t entry, phoff, phnum;
	unsigned int nload;
	struct elf_segment load[ELF_MAX_SEGMENTS];
};

static struct prog progs[] = {
	{ .name = "rv_tiny", .riscv = true, .src = tiny_src, .flags = "" },
	{ .name = "rv_big", .riscv = true, .src = big_src, .flags = "" },
	{ .name = "rv_high", .riscv = true, .src = tiny_src,
	  .flags = "-mcmodel=medany -Wl,-Ttext-segment=0x3ffffe0000" },
	{ .name = "x86_tiny", .riscv = false, .src = tiny_src, .flags = "" },
	{ .name = "x86_small", .riscv = false, .src = tiny_src, .flags = "-Wl,-z,noseparate-code" },
	{ .name = "x86_big", .riscv = false, .src = big_src, .flags = "" },
};

static char tmpdir[64];

static void tmpdir_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (tmpdir[0] && system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
}

static const char *tmp_path(const char *name, const char *ext)
{
	static char path[4][160];
	static int k;

	k = (k + 1) % 4;
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/pagoda-elf-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
		atexit(tmpdir_remove);
	}
	snprintf(path[k], sizeof(path[k]), "%s/%s%s", tmpdir, name, ext);
	return path[k];
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

/* compile: @src with @cc and @flags into a file named @name; its bytes, or NULL. */
static uint8_t *compile(const char *cc, const char *name, const char *src, const char *flags,
			size_t *len)
{
	const char *c_path = tmp_path(name, ".c"), *out = tmp_path(name, "");
	char cmd[600];
	FILE *fp = fopen(c_path, "w");

	if (!fp)
		return NULL;
	fputs(src, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "%s %s %s -o %s 2>/dev/null", cc, flags, c_path, out);
	if (system(cmd) != 0)
		return NULL;
	return slurp(out, len);
}

/* readelf_line: parse one line of `readelf -hlW` into @p. */
static void readelf_line(struct prog *p, const char *line)
{
	unsigned long long off, va, fs, ms;
	const char *s;
	int n = 0;

	if ((s = strstr(line, "Entry point address:")))
		p->entry = strtoull(s + 20, NULL, 16);
	else if ((s = strstr(line, "Start of program headers:")))
		p->phoff = strtoull(s + 25, NULL, 10);
	else if ((s = strstr(line, "Number of program headers:")))
		p->phnum = strtoull(s + 26, NULL, 10);
	else if (sscanf(line, " LOAD %llx %llx %*x %llx %llx%n", &off, &va, &fs, &ms, &n) == 4 &&
		 n > 0 && ms > 0 && p->nload < ELF_MAX_SEGMENTS) {
		/* the flags column: three characters "RWE", blank where unset */
		s = line + n + 1;
		p->load[p->nload++] = (struct elf_segment){
			.vaddr = va, .memsz = ms, .offset = off, .filesz = fs,
			.prot = (s[0] == 'R' ? ELF_PROT_R : 0) | (s[1] == 'W' ? ELF_PROT_W : 0) |
				(s[2] == 'E' ? ELF_PROT_X : 0),
		};
	}
}

/* prog_get: program @i, built (once) and described by readelf. */
static struct prog *prog_get(size_t i)
{
	struct prog *p = &progs[i];
	char cmd[300], line[300];
	FILE *fp;

	if (p->b)
		return p;
	p->b = compile(p->riscv ? RV_CC : X86_CC, p->name, p->src, p->flags, &p->len);
	if (!p->b)
		return NULL;
	snprintf(cmd, sizeof(cmd), "%s -hlW %s", p->riscv ? "riscv64-unknown-elf-readelf" : "readelf",
		 tmp_path(p->name, ""));
	fp = popen(cmd, "r");
	while (fp && fgets(line, sizeof(line), fp))
		readelf_line(p, line);
	if (!fp || pclose(fp) != 0 || p->nload == 0)
		return NULL;
	return p;
}

static struct elf_rules prog_rules(const struct prog *p)
{
	return rules_for(p->riscv ? EM_RISCV : EM_X86_64);
}

TEST(real_executables_match_readelf)
{
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		struct prog *p = prog_get(i);
		struct elf_image img;
		struct elf_rules r;
		const char *why;

		REQUIRE(p, "could not build or readelf %s", progs[i].name);
		r = prog_rules(p);
		r.quiet = false;
		printf("# %s: %zu bytes, entry %#llx, %u PT_LOAD\n", p->name, p->len,
		       (unsigned long long)p->entry, p->nload);
		REQUIRE(parse_copy(p->b, p->len, &r, &img, &why) == 0, "%s", p->name);
		CHECK(!why, "%s: %s", p->name, why);
		CHECK_EQ(img.entry, p->entry);
		REQUIRE(img.nsegs == p->nload, "%s: %u segments, readelf %u", p->name, img.nsegs,
			p->nload);
		for (unsigned int s = 0; s < img.nsegs; s++)
			CHECK(!memcmp(&img.seg[s], &p->load[s], sizeof(img.seg[s])),
			      "%s segment %u", p->name, s);
		CHECK(img.seg[0].prot == (ELF_PROT_R | ELF_PROT_X) || !p->riscv);
		CHECK(img.seg[img.nsegs - 1].prot == (ELF_PROT_R | ELF_PROT_W));
	}
}

/* refuse_built: build @src with @cc/@flags; elf_parse must refuse it for @why. */
static void refuse_built(const char *cc, const char *name, const char *src, const char *flags,
			 uint16_t machine, enum elf_reject expect)
{
	struct elf_rules r = rules_for(machine);
	struct elf_image img;
	const char *why;
	size_t len;
	uint8_t *b = compile(cc, name, src, flags, &len);

	REQUIRE(b, "could not build %s", name);
	r.quiet = false;
	CHECK_EQ(parse_copy(b, len, &r, &img, &why), -ENOEXEC);
	CHECK(!why, "%s: %s", name, why);
	CHECK(img.reject == expect, "%s: refused for %s, expected %s", name,
	      elf_reject_name(img.reject), elf_reject_name(expect));
	free(b);
}

TEST(real_executables_refused)
{
	static const char dyn_src[] = "int main(void)\n{\n\treturn 0;\n}\n";

	/* -N: text and data in one RWX segment */
	refuse_built(RV_CC, "rv_omagic", tiny_src, "-Wl,-N", EM_RISCV, ELF_REJ_WX);
	/* linked above the window: [2^38, ...) */
	refuse_built(RV_CC, "rv_above", tiny_src, "-mcmodel=medany -Wl,-Ttext-segment=0x4000000000",
		     EM_RISCV, ELF_REJ_RANGE);
	/* the right file for the wrong machine */
	refuse_built(X86_CC, "x86_as_rv", tiny_src, "", EM_RISCV, ELF_REJ_MACHINE);
	/* a dynamically linked program (PT_INTERP, PT_DYNAMIC) */
	refuse_built("gcc -no-pie", "x86_dynamic", dyn_src, "", EM_X86_64, ELF_REJ_DYNAMIC);
	/* a position-independent executable is ET_DYN */
	refuse_built("gcc -nostdlib -pie -fPIE -Wl,-e,_start", "x86_pie", tiny_src, "", EM_X86_64,
		     ELF_REJ_TYPE);
}

/* ---------------------------------------------------- malformations -- */

/* A working copy of a real executable, and the rules it is parsed with. */
struct work {
	uint8_t *b;
	size_t len;
	struct elf_rules r;
};

/* load_ph: phdr index of the @k-th non-empty PT_LOAD (k < 0: the last), or -1. */
static int load_ph(const struct work *w, int k)
{
	int last = -1;

	for (unsigned int i = 0; i < EH(w->b, e_phnum); i++) {
		if (PH(w->b, i, p_type) != PT_LOAD || PH(w->b, i, p_memsz) == 0)
			continue;
		if (k-- == 0)
			return (int)i;
		last = (int)i;
	}
	return k < 0 ? last : -1;
}

/* text_ph: the phdr index of the segment holding the entry point. */
static int text_ph(const struct work *w)
{
	uint64_t e = EH(w->b, e_entry);

	for (int k = 0, i; (i = load_ph(w, k)) >= 0; k++)
		if (e >= PH(w->b, i, p_vaddr) && e - PH(w->b, i, p_vaddr) < PH(w->b, i, p_memsz))
			return i;
	return -1;
}

/* next_ph: the PT_LOAD after phdr @i, or -1. */
static int next_ph(const struct work *w, int i)
{
	for (int k = 0, j; (j = load_ph(w, k)) >= 0; k++)
		if (j == i)
			return load_ph(w, k + 1);
	return -1;
}

/* grow_phdrs: move the table to the end of the file with room for @extra more entries. */
static void grow_phdrs(struct work *w, unsigned int extra)
{
	size_t tab = (size_t)EH(w->b, e_phnum) * ELF_PHDR_SIZE, at = (w->len + 7) & ~(size_t)7;
	uint8_t *nb = calloc(1, at + tab + extra * ELF_PHDR_SIZE);

	memcpy(nb, w->b, w->len);
	memcpy(nb + at, w->b + EH(w->b, e_phoff), tab);
	free(w->b);
	w->b = nb;
	w->len = at + tab + extra * ELF_PHDR_SIZE;
	SET_EH(w->b, e_phoff, at);
}

/* add_ph: append a program header (room made by grow_phdrs()). */
static void add_ph(struct work *w, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
		   uint64_t filesz, uint64_t memsz)
{
	unsigned int i = (unsigned int)EH(w->b, e_phnum);

	SET_EH(w->b, e_phnum, i + 1);
	SET_PH(w->b, i, p_type, type);
	SET_PH(w->b, i, p_flags, flags);
	SET_PH(w->b, i, p_offset, off);
	SET_PH(w->b, i, p_vaddr, va);
	SET_PH(w->b, i, p_filesz, filesz);
	SET_PH(w->b, i, p_memsz, memsz);
	SET_PH(w->b, i, p_align, PS);
}

/* add_loads: grow to @total non-empty PT_LOADs, one page each above the last one. */
static void add_loads(struct work *w, unsigned int total)
{
	int last = load_ph(w, -1), n = 0;
	uint64_t va = (PH(w->b, last, p_vaddr) + PH(w->b, last, p_memsz) + PS - 1) & ~(PS - 1);

	while (load_ph(w, n) >= 0)
		n++;
	grow_phdrs(w, total - (unsigned int)n);
	for (unsigned int i = (unsigned int)n; i < total; i++, va += PS)
		add_ph(w, PT_LOAD, PF_R, 0, va, 8, PS);
}

enum edit_kind {
	K_SET, K_MACHINE, K_SHENTSIZE, K_NO_SECTIONS, K_PHOFF_END, K_PHNUM_PAST, K_TRUNC, K_ENTRY,
	K_NONLOAD_TYPE, K_NO_LOADS, K_FLAGS_TEXT, K_FLAGS_DATA, K_ALIGN, K_FILESZ, K_FILE_PAST,
	K_OFFSET_HUGE, K_VADDR_LOW, K_VADDR_WRAP, K_END_MAX, K_RULE_MIN, K_CONGRUENT,
	K_OVERLAP_BYTES, K_OVERLAP_PAGE, K_ADJACENT, K_SWAP, K_LOADS, K_PHDRS, K_EXTRA_PH,
};

struct edit {
	const char *name;
	enum edit_kind kind;
	uint64_t arg;
	enum elf_reject expect;	/* ELF_OK: a boundary case that must still parse */
	size_t off, size;	/* K_SET: the ELF header bytes that become @arg */
};

/* edit_header: apply an ELF-header edit. false if not applicable to this file. */
static bool edit_header(struct work *w, const struct edit *e)
{
	int t = text_ph(w);
	uint64_t arg = e->arg;

	switch (e->kind) {
	case K_SET:
		put_le(w->b + e->off, (unsigned int)e->size, arg);
		return true;
	case K_MACHINE:
		SET_EH(w->b, e_machine, EH(w->b, e_machine) == EM_RISCV ? EM_X86_64 : EM_RISCV);
		return true;
	case K_SHENTSIZE:
		SET_EH(w->b, e_shentsize, arg);
		return EH(w->b, e_shnum) != 0;
	case K_NO_SECTIONS:
		SET_EH(w->b, e_shnum, 0);
		SET_EH(w->b, e_shentsize, arg);
		return true;
	case K_PHOFF_END:	/* the table moved to the very end of the file, then @arg further */
		grow_phdrs(w, 0);
		SET_EH(w->b, e_phoff, EH(w->b, e_phoff) + arg);
		return true;
	case K_PHNUM_PAST:
		SET_EH(w->b, e_phnum, (w->len - EH(w->b, e_phoff)) / ELF_PHDR_SIZE + 1);
		return EH(w->b, e_phnum) <= ELF_MAX_PHDRS;
	case K_TRUNC:
		w->len = arg;
		return true;
	default:	/* K_ENTRY: 0 text start, 1 text end - 1, 2 text end, 3 data start, 4 zero */
		if (arg < 3)
			SET_EH(w->b, e_entry, PH(w->b, t, p_vaddr) +
						      (arg ? PH(w->b, t, p_memsz) - 2 + arg : 0));
		else
			SET_EH(w->b, e_entry, arg == 3 ? PH(w->b, load_ph(w, -1), p_vaddr) : 0);
		return true;
	}
}

/* edit_more: edits to the program header table. false if not applicable. */
static bool edit_more(struct work *w, enum edit_kind kind, uint64_t arg)
{
	uint8_t tmp[ELF_PHDR_SIZE];
	int i;

	switch (kind) {
	case K_NONLOAD_TYPE:	/* the first program header that is not PT_LOAD */
		for (i = 0; i < (int)EH(w->b, e_phnum) && PH(w->b, i, p_type) == PT_LOAD; i++)
			;
		SET_PH(w->b, i, p_type, arg);
		return i < (int)EH(w->b, e_phnum);
	case K_NO_LOADS:	/* 0: every PT_LOAD becomes PT_NOTE; 1: every one empty */
		for (i = 0; i < (int)EH(w->b, e_phnum); i++) {
			if (PH(w->b, i, p_type) != PT_LOAD)
				continue;
			SET_PH(w->b, i, p_type, arg ? PT_LOAD : PT_NOTE);
			SET_PH(w->b, i, p_filesz, arg ? 0 : PH(w->b, i, p_filesz));
			SET_PH(w->b, i, p_memsz, arg ? 0 : PH(w->b, i, p_memsz));
		}
		return true;
	case K_SWAP:
		memcpy(tmp, PH_AT(w->b, load_ph(w, 0)), sizeof(tmp));
		memcpy(PH_AT(w->b, load_ph(w, 0)), PH_AT(w->b, load_ph(w, 1)), sizeof(tmp));
		memcpy(PH_AT(w->b, load_ph(w, 1)), tmp, sizeof(tmp));
		return true;
	case K_LOADS:
		add_loads(w, (unsigned int)arg);
		return true;
	case K_PHDRS:	/* pad with PT_NULL up to @arg program headers */
		i = (int)EH(w->b, e_phnum);
		grow_phdrs(w, (unsigned int)arg - (unsigned int)i);
		while (i++ < (int)arg)
			add_ph(w, PT_NULL, 0, 0, 0, 0, 0);
		return true;
	default:
		/* K_EXTRA_PH: 0 empty PT_LOAD, 1 one with a file byte, 2 wild note, 3 W+X empty */
		grow_phdrs(w, 1);
		if (arg == 2)
			add_ph(w, PT_NOTE, PF_R | PF_W | PF_X | 0xf0000, -1, -1, -1, 5);
		else
			add_ph(w, PT_LOAD, arg == 3 ? PF_W | PF_X : PF_R, 0, 0, arg == 1, 0);
		return true;
	}
}

/* edit_load: apply an edit to the PT_LOAD segments. false if not applicable. */
static bool edit_load(struct work *w, enum edit_kind kind, uint64_t arg)
{
	int t = text_ph(w), d = load_ph(w, -1), nx = next_ph(w, t);
	uint64_t tva = PH(w->b, t, p_vaddr), low = PH(w->b, d, p_vaddr) % PS;

	switch (kind) {
	case K_FLAGS_TEXT:
		SET_PH(w->b, t, p_flags, arg);
		return true;
	case K_FLAGS_DATA:
		SET_PH(w->b, d, p_flags, arg);
		return d != t;
	case K_ALIGN:
		SET_PH(w->b, d, p_align, arg);
		return true;
	case K_FILESZ:
		SET_PH(w->b, d, p_filesz, PH(w->b, d, p_memsz) + 1);
		return true;
	case K_FILE_PAST:
		SET_PH(w->b, d, p_filesz, w->len - PH(w->b, d, p_offset) + arg);
		SET_PH(w->b, d, p_memsz, w->len - PH(w->b, d, p_offset) + arg);
		return true;
	case K_OFFSET_HUGE:
		SET_PH(w->b, d, p_offset, -PS + low);
		return true;
	case K_VADDR_LOW:
		SET_PH(w->b, t, p_vaddr, VA_MIN - PS + tva % PS);
		return true;
	case K_VADDR_WRAP:
		SET_PH(w->b, d, p_vaddr, -PS + low);
		SET_PH(w->b, d, p_memsz, PH(w->b, d, p_filesz) + 2 * PS);
		return true;
	case K_END_MAX:
		SET_PH(w->b, d, p_memsz, VA_MAX - PH(w->b, d, p_vaddr) + arg);
		return true;
	case K_RULE_MIN:
		w->r.va_min = (PH(w->b, load_ph(w, 0), p_vaddr) & ~(PS - 1)) + arg;
		return true;
	case K_CONGRUENT:
		SET_PH(w->b, d, p_align, 0);
		SET_PH(w->b, d, p_offset, PH(w->b, d, p_offset) - arg);
		return true;
	case K_OVERLAP_BYTES:
	case K_OVERLAP_PAGE:
	case K_ADJACENT:
		/* stretch the text segment into (or up to) the next segment's first page */
		if (nx < 0)
			return false;
		arg = PH(w->b, nx, p_vaddr);
		arg = (kind == K_OVERLAP_BYTES ? arg + 1 : (arg & ~(PS - 1)) + (kind != K_ADJACENT)) - tva;
		SET_PH(w->b, t, p_memsz, arg);
		return arg >= PH(w->b, t, p_filesz);
	default:
		return edit_more(w, kind, arg);
	}
}

/* Set byte @i of e_ident, or ELF header field @f, to @v. */
#define ID(i, v) .kind = K_SET, .off = (i), .size = 1, .arg = (v)
#define F(f, v)                                                                \
	.kind = K_SET, .off = offsetof(struct elf64_ehdr, f), .size = sizeof(eh0.f), .arg = (v)

static const struct elf64_ehdr eh0;

static const struct edit edits[] = {
	{ "magic 0", ID(0, 0x7e), .expect = ELF_REJ_MAGIC },
	{ "magic 1", ID(1, 'e'), .expect = ELF_REJ_MAGIC },
	{ "magic 2", ID(2, 'l'), .expect = ELF_REJ_MAGIC },
	{ "magic 3", ID(3, 0), .expect = ELF_REJ_MAGIC },
	{ "class 32", ID(EI_CLASS, 1), .expect = ELF_REJ_CLASS },
	{ "class 0", ID(EI_CLASS, 0), .expect = ELF_REJ_CLASS },
	{ "class 3", ID(EI_CLASS, 3), .expect = ELF_REJ_CLASS },
	{ "big endian", ID(EI_DATA, 2), .expect = ELF_REJ_DATA },
	{ "data 0", ID(EI_DATA, 0), .expect = ELF_REJ_DATA },
	{ "ident version 0", ID(EI_VERSION, 0), .expect = ELF_REJ_VERSION },
	{ "ident version 2", ID(EI_VERSION, 2), .expect = ELF_REJ_VERSION },
	{ "e_version 0", F(e_version, 0), .expect = ELF_REJ_VERSION },
	{ "e_version 2", F(e_version, 2), .expect = ELF_REJ_VERSION },
	{ "OSABI HP-UX", ID(EI_OSABI, 1), .expect = ELF_REJ_OSABI },
	{ "OSABI FreeBSD", ID(EI_OSABI, 9), .expect = ELF_REJ_OSABI },
	{ "OSABI standalone", ID(EI_OSABI, 255), .expect = ELF_REJ_OSABI },
	{ "ABI version 1", ID(EI_ABIVERSION, 1), .expect = ELF_REJ_OSABI },
	{ "OSABI GNU (ok)", ID(EI_OSABI, ELFOSABI_GNU), .expect = ELF_OK },
	{ "ident padding (ok)", ID(12, 0x55), .expect = ELF_OK },
	{ "ET_NONE", F(e_type, 0), .expect = ELF_REJ_TYPE },
	{ "ET_REL", F(e_type, 1), .expect = ELF_REJ_TYPE },
	{ "ET_DYN", F(e_type, ET_DYN), .expect = ELF_REJ_TYPE },
	{ "ET_CORE", F(e_type, 4), .expect = ELF_REJ_TYPE },
	{ "ET_LOOS", F(e_type, 0xfe00), .expect = ELF_REJ_TYPE },
	{ "other machine", K_MACHINE, 0, ELF_REJ_MACHINE },
	{ "e_ehsize 63", F(e_ehsize, 63), .expect = ELF_REJ_HDRSIZE },
	{ "e_ehsize 65", F(e_ehsize, 65), .expect = ELF_REJ_HDRSIZE },
	{ "e_ehsize 0", F(e_ehsize, 0), .expect = ELF_REJ_HDRSIZE },
	{ "e_phentsize 55", F(e_phentsize, 55), .expect = ELF_REJ_HDRSIZE },
	{ "e_phentsize 57", F(e_phentsize, 57), .expect = ELF_REJ_HDRSIZE },
	{ "e_phentsize 64", F(e_phentsize, 64), .expect = ELF_REJ_HDRSIZE },
	{ "e_shentsize 40", K_SHENTSIZE, 40, ELF_REJ_HDRSIZE },
	{ "e_shentsize 0", K_SHENTSIZE, 0, ELF_REJ_HDRSIZE },
	{ "no sections (ok)", K_NO_SECTIONS, 0, ELF_OK },
	{ "e_phnum 0", F(e_phnum, 0), .expect = ELF_REJ_PHNUM },
	{ "e_phnum 65", F(e_phnum, ELF_MAX_PHDRS + 1), .expect = ELF_REJ_PHNUM },
	{ "e_phnum PN_XNUM", F(e_phnum, 0xffff), .expect = ELF_REJ_PHNUM },
	{ "phdrs over the header", F(e_phoff, 0), .expect = ELF_REJ_PHTAB },
	{ "phdrs at byte 63", F(e_phoff, 63), .expect = ELF_REJ_PHTAB },
	{ "phdrs one past the end", K_PHOFF_END, 1, ELF_REJ_PHTAB },
	{ "phdrs ending at the end (ok)", K_PHOFF_END, 0, ELF_OK },
	{ "e_phoff huge", F(e_phoff, UINT64_MAX - 8), .expect = ELF_REJ_PHTAB },
	{ "e_phoff 2^63", F(e_phoff, 1ULL << 63), .expect = ELF_REJ_PHTAB },
	{ "e_phnum past the end", K_PHNUM_PAST, 0, ELF_REJ_PHTAB },
	{ "64 program headers (ok)", K_PHDRS, ELF_MAX_PHDRS, ELF_OK },
	{ "65 program headers", K_PHDRS, ELF_MAX_PHDRS + 1, ELF_REJ_PHNUM },
	{ "PT_INTERP", K_NONLOAD_TYPE, PT_INTERP, ELF_REJ_DYNAMIC },
	{ "PT_DYNAMIC", K_NONLOAD_TYPE, PT_DYNAMIC, ELF_REJ_DYNAMIC },
	{ "PT_TLS (ignored, ok)", K_NONLOAD_TYPE, 7, ELF_OK },
	{ "PT_GNU_STACK (ignored, ok)", K_NONLOAD_TYPE, 0x6474e551, ELF_OK },
	{ "16 PT_LOAD (ok)", K_LOADS, ELF_MAX_SEGMENTS, ELF_OK },
	{ "17 PT_LOAD", K_LOADS, ELF_MAX_SEGMENTS + 1, ELF_REJ_NSEGS },
	{ "empty PT_LOAD (skipped, ok)", K_EXTRA_PH, 0, ELF_OK },
	{ "empty PT_LOAD with a file byte", K_EXTRA_PH, 1, ELF_REJ_FILESZ },
	{ "wild PT_NOTE (ignored, ok)", K_EXTRA_PH, 2, ELF_OK },
	{ "empty W+X PT_LOAD", K_EXTRA_PH, 3, ELF_REJ_WX },
	{ "no PT_LOAD", K_NO_LOADS, 0, ELF_REJ_NOLOAD },
	{ "only empty PT_LOAD", K_NO_LOADS, 1, ELF_REJ_NOLOAD },
	{ "text RWX", K_FLAGS_TEXT, PF_R | PF_W | PF_X, ELF_REJ_WX },
	{ "text WX", K_FLAGS_TEXT, PF_W | PF_X, ELF_REJ_WX },
	{ "data RWX", K_FLAGS_DATA, PF_R | PF_W | PF_X, ELF_REJ_WX },
	{ "data write-only", K_FLAGS_DATA, PF_W, ELF_REJ_FLAGS },
	{ "data flag 0x8", K_FLAGS_DATA, PF_R | 0x8, ELF_REJ_FLAGS },
	{ "data PF_MASKOS bit", K_FLAGS_DATA, PF_R | 0x00100000, ELF_REJ_FLAGS },
	{ "data PF_MASKPROC bit", K_FLAGS_DATA, PF_R | 0x80000000, ELF_REJ_FLAGS },
	{ "data no access (ok)", K_FLAGS_DATA, 0, ELF_OK },
	{ "text execute-only (ok)", K_FLAGS_TEXT, PF_X, ELF_OK },
	{ "p_align 3", K_ALIGN, 3, ELF_REJ_ALIGN },
	{ "p_align 0x1001", K_ALIGN, 0x1001, ELF_REJ_ALIGN },
	{ "p_align 2^40", K_ALIGN, 1ULL << 40, ELF_REJ_ALIGN },
	{ "p_align 0 (ok)", K_ALIGN, 0, ELF_OK },
	{ "p_align 1 (ok)", K_ALIGN, 1, ELF_OK },
	{ "filesz > memsz", K_FILESZ, 0, ELF_REJ_FILESZ },
	{ "file bytes one past the end", K_FILE_PAST, 1, ELF_REJ_FILE },
	{ "file bytes to the end (ok)", K_FILE_PAST, 0, ELF_OK },
	{ "offset near 2^64", K_OFFSET_HUGE, 0, ELF_REJ_FILE },
	{ "below va_min", K_VADDR_LOW, 0, ELF_REJ_RANGE },
	{ "vaddr + memsz wraps", K_VADDR_WRAP, 0, ELF_REJ_RANGE },
	{ "ends at va_max (ok)", K_END_MAX, 0, ELF_OK },
	{ "ends past va_max", K_END_MAX, 1, ELF_REJ_RANGE },
	{ "va_min at the first page (ok)", K_RULE_MIN, 0, ELF_OK },
	{ "va_min one page higher", K_RULE_MIN, PS, ELF_REJ_RANGE },
	{ "offset off by 1", K_CONGRUENT, 1, ELF_REJ_CONGRUENT },
	{ "offset off by 8", K_CONGRUENT, 8, ELF_REJ_CONGRUENT },
	{ "segments overlap", K_OVERLAP_BYTES, 0, ELF_REJ_OVERLAP },
	{ "segments share a page", K_OVERLAP_PAGE, 0, ELF_REJ_OVERLAP },
	{ "segments on adjacent pages (ok)", K_ADJACENT, 0, ELF_OK },
	{ "PT_LOAD out of order", K_SWAP, 0, ELF_REJ_ORDER },
	{ "entry at text start (ok)", K_ENTRY, 0, ELF_OK },
	{ "entry at text's last byte (ok)", K_ENTRY, 1, ELF_OK },
	{ "entry just past text", K_ENTRY, 2, ELF_REJ_ENTRY },
	{ "entry in data", K_ENTRY, 3, ELF_REJ_ENTRY },
	{ "entry 0", K_ENTRY, 4, ELF_REJ_ENTRY },
	{ "empty file", K_TRUNC, 0, ELF_REJ_SHORT },
	{ "63 bytes", K_TRUNC, 63, ELF_REJ_SHORT },
	{ "just the ELF header", K_TRUNC, 64, ELF_REJ_PHTAB },
};

static bool apply(struct work *w, const struct edit *e)
{
	return e->kind < K_NONLOAD_TYPE ? edit_header(w, e) : edit_load(w, e->kind, e->arg);
}

TEST(each_malformation)
{
	unsigned int applied = 0, skipped = 0;

	for (size_t pi = 0; pi < ARRAY_SIZE(progs); pi++) {
		struct prog *p = prog_get(pi);

		REQUIRE(p);
		for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
			const struct edit *e = &edits[i];
			struct work w = { .b = dup_exact(p->b, p->len), .len = p->len,
					  .r = prog_rules(p) };
			struct elf_image img;
			const char *why;
			int err;

			/* the log line of each refusal, for the first program only */
			w.r.quiet = pi != 0;
			if (!apply(&w, e)) {
				skipped++;
				free(w.b);
				continue;
			}
			applied++;
			err = parse_copy(w.b, w.len, &w.r, &img, &why);
			CHECK(!why, "%s, %s: %s", p->name, e->name, why);
			CHECK(err == (e->expect == ELF_OK ? 0 : -ENOEXEC) && img.reject == e->expect,
			      "%s, %s: got %d (%s), expected %s", p->name, e->name, err,
			      elf_reject_name(img.reject), elf_reject_name(e->expect));
			free(w.b);
		}
	}
	printf("# %u edits applied, %u not applicable\n", applied, skipped);
	CHECK(skipped < applied / 20);
}

TEST(bad_rules)
{
	struct prog *p = prog_get(0);
	const struct elf_rules base = prog_rules(p);
	struct elf_rules r[5] = { base, base, base, base, base };
	struct elf_image img;

	r[0].page_size = 0;
	r[1].page_size = 3 * PS;
	r[2].va_min = VA_MIN + 8;
	r[3].va_min = VA_MAX;
	r[4].va_max = VA_MAX - 1;
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(elf_parse(p->b, p->len, &r[i], &img), -EINVAL);
		CHECK_EQ(img.reject, ELF_REJ_RULES);
	}
	CHECK_EQ(elf_parse(NULL, 100, &base, &img), -ENOEXEC);
	CHECK_EQ(img.reject, ELF_REJ_SHORT);
	CHECK(!strcmp(elf_reject_name(ELF_REJ_WX), "wx"));
	CHECK(!strcmp(elf_reject_name(ELF_REJ_COUNT), "?"));
	for (int i = 0; i < ELF_REJ_COUNT; i++)
		CHECK(elf_reject_name(i) && strcmp(elf_reject_name(i), "?"), "name of %d", i);
}

/* -------------------------------------------- truncation and random -- */

TEST(truncation_every_length)
{
	for (size_t pi = 0; pi < ARRAY_SIZE(progs); pi++) {
		struct prog *p = prog_get(pi);
		struct elf_rules r;
		size_t need, bad = 0, first_bad = 0;

		REQUIRE(p);
		r = prog_rules(p);
		/* the bytes a parse needs: the phdr table and every segment's file bytes */
		need = p->phoff + p->phnum * ELF_PHDR_SIZE;
		for (unsigned int s = 0; s < p->nload; s++)
			need = MAX(need, p->load[s].offset + p->load[s].filesz);
		for (size_t len = 0; len <= p->len; len++) {
			struct elf_image img;
			const char *why;
			int err = parse_copy(p->b, len, &r, &img, &why);

			if ((why || (err == 0) != (len >= need)) && !bad++)
				first_bad = len;
		}
		printf("# %s: %zu lengths, parses from %zu bytes on\n", p->name, p->len + 1, need);
		CHECK(bad == 0, "%s: %zu lengths wrong, first %zu", p->name, bad, first_bad);
	}
}

/* mutate: one random change to @b, mostly to the ELF header and the phdr table. */
static void mutate(uint8_t *b, size_t *len, size_t hdr_end)
{
	static const uint64_t vals[] = { 0, 1, 2, 7, 55, 56, 64, PS - 1, PS, PS + 1, VA_MIN,
					 VA_MAX - 1, VA_MAX, 1ULL << 63, UINT64_MAX };
	unsigned int size = 1u << rnd_below(4);
	size_t pos;
	uint64_t v;

	if (*len < 8)
		return;
	pos = rnd_below(4) ? rnd_below(MIN(hdr_end, *len - 7)) : rnd_below(*len - 7);
	v = rnd_below(2) ? vals[rnd_below(ARRAY_SIZE(vals))] : get_le(b + pos, size);
	switch (rnd_below(8)) {
	case 0:
		*len = rnd_below(*len + 1);
		return;
	case 1:
		b[pos] ^= (uint8_t)(1u << rnd_below(8));
		return;
	case 2:
		v = rnd();
		break;
	case 3:
		v += rnd_below(2) ? PS : -PS;
		break;
	default:
		v += rnd_below(5) - 2;
		break;
	}
	put_le(b + pos, size, v);
}

TEST(random_corruption)
{
	unsigned long iters = test_iterations(30000), bad = 0, first_bad = 0, ok = 0;
	unsigned long by_reason[ELF_REJ_COUNT] = { 0 };

	rng = test_seed();
	printf("# seed %#llx, %lu iterations\n", test_seed(), iters);
	for (unsigned long it = 0; it < iters; it++) {
		struct prog *p = prog_get(rnd_below(ARRAY_SIZE(progs)));
		struct elf_rules r;
		struct elf_image img;
		const char *why;
		size_t len;
		uint8_t *b;
		int err;

		REQUIRE(p);
		r = prog_rules(p);
		len = p->len;
		b = dup_exact(p->b, len);
		for (unsigned int j = 1 + (unsigned int)rnd_below(4); j; j--)
			mutate(b, &len, p->phoff + p->phnum * ELF_PHDR_SIZE);
		err = parse_copy(b, len, &r, &img, &why);
		if (why && !bad++) {
			first_bad = it;
			printf("# iteration %lu (%s): %s\n", it, p->name, why);
		}
		ok += err == 0;
		by_reason[img.reject]++;
		free(b);
	}
	printf("# %lu still valid; refusals:", ok);
	for (int i = 1; i < ELF_REJ_COUNT; i++)
		if (by_reason[i])
			printf(" %s %lu", elf_reject_name(i), by_reason[i]);
	printf("\n");
	CHECK(bad == 0, "%lu bad results, first at iteration %lu", bad, first_bad);
	CHECK(ok > iters / 20 && ok < iters - iters / 4, "mutations too weak or too strong");
}

TEST(elf_check_catches)
{
	struct prog *p = prog_get(3);	/* x86_tiny: R, RX, R, RW */
	struct elf_rules r = prog_rules(p);
	struct elf_image good, img;

	REQUIRE(p && elf_parse(p->b, p->len, &r, &good) == 0 && good.nsegs >= 3);
	REQUIRE(elf_check(&good, p->len, &r) == 0);
	quiet(true);
	img = good, img.seg[1].prot |= ELF_PROT_W;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.seg[2].prot = ELF_PROT_W;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.seg[0].memsz = img.seg[1].vaddr - img.seg[0].vaddr + 1;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.seg[2].vaddr += 1;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.seg[1].filesz = img.seg[1].memsz + 1;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	CHECK_EQ(elf_check(&good, good.seg[1].offset + good.seg[1].filesz - 1, &r), -EINVAL);
	img = good, img.entry = good.seg[0].vaddr;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.nsegs = 0;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	img = good, img.seg[img.nsegs - 1].memsz = VA_MAX;
	CHECK_EQ(elf_check(&img, p->len, &r), -EINVAL);
	r.page_size = 0;
	CHECK_EQ(elf_check(&good, p->len, &r), -EINVAL);
	quiet(false);
}

TEST_MAIN(TEST_CASE(real_executables_match_readelf), TEST_CASE(real_executables_refused),
	  TEST_CASE(each_malformation), TEST_CASE(bad_rules), TEST_CASE(truncation_every_length),
	  TEST_CASE(random_corruption), TEST_CASE(elf_check_catches))
