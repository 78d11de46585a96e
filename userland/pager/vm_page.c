/*
 * userland/pager/vm_page.c: vm/page.c built into the pager itself. The
 * library holds vm/ too, but spawn.c's root-task page_alloc() comes first
 * in the archive and would be linked instead of the frame table's (two
 * page_alloc definitions then clash); compiling page.c here settles it.
 */
#include <vm/page.c>
