# nx_pop3_client: build, test, demo.
#   make demo   - the POP3 demo (examples-c/pop3_demo.c against an in-process server)
#   make test   - every test: Rust unit tests, header check, layering, C tests
#                 plain / ASan+UBSan / valgrind, and the real-server interop suite

CARGO     ?= cargo
CC        ?= cc
CBINDGEN  ?= cbindgen
BUILD     := build
LIB       := target/release/libnx_pop3_client.a
SYSLIBS   := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS    ?= -std=c11 -g -O1
WARN      := -Wall -Wextra -Werror
INC       := -Iinclude -Iffi-tests/harness
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
HARNESS   := ffi-tests/harness/tx_port.c
HEADERS   := $(wildcard include/*.h) ffi-tests/harness/tx_api.h

CTESTS    := $(patsubst ffi-tests/%.c,%,$(wildcard ffi-tests/test_*.c))
EXAMPLES  := $(patsubst examples-c/%.c,%,$(wildcard examples-c/*.c))
# Test programs that may take a command-line argument or need the network namespace are run by their own targets.
VALGRIND  ?= valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --quiet

.PHONY: all lib header check-header check-layers ctest ctest-plain ctest-asan ctest-valgrind \
        test demo demo-checked examples pop3_fetch bench fuzz interop clean

all: lib examples

lib:
	$(CARGO) build --release --lib

$(LIB): lib

# ---------------------------------------------------------------- header
header:
	$(CBINDGEN) --quiet --config cbindgen.toml --crate nx_pop3_client --output include/nx_pop3_client.h

check-header:
	@mkdir -p $(BUILD)
	$(CBINDGEN) --quiet --config cbindgen.toml --crate nx_pop3_client --output $(BUILD)/nx_pop3_client.h
	@diff -u include/nx_pop3_client.h $(BUILD)/nx_pop3_client.h \
	  || { echo "include/nx_pop3_client.h is stale: run 'make header' and commit it"; exit 1; }
	@echo "header: up to date"

# Doors point one way: ffi -> client -> {pop3, netx}; drivers -> netx; netx -> port.
check-layers:
	@EMBEDDED_READY=$(EMBEDDED_READY) sh scripts/check-layers.sh

# ---------------------------------------------------------------- C programs
$(BUILD)/plain/%: ffi-tests/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)/plain
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(HARNESS) $(LIB) $(SYSLIBS)

$(BUILD)/asan/%: ffi-tests/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)/asan
	$(CC) $(CFLAGS) $(WARN) $(SANFLAGS) $(INC) -o $@ $< $(HARNESS) $(LIB) $(SYSLIBS)

$(BUILD)/%: examples-c/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(HARNESS) $(LIB) $(SYSLIBS)

$(BUILD)/asan-%: examples-c/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) $(SANFLAGS) $(INC) -o $@ $< $(HARNESS) $(LIB) $(SYSLIBS)

examples: $(addprefix $(BUILD)/,$(EXAMPLES))

ctest-plain: $(addprefix $(BUILD)/plain/,$(CTESTS))
	@set -e; for t in $(CTESTS); do echo "== $$t (plain)"; $(BUILD)/plain/$$t; done

ctest-asan: $(addprefix $(BUILD)/asan/,$(CTESTS))
	@set -e; for t in $(CTESTS); do echo "== $$t (asan+ubsan)"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/asan/$$t; done

ctest-valgrind: $(addprefix $(BUILD)/plain/,$(CTESTS))
	@set -e; for t in $(CTESTS); do echo "== $$t (valgrind)"; NX_TEST_SLOW=1 $(VALGRIND) $(BUILD)/plain/$$t; done

ctest: ctest-plain ctest-asan

# The demo as a test: plain, sanitized and under valgrind.
demo-checked: $(BUILD)/pop3_demo $(BUILD)/asan-pop3_demo
	@$(BUILD)/pop3_demo > $(BUILD)/demo.log 2>&1 || { cat $(BUILD)/demo.log; exit 1; }
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(BUILD)/asan-pop3_demo > $(BUILD)/demo-asan.log 2>&1 \
	  || { cat $(BUILD)/demo-asan.log; exit 1; }
	@$(VALGRIND) $(BUILD)/pop3_demo > $(BUILD)/demo-valgrind.log 2>&1 || { cat $(BUILD)/demo-valgrind.log; exit 1; }
	@echo "demo: plain, asan+ubsan and valgrind clean"

# Real servers (Dovecot, GNU Mailutils) in a network namespace the suite creates (needs root).
interop: $(BUILD)/pop3_fetch
	python3 interop/run.py --client $(BUILD)/pop3_fetch

# ---------------------------------------------------------------- top level
test: check-header check-layers
	$(CARGO) clippy --release --all-targets --quiet -- -D warnings
	$(CARGO) test --release
	$(MAKE) ctest
	$(MAKE) ctest-valgrind
	$(MAKE) examples demo-checked
	$(MAKE) test-embedded
	$(MAKE) interop
	$(MAKE) fuzz

demo: $(BUILD)/pop3_demo
	$(BUILD)/pop3_demo

pop3_fetch: $(BUILD)/pop3_fetch

# Fuzzing (fuzz/ is its own cargo workspace): each target for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked --version 0.13.2
	fuzz/run.sh $(FUZZ_SECONDS)

# Benchmarks (not tests): prints a table and key=value lines, writes BENCHMARKS.md.
bench:
	sh scripts/bench.sh

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

# ---------------------------------------------------------------- embedded builds (issue 10)
# Build configurations: README "Build configurations". The ThreadX port calls
# ThreadX through src/port/nx_port_threadx.c (compiled with the application's
# tx_api.h); host programs get the application hooks (nx_port_panic,
# nx_port_ticks_get) from ffi-tests/harness/nx_port_hooks.c.
EMB_CARGO   := RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo
THUMB       := thumbv7em-none-eabihf
PORT_SHIM   := src/port/nx_port_threadx.c
PORT_HOOKS  := ffi-tests/harness/nx_port_hooks.c
LIB_THREADX := $(BUILD)/threadx/libnx_pop3_client.a
# EMBEDDED_READY=yes once src/netx and src/drivers are heap-free, the TAP
# driver is behind `std` and nx_ip_create starts its helper with spawn_in
# (bare metal: registers its idle hook). It switches on, in one place:
# - host libraries for the C tests built like the firmware (THREADX_NOSTD:
#   `no_std`, core only, panic = "abort", -Zbuild-std=core, since the
#   precompiled host core would need _Unwind_Resume and rust_eh_personality);
#   until then they keep `std` for the heap only (threads, locks and clock
#   are the port's);
# - in `make test`: firmware-lib, check-symbols (thumb and host ThreadX),
#   ctest-baremetal and qemu-baremetal-test;
# - check-layers: no file may still use std/alloc (no "pending" list).
EMBEDDED_READY ?= no
THREADX_NOSTD ?= $(EMBEDDED_READY)
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
TX_HARNESS  := $(HARNESS) $(PORT_SHIM) $(PORT_HOOKS)

.PHONY: lib-threadx ctest-threadx demo-threadx port-test firmware-lib firmware-toolchain check-symbols test-embedded

lib-threadx:
	@mkdir -p $(BUILD)/threadx
ifeq ($(THREADX_NOSTD),yes)
	CARGO_TARGET_DIR=target/threadx-nostd $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(HOST_TRIPLE) \
	  --no-default-features --features port-threadx --profile embedded --lib
	cp target/threadx-nostd/$(HOST_TRIPLE)/embedded/libnx_pop3_client.a $(LIB_THREADX)
else
	CARGO_TARGET_DIR=target/threadx $(CARGO) build --quiet --lib --features port-threadx --release
	cp target/threadx/release/libnx_pop3_client.a $(LIB_THREADX)
endif

$(BUILD)/threadx/t/%: ffi-tests/%.c $(TX_HARNESS) $(HEADERS) lib-threadx
	@mkdir -p $(BUILD)/threadx/t
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(TX_HARNESS) $(LIB_THREADX) $(SYSLIBS)

$(BUILD)/threadx/x/%: examples-c/%.c $(TX_HARNESS) $(HEADERS) lib-threadx
	@mkdir -p $(BUILD)/threadx/x
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(TX_HARNESS) $(LIB_THREADX) $(SYSLIBS)

# Every C test and the demo again, on the ThreadX port (over the harness).
ctest-threadx: $(addprefix $(BUILD)/threadx/t/,$(CTESTS)) $(BUILD)/threadx/x/pop3_demo
	@set -e; for t in $(CTESTS); do echo "== $$t (threadx port)"; $(BUILD)/threadx/t/$$t; done
	@$(BUILD)/threadx/x/pop3_demo > $(BUILD)/threadx/demo.log 2>&1 || { cat $(BUILD)/threadx/demo.log; exit 1; }
	@echo "demo (threadx port): ok"

demo-threadx: $(BUILD)/threadx/x/pop3_demo
	$(BUILD)/threadx/x/pop3_demo

# The ports' own unit tests: the ThreadX port against the harness (linked
# into the Rust test binary), the bare-metal port with a fake clock.
port-test:
	CARGO_TARGET_DIR=target/port-tx $(CARGO) clippy --quiet --features port-threadx --lib --tests -- -D warnings
	@mkdir -p $(BUILD)/threadx
	$(CC) $(CFLAGS) $(WARN) -Iffi-tests/harness -c $(HARNESS) -o $(BUILD)/threadx/tx_port.o
	$(CC) $(CFLAGS) $(WARN) -Iffi-tests/harness -c $(PORT_SHIM) -o $(BUILD)/threadx/nx_port_threadx.o
	ar rcs $(BUILD)/threadx/libnx_port_harness.a $(BUILD)/threadx/tx_port.o $(BUILD)/threadx/nx_port_threadx.o
	CARGO_TARGET_DIR=target/port-tx $(CARGO) rustc --quiet --features port-threadx --lib --profile test \
	  --message-format=json -- -L $(BUILD)/threadx -l static=nx_port_harness \
	  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' > $(BUILD)/threadx/port-test-bin
	"$$(cat $(BUILD)/threadx/port-test-bin)" --quiet
	CARGO_TARGET_DIR=target/port-bm $(CARGO) test --quiet --no-default-features \
	  --features port-baremetal,smoltcp/alloc --lib port::

# The cross toolchain (Debian packages: rustup cannot fetch other targets
# here). Installs what is missing.
firmware-toolchain:
	@if [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library/core ] \
	    && command -v arm-none-eabi-gcc >/dev/null 2>&1 && [ -d /usr/lib/arm-none-eabi/newlib ] \
	    && command -v qemu-system-arm >/dev/null 2>&1; then :; else \
	  echo "installing the cross toolchain (rustc-web cargo-web rust-web-src gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src \
	    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm; fi

# libnx_pop3_client.a for Cortex-M4F with each embedded port:
# build/thumbv7em/baremetal/ and build/thumbv7em/threadx/.
firmware-lib: firmware-toolchain
	@set -e; for port in baremetal threadx; do \
	  echo "== $(THUMB), port-$$port"; \
	  CARGO_TARGET_DIR=target/thumb-$$port $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(THUMB) \
	    --no-default-features --features port-$$port --profile embedded --lib; \
	  mkdir -p $(BUILD)/thumbv7em/$$port; \
	  cp target/thumb-$$port/$(THUMB)/embedded/libnx_pop3_client.a $(BUILD)/thumbv7em/$$port/; \
	done

# Undefined symbols of the embedded libraries: ThreadX services (through the
# shim), documented hooks and compiler helpers only. CHECK_HOST_THREADX=yes
# checks build/threadx too (once it is built without std).
CHECK_HOST_THREADX ?= $(EMBEDDED_READY)
check-symbols: firmware-lib
	sh scripts/check-symbols.sh baremetal $(BUILD)/thumbv7em/baremetal/libnx_pop3_client.a
	sh scripts/check-symbols.sh threadx $(BUILD)/thumbv7em/threadx/libnx_pop3_client.a
	@if [ "$(CHECK_HOST_THREADX)" = yes ]; then $(MAKE) lib-threadx && sh scripts/check-symbols.sh threadx $(LIB_THREADX); fi

# The bare-metal port on the host: single-threaded programs only (no
# ThreadX thread, no tx_kernel_enter). Keeps `std` for the heap like
# lib-threadx. Needs netx to register its idle hook (port docs).
LIB_BAREMETAL := $(BUILD)/baremetal/libnx_pop3_client.a
BAREMETAL_CTESTS := test_netx_onethread
.PHONY: lib-baremetal ctest-baremetal
lib-baremetal:
	@mkdir -p $(BUILD)/baremetal
ifeq ($(THREADX_NOSTD),yes)
	CARGO_TARGET_DIR=target/baremetal-nostd $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(HOST_TRIPLE) \
	  --no-default-features --features port-baremetal --profile embedded --lib
	cp target/baremetal-nostd/$(HOST_TRIPLE)/embedded/libnx_pop3_client.a $(LIB_BAREMETAL)
else
	CARGO_TARGET_DIR=target/baremetal $(CARGO) build --quiet --lib --features port-baremetal --release
	cp target/baremetal/release/libnx_pop3_client.a $(LIB_BAREMETAL)
endif

$(BUILD)/baremetal/t/%: ffi-tests/%.c $(TX_HARNESS) $(HEADERS) lib-baremetal
	@mkdir -p $(BUILD)/baremetal/t
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(HARNESS) $(PORT_HOOKS) $(LIB_BAREMETAL) $(SYSLIBS)

ctest-baremetal: $(addprefix $(BUILD)/baremetal/t/,$(BAREMETAL_CTESTS))
	@set -e; for t in $(BAREMETAL_CTESTS); do echo "== $$t (bare-metal port)"; $(BUILD)/baremetal/t/$$t; done

# The bare-metal port on an emulated Cortex-M4 (QEMU mps2-an386, the board
# files of firmware/mps2-an386): the single-threaded tests linked with the
# thumb library, SysTick as nx_port_ticks_get, output through semihosting.
FW_BOARD_DIR ?= firmware/mps2-an386
FW_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
.PHONY: qemu-baremetal-test
qemu-baremetal-test: firmware-lib
	@mkdir -p $(BUILD)/thumbv7em/qemu
	@set -e; for t in $(BAREMETAL_CTESTS); do \
	  arm-none-eabi-gcc $(FW_CPU_FLAGS) -std=c11 -Os -g -ffunction-sections -fdata-sections -Wall -Wextra \
	    -Iinclude -Ifirmware/include -I$(FW_BOARD_DIR) --specs=rdimon.specs -nostartfiles \
	    -T $(FW_BOARD_DIR)/mps2_an386.ld -Wl,--gc-sections -o $(BUILD)/thumbv7em/qemu/$$t.elf \
	    $(FW_BOARD_DIR)/startup.c $(FW_BOARD_DIR)/board.c $(FW_BOARD_DIR)/nx_port_hooks.c \
	    ffi-tests/harness/tx_time_from_port.c ffi-tests/$$t.c $(BUILD)/thumbv7em/baremetal/libnx_pop3_client.a; \
	  echo "== $$t (bare-metal port, Cortex-M4 in QEMU)"; \
	  timeout 300 qemu-system-arm -M mps2-an386 -nographic -serial none -monitor none \
	    -semihosting-config enable=on,target=native -kernel $(BUILD)/thumbv7em/qemu/$$t.elf; \
	done

# What `make test` runs of the embedded builds (see EMBEDDED_READY).
ifeq ($(EMBEDDED_READY),yes)
EMBEDDED_TESTS ?= port-test ctest-threadx ctest-baremetal check-symbols qemu-baremetal-test
else
EMBEDDED_TESTS ?= port-test ctest-threadx
endif
test-embedded:
	$(MAKE) $(EMBEDDED_TESTS)
