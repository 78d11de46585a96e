/* kern/irq.c: interrupt lines to notifications (see irq.h). */
#define LOG_PREFIX "irq: "
#include <pagoda/errno.h>
#include <lib/log.h>
#include <arch/irq.h>
#include <kern/irq.h>
#include <kern/notification.h>

struct irq_binding {
	struct notification *nt;	/* referenced; NULL: unbound */
	uint64_t badge;
	unsigned long count;		/* deliveries, for debugging */
};

static struct irq_binding bindings[IRQ_MAX_LINES];

static bool line_ok(unsigned int line)
{
	return line >= 1 && line < IRQ_MAX_LINES && line <= arch_irq_lines();
}

void irq_dispatch(unsigned int line)
{
	struct irq_binding *b = line < IRQ_MAX_LINES ? &bindings[line] : NULL;

	if (!b || !b->nt) {
		/* Stays masked: nobody asked for it. */
		log_warn("unexpected interrupt on line %u\n", line);
		return;
	}
	b->count++;
	notification_signal(b->nt, b->badge);
}

int irq_bind(unsigned int line, struct notification *nt, uint64_t badge)
{
	if (!line_ok(line))
		return -EINVAL;
	if (bindings[line].nt)
		return -EBUSY;
	kobj_get(&nt->nt_ko);
	bindings[line] = (struct irq_binding){ .nt = nt, .badge = badge ? badge : 1 };
	arch_irq_line_unmask(line);
	return 0;
}

int irq_unbind(unsigned int line)
{
	struct notification *nt;

	if (!line_ok(line))
		return -EINVAL;
	nt = bindings[line].nt;
	if (!nt)
		return -ENOENT;
	arch_irq_line_mask(line);
	bindings[line].nt = NULL;
	kobj_put(&nt->nt_ko);
	return 0;
}

int irq_ack(unsigned int line)
{
	if (!line_ok(line))
		return -EINVAL;
	if (!bindings[line].nt)
		return -ENOENT;
	arch_irq_line_unmask(line);
	return 0;
}
