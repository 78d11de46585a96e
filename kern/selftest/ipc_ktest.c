/*
 * kern/selftest/ipc_ktest.c: IPC between two user address spaces: the
 * programs utest_ipc_server and utest_ipc_client (or utest_ipc_orphan)
 * check words, data, badges, capability transfer with and without the
 * grant right, rights enforcement and errors; here we wire them together
 * and check that both end cleanly and give all memory back.
 */
#include <pagoda/errno.h>
#include <kern/cap.h>
#include <kern/endpoint.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

#define EP_RIGHTS (CAP_R_SEND | CAP_R_RECV | CAP_R_GRANT)

static int wire(struct user_program *srv, struct user_program *cli)
{
	struct endpoint *ep, *gift;
	int err = endpoint_create(&ep);

	if (err)
		return err;
	err = cap_insert_obj(srv->cs, 1, &ep->ep_ko, EP_RIGHTS);
	if (!err)
		err = cap_mint(srv->cs, 1, cli->cs, 1, CAP_R_SEND | CAP_R_GRANT, 42);
	if (!err)
		err = cap_mint(srv->cs, 1, cli->cs, 2, CAP_R_SEND, 7);
	if (!err && !(err = endpoint_create(&gift)))
		err = cap_insert_obj(cli->cs, 3, &gift->ep_ko, EP_RIGHTS);
	return err;
}

/* run_pair: run both until both end (every client ends the server). */
static void run_pair(struct ktest_ctx *t, const char *client, long want_server)
{
	struct user_program srv, cli;

	KT_REQUIRE(loader_load("utest_ipc_server", THREAD_PRIO_DEFAULT, &srv) == 0);
	if (loader_load(client, THREAD_PRIO_DEFAULT, &cli)) {
		loader_destroy(&srv);
		KT_REQUIRE(false, "loading %s", client);
	}
	KT_CHECK(wire(&srv, &cli) == 0);
	thread_start(srv.thread);
	thread_start(cli.thread);
	KT_CHECK(thread_join(cli.thread) == 0, "%s exit code %ld", client, cli.thread->exit_code);
	/* Both clients end the server (quit, or vanish without replying). */
	KT_CHECK(thread_join(srv.thread) == want_server, "server exit code %ld",
		 srv.thread->exit_code);
	loader_destroy(&cli);
	loader_destroy(&srv);
}

KTEST(ipc_between_address_spaces)
{
	size_t before;

	run_pair(t, "utest_ipc_client", 0);
	before = frame_pool_free_count(&kernel_frames);
	run_pair(t, "utest_ipc_client", 0);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before, "frames leaked: %zu",
		 before - frame_pool_free_count(&kernel_frames));
}

KTEST(ipc_call_to_exiting_server_fails)
{
	run_pair(t, "utest_ipc_orphan", 0);
}
