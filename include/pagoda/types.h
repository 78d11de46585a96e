/*
 * pagoda/types.h: scalar types shared by the kernel, vm/, lib/ and userland.
 * Every target Pagoda supports is 64-bit (riscv64, x86-64) and so is the host,
 * so addresses are plain 64-bit integers everywhere.
 */
#ifndef PAGODA_TYPES_H
#define PAGODA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t vaddr_t;	/* a virtual address */
typedef uint64_t vsize_t;	/* a length in bytes of virtual memory */
typedef uint64_t paddr_t;	/* a physical address */
typedef uint64_t psize_t;	/* a length in bytes of physical memory */
typedef uint64_t pfn_t;		/* a physical frame number (paddr >> PAGE_SHIFT) */
typedef uint64_t pgoff_t;	/* an offset in pages within a file or object */
typedef uint64_t pte_t;		/* a raw page-table entry, any format */

#define PAGE_SHIFT 12
#define PAGE_SIZE ((vsize_t)1 << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#endif
