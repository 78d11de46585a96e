/*
 * tests/fuzz/pst_fuzz.c: libFuzzer target for the priority search tree.
 *
 * The input is a sequence of operations on 64 nodes, each checked against
 * a list scanned linearly: insert (or move) a node, remove one, stab,
 * overlap, and a stab that stops early. pst_check() runs after every
 * operation; any disagreement traps.
 *
 * Encoding, byte by byte: op (low 3 bits), then per op a node index byte
 * and/or values. A value is a class byte and its payload: class % 4 = 0:
 * one byte (small offsets), 1: UINT64_MAX minus one byte, 2: a power of two
 * (one byte for the exponent) plus a signed byte, 3: eight raw bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <vm/pst.h>

#define NODES 64

struct fuzz_item {
	struct pst_node node;
	bool in;
	pgoff_t first, last;
	unsigned int seen;
};

struct input {
	const uint8_t *p;
	size_t left;
};

static struct fuzz_item items[NODES];
static struct pst_root root;

static uint8_t get_u8(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static pgoff_t get_val(struct input *in)
{
	uint8_t cls = get_u8(in);
	pgoff_t v = 0;

	switch (cls % 4) {
	case 0:
		return get_u8(in);
	case 1:
		return UINT64_MAX - get_u8(in);
	case 2:
		v = (pgoff_t)1 << (get_u8(in) % 64);
		return v + (pgoff_t)(int64_t)(int8_t)get_u8(in);
	default:
		for (int i = 0; i < 8; i++)
			v = v << 8 | get_u8(in);
		return v;
	}
}

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static int seen_cb(struct pst_node *node, void *arg)
{
	struct fuzz_item *it =
		(struct fuzz_item *)((char *)node - offsetof(struct fuzz_item, node));

	(void)arg;
	it->seen++;
	return 0;
}

/* query: overlap [lo, hi] (stab when equal) must report exactly the model's set, once each. */
static void query(pgoff_t lo, pgoff_t hi)
{
	int ret;

	for (int i = 0; i < NODES; i++)
		items[i].seen = 0;
	ret = lo == hi ? pst_stab(&root, lo, seen_cb, NULL)
		       : pst_overlap(&root, lo, hi, seen_cb, NULL);
	check(ret == 0);
	for (int i = 0; i < NODES; i++) {
		struct fuzz_item *it = &items[i];

		check(it->seen == (unsigned int)(it->in && it->first <= hi && it->last >= lo));
	}
}

struct stop {
	unsigned int calls, limit;
};

static int stop_cb(struct pst_node *node, void *arg)
{
	struct stop *s = arg;

	(void)node;
	return ++s->calls >= s->limit ? 99 : 0;
}

/* stop_early: a stab stopped after @limit calls makes exactly min(limit, matches) calls. */
static void stop_early(pgoff_t at, unsigned int limit)
{
	struct stop s = {0, limit};
	unsigned int want = 0;
	int ret;

	for (int i = 0; i < NODES; i++)
		want += items[i].in && items[i].first <= at && items[i].last >= at;
	ret = pst_stab(&root, at, stop_cb, &s);
	check(s.calls == (want < limit ? want : limit));
	check(ret == (want >= limit ? 99 : 0));
}

static void step(struct input *in)
{
	uint8_t op = get_u8(in) % 5;
	struct fuzz_item *it = &items[get_u8(in) % NODES];
	pgoff_t a = get_val(in), b;

	switch (op) {
	case 0:
		b = get_u8(in) & 1 ? a + get_u8(in) : get_val(in);
		if (b < a) {
			pgoff_t t = a;
			a = b;
			b = t;
		}
		if (it->in)
			pst_remove(&root, &it->node);
		pst_insert(&root, &it->node, a, b);
		it->in = true;
		it->first = a;
		it->last = b;
		break;
	case 1:
		if (it->in)
			pst_remove(&root, &it->node);
		it->in = false;
		break;
	case 2:
		query(a, a);
		break;
	case 3:
		b = get_val(in);
		query(a < b ? a : b, a < b ? b : a);
		break;
	default:
		stop_early(a, 1 + get_u8(in) % 8);
		break;
	}
	check(pst_check(&root) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	memset(items, 0, sizeof(items));
	pst_root_init(&root);
	while (in.left)
		step(&in);
	for (int i = 0; i < NODES; i++)
		if (items[i].in)
			pst_remove(&root, &items[i].node);
	check(pst_empty(&root) && pst_check(&root) == 0);
	return 0;
}
