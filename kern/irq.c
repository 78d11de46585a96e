/* kern/irq.c: interrupt lines to notifications (see irq.h). */
#define LOG_PREFIX "irq: "
#include <pagoda/errno.h>
#include <lib/log.h>
#include <arch/irq.h>
#include <kern/irq.h>
#include <kern/notification.h>

/*
 * A binding lasts until it is unbound or the capability it was made with
 * goes (deleted, revoked, or its CSpace destroyed: a driver that dies
 * frees its line for the next one). cap.c tells irq.c when an IRQ
 * capability moves or goes (irq_cap_moved, irq_cap_gone).
 */
struct irq_binding {
	struct notification *nt;	/* referenced; NULL: unbound */
	const struct cap *by;		/* the capability it was made with */
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

int irq_bind(unsigned int line, struct notification *nt, uint64_t badge, const struct cap *by)
{
	if (!line_ok(line))
		return -EINVAL;
	if (bindings[line].nt)
		return -EBUSY;
	kobj_get(&nt->nt_ko);
	bindings[line] = (struct irq_binding){ .nt = nt, .by = by, .badge = badge ? badge : 1 };
	arch_irq_line_unmask(line);
	return 0;
}

/* irq_release: mask @line and forget its binding; the notification, whose reference the caller drops. */
static struct notification *irq_release(unsigned int line)
{
	struct notification *nt = bindings[line].nt;

	arch_irq_line_mask(line);
	bindings[line].nt = NULL;
	bindings[line].by = NULL;
	return nt;
}

int irq_unbind(unsigned int line)
{
	if (!line_ok(line))
		return -EINVAL;
	if (!bindings[line].nt)
		return -ENOENT;
	kobj_put(&irq_release(line)->nt_ko);
	return 0;
}

void irq_cap_moved(unsigned int line, const struct cap *from, const struct cap *to)
{
	if (line < IRQ_MAX_LINES && bindings[line].nt && bindings[line].by == from)
		bindings[line].by = to;
}

struct kobj *irq_cap_gone(unsigned int line, const struct cap *cap)
{
	if (line < IRQ_MAX_LINES && bindings[line].nt && bindings[line].by == cap)
		return &irq_release(line)->nt_ko;
	return NULL;
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
