/*
 * vm/anon_vma.h: the reverse map of anonymous (private) pages.
 *
 * Given an anonymous page, rmap_walk must find every (mm, address) that may
 * map it. A page names the anon_vma it was created in (page->mapping) and
 * its index; anon_vmas form a forest that records forks:
 *
 *        fork 1 of P                   fork 2 of P (P wrote in between)
 *
 *          A  (pages of P                   A
 *         / \   before fork 1)             / \
 *   P:  A1   A2 :C1                   A1      A2 :C1
 *   (new pages of P go to A1,        /  \
 *    of C1 to A2)               P: A3    A4 :C2
 *
 *   - A VMA points at one anon_vma, its own. Only leaves hold VMAs, and all
 *     the VMAs of one anon_vma belong to one mm: the pieces of one region,
 *     split by mprotect and munmap, or merged back.
 *   - A page of anon_vma X may be mapped only by VMAs whose anon_vma lies
 *     in X's subtree: fork gives both sides fresh leaves below X, so a page
 *     one side creates after the fork goes to that side's leaf and is never
 *     looked for on the other side. rmap_walk visits X's subtree.
 *   - Inside a subtree every VMA satisfies start - pgoff * PAGE_SIZE ==
 *     delta (anonymous VMAs have pgoff = start >> PAGE_SHIFT, and split,
 *     merge, stack growth and fork keep the relation), so a page of index
 *     i sits at delta + i * PAGE_SIZE in every VMA that may map it: one
 *     vma_find per anon_vma with VMAs.
 *
 * Fork, for each anon_vma X of the parent's VMAs:
 *   - X has pages: two new leaves below X, X' for the parent's VMAs (moved
 *     there) and Xc for the child's copies;
 *   - no pages but a parent P: its VMAs may map P's pages (and above), not
 *     X's: the child's copies get a new leaf Xc below P, the parent stays;
 *   - no pages, no parent: nothing anonymous can be mapped; the child's
 *     copies start with no anon_vma.
 *
 * Bounded growth: an anon_vma lives exactly while it has VMAs or pages.
 * When its last VMA and its last page are gone it is freed at once and its
 * children move up to its parent (so interior nodes always hold pages).
 * Hence the forest never holds more anon_vmas than there are VMAs plus
 * anonymous pages, however long the fork chains (Linux bounds its
 * anon_vma_chain lists by reusing idle anon_vmas; here idle ones do not
 * exist). A walk costs O(subtree size * log n).
 *
 * Precision: a walk may visit a VMA whose page slot was later remapped
 * (e.g. munmap then a new mapping merged at the same place); the caller
 * checks its own page record, as Linux checks the PTE.
 *
 * Locks: the pager's single thread serialises everything.
 */
#ifndef PAGODA_VM_ANON_VMA_H
#define PAGODA_VM_ANON_VMA_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>

struct mm;
struct vma;

struct anon_vma {
	struct anon_vma *parent;	/* the anon_vma forked from; NULL for a root */
	struct list_node children;	/* anon_vmas forked from this one (sibling) */
	struct list_node sibling;	/* in parent->children */
	struct list_node vmas;		/* VMAs using it (vma.anon_node); only in a leaf */
	struct mm *mm;			/* the mm of every VMA in vmas; NULL when none */
	vaddr_t delta;			/* start - pgoff * PAGE_SIZE of every VMA below */
	unsigned long nr_vmas;		/* length of vmas */
	unsigned long nr_pages;		/* pages whose page->mapping names it */
	struct anon_vma *fork_self;	/* mm_fork scratch: the parent's new leaf */
	struct anon_vma *fork_child;	/* mm_fork scratch: the child's new leaf */
	struct anon_vma *fork_next;	/* mm_fork scratch: list of marked anon_vmas */
};

int anon_vma_prepare(struct vma *vma);
struct anon_vma *anon_vma_alloc(void);
void anon_vma_free(struct anon_vma *av);
void anon_vma_attach(struct anon_vma *av, struct vma *vma);
void anon_vma_detach(struct vma *vma);
void anon_vma_add_child(struct anon_vma *parent, struct anon_vma *child);
void anon_vma_page_get(struct anon_vma *av);
void anon_vma_page_put(struct anon_vma *av);
struct anon_vma *anon_vma_walk_next(const struct anon_vma *top, const struct anon_vma *av);
int anon_vma_check(const struct anon_vma *av);
int anon_vma_check_tree(const struct anon_vma *root);

#endif
