/*
 * kern/irq.h: interrupt lines delivered to user-mode drivers. A line is
 * bound to a notification (through an IRQ capability with the bind right
 * and a notification capability with the send right): when it fires, the
 * arch masks it and the notification is signalled with the badge of that
 * capability; the driver handles the device and acknowledges, which
 * unmasks the line. The binding holds a reference on the notification,
 * and lasts until it is unbound or the IRQ capability it was made with
 * is deleted, revoked or destroyed with its CSpace.
 */
#ifndef PAGODA_KERN_IRQ_H
#define PAGODA_KERN_IRQ_H

#include <pagoda/types.h>

struct cap;
struct kobj;
struct notification;

#define IRQ_MAX_LINES 128

/* irq_dispatch: called by the arch with the line masked, interrupts disabled. */
void irq_dispatch(unsigned int line);

/* irq_bind: through @by; -EINVAL no such line, -EBUSY already bound. Unmasks the line. */
int irq_bind(unsigned int line, struct notification *nt, uint64_t badge, const struct cap *by);
/* irq_unbind: mask and forget the binding; -ENOENT if none. */
int irq_unbind(unsigned int line);
/* irq_ack: the driver is done: unmask. -ENOENT if not bound. */
int irq_ack(unsigned int line);

/* irq_cap_moved: the IRQ capability @from of @line now lives at @to (cap_move). */
void irq_cap_moved(unsigned int line, const struct cap *from, const struct cap *to);
/*
 * irq_cap_gone: the IRQ capability @cap of @line is being removed: if the
 * line was bound through it, mask and unbind it and return the bound
 * notification's object, whose reference the caller drops; else NULL.
 */
struct kobj *irq_cap_gone(unsigned int line, const struct cap *cap);

#endif
