/*
 * tests/host/kern/no_irq_lines.h: kern/irq.c's two hooks as they behave
 * when no interrupt line is bound, for the host tests that build
 * kern/cap.c alone: an IRQ capability's move or removal then concerns no
 * binding. (The guest suite tests the bindings: utest_root
 * irq_binding_lives_with_its_capability.)
 */
#include "kern/irq.h"

void irq_cap_moved(unsigned int line, const struct cap *from, const struct cap *to)
{
	(void)line;
	(void)from;
	(void)to;
}

struct kobj *irq_cap_gone(unsigned int line, const struct cap *cap)
{
	(void)line;
	(void)cap;
	return NULL;
}
