/*
 * tests/fuzz/elf_fuzz.c: libFuzzer target for lib/elf.c.
 *
 * The input is an ELF image. It is parsed under three rule sets (RISC-V
 * and x86-64 windows with 4 KiB pages, and a RISC-V window from 0 with
 * 64 KiB pages). A refusal must be -ENOEXEC with a reason and a cleared
 * output. A success must describe exactly the non-empty PT_LOAD headers of
 * the raw bytes, and every rule is re-derived here from those bytes
 * (decoded with memcpy, not with the library's reader) and by elf_check().
 * Any disagreement traps, so the fuzzer hunts for holes in the validator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/errno.h>
#include <lib/elf.h>

#define FUZZ_ASSERT(c)                                                         \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

static const struct elf_rules rule_sets[] = {
	{ .machine = EM_RISCV, .va_min = 0x10000, .va_max = 1ULL << 38, .page_size = 4096,
	  .quiet = true },
	{ .machine = EM_X86_64, .va_min = 0x400000, .va_max = 1ULL << 47, .page_size = 4096,
	  .quiet = true },
	{ .machine = EM_RISCV, .va_min = 0, .va_max = 1ULL << 38, .page_size = 65536,
	  .quiet = true },
};

/* check_load: raw PT_LOAD @ph against the rules and the output segment @s. */
static void check_load(const struct elf64_phdr *ph, const struct elf_segment *s, size_t size,
		       const struct elf_rules *r)
{
	uint64_t ps = r->page_size, end;

	FUZZ_ASSERT(s->vaddr == ph->p_vaddr && s->memsz == ph->p_memsz &&
		    s->offset == ph->p_offset && s->filesz == ph->p_filesz);
	FUZZ_ASSERT(!!(s->prot & ELF_PROT_R) == !!(ph->p_flags & PF_R) &&
		    !!(s->prot & ELF_PROT_W) == !!(ph->p_flags & PF_W) &&
		    !!(s->prot & ELF_PROT_X) == !!(ph->p_flags & PF_X));
	FUZZ_ASSERT(ph->p_flags <= 7 && !((ph->p_flags & PF_W) && (ph->p_flags & PF_X)));
	FUZZ_ASSERT(!(ph->p_flags & PF_W) || (ph->p_flags & PF_R));
	FUZZ_ASSERT(ph->p_align <= 1 || (__builtin_popcountll(ph->p_align) == 1 &&
					 ph->p_vaddr % ph->p_align == ph->p_offset % ph->p_align));
	FUZZ_ASSERT(ph->p_filesz <= ph->p_memsz);
	FUZZ_ASSERT(!__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) && end <= size);
	FUZZ_ASSERT(!__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end));
	FUZZ_ASSERT(ph->p_vaddr >= r->va_min && end <= r->va_max);
	FUZZ_ASSERT(ph->p_vaddr % ps == ph->p_offset % ps);
}

/* check_accepted: everything elf_parse() promised about @img, from the raw bytes. */
static void check_accepted(const uint8_t *data, size_t size, const struct elf_rules *r,
			   const struct elf_image *img)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	unsigned int n = 0, i, j;
	bool entry_ok = false;

	FUZZ_ASSERT(size >= sizeof(eh));
	memcpy(&eh, data, sizeof(eh));
	FUZZ_ASSERT(!memcmp(eh.e_ident, "\177ELF\2\1\1", 7) && eh.e_ident[8] == 0);
	FUZZ_ASSERT(eh.e_ident[7] == 0 || eh.e_ident[7] == 3);
	FUZZ_ASSERT(eh.e_type == ET_EXEC && eh.e_machine == r->machine && eh.e_version == 1);
	FUZZ_ASSERT(eh.e_ehsize == 64 && eh.e_phentsize == 56);
	FUZZ_ASSERT(!eh.e_shnum || eh.e_shentsize == 64);
	FUZZ_ASSERT(eh.e_phnum >= 1 && eh.e_phnum <= ELF_MAX_PHDRS && eh.e_phoff >= 64);
	FUZZ_ASSERT(eh.e_phoff <= size && size - eh.e_phoff >= eh.e_phnum * 56ULL);
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, data + eh.e_phoff + i * 56ULL, sizeof(ph));
		FUZZ_ASSERT(ph.p_type != PT_INTERP && ph.p_type != PT_DYNAMIC);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		FUZZ_ASSERT(n < img->nsegs);
		check_load(&ph, &img->seg[n++], size, r);
	}
	FUZZ_ASSERT(n == img->nsegs && n >= 1 && n <= ELF_MAX_SEGMENTS);
	for (i = 0; i < n; i++) {
		const struct elf_segment *a = &img->seg[i];

		for (j = i + 1; j < n; j++) {
			const struct elf_segment *b = &img->seg[j];

			/* b starts on a page after a's last page */
			FUZZ_ASSERT(b->vaddr / r->page_size > (a->vaddr + a->memsz - 1) / r->page_size);
		}
		entry_ok |= (a->prot & ELF_PROT_X) && eh.e_entry >= a->vaddr &&
			    eh.e_entry - a->vaddr < a->memsz;
	}
	FUZZ_ASSERT(entry_ok && img->entry == eh.e_entry && img->flags == eh.e_flags);
	FUZZ_ASSERT(img->reject == ELF_OK);
	FUZZ_ASSERT(elf_check(img, size, r) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct elf_image zero;

	for (size_t k = 0; k < sizeof(rule_sets) / sizeof(rule_sets[0]); k++) {
		struct elf_image img;
		int err;

		memset(&img, 0xa5, sizeof(img));
		err = elf_parse(data, size, &rule_sets[k], &img);
		if (err == 0) {
			check_accepted(data, size, &rule_sets[k], &img);
			continue;
		}
		FUZZ_ASSERT(err == -ENOEXEC);
		FUZZ_ASSERT(img.reject > ELF_OK && img.reject < ELF_REJ_COUNT);
		FUZZ_ASSERT(img.nsegs == 0 && img.entry == 0 &&
			    !memcmp(img.seg, zero.seg, sizeof(img.seg)));
	}
	return 0;
}
