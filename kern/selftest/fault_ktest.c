/*
 * kern/selftest/fault_ktest.c: demand paging by a user-mode fault handler
 * (utest_minipager) for a client (utest_touch) in another address space,
 * through the fault fastpath and reply_recv; then everything is given back.
 */
#include <pagoda/errno.h>
#include <kern/aspace.h>
#include <kern/endpoint.h>
#include <kern/fault.h>
#include <kern/kalloc.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

#define REGION_PAGES 16

static int wire(struct user_program *hnd, struct user_program *cli, paddr_t region)
{
	struct endpoint *ep;
	int err = endpoint_create(&ep);

	if (err)
		return err;
	err = cap_insert_obj(hnd->cs, 1, &ep->ep_ko, CAP_R_RECV | CAP_R_SEND);
	if (err) {
		kfree(ep, sizeof(*ep));
		return err;
	}
	fault_set_handler(cli->thread, ep, 5, false);
	err = cap_insert_obj(hnd->cs, 2, &cli->as->as_ko, CAP_R_MAP);
	if (!err)
		err = cap_insert_range(hnd->cs, 3, CAP_FRAMES, region, REGION_PAGES,
				       CAP_R_MAP | CAP_R_READ | CAP_R_WRITE);
	return err;
}

static void run_once(struct ktest_ctx *t)
{
	struct user_program hnd, cli;
	paddr_t region;

	KT_REQUIRE(frame_alloc_contig(&kernel_frames, REGION_PAGES, 1, &region) == 0);
	KT_REQUIRE(loader_load("utest_minipager", THREAD_PRIO_DEFAULT, &hnd) == 0);
	KT_REQUIRE(loader_load("utest_touch", THREAD_PRIO_DEFAULT, &cli) == 0);
	KT_CHECK(wire(&hnd, &cli, region) == 0);
	thread_start(hnd.thread);
	thread_start(cli.thread);
	KT_CHECK(thread_join(cli.thread) == 0, "client exit code %ld", cli.thread->exit_code);
	thread_kill(hnd.thread);
	/* The region's pages are the handler's, not the loader's: take them back first. */
	KT_CHECK(aspace_unmap(cli.as, 0x30000000, 8, NULL) == 0);
	loader_destroy(&cli);
	loader_destroy(&hnd);
	frame_free_contig(&kernel_frames, region, REGION_PAGES);
}

KTEST(user_fault_handler_pages_on_demand)
{
	size_t before;

	run_once(t);
	/* Again, with the object allocator warm: nothing may leak. */
	before = frame_pool_free_count(&kernel_frames);
	run_once(t);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before, "frames leaked: %zu",
		 before - frame_pool_free_count(&kernel_frames));
}
