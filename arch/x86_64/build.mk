# arch/x86_64/build.mk: x86-64 compiler flags and tools, included by the Makefile.
# The host gcc and binutils build freestanding x86-64 code (no prefix).
ARCH_GNU_PREFIX :=
ARCH_CLANG_TARGET := --target=x86_64-unknown-elf
# No SSE, x87 or MMX anywhere (kernel and user programs): a context switch
# never saves FPU state, and the kernel runs with CR0.EM set so a stray
# floating-point instruction traps. No CET end-branch markers (they would
# only cost instructions under the benchmarks).
ARCH_MARCH := x86-64
ARCH_CFLAGS := -march=$(ARCH_MARCH) -m64 -mgeneral-regs-only -mno-mmx -mno-sse -mno-80387 \
	-fcf-protection=none -fno-asynchronous-unwind-tables \
	-DX86_PAGING_LA57=$(if $(filter la57,$(PAGING)),1,0)
# The kernel lives in the top 2 GiB (kernel code model) and is interrupted
# on its own stack, so no red zone.
ARCH_KERN_CFLAGS := -mcmodel=kernel -mno-red-zone
ARCH_USER_LDFLAGS :=
ARCH_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack
QEMU_SYSTEM := qemu-system-x86_64
