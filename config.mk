# config.mk: every build and run knob, with its default.
# Any of them can be set on the make command line: make run ARCH=x86_64 MEM=512M
# An unknown value is an error that lists the valid ones (see the Makefile).

# Target architecture: riscv64, x86_64
ARCH ?= riscv64

# Paging mode. riscv64: sv39. x86_64: pml4 (4-level) or la57 (5-level, needs a CPU
# with LA57 such as QEMU -cpu max). Empty = the architecture's default.
PAGING ?=

# How the kernel is booted. riscv64: opensbi (QEMU -bios with Debian's OpenSBI).
# x86_64: pvh (QEMU -kernel, PVH ELF note). Empty = the architecture's default.
BOOT ?=

# Compiler family: gnu (riscv64-unknown-elf-gcc / host gcc) or llvm (clang + ld.lld).
TOOLCHAIN ?= gnu

# 1: assertions and invariant checkers on, -O1; 0: -O2, assertions compiled out.
DEBUG ?= 1

# Guest RAM size, as QEMU's -m takes it (e.g. 128M, 1G).
MEM ?= 256M

# Number of harts/CPUs. Only 1 is supported for now.
SMP ?= 1

# Seconds a guest test boot may take before it counts as a hang.
TEST_TIMEOUT ?= 60

# Extra kernel command line for make run (e.g. ktest to run the self-tests).
BOOTARGS ?=

# Seconds each libFuzzer target explores under make fuzz.
FUZZ_TIME ?= 60
