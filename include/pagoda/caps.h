/*
 * pagoda/caps.h: capability types and rights, shared by the kernel and
 * userland (docs/capabilities.md describes each).
 */
#ifndef PAGODA_CAPS_H
#define PAGODA_CAPS_H

/* Object types. A slot holding CAP_NULL is empty. */
enum cap_type {
	CAP_NULL = 0,
	/* kernel objects: the capability names a struct kobj */
	CAP_THREAD,
	CAP_ASPACE,
	CAP_ENDPOINT,
	CAP_NOTIFICATION,
	CAP_REPLY,		/* one-shot reply right: never derived (copy -> -EINVAL) */
	CAP_CSPACE,
	/* page ranges: base (page aligned) and npages (>= 1) */
	CAP_FRAMES,		/* RAM its holder may map */
	CAP_MMIO,		/* device registers, mapped uncached */
	/* scalar */
	CAP_IRQ,		/* an interrupt line number */
	CAP_TYPE_COUNT
};

/* cap_lookup's @type that accepts every type. */
#define CAP_ANY CAP_TYPE_COUNT

/* Rights. A derived capability has a subset of its parent's. */
#define CAP_R_SEND	(1u << 0)	/* endpoint: send/call; notification: signal */
#define CAP_R_RECV	(1u << 1)	/* endpoint: receive; notification: wait */
#define CAP_R_GRANT	(1u << 2)	/* endpoint: capabilities may travel with messages */
#define CAP_R_MAP	(1u << 3)	/* frames, mmio: map; aspace: map into it */
#define CAP_R_READ	(1u << 4)	/* frames, mmio: readable mapping */
#define CAP_R_WRITE	(1u << 5)	/* frames, mmio: writable mapping */
#define CAP_R_EXEC	(1u << 6)	/* frames: executable mapping */
#define CAP_R_CONTROL	(1u << 7)	/* configure/start/stop/destroy: thread, aspace, cspace */
#define CAP_R_BIND	(1u << 8)	/* irq: bind to a notification */
#define CAP_R_ALL	0x1ffu

#endif
