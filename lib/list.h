/*
 * lib/list.h: intrusive circular doubly linked list.
 *
 * A list is a struct list_node used as the head; elements embed a
 * struct list_node and are recovered with list_entry(). An empty list's head
 * points at itself. A node that is on no list may be kept "unlinked" with
 * list_node_init() so that list_is_linked() can tell. No locking: callers
 * guard each list with the lock of the structure that owns the head.
 */
#ifndef PAGODA_LIB_LIST_H
#define PAGODA_LIB_LIST_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define list_entry(node, type, member) container_of(node, type, member)

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

/* An unlinked node points at itself, exactly like an empty head. */
static inline void list_node_init(struct list_node *node)
{
	list_init(node);
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline bool list_is_linked(const struct list_node *node)
{
	return node->next != node;
}

static inline void __list_insert(struct list_node *node, struct list_node *prev,
				 struct list_node *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

/* Insert @node right after @pos (at the front when @pos is the head). */
static inline void list_insert_after(struct list_node *pos, struct list_node *node)
{
	__list_insert(node, pos, pos->next);
}

/* Insert @node right before @pos (at the back when @pos is the head). */
static inline void list_insert_before(struct list_node *pos, struct list_node *node)
{
	__list_insert(node, pos->prev, pos);
}

static inline void list_push_front(struct list_node *head, struct list_node *node)
{
	list_insert_after(head, node);
}

static inline void list_push_back(struct list_node *head, struct list_node *node)
{
	list_insert_before(head, node);
}

/* Unlink @node and leave it unlinked (pointing at itself). */
static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_node_init(node);
}

static inline struct list_node *list_first(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

static inline struct list_node *list_last(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->prev;
}

static inline struct list_node *list_pop_front(struct list_node *head)
{
	struct list_node *n = list_first(head);

	if (n)
		list_remove(n);
	return n;
}

/* Move every node of @from to the back of @to; @from ends empty. */
static inline void list_splice_back(struct list_node *to, struct list_node *from)
{
	if (list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	list_init(from);
}

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* Safe against removal of @pos; @tmp holds the next node. */
#define list_for_each_safe(pos, tmp, head)                                     \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);       \
	     (pos) = (tmp), (tmp) = (pos)->next)

#define list_for_each_entry(pos, head, member)                                 \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member);     \
	     &(pos)->member != (head);                                         \
	     (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member))

#define list_for_each_entry_safe(pos, tmp, head, member)                       \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member),     \
	    (tmp) = list_entry((pos)->member.next, __typeof__(*(pos)), member); \
	     &(pos)->member != (head);                                         \
	     (pos) = (tmp), (tmp) = list_entry((tmp)->member.next, __typeof__(*(tmp)), member))

#endif
