/* kern/endpoint.c: endpoint objects (see endpoint.h). */
#include <pagoda/errno.h>
#include <kern/endpoint.h>
#include <kern/ipc.h>
#include <kern/kalloc.h>

static void endpoint_destroy(struct kobj *ko)
{
	struct endpoint *ep = endpoint_of(ko);

	ipc_endpoint_dying(ep);
	kfree(ep, sizeof(*ep));
}

static const struct kobj_ops endpoint_ops = {
	.destroy = endpoint_destroy,
};

int endpoint_create(struct endpoint **out)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (!ep)
		return -ENOMEM;
	kobj_init(&ep->ep_ko, CAP_ENDPOINT, &endpoint_ops);
	list_init(&ep->ep_senders);
	list_init(&ep->ep_receivers);
	*out = ep;
	return 0;
}
