/*
 * tests/host/kern/irq_stub.h: kern/irq.c's hooks for the host tests that
 * build kern/cap.c alone. No line is ever bound here, so an IRQ
 * capability's move or removal concerns no binding (the guest suite tests
 * the bindings: utest_root irq_binding_lives_with_its_capability).
 */
#include "kern/irq.h"

void irq_cap_moved(unsigned int line, const struct cap *from, const struct cap *to)
{
	(void)line;
	(void)from;
	(void)to;
}

struct notification *irq_cap_gone(unsigned int line, const struct cap *cap)
{
	(void)line;
	(void)cap;
	return NULL;
}
