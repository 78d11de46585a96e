/*
 * lib/elf.h: a paranoid validator of ELF64 little-endian static executables,
 * run before a loader trusts one: the kernel for the root task, init for exec.
 * No state, no locking: elf_parse() only reads the image and writes *out.
 *
 * Trust: none. Every field is read byte by byte (the image needs no
 * alignment; a cpio member is only 4-byte aligned) with 64-bit bounds
 * arithmetic that cannot wrap. elf_parse() accepts an image only if:
 *
 *   - magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT in e_ident and e_version,
 *     OSABI SYSV (0) or GNU (3) with ABI version 0;
 *   - e_type is ET_EXEC: static, non-PIE executables only for now, since
 *     there is no relocation and no dynamic linking;
 *   - e_machine is rules->machine;
 *   - e_ehsize is 64, e_phentsize 56 (e_shentsize 64 if there are sections;
 *     section headers are otherwise ignored);
 *   - the program header table [e_phoff, +e_phnum * 56) lies in the file
 *     after the ELF header, with 1..ELF_MAX_PHDRS entries;
 *   - no PT_INTERP and no PT_DYNAMIC (no dynamic linking); other types than
 *     PT_LOAD (GNU_STACK, NOTE, RISCV_ATTRIBUTES, TLS, ...) are ignored;
 *   - each PT_LOAD: flags only R/W/X, never W and X together (W^X holds for
 *     user programs too: a writable segment is never executable), never W
 *     without R (neither MMU can map it); p_align 0 or a power of two with
 *     p_vaddr = p_offset modulo p_align; p_filesz <= p_memsz;
 *     [p_offset, +p_filesz) inside the file; p_vaddr + p_memsz does not wrap
 *     and lies in [va_min, va_max); p_vaddr = p_offset modulo page_size;
 *   - a PT_LOAD with p_memsz 0 is skipped (after the checks above that do
 *     not involve its address);
 *   - PT_LOAD entries come in ascending p_vaddr order (as the ELF spec
 *     requires) and no two share a page, so protections never conflict;
 *   - 1..ELF_MAX_SEGMENTS non-empty PT_LOAD segments;
 *   - e_entry lies inside an executable segment.
 * Anything else is refused with -ENOEXEC, out->reject saying which rule,
 * and one log_warn line with the details (unless rules->quiet).
 *
 * A loader maps page ALIGN_DOWN(vaddr) from file offset ALIGN_DOWN(offset)
 * (congruent by the rules above), or copies exactly filesz bytes; either
 * way it must zero [vaddr + filesz, vaddr + memsz) and the part of the
 * first and last pages outside [vaddr, vaddr + filesz) that it copies.
 */
#ifndef PAGODA_LIB_ELF_H
#define PAGODA_LIB_ELF_H

#include <pagoda/types.h>

/* ---- The file format (System V gABI, ELF-64 object file format) ---- */

#define EI_NIDENT 16
#define EI_MAG0 0		/* 0x7f 'E' 'L' 'F' */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define EI_ABIVERSION 8

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3

#define ET_EXEC 2
#define ET_DYN 3

#define EM_X86_64 62
#define EM_RISCV 243

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4

#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

/*
 * The on-disk headers, little-endian. With natural alignment these C
 * layouts are exactly the file layouts (checked in elf.c), so offsetof()
 * gives a field's file offset; elf.c still decodes them byte by byte.
 */
struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;	/* file offset of the program header table */
	uint64_t e_shoff;
	uint32_t e_flags;	/* machine flags (RISC-V: float ABI, RVC) */
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;	/* PF_R | PF_W | PF_X */
	uint64_t p_offset;	/* file offset of the first byte */
	uint64_t p_vaddr;
	uint64_t p_paddr;	/* ignored */
	uint64_t p_filesz;	/* bytes from the file; the rest of memsz is zero */
	uint64_t p_memsz;
	uint64_t p_align;
};

#define ELF_EHDR_SIZE 64
#define ELF_PHDR_SIZE 56

/* ---- What the loader gets ---- */

#define ELF_MAX_SEGMENTS 16	/* non-empty PT_LOAD segments accepted */
#define ELF_MAX_PHDRS 64	/* program headers of any type accepted */

#define ELF_PROT_R 0x1
#define ELF_PROT_W 0x2
#define ELF_PROT_X 0x4

/* What the caller expects. [va_min, va_max) and page_size are checked (-EINVAL). */
struct elf_rules {
	uint16_t machine;	/* EM_RISCV or EM_X86_64 */
	vaddr_t va_min;		/* user window [va_min, va_max): page aligned, */
	vaddr_t va_max;		/* va_min < va_max */
	vsize_t page_size;	/* a power of two */
	bool quiet;		/* no log line on refusal (callers that rate-limit) */
};

struct elf_segment {
	vaddr_t vaddr;		/* p_vaddr: need not be page aligned */
	vsize_t memsz;		/* > 0 */
	uint64_t offset;	/* p_offset */
	uint64_t filesz;	/* <= memsz */
	unsigned int prot;	/* ELF_PROT_* */
};

/* Which rule refused an image (see the list at the top). */
enum elf_reject {
	ELF_OK = 0,
	ELF_REJ_RULES,		/* the caller's rules are invalid (-EINVAL) */
	ELF_REJ_SHORT,		/* smaller than an ELF header */
	ELF_REJ_MAGIC,
	ELF_REJ_CLASS,
	ELF_REJ_DATA,
	ELF_REJ_VERSION,	/* EI_VERSION or e_version */
	ELF_REJ_OSABI,		/* EI_OSABI or EI_ABIVERSION */
	ELF_REJ_TYPE,		/* not ET_EXEC */
	ELF_REJ_MACHINE,
	ELF_REJ_HDRSIZE,	/* e_ehsize, e_phentsize or e_shentsize */
	ELF_REJ_PHTAB,		/* program header table outside the file */
	ELF_REJ_PHNUM,		/* no or too many program headers */
	ELF_REJ_DYNAMIC,	/* PT_INTERP or PT_DYNAMIC */
	ELF_REJ_FLAGS,		/* unknown p_flags bits, or W without R */
	ELF_REJ_WX,		/* writable and executable */
	ELF_REJ_ALIGN,		/* p_align not a power of two, or incongruent */
	ELF_REJ_FILESZ,		/* p_filesz > p_memsz */
	ELF_REJ_FILE,		/* file bytes outside the file */
	ELF_REJ_RANGE,		/* wraps or leaves [va_min, va_max) */
	ELF_REJ_CONGRUENT,	/* p_vaddr != p_offset modulo page_size */
	ELF_REJ_ORDER,		/* PT_LOAD not in ascending p_vaddr order */
	ELF_REJ_OVERLAP,	/* two segments share a page */
	ELF_REJ_NSEGS,		/* more than ELF_MAX_SEGMENTS */
	ELF_REJ_NOLOAD,		/* no non-empty PT_LOAD */
	ELF_REJ_ENTRY,		/* entry point not in an executable segment */
	ELF_REJ_COUNT
};

struct elf_image {
	vaddr_t entry;
	uint32_t flags;		/* e_flags, for the caller to judge */
	unsigned int nsegs;	/* 1..ELF_MAX_SEGMENTS */
	struct elf_segment seg[ELF_MAX_SEGMENTS];	/* ascending, page-disjoint */
	enum elf_reject reject;	/* ELF_OK, or why elf_parse() refused */
};

/*
 * elf_parse: validate @image (@size readable bytes) against @rules and
 * describe it in *@out.
 * => 0: *@out satisfies every rule above (elf_check() agrees).
 * => -ENOEXEC: the image breaks a rule; -EINVAL: @rules are invalid.
 *    On error *@out is zeroed except out->reject.
 */
int elf_parse(const void *image, size_t size, const struct elf_rules *rules,
	      struct elf_image *out);

/*
 * elf_check: whether @img, from an image of @size bytes, satisfies every
 * rule on the output (window, W^X, file bounds, congruence, page-disjoint
 * ascending segments, entry). Logs the first broken one: 0 or -EINVAL.
 */
int elf_check(const struct elf_image *img, size_t size, const struct elf_rules *rules);

/* elf_reject_name: a short name for @why ("magic", "wx", ...), or "?". */
const char *elf_reject_name(enum elf_reject why);

#endif
