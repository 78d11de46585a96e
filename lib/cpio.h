/*
 * lib/cpio.h: a read-only parser of "newc" cpio archives (the boot archive
 * the build makes with `cpio -o -H newc` and passes as the initrd).
 * No state, no locking: the archive must not change while it is read.
 *
 * Layout: a sequence of entries, each a 110-byte ASCII header, the name
 * (namesize bytes including its NUL), zero to three bytes of padding to a
 * 4-byte boundary of the archive, the data (filesize bytes) and again
 * padding to 4 bytes. The entry named "TRAILER!!!" ends the archive; what
 * follows it (block padding) is never read.
 *
 *   header: magic "070701" (newc) or "070702" (crc), then 13 fields of
 *           exactly 8 hex digits (either case): ino mode uid gid nlink mtime
 *           filesize devmajor devminor rdevmajor rdevminor namesize check
 *
 * Trust: none. cpio_next() checks the magic, every hex digit, namesize
 * (>= 2 and inside the archive), that the name's only NUL is its last byte,
 * that both paddings and the data lie inside the archive, and for "070702"
 * that check equals the byte sum of the data (for "070701" check is
 * ignored, as every reader does). The padding bytes' values are not
 * checked. Malformed input gives -EINVAL and a log_warn; bounds are
 * computed as "x > size - off" after checking off <= size, so nothing
 * wraps, and each entry advances the offset by at least 112 bytes, so a
 * walk always ends.
 *
 * Names: a leading "./" or "/" (repeated: ".//./x" -> "x") is dropped from
 * entry names and from the name cpio_find() looks up, so "init", "./init"
 * and "/init" are the same file. Nothing else is normalised ("a//b", "..").
 * The trailer is recognised by its raw name only.
 */
#ifndef PAGODA_LIB_CPIO_H
#define PAGODA_LIB_CPIO_H

#include <pagoda/types.h>

#define CPIO_HEADER_LEN 110

/* File types in cpio_entry.mode (the st_mode encoding of POSIX cpio). */
#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REG 0100000
#define CPIO_MODE_DIR 0040000
#define CPIO_MODE_LNK 0120000

struct cpio_entry {
	const char *name;	/* inside the archive, NUL-terminated, prefix dropped */
	size_t name_len;	/* strlen(name) */
	const void *data;	/* inside the archive, 4-aligned from its start */
	size_t len;		/* bytes of data (filesize) */
	uint32_t mode;		/* type (CPIO_MODE_*) and permission bits */
	uint32_t ino, uid, gid, nlink, mtime;
};

/*
 * cpio_next: decode the entry at *@offset of @archive (@size bytes).
 * => *@offset is 0 or a value cpio_next() stored; it must be 4-aligned
 * => 0: *@out is filled and *@offset moves to the next entry
 * => -ENOENT: the entry is the trailer (checked like any other);
 *    -EINVAL: malformed. *@offset and *@out are unchanged on both.
 */
int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *out);

/*
 * cpio_find: the entry named @name (leading "./" and "/" ignored). The
 * whole archive up to its trailer is checked; if a name occurs more than
 * once the last entry wins, as when extracting. Entries of any type match
 * (check out->mode). For a hard-linked file, newc stores the data with the
 * last link only, so the others have len 0.
 * => 0 and *@out; -ENOENT: no such entry; -EINVAL: the archive is
 *    malformed (even if @name was seen before the fault) or @name is NULL.
 */
int cpio_find(const void *archive, size_t size, const char *name, struct cpio_entry *out);

#endif
