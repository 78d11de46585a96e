/*
 * kern/irq.h: interrupt lines delivered to user-mode drivers. A line is
 * bound to a notification (through an IRQ capability with the bind right
 * and a notification capability with the send right): when it fires, the
 * arch masks it and the notification is signalled with the badge of that
 * capability; the driver handles the device and acknowledges, which
 * unmasks the line. The binding holds a reference on the notification.
 */
#ifndef PAGODA_KERN_IRQ_H
#define PAGODA_KERN_IRQ_H

#include <pagoda/types.h>

struct notification;

#define IRQ_MAX_LINES 128

/* irq_dispatch: called by the arch with the line masked, interrupts disabled. */
void irq_dispatch(unsigned int line);

/* irq_bind: -EINVAL no such line, -EBUSY already bound. Unmasks the line. */
int irq_bind(unsigned int line, struct notification *nt, uint64_t badge);
/* irq_unbind: mask and forget the binding; -ENOENT if none. */
int irq_unbind(unsigned int line);
/* irq_ack: the driver is done: unmask. -ENOENT if not bound. */
int irq_ack(unsigned int line);

#endif
