# Pagoda: one build for every configuration. Knobs and defaults: config.mk.
#
#   make run        build and boot the configuration under QEMU
#   make test       host unit tests, then every in-guest test configuration
#   make bench      in-guest benchmarks (instruction counts)
#   make help       all targets

include config.mk

.DEFAULT_GOAL := all
SHELL := /bin/bash
Q := $(if $(V),,@)

# ---------------------------------------------------------------- knobs --

valid_ARCH := riscv64 x86_64
valid_PAGING_riscv64 := sv39
default_PAGING_riscv64 := sv39
valid_BOOT_riscv64 := opensbi
default_BOOT_riscv64 := opensbi
valid_PAGING_x86_64 := pml4 la57
default_PAGING_x86_64 := pml4
valid_BOOT_x86_64 := pvh
default_BOOT_x86_64 := pvh
valid_TOOLCHAIN := gnu llvm
valid_DEBUG := 0 1
valid_SMP := 1

check_knob = $(if $(and $(filter 1,$(words $($(1)))),$(filter $($(1)),$(2))),,$(error $(1)=$($(1)) is not valid; valid values: $(2)))

$(call check_knob,ARCH,$(valid_ARCH))
ifeq ($(PAGING),)
override PAGING := $(default_PAGING_$(ARCH))
endif
$(call check_knob,PAGING,$(valid_PAGING_$(ARCH)))
ifeq ($(BOOT),)
override BOOT := $(default_BOOT_$(ARCH))
endif
$(call check_knob,BOOT,$(valid_BOOT_$(ARCH)))
$(call check_knob,TOOLCHAIN,$(valid_TOOLCHAIN))
$(call check_knob,DEBUG,$(valid_DEBUG))
$(call check_knob,SMP,$(valid_SMP))
ifeq ($(shell echo '$(MEM)' | grep -Ex '[0-9]+[MG]'),)
$(error MEM=$(MEM) is not valid; use a size such as 128M or 1G)
endif

CONFIG := $(ARCH)-$(PAGING)-$(TOOLCHAIN)$(if $(filter 1,$(DEBUG)),-debug)
BUILD := build/$(CONFIG)
HBUILD := build/host

# ------------------------------------------------------------ toolchains --

include arch/$(ARCH)/build.mk

ifeq ($(TOOLCHAIN),llvm)
CC := clang $(ARCH_CLANG_TARGET)
LD := ld.lld
OBJCOPY := llvm-objcopy
AR := llvm-ar
HOSTCC := clang
else
CC := $(ARCH_GNU_PREFIX)gcc
LD := $(ARCH_GNU_PREFIX)ld
OBJCOPY := $(ARCH_GNU_PREFIX)objcopy
AR := $(ARCH_GNU_PREFIX)ar
HOSTCC := gcc
endif

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes
INCS := -Iinclude -I. -Iarch/$(ARCH)/include

# Freestanding flags shared by the kernel and user programs.
FREE_CFLAGS := -std=gnu11 $(WARN) -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing -g \
	$(if $(filter 1,$(DEBUG)),-O1 -DCONFIG_ASSERT=1 -DCONFIG_DEBUG=1,-O2) \
	-DCONFIG_ARCH='"$(ARCH)"' -DCONFIG_PAGING='"$(PAGING)"' -DCONFIG_NAME='"$(CONFIG)"' \
	$(ARCH_CFLAGS) $(INCS) -MMD -MP

KERN_CFLAGS := $(FREE_CFLAGS) $(ARCH_KERN_CFLAGS) -DPAGODA_KERNEL=1

HOST_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DCONFIG_ASSERT=1 -DCONFIG_DEBUG=1 -DPAGODA_HOST=1 \
	-Iinclude -I. -Itests/host/common -MMD -MP

# ---------------------------------------------------------------- sources --

# lib/ and vm/ are built three ways: kernel, user, host. string.c provides
# the C names memcpy/memset/...; the host has its own, so its test builds it
# under other names.
LIB_SRCS := $(wildcard lib/*.c)
VM_SRCS := $(wildcard vm/*.c)
HOST_LIB_SRCS := $(filter-out lib/string.c,$(LIB_SRCS)) $(VM_SRCS) $(wildcard kern/frame.c) \
	$(wildcard tests/host/common/*.c)

KERN_SRCS := $(wildcard kern/*.c kern/selftest/*.c) $(wildcard arch/$(ARCH)/*.c) $(wildcard arch/$(ARCH)/*.S)

# ------------------------------------------------------------ host tests --

HOST_TESTS := $(patsubst %.c,$(HBUILD)/%,$(shell find tests/host -name '*_test.c' | sort))
HOST_OBJS := $(patsubst %.c,$(HBUILD)/obj/%.o,$(HOST_LIB_SRCS))

$(HBUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(HBUILD)/libhost.a: $(HOST_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(HBUILD)/tests/%: tests/%.c $(HBUILD)/libhost.a
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< $(HBUILD)/libhost.a -o $@

host-tests: $(HOST_TESTS)

# Run every host test binary through the KTAP runner.
host-test: deps $(HOST_TESTS)
	$(Q)scripts/run-tests.sh host $(HOST_TESTS)

# ------------------------------------------------- fuzzers, host benches --

# libFuzzer targets: tests/fuzz/NAME_fuzz.c defines LLVMFuzzerTestOneInput
# and keeps its seed corpus in tests/fuzz/corpus/NAME/. Built with clang
# (libFuzzer is clang's); `make fuzz` explores for FUZZ_TIME seconds each,
# `make test` replays the checked-in corpus.
FBUILD := build/fuzz
FUZZ_LIB_SRCS := $(filter-out tests/host/common/%,$(HOST_LIB_SRCS)) tests/host/common/host_env.c
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -DCONFIG_ASSERT=1 -DCONFIG_DEBUG=1 -DPAGODA_HOST=1 \
	-Iinclude -I. -Itests/host/common
FUZZERS := $(patsubst tests/fuzz/%.c,$(FBUILD)/%,$(wildcard tests/fuzz/*_fuzz.c))

$(FBUILD)/%_fuzz: tests/fuzz/%_fuzz.c $(FUZZ_LIB_SRCS)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRCS) -o $@

fuzzers: $(FUZZERS)

fuzz: deps $(FUZZERS)
	$(Q)for f in $(FUZZERS); do n=$$(basename $$f _fuzz); mkdir -p $(FBUILD)/corpus/$$n; \
		echo "  FUZZ    $$n for $(FUZZ_TIME)s"; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(FBUILD)/corpus/$$n \
			tests/fuzz/corpus/$$n || exit 1; done

# Host benchmarks of vm/ data structures: native, -O2, no sanitizers,
# assertions off. They print figures; they never fail on a figure.
BBUILD := build/bench
BENCH_CFLAGS := -std=gnu11 $(WARN) -g -O2 -DPAGODA_HOST=1 -Iinclude -I. -Itests/host/common
BENCH_LIB_SRCS := $(FUZZ_LIB_SRCS)
BENCHES := $(patsubst tests/bench/%.c,$(BBUILD)/%,$(wildcard tests/bench/*_bench.c))

$(BBUILD)/%_bench: tests/bench/%_bench.c $(BENCH_LIB_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) $< $(BENCH_LIB_SRCS) -o $@

bench-host: $(BENCHES)
	$(Q)for b in $(BENCHES); do $$b || exit 1; done

# ------------------------------------------------------------ the kernel --

KERN_OBJS := $(patsubst %,$(BUILD)/kobj/%.o,$(KERN_SRCS))
KLIB_OBJS := $(patsubst %.c,$(BUILD)/kobj/%.o,$(LIB_SRCS) $(VM_SRCS))
KERNEL := $(BUILD)/kernel.elf

$(BUILD)/kobj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERN_CFLAGS) -c $< -o $@

$(BUILD)/kobj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERN_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/kobj/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERN_CFLAGS) -c $< -o $@

$(BUILD)/kobj/vm/%.o: vm/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERN_CFLAGS) -c $< -o $@

$(BUILD)/klib.a: $(KLIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(KERNEL): $(KERN_OBJS) $(BUILD)/klib.a arch/$(ARCH)/kernel.ld
	$(Q)$(LD) $(ARCH_LDFLAGS) -T arch/$(ARCH)/kernel.ld -o $@ $(KERN_OBJS) $(BUILD)/klib.a
	@echo "  LD      $@"

kernel: $(KERNEL)

print-kernel:
	@echo $(KERNEL)

print-initrd:
	@echo $(INITRD)

# ----------------------------------------------------- user programs --

# Every directory of userland/ but lib/ is one program, linked against
# userland/lib and lib/ only. The boot archive (initrd, cpio newc) holds
# them all under their directory names; the kernel finds them there.
UBUILD := $(BUILD)/user
USER_PROGS := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard userland/*/))))
USER_CFLAGS := $(FREE_CFLAGS) -Iuserland/lib -Iuserland/lib/arch/$(ARCH) -DPAGODA_USER=1
# vm/ is in the library for the pager (which provides vm_zalloc/vm_free);
# programs that do not use it link none of it.
ULIB_SRCS := $(wildcard userland/lib/*.c userland/lib/arch/$(ARCH)/*.c userland/lib/arch/$(ARCH)/*.S) \
	$(LIB_SRCS) $(VM_SRCS)
ULIB_OBJS := $(patsubst %,$(UBUILD)/obj/%.o,$(ULIB_SRCS))
USER_LD := userland/lib/arch/$(ARCH)/user.ld
USER_BINS := $(patsubst %,$(UBUILD)/bin/%,$(USER_PROGS))
INITRD := $(BUILD)/initrd.cpio

$(UBUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(UBUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(UBUILD)/ulib.a: $(ULIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# crt0 must come first and be linked even though nothing references it.
USER_CRT0 := $(UBUILD)/obj/userland/lib/arch/$(ARCH)/crt0.S.o

user_objs = $(patsubst %,$(UBUILD)/obj/%.o,$(wildcard userland/$(1)/*.c))

# Programs link at 4 MiB; the servers get bases of their own, so a pc in a
# report or a profile (scripts/profile.py) names the program.
USER_BASE_pager := 0x40000000
USER_BASE_init := 0x20000000
USER_BASE_bench := 0x20000000
USER_BASE_bench_proc := 0x30000000

.SECONDEXPANSION:
$(UBUILD)/bin/%: $$(call user_objs,$$*) $(UBUILD)/ulib.a $(USER_LD)
	@mkdir -p $(dir $@)
	$(Q)$(LD) $(ARCH_LDFLAGS) $(ARCH_USER_LDFLAGS) -T $(USER_LD) \
		--defsym=USER_BASE=$(or $(USER_BASE_$*),0x400000) -o $@ $(USER_CRT0) \
		$(filter %.o,$^) $(UBUILD)/ulib.a

# bad_elf: a truncated program, which every loader must refuse (tests).
$(INITRD): $(USER_BINS)
	$(Q)head -c 300 $(UBUILD)/bin/utest_basic > $(UBUILD)/bin/bad_elf
	$(Q)cd $(UBUILD)/bin && printf '%s\n' $(USER_PROGS) bad_elf | \
		cpio -o -H newc --quiet > $(CURDIR)/$@

user: $(INITRD)
kernel: $(INITRD)

# ------------------------------------------------------------- run, test --

all: kernel host-tests

# Install whatever the build and tests need (from Debian's packages).
deps:
	$(Q)scripts/deps.sh

run: deps kernel
	$(Q)scripts/qemu.sh --arch $(ARCH) --boot $(BOOT) --mem $(MEM) --smp $(SMP) \
		--kernel $(KERNEL) --initrd $(INITRD) --append "$(BOOTARGS)"

# The guest configurations make test boots (each builds in its own directory).
TEST_CONFIGS := riscv64:sv39:gnu riscv64:sv39:llvm
TEST_CONFIGS += x86_64:pml4:gnu:pvh x86_64:pml4:llvm:pvh x86_64:la57:gnu:pvh

guest-test: deps
	$(Q)scripts/run-guest-tests.sh $(TEST_CONFIGS)

test: deps
	$(Q)rm -rf build/results && mkdir -p build/results
	$(Q)$(MAKE) --no-print-directory host-tests
	$(Q)scripts/run-tests.sh host $(HOST_TESTS) || true
	$(Q)$(MAKE) --no-print-directory fuzzers
	$(Q)scripts/run-fuzz-replay.sh $(FUZZERS) || true
	$(Q)scripts/run-guest-tests.sh $(TEST_CONFIGS) || true
	$(Q)scripts/ktap.py summary build/results

# In-guest benchmarks: the bench program as the root task, under
# -icount shift=0,sleep=off (instret counts guest instructions). Built
# with DEBUG=0 unless given: figures are for the optimised kernel.
BENCH_DEBUG ?= 0
bench: deps
	$(Q)$(MAKE) --no-print-directory DEBUG=$(BENCH_DEBUG) bench-run

bench-run: kernel
	@mkdir -p $(BUILD)
	$(Q)timeout $(TEST_TIMEOUT) scripts/qemu.sh --arch $(ARCH) --boot $(BOOT) --mem $(MEM) \
		--smp 1 --icount --kernel $(KERNEL) --initrd $(INITRD) --append "init=bench" \
		</dev/null > $(BUILD)/bench.log 2>&1; \
		scripts/bench.py $(BUILD)/bench.log $(BUILD) $(CONFIG)

compile_commands.json:
	$(Q)scripts/compile-commands.sh > $@

clean:
	rm -rf build

help:
	@echo "make run | test | bench | kernel | host-test | guest-test | fuzz | bench-host"
	@echo "     compile_commands.json | clean"
	@echo "knobs (config.mk): ARCH=$(ARCH) PAGING=$(PAGING) BOOT=$(BOOT) TOOLCHAIN=$(TOOLCHAIN)"
	@echo "                   DEBUG=$(DEBUG) MEM=$(MEM) SMP=$(SMP)"

.PHONY: all kernel run test host-test host-tests guest-test deps clean help compile_commands.json \
	fuzz fuzzers bench-host user print-kernel print-initrd bench bench-run

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
