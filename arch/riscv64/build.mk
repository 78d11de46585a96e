# arch/riscv64/build.mk: riscv64 compiler flags and tools, included by the Makefile.
ARCH_GNU_PREFIX := riscv64-unknown-elf-
ARCH_CLANG_TARGET := --target=riscv64-unknown-elf
# No floating point in the kernel or (for now) in user programs: lp64, no F/D,
# so a context switch never saves FP state.
# LLVM 14 does not know the zicsr/zifencei names (it implies them).
ARCH_MARCH := $(if $(filter llvm,$(TOOLCHAIN)),rv64imac,rv64imac_zicsr_zifencei)
ARCH_CFLAGS := -march=$(ARCH_MARCH) -mabi=lp64 -mcmodel=medany -mno-relax
ARCH_KERN_CFLAGS :=
ARCH_USER_LDFLAGS := -z noexecstack
ARCH_LDFLAGS := -nostdlib -static --no-relax -z max-page-size=4096
QEMU_SYSTEM := qemu-system-riscv64
