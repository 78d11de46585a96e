/*
 * lib/cpio.c: the newc cpio reader (format and trust rules in lib/cpio.h).
 *
 * cpio_read_header() decodes the fixed 110 bytes; cpio_next() then places
 * the name, the data and the two paddings, each checked against what is
 * left of the archive before the offset moves. cpio_find() is a walk over
 * cpio_next() that remembers the last match.
 */
#define LOG_PREFIX "cpio: "
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <lib/cpio.h>
#include <lib/log.h>
#include <lib/string.h>

/* The header fields, in file order after the 6-byte magic. */
enum cpio_field {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE,
	CPIO_CHECK,
	CPIO_NFIELDS
};

#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_TRAILER   "TRAILER!!!"

STATIC_ASSERT(CPIO_MAGIC_LEN + CPIO_NFIELDS * CPIO_FIELD_LEN == CPIO_HEADER_LEN);

/* cpio_hex8: the 8 hex digits at @p, or -EINVAL if any is not a hex digit. */
static int cpio_hex8(const uint8_t *p, uint32_t *val)
{
	uint32_t v = 0;

	for (int i = 0; i < CPIO_FIELD_LEN; i++) {
		uint8_t ch = p[i];
		uint32_t digit;

		if (ch >= '0' && ch <= '9')
			digit = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			digit = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			digit = ch - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | digit;
	}
	*val = v;
	return 0;
}

/* cpio_pad4: bytes of padding after archive offset @off. */
static size_t cpio_pad4(size_t off)
{
	return (4 - (off & 3)) & 3;
}

/*
 * cpio_read_header: decode the header at @off into @f, and whether it is
 * the crc variant.
 * => [@off, @off + CPIO_HEADER_LEN) is inside the archive
 */
static int cpio_read_header(const uint8_t *a, size_t off, uint32_t f[CPIO_NFIELDS], bool *crc)
{
	const uint8_t *h = a + off;

	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2')) {
		log_warn("entry at %#zx: bad magic\n", off);
		return -EINVAL;
	}
	*crc = h[5] == '2';
	for (int i = 0; i < CPIO_NFIELDS; i++) {
		if (cpio_hex8(h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN, &f[i])) {
			log_warn("entry at %#zx: field %d is not 8 hex digits\n", off, i);
			return -EINVAL;
		}
	}
	return 0;
}

/* cpio_sum: the "070702" checksum, the sum of the data bytes modulo 2^32. */
static uint32_t cpio_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* cpio_strip: @name without its leading "./" and "/" sequences. */
static const char *cpio_strip(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/*
 * cpio_place: lay out the entry whose header is at @off: name at
 * *@name_off, data at *@data_off, next entry at *@end.
 * => the header is inside the archive and decoded into @f
 */
static int cpio_place(const uint8_t *a, size_t size, size_t off, const uint32_t f[CPIO_NFIELDS],
		      size_t *data_off, size_t *end)
{
	size_t name_off = off + CPIO_HEADER_LEN, namesize = f[CPIO_NAMESIZE], pos;
	size_t filesize = f[CPIO_FILESIZE];

	if (namesize < 2 || namesize > size - name_off) {
		log_warn("entry at %#zx: namesize %#zx invalid or past the end\n", off, namesize);
		return -EINVAL;
	}
	if (strnlen((const char *)a + name_off, namesize) != namesize - 1) {
		log_warn("entry at %#zx: name lacks its NUL or has one inside\n", off);
		return -EINVAL;
	}
	pos = name_off + namesize;
	if (cpio_pad4(pos) > size - pos) {
		log_warn("entry at %#zx: name padding past the end\n", off);
		return -EINVAL;
	}
	pos += cpio_pad4(pos);
	*data_off = pos;
	if (filesize > size - pos) {
		log_warn("entry at %#zx: filesize %#zx past the end\n", off, filesize);
		return -EINVAL;
	}
	pos += filesize;
	if (cpio_pad4(pos) > size - pos) {
		log_warn("entry at %#zx: data padding past the end\n", off);
		return -EINVAL;
	}
	*end = pos + cpio_pad4(pos);
	return 0;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *out)
{
	const uint8_t *a = archive;
	size_t off = *offset, data_off, end;
	uint32_t f[CPIO_NFIELDS];
	const char *name;
	bool crc;

	if (!a || off > size || (off & 3) || size - off < CPIO_HEADER_LEN) {
		log_warn("no entry header at %#zx of %#zx (misaligned or truncated)\n", off, size);
		return -EINVAL;
	}
	if (cpio_read_header(a, off, f, &crc) || cpio_place(a, size, off, f, &data_off, &end))
		return -EINVAL;
	if (crc && cpio_sum(a + data_off, f[CPIO_FILESIZE]) != f[CPIO_CHECK]) {
		log_warn("entry at %#zx: data checksum mismatch\n", off);
		return -EINVAL;
	}
	name = (const char *)a + off + CPIO_HEADER_LEN;
	if (f[CPIO_NAMESIZE] == sizeof(CPIO_TRAILER) &&
	    !memcmp(name, CPIO_TRAILER, sizeof(CPIO_TRAILER)))
		return -ENOENT;
	name = cpio_strip(name);
	out->name = name;
	out->name_len = strlen(name);
	out->data = a + data_off;
	out->len = f[CPIO_FILESIZE];
	out->mode = f[CPIO_MODE];
	out->ino = f[CPIO_INO];
	out->uid = f[CPIO_UID];
	out->gid = f[CPIO_GID];
	out->nlink = f[CPIO_NLINK];
	out->mtime = f[CPIO_MTIME];
	*offset = end;
	return 0;
}

int cpio_find(const void *archive, size_t size, const char *name, struct cpio_entry *out)
{
	struct cpio_entry e, last;
	size_t off = 0;
	bool found = false;
	int err;

	if (!name)
		return -EINVAL;
	name = cpio_strip(name);
	while ((err = cpio_next(archive, size, &off, &e)) == 0) {
		if (!strcmp(e.name, name)) {
			last = e;
			found = true;
		}
	}
	if (err != -ENOENT)
		return err;
	if (!found)
		return -ENOENT;
	*out = last;
	return 0;
}
