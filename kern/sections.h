/*
 * kern/sections.h: the kernel image's sections, as the arch linker script
 * names them. Each starts page-aligned: [_text, _etext) is code,
 * [_rodata, _erodata) read-only data, [_data, _end) data and bss.
 */
#ifndef PAGODA_KERN_SECTIONS_H
#define PAGODA_KERN_SECTIONS_H

extern char _kernel_start[], _text[], _etext[], _rodata[], _erodata[], _data[], _bss[],
	_ebss[], _end[];

#endif
