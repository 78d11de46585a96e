/*
 * tests/host/lib/list_test.c: lib/list.h against a model. Elements move
 * at random between three lists through every operation list.h offers;
 * after each step every list is walked both ways and compared with its
 * model (an array of element ids), and every element's linked state with
 * the model's.
 */
#include <stdint.h>
#include <string.h>
#include <lib/list.h>
#include "test.h"

#define NLISTS 3
#define NELEMS 48

struct elem {
	struct list_node node;
	int id;
	int on;			/* the list it is on in the model, or -1 */
};

static struct list_node heads[NLISTS];
static struct elem elems[NELEMS];
static int model[NLISTS][NELEMS];
static int count[NLISTS];
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void model_insert(int l, int pos, struct elem *e)
{
	memmove(&model[l][pos + 1], &model[l][pos], (size_t)(count[l] - pos) * sizeof(int));
	model[l][pos] = e->id;
	count[l]++;
	e->on = l;
}

static int model_pos(int l, int id)
{
	for (int i = 0; i < count[l]; i++) {
		if (model[l][i] == id)
			return i;
	}
	return -1;
}

static void model_remove(struct elem *e)
{
	int l = e->on, pos = model_pos(l, e->id);

	memmove(&model[l][pos], &model[l][pos + 1], (size_t)(count[l] - pos - 1) * sizeof(int));
	count[l]--;
	e->on = -1;
}

static struct elem *random_elem(bool linked)
{
	for (int tries = 0; tries < 4 * NELEMS; tries++) {
		struct elem *e = &elems[rnd() % NELEMS];

		if ((e->on >= 0) == linked)
			return e;
	}
	return NULL;
}

static void check_all(unsigned long step)
{
	for (int l = 0; l < NLISTS; l++) {
		struct list_node *pos;
		struct elem *e;
		int i = 0;

		REQUIRE(list_empty(&heads[l]) == (count[l] == 0), "step %lu list %d", step, l);
		list_for_each_entry(e, &heads[l], node) {
			REQUIRE(i < count[l] && e->id == model[l][i], "step %lu list %d item %d",
				step, l, i);
			i++;
		}
		REQUIRE(i == count[l], "step %lu list %d: %d items, model %d", step, l, i,
			count[l]);
		/* Backwards, through the prev pointers. */
		for (pos = heads[l].prev; pos != &heads[l]; pos = pos->prev) {
			REQUIRE(i > 0 && list_entry(pos, struct elem, node)->id == model[l][i - 1],
				"step %lu list %d backwards at %d", step, l, i);
			i--;
		}
		REQUIRE(i == 0, "step %lu list %d backwards", step, l);
		REQUIRE(list_first(&heads[l]) == (count[l] ? &elems[model[l][0]].node : NULL),
			"step %lu list_first", step);
		REQUIRE(list_last(&heads[l]) == (count[l] ? &elems[model[l][count[l] - 1]].node :
				NULL), "step %lu list_last", step);
	}
	for (int i = 0; i < NELEMS; i++)
		REQUIRE(list_is_linked(&elems[i].node) == (elems[i].on >= 0), "step %lu elem %d",
			step, i);
}

/* Insert an unlinked element somewhere, by one of the four insertions. */
static void op_insert(void)
{
	struct elem *e = random_elem(false), *at;
	int l = (int)(rnd() % NLISTS);

	if (!e)
		return;
	switch (rnd() % 4) {
	case 0:
		list_push_front(&heads[l], &e->node);
		model_insert(l, 0, e);
		break;
	case 1:
		list_push_back(&heads[l], &e->node);
		model_insert(l, count[l], e);
		break;
	default:
		at = random_elem(true);
		if (!at)
			return;
		l = at->on;
		if (rnd() & 1) {
			list_insert_after(&at->node, &e->node);
			model_insert(l, model_pos(l, at->id) + 1, e);
		} else {
			list_insert_before(&at->node, &e->node);
			model_insert(l, model_pos(l, at->id), e);
		}
	}
}

/* Remove elements: one at random, the front one, or every odd id of a list. */
static void op_remove(void)
{
	int l = (int)(rnd() % NLISTS);
	struct list_node *n;
	struct elem *e, *tmp;

	switch (rnd() % 3) {
	case 0:
		e = random_elem(true);
		if (e) {
			list_remove(&e->node);
			model_remove(e);
		}
		break;
	case 1:
		n = list_pop_front(&heads[l]);
		REQUIRE(n == (count[l] ? &elems[model[l][0]].node : NULL), "pop_front");
		if (n)
			model_remove(list_entry(n, struct elem, node));
		break;
	default:
		if (rnd() % 8)
			break;
		list_for_each_entry_safe(e, tmp, &heads[l], node) {
			if (e->id & 1) {
				list_remove(&e->node);
				model_remove(e);
			}
		}
	}
}

static void op_splice(void)
{
	int to = (int)(rnd() % NLISTS), from = (int)((to + 1 + rnd() % (NLISTS - 1)) % NLISTS);

	list_splice_back(&heads[to], &heads[from]);
	for (int i = 0; i < count[from]; i++) {
		model[to][count[to] + i] = model[from][i];
		elems[model[from][i]].on = to;
	}
	count[to] += count[from];
	count[from] = 0;
}

TEST(random_against_model)
{
	unsigned long steps = test_iterations(300000), linked_sum = 0;

	rng_state = test_seed() | 1;
	printf("# seed %#llx\n", test_seed());
	memset(count, 0, sizeof(count));
	for (int l = 0; l < NLISTS; l++)
		list_init(&heads[l]);
	for (int i = 0; i < NELEMS; i++) {
		elems[i].id = i;
		elems[i].on = -1;
		list_node_init(&elems[i].node);
	}
	for (unsigned long step = 0; step < steps; step++) {
		unsigned int dice = (unsigned int)(rnd() % 100);

		if (dice < 45)
			op_insert();
		else if (dice < 95)
			op_remove();
		else
			op_splice();
		check_all(step);
		linked_sum += (unsigned long)(count[0] + count[1] + count[2]);
	}
	printf("# %lu steps, %.1f elements linked on average\n", steps,
	       (double)linked_sum / (double)(steps ? steps : 1));
}

TEST(static_head_and_edges)
{
	static struct list_node head = LIST_HEAD_INIT(head);
	struct list_node a, b;

	CHECK(list_empty(&head) && !list_first(&head) && !list_last(&head), "static head");
	CHECK(list_pop_front(&head) == NULL, "pop from empty");
	list_node_init(&a);
	CHECK(!list_is_linked(&a), "fresh node");
	list_push_back(&head, &a);
	CHECK(list_is_linked(&a) && list_first(&head) == &a && list_last(&head) == &a, "one");
	list_init(&b);
	list_splice_back(&head, &b);	/* splicing an empty list changes nothing */
	CHECK(list_first(&head) == &a && a.next == &head && a.prev == &head, "empty splice");
	CHECK(list_pop_front(&head) == &a && list_empty(&head) && !list_is_linked(&a), "pop");
}

TEST_MAIN(TEST_CASE(random_against_model), TEST_CASE(static_head_and_edges))
