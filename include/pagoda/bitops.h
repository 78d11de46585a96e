/*
 * pagoda/bitops.h: bit scanning without compiler runtime help (rv64imac has
 * no count-leading-zeros instruction, and the kernel links no libgcc).
 */
#ifndef PAGODA_BITOPS_H
#define PAGODA_BITOPS_H

#include <pagoda/types.h>

/* fls32: index of the highest set bit of @x (0..31); @x must not be 0. */
static inline unsigned int fls32(uint32_t x)
{
	unsigned int n = 0;

	if (x & 0xffff0000u) {
		n += 16;
		x >>= 16;
	}
	if (x & 0xff00u) {
		n += 8;
		x >>= 8;
	}
	if (x & 0xf0u) {
		n += 4;
		x >>= 4;
	}
	if (x & 0xcu) {
		n += 2;
		x >>= 2;
	}
	return n + (x >> 1);
}

#endif
