/* kern/thread.c: creating, starting, ending threads (see thread.h). */
#define LOG_PREFIX "thread: "
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <lib/string.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/ipc.h>
#include <kern/kalloc.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

static struct thread boot_thread;
static uint64_t next_thread_id = 1;

static void set_name(struct thread *t, const char *name)
{
	size_t i;

	for (i = 0; name && name[i] && i < THREAD_NAME_LEN - 1; i++)
		t->name[i] = name[i];
	t->name[i] = '\0';
}

void thread_init_boot(void)
{
	list_node_init(&boot_thread.rq);
	boot_thread.prio = THREAD_PRIO_DEFAULT;
	boot_thread.id = next_thread_id++;
	set_name(&boot_thread, "boot");
	sched_set_current(&boot_thread);
}

/* First code of a user thread, on its own kernel stack: leave for user mode. */
static void user_thread_entry(void *arg)
{
	struct thread *t = arg;

	arch_user_return(t->frame);
}

int thread_create_user(struct aspace *as, const char *name, uintptr_t pc, uintptr_t sp,
		       uintptr_t arg0, unsigned int prio, struct thread **out)
{
	struct thread *t;
	uintptr_t top;
	int err;

	if (prio > THREAD_PRIO_MAX)
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = frame_alloc_contig(&kernel_frames, KSTACK_PAGES, 1, &t->kstack_pa);
	if (err) {
		kfree(t, sizeof(*t));
		return err;
	}
	list_node_init(&t->rq);
	list_node_init(&t->ipc_link);
	t->as = as;
	t->prio = prio;
	t->state = THREAD_INACTIVE;
	t->id = next_thread_id++;
	set_name(t, name);
	top = (uintptr_t)phys_to_virt(t->kstack_pa) + KSTACK_PAGES * PAGE_SIZE;
	t->frame = (struct trap_frame *)(top - sizeof(struct trap_frame));
	memset(t->frame, 0, sizeof(*t->frame));
	arch_user_frame_init(t->frame, pc, sp, arg0);
	arch_context_init(&t->ctx, (uintptr_t)t->frame & ~(uintptr_t)15, user_thread_entry, t);
	*out = t;
	return 0;
}

int thread_start(struct thread *t)
{
	unsigned long irq;

	if (t->state != THREAD_INACTIVE)
		return -EINVAL;
	irq = arch_irq_save();
	sched_enqueue(t);
	arch_irq_restore(irq);
	return 0;
}

void thread_exit(long code)
{
	struct thread *t = thread_current();

	arch_irq_disable();
	ASSERT(t != &boot_thread);
	ipc_thread_gone(t);
	t->exit_code = code;
	t->state = THREAD_DEAD;
	sched_switch_away();
	/* A dead thread is never switched back to. */
	for (;;)
		arch_wait_for_interrupt();
}

void thread_kill(struct thread *t)
{
	unsigned long irq = arch_irq_save();

	ASSERT(t != thread_current());
	if (t->state == THREAD_RUNNABLE)
		sched_dequeue(t);
	if (t->state != THREAD_DEAD) {
		ipc_thread_gone(t);
		t->exit_code = -EDEAD;
		t->state = THREAD_DEAD;
	}
	arch_irq_restore(irq);
}

void thread_destroy(struct thread *t)
{
	ASSERT(t != thread_current() && t != &boot_thread);
	ASSERT(t->state == THREAD_DEAD || t->state == THREAD_INACTIVE);
	frame_free_contig(&kernel_frames, t->kstack_pa, KSTACK_PAGES);
	kfree(t, sizeof(*t));
}
