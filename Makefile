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

.PHONY: setup all lib header check-header check-readme check-layers ctest ctest-plain ctest-asan ctest-valgrind \
        test demo demo-checked examples pop3_fetch bench fuzz fuzz-long interop clean \
        fetch-lib check-layout-limits dovecot-up dovecot-down

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

# The README's link line, run as written (builds and runs pop3_demo with it).
check-readme:
	@sh scripts/check-readme.sh

# The public headers declare only NetX names (no IFNAMSIZ, TX_BUFFER...).
.PHONY: check-header-names
check-header-names:
	@sh scripts/check-header-names.sh
check-header: check-header-names

# Doors point one way: ffi -> client -> {pop3, netx}; drivers -> netx; netx -> port.
check-layers:
	@sh scripts/check-layers.sh

# ---------------------------------------------------------------- C programs
$(BUILD)/plain/%: ffi-tests/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)/plain
	$(CC) $(CFLAGS) $(WARN) $(CTEST_CFLAGS_$*) $(INC) -o $@ $< $(CTEST_SRCS_$*) $(HARNESS) $(LIB) $(SYSLIBS)

$(BUILD)/asan/%: ffi-tests/%.c $(HARNESS) $(HEADERS) lib
	@mkdir -p $(BUILD)/asan
	$(CC) $(CFLAGS) $(WARN) $(SANFLAGS) $(CTEST_CFLAGS_$*) $(INC) -o $@ $< $(CTEST_SRCS_$*) $(HARNESS) $(LIB) $(SYSLIBS)

# ---------------------------------------------------------------- C tests of several files
# CTEST_SRCS_<test>: more sources linked into ffi-tests/<test>.c's program;
# CTEST_CFLAGS_<test>: flags for all of its sources.
# The NetX-shaped RAM driver (ffi-tests/nx_ram_driver_netx.c) under TCP and POP3:
NETX_DRIVER := ffi-tests/nx_ram_driver_netx.c
CTEST_SRCS_test_netx_netx_driver := $(NETX_DRIVER)
CTEST_SRCS_test_pop3_netx_driver := $(NETX_DRIVER)
# A program shaped like NetX's POP3 sample (ffi-tests/netx_pop3_sample.c, not
# changed for the test) linked with a second module that serves it:
SAMPLE := ffi-tests/netx_pop3_sample.c
CTEST_SRCS_test_pop3_sample := $(SAMPLE)
CTEST_SRCS_test_pop3_sample_refused := $(SAMPLE)
CTEST_SRCS_test_pop3_sample_netx_driver := $(SAMPLE) $(NETX_DRIVER)
# The second module sees the sample's nx_pop3_client_delete calls through the linker.
SAMPLE_WRAP := -Wl,--wrap=_nxe_pop3_client_delete
CTEST_CFLAGS_test_pop3_sample := $(SAMPLE_WRAP)
CTEST_CFLAGS_test_pop3_sample_refused := $(SAMPLE_WRAP)
CTEST_CFLAGS_test_pop3_sample_netx_driver := $(SAMPLE_WRAP) -D_nx_ram_network_driver=_nx_ram_network_driver_netx
MULTI_CTESTS := test_netx_netx_driver test_pop3_netx_driver test_pop3_sample test_pop3_sample_refused \
                test_pop3_sample_netx_driver
$(foreach t,$(MULTI_CTESTS),$(eval $(BUILD)/plain/$(t) $(BUILD)/asan/$(t): $(CTEST_SRCS_$(t)) \
    ffi-tests/nx_ram_driver_netx.h ffi-tests/pop3_sample_server.h))

# IPv6 (issue 13): the library's RAM driver and the NetX-shaped C driver.
CTEST_SRCS_test_netx_ipv6 := $(NETX_DRIVER)
$(BUILD)/plain/test_netx_ipv6 $(BUILD)/asan/test_netx_ipv6: $(NETX_DRIVER) ffi-tests/nx_ram_driver_netx.h

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

# ---------------------------------------------------------------- pop3_fetch (issue 8)
# pop3_fetch links its own build of the library, with layout limits that real
# user names and passwords fit (build settings: build.rs); the build writes
# its nx_pop3_config.h to build/fetch-lib/include, first on the include path.
FETCH_LIB_DIR := $(BUILD)/fetch-lib
FETCH_LIB     := $(FETCH_LIB_DIR)/release/libnx_pop3_client.a
FETCH_LIMITS  := NX_POP3_MAX_USERNAME=128 NX_POP3_MAX_PASSWORD=128 NX_POP3_SERVER_PROCESS_ID_SIZE=128
FETCH_INC     := -I$(FETCH_LIB_DIR)/include $(INC)

fetch-lib:
	env $(FETCH_LIMITS) NX_POP3_CONFIG_DIR=$(CURDIR)/$(FETCH_LIB_DIR)/include \
	  $(CARGO) build --release --lib --target-dir $(FETCH_LIB_DIR)

$(BUILD)/pop3_fetch: examples-c/pop3_fetch.c $(HARNESS) $(HEADERS) fetch-lib
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) $(FETCH_INC) -o $@ $< $(HARNESS) $(FETCH_LIB) $(SYSLIBS)

$(FETCH_LIB_DIR)/limits_128: ffi-tests/limits_128.c ffi-tests/pop3_script.h $(HARNESS) $(HEADERS) fetch-lib
	$(CC) $(CFLAGS) $(WARN) $(FETCH_INC) -o $@ $< $(HARNESS) $(FETCH_LIB) $(SYSLIBS)

$(FETCH_LIB_DIR)/asan-limits_128: ffi-tests/limits_128.c ffi-tests/pop3_script.h $(HARNESS) $(HEADERS) fetch-lib
	$(CC) $(CFLAGS) $(WARN) $(SANFLAGS) $(FETCH_INC) -o $@ $< $(HARNESS) $(FETCH_LIB) $(SYSLIBS)

# A -D layout limit other than the library's is a compile error; the 128 build works.
check-layout-limits: lib fetch-lib $(FETCH_LIB_DIR)/limits_128 $(FETCH_LIB_DIR)/asan-limits_128
	LIB=$(LIB) FETCH_LIB=$(FETCH_LIB) FETCH_INC=$(FETCH_LIB_DIR)/include sh ffi-tests/check_layout_limits.sh
	$(FETCH_LIB_DIR)/limits_128
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(FETCH_LIB_DIR)/asan-limits_128
	NX_TEST_SLOW=1 $(VALGRIND) $(FETCH_LIB_DIR)/limits_128

# A Dovecot to try pop3_fetch on (README, "Fetch mail from a real server"; needs root).
dovecot-up:
	python3 interop/dovecot.py up
dovecot-down:
	python3 interop/dovecot.py down

# Real servers (Dovecot, GNU Mailutils) in a network namespace the suite creates (needs root).
# Also pop3_fetch on the bare-metal port (issue 10): group dovecot-baremetal.
interop: $(BUILD)/pop3_fetch $(BUILD)/pop3_fetch_baremetal
	$(MAKE) tap-polled-check
	python3 interop/run.py --client $(BUILD)/pop3_fetch --client-baremetal $(BUILD)/pop3_fetch_baremetal

# ---------------------------------------------------------------- top level
# What the tests need (apt packages, cbindgen, cargo-fuzz), installed only when
# missing: a fresh machine runs `make test` and nothing else.
setup:
	@sh scripts/setup.sh

test:
	@sh scripts/setup.sh
	$(MAKE) check-header check-layers check-readme
	$(CARGO) clippy --release --all-targets --quiet -- -D warnings
	$(CARGO) test --release
	$(MAKE) ctest
	$(MAKE) check-layout-limits
	$(MAKE) ctest-valgrind
	$(MAKE) examples demo-checked
	$(MAKE) test-embedded
	# issue 11 (firmware block below): driver + board self-test in QEMU, 32-bit layout, the POP3 firmware against Dovecot, the CMake package (~2 min)
	$(MAKE) firmware-lib firmware-selftest check-layout-thumb firmware-test check-cmake
	$(MAKE) interop
	$(MAKE) fuzz

demo: $(BUILD)/pop3_demo
	$(BUILD)/pop3_demo

pop3_fetch: $(BUILD)/pop3_fetch

# Fuzzing (fuzz/ is its own cargo workspace): each target for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked --version 0.13.2
	# The targets' own checks first: every seed runs, and the session seeds
	# really log in and download (a target that never reaches POP3 fuzzes nothing).
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo test --quiet --release --lib
	fuzz/run.sh $(FUZZ_SECONDS)

# Every fuzz target for 10 minutes (issue 9: the run counts go in BENCHMARKS.md).
fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=600

# Benchmarks (not tests): prints a table and key=value lines, writes BENCHMARKS.md.
bench:
	sh scripts/bench.sh

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

# ---------------------------------------------------------------- firmware (issue 11): mps2-an386 in QEMU
# Firmware (issue 11): the Cortex-M4 board support, the
# LAN9118 NetX driver and its self-test, the POP3 firmware application, and
# the 32-bit layout check. See firmware/mps2-an386/README.md.
#   make firmware-tools      install arm-none-eabi-gcc, newlib, qemu-system-arm, ping if missing
#   make firmware-hosttest   the driver on the host against a model of the controller (plain, ASan+UBSan, valgrind)
#   make firmware-selftest   the above, then driver + board self-test in QEMU, in a private network namespace (root)
#   make firmware-app        compile the POP3 application (links once the thumb library exists)
#   make firmware-test       the POP3 firmware in QEMU against Dovecot (interop suite; needs the thumb library)
#   make firmware-bench      image size per origin and download rates in QEMU (needs the thumb library)
#   make check-layout-thumb  ffi-tests/test_pop3_layout.c with 32-bit pointers (arm-none-eabi-gcc)
#   make check-cmake         the CMake package (find_package, add_subdirectory, pkg-config) and firmware CMake build
FW_DIR      := firmware/mps2-an386
FW_BUILD    := $(BUILD)/firmware
FW_CC       := arm-none-eabi-gcc
FW_SIZE     := arm-none-eabi-size
FW_CPU      := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
FW_CFLAGS   := $(FW_CPU) -std=c11 -Os -g -ffunction-sections -fdata-sections $(WARN)
FW_INC      := -Iinclude -Ifirmware/include -I$(FW_DIR)
FW_LDFLAGS  := $(FW_CPU) --specs=rdimon.specs -nostartfiles -T $(FW_DIR)/mps2_an386.ld -Wl,--gc-sections
FW_BOARD    := $(FW_DIR)/startup.c $(FW_DIR)/board.c
FW_DRIVER   := $(FW_DIR)/nx_lan9118_driver.c
FW_DEPS     := $(FW_BOARD) $(FW_DRIVER) $(wildcard $(FW_DIR)/*.h $(FW_DIR)/test/*.h) $(FW_DIR)/mps2_an386.ld \
               $(wildcard include/*.h) firmware/include/tx_api.h
FW_TIMEOUT  ?= 420

.PHONY: firmware-tools firmware-hosttest firmware-selftest firmware-app firmware-test firmware-bench check-layout-thumb check-cmake

firmware-tools:
	@missing=""; \
	command -v $(FW_CC) >/dev/null 2>&1 || missing="$$missing gcc-arm-none-eabi"; \
	test -f "$$($(FW_CC) -print-file-name=rdimon.specs 2>/dev/null)" || missing="$$missing libnewlib-arm-none-eabi"; \
	command -v qemu-system-arm >/dev/null 2>&1 || missing="$$missing qemu-system-arm"; \
	command -v ping >/dev/null 2>&1 || missing="$$missing iputils-ping"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

$(FW_BUILD)/test_lan9118.elf: $(FW_DIR)/test/test_lan9118.c $(FW_DIR)/test/nx_test_double.c $(FW_DEPS) | firmware-tools
	@mkdir -p $(FW_BUILD)
	$(FW_CC) $(FW_CFLAGS) $(FW_INC) -I$(FW_DIR)/test $(FW_LDFLAGS) -o $@ \
	  $(FW_BOARD) $(FW_DRIVER) $(FW_DIR)/test/nx_test_double.c $(FW_DIR)/test/test_lan9118.c
	$(FW_SIZE) $@

$(FW_BUILD)/test_lan9118_polling.elf: $(FW_DIR)/test/test_lan9118.c $(FW_DIR)/test/nx_test_double.c $(FW_DEPS) | firmware-tools
	@mkdir -p $(FW_BUILD)
	$(FW_CC) $(FW_CFLAGS) -DNX_LAN9118_POLLING $(FW_INC) -I$(FW_DIR)/test $(FW_LDFLAGS) -o $@ \
	  $(FW_BOARD) $(FW_DRIVER) $(FW_DIR)/test/nx_test_double.c $(FW_DIR)/test/test_lan9118.c

$(FW_BUILD)/test_fault.elf: $(FW_DIR)/test/test_fault.c $(FW_DEPS) | firmware-tools
	@mkdir -p $(FW_BUILD)
	$(FW_CC) $(FW_CFLAGS) $(FW_INC) $(FW_LDFLAGS) -o $@ $(FW_BOARD) $(FW_DIR)/test/test_fault.c

$(FW_BUILD)/test_app_options.elf: $(FW_DIR)/test/test_app_options.c $(FW_DIR)/pop3_app.c $(FW_DEPS) | firmware-tools
	@mkdir -p $(FW_BUILD)
	$(FW_CC) $(FW_CFLAGS) $(FW_INC) $(FW_LDFLAGS) -o $@ $(FW_BOARD) $(FW_DIR)/test/test_app_options.c

# The driver on the host against a model of the controller (errored frames,
# RX_DROP, FIFO in step, TX at every alignment): plain, ASan+UBSan, valgrind.
FW_HOST_SRC := $(FW_DRIVER) $(FW_DIR)/test/nx_test_double.c $(FW_DIR)/test/test_lan9118_host.c
FW_HOST_CC  := $(CC) $(CFLAGS) $(WARN) -DNX_LAN9118_REGISTER_HOOKS $(FW_INC) -I$(FW_DIR)/test

$(FW_BUILD)/host/test_lan9118_host: $(FW_HOST_SRC) $(FW_DEPS)
	@mkdir -p $(FW_BUILD)/host
	$(FW_HOST_CC) -o $@ $(FW_HOST_SRC)

$(FW_BUILD)/host/test_lan9118_host_asan: $(FW_HOST_SRC) $(FW_DEPS)
	@mkdir -p $(FW_BUILD)/host
	$(FW_HOST_CC) $(SANFLAGS) -o $@ $(FW_HOST_SRC)

firmware-hosttest: $(FW_BUILD)/host/test_lan9118_host $(FW_BUILD)/host/test_lan9118_host_asan
	$(FW_BUILD)/host/test_lan9118_host > $(FW_BUILD)/host/plain.log || { cat $(FW_BUILD)/host/plain.log; exit 1; }
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(FW_BUILD)/host/test_lan9118_host_asan > $(FW_BUILD)/host/asan.log \
	  || { cat $(FW_BUILD)/host/asan.log; exit 1; }
	$(VALGRIND) $(FW_BUILD)/host/test_lan9118_host > $(FW_BUILD)/host/valgrind.log 2>&1 || { cat $(FW_BUILD)/host/valgrind.log; exit 1; }
	@tail -1 $(FW_BUILD)/host/plain.log

# Bounded in time; the script stops QEMU by PID and deletes its namespace whatever happens.
firmware-selftest: firmware-hosttest $(FW_BUILD)/test_lan9118.elf $(FW_BUILD)/test_lan9118_polling.elf \
                   $(FW_BUILD)/test_fault.elf $(FW_BUILD)/test_app_options.elf
	timeout -k 10 $(FW_TIMEOUT) python3 $(FW_DIR)/run_selftest.py --driver-elf $(FW_BUILD)/test_lan9118.elf \
	  --polling-elf $(FW_BUILD)/test_lan9118_polling.elf --fault-elf $(FW_BUILD)/test_fault.elf \
	  --options-elf $(FW_BUILD)/test_app_options.elf --timeout $$(($(FW_TIMEOUT) / 2 - 30))

# The POP3 firmware: compiled always; linked when the thumb library (bare-metal
# port, issue 10: make firmware-lib) exists.
FW_LIB      ?= $(BUILD)/thumbv7em/baremetal/libnx_pop3_client.a
FW_APP_OBJS := $(addprefix $(FW_BUILD)/app/,startup.o board.o nx_lan9118_driver.o nx_port_hooks.o pop3_app.o)

$(FW_BUILD)/app/%.o: $(FW_DIR)/%.c $(FW_DEPS) | firmware-tools
	@mkdir -p $(FW_BUILD)/app
	$(FW_CC) $(FW_CFLAGS) $(FW_INC) -c -o $@ $<

firmware-app: $(FW_APP_OBJS)
	@if [ -f $(FW_LIB) ]; then \
	  echo "$(FW_CC) ... -o $(FW_BUILD)/pop3_app.elf $(FW_LIB)"; \
	  $(FW_CC) $(FW_LDFLAGS) -Wl,-Map=$(FW_BUILD)/pop3_app.map -o $(FW_BUILD)/pop3_app.elf $(FW_APP_OBJS) $(FW_LIB) \
	  && $(FW_SIZE) $(FW_BUILD)/pop3_app.elf \
	  && python3 $(FW_DIR)/size_split.py $(FW_BUILD)/pop3_app.map; \
	else echo "firmware-app: compiled; not linked: $(FW_LIB) does not exist yet (make firmware-lib, issue 10)"; fi

# The POP3 firmware with the memory bench/m4/m4_size.py counts in
# m4_ram_bytes_one_client: 16 packets of 1,536 bytes (an NX_PACKET header
# each), a one-entry ARP cache (52 bytes). bench/m4/firmware_stack.py
# downloads the maildrop with it (make bench).
FW_M4RAM_DEFS := -DCLIENT_PACKET_COUNT=16 '-DCLIENT_PACKET_POOL_SIZE=(16 * (sizeof(NX_PACKET) + 1536))' \
                 -DCLIENT_ARP_CACHE_SIZE=52
.PHONY: firmware-app-m4ram
firmware-app-m4ram: firmware-app
	$(FW_CC) $(FW_CFLAGS) $(FW_INC) $(FW_M4RAM_DEFS) -c -o $(FW_BUILD)/app/pop3_app_m4ram.o $(FW_DIR)/pop3_app.c
	$(FW_CC) $(FW_LDFLAGS) -o $(FW_BUILD)/pop3_app_m4ram.elf $(filter-out %/pop3_app.o,$(FW_APP_OBJS)) \
	  $(FW_BUILD)/app/pop3_app_m4ram.o $(FW_LIB)

# Issue 11's end-to-end test: the POP3 firmware in QEMU against a real Dovecot
# (the interop suite's namespace, seeded maildrops and reference client):
# USER/PASS and APOP files byte for byte, --delete empties the maildrop, a
# wrong password and a missing server give exit 1. qemu_fetch.py gives the
# firmware pop3_fetch's command line. Needs the thumb library (issue 10) and
# root. (run_firmware_test.py --client build/pop3_fetch runs the same checks
# on the host client.)
firmware-test: firmware-app
	@test -f $(FW_BUILD)/pop3_app.elf || { echo "firmware-test: $(FW_BUILD)/pop3_app.elf not linked: the thumb library $(FW_LIB) is missing (make firmware-lib)"; exit 1; }
	timeout -k 10 1800 python3 $(FW_DIR)/run_firmware_test.py --elf $(FW_BUILD)/pop3_app.elf

# Issue 11's figures: the image's .text/.rodata/.data/.bss per origin (library,
# driver, board, application, C library) and the download rate inside QEMU of
# the 1 MiB message and of 200 small ones against Dovecot (interop/bench.py
# with the firmware as client; an emulator figure). Needs the thumb library.
firmware-bench: firmware-app
	@test -f $(FW_BUILD)/pop3_app.elf || { echo "firmware-bench: $(FW_BUILD)/pop3_app.elf not linked: the thumb library $(FW_LIB) is missing (make firmware-lib)"; exit 1; }
	python3 $(FW_DIR)/size_split.py $(FW_BUILD)/pop3_app.map --markdown
	timeout -k 10 1800 python3 interop/bench.py --runs 3 \
	  --client "python3 $(FW_DIR)/qemu_fetch.py --elf $(FW_BUILD)/pop3_app.elf --"

# The CMake package: host library built and installed, then a user's project
# links it through find_package, through add_subdirectory, and through
# pkg-config (each runs the POP3 demo); the firmware images through CMake and
# the Cortex-M4 toolchain file.
FW_CMAKE    := $(BUILD)/cmake
check-cmake: | firmware-tools
	@command -v cmake >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake; }
	rm -rf $(FW_CMAKE)
	cmake -S cmake -B $(FW_CMAKE)/lib -DCMAKE_BUILD_TYPE=Release
	cmake --build $(FW_CMAKE)/lib
	cmake --install $(FW_CMAKE)/lib --prefix $(CURDIR)/$(FW_CMAKE)/prefix
	cmake -S cmake/example -B $(FW_CMAKE)/find -DCMAKE_PREFIX_PATH=$(CURDIR)/$(FW_CMAKE)/prefix
	cmake --build $(FW_CMAKE)/find
	$(FW_CMAKE)/find/pop3_demo > $(FW_CMAKE)/find.log 2>&1 || { cat $(FW_CMAKE)/find.log; exit 1; }
	cmake -S cmake/example -B $(FW_CMAKE)/subdir -DUSE_FIND_PACKAGE=OFF
	cmake --build $(FW_CMAKE)/subdir
	$(FW_CMAKE)/subdir/pop3_demo > $(FW_CMAKE)/subdir.log 2>&1 || { cat $(FW_CMAKE)/subdir.log; exit 1; }
	cmake -S cmake/example -B $(FW_CMAKE)/layout -DUSE_FIND_PACKAGE=OFF "-DNX_POP3_CLIENT_LAYOUT_SETTINGS=NX_POP3_MAX_USERNAME=64"
	cmake --build $(FW_CMAKE)/layout
	grep -q "NX_POP3_LIB_MAX_USERNAME 64" $(FW_CMAKE)/layout/nx_pop3_client/config/nx_pop3_config.h
	$(FW_CMAKE)/layout/pop3_demo > $(FW_CMAKE)/layout.log 2>&1 || { cat $(FW_CMAKE)/layout.log; exit 1; }
	PKG_CONFIG_PATH=$(CURDIR)/$(FW_CMAKE)/prefix/lib/pkgconfig sh -c '$(CC) $(CFLAGS) $(WARN) -Iffi-tests/harness \
	  examples-c/pop3_demo.c $(HARNESS) $$(pkg-config --cflags --libs nx_pop3_client) -o $(FW_CMAKE)/pop3_demo_pc'
	$(FW_CMAKE)/pop3_demo_pc > $(FW_CMAKE)/pc.log 2>&1 || { cat $(FW_CMAKE)/pc.log; exit 1; }
	cmake -S $(FW_DIR) -B $(FW_CMAKE)/firmware -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/arm-none-eabi-cortex-m4.cmake \
	  $(if $(wildcard $(FW_LIB)),,-DFIRMWARE_WITH_LIBRARY=OFF)
	cmake --build $(FW_CMAKE)/firmware
	@echo "cmake: package built and installed; find_package, add_subdirectory (default and NX_POP3_MAX_USERNAME=64 layouts) and pkg-config users run the demo; firmware images built"

check-layout-thumb: | firmware-tools
	@mkdir -p $(FW_BUILD)
	$(FW_CC) $(FW_CPU) -std=c11 $(WARN) -Iinclude -Ifirmware/include -c ffi-tests/test_pop3_layout.c \
	  -o $(FW_BUILD)/test_pop3_layout.o
	@echo "layout: ffi-tests/test_pop3_layout.c static assertions hold with 32-bit pointers (Cortex-M4)"
	@$(FW_CC) $(FW_CPU) -std=c11 $(WARN) -fno-common -Iinclude -Ifirmware/include -c $(FW_DIR)/test/layout_sizes.c \
	  -o $(FW_BUILD)/layout_sizes.o
	@arm-none-eabi-nm -S $(FW_BUILD)/layout_sizes.o | while read addr size kind name; do \
	  printf "  sizeof(%s) = %d on Cortex-M4\n" "$${name#layout_size_}" "0x$$size"; done

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
# The host libraries for the C tests are built like the firmware: `no_std`,
# core only, panic = "abort", -Zbuild-std=core (the precompiled host core
# would need _Unwind_Resume and rust_eh_personality).
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
TX_HARNESS  := $(HARNESS) $(PORT_SHIM) $(PORT_HOOKS)

.PHONY: lib-threadx ctest-threadx demo-threadx port-test firmware-lib firmware-toolchain check-symbols test-embedded

lib-threadx:
	@mkdir -p $(BUILD)/threadx
	CARGO_TARGET_DIR=target/threadx-nostd $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(HOST_TRIPLE) \
	  --no-default-features --features port-threadx --profile embedded --lib
	cp target/threadx-nostd/$(HOST_TRIPLE)/embedded/libnx_pop3_client.a $(LIB_THREADX)

$(BUILD)/threadx/t/%: ffi-tests/%.c $(TX_HARNESS) $(HEADERS) lib-threadx
	@mkdir -p $(BUILD)/threadx/t
	$(CC) $(CFLAGS) $(WARN) -DNX_TEST_EMBEDDED_PORT $(CTEST_CFLAGS_$*) $(INC) -o $@ $< $(CTEST_SRCS_$*) $(TX_HARNESS) $(LIB_THREADX) $(SYSLIBS)
$(foreach t,$(MULTI_CTESTS),$(eval $(BUILD)/threadx/t/$(t): $(CTEST_SRCS_$(t)) \
    ffi-tests/nx_ram_driver_netx.h ffi-tests/pop3_sample_server.h))

$(BUILD)/threadx/x/%: examples-c/%.c $(TX_HARNESS) $(HEADERS) lib-threadx
	@mkdir -p $(BUILD)/threadx/x
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $< $(TX_HARNESS) $(LIB_THREADX) $(SYSLIBS)

# Every C test and the demo again, on the ThreadX port (over the harness),
# except the TAP driver's (host only: the driver needs std) and NetX's POP3
# sample (it gives nx_ip_create 2048 bytes, which only the std port makes up
# for from the heap; an embedded port answers NX_SIZE_ERROR, which
# test_netx_memory checks).
THREADX_CTESTS := $(filter-out test_netx_tap_lifetime test_pop3_sample test_pop3_sample_refused \
                    test_pop3_sample_netx_driver,$(CTESTS))
ctest-threadx: $(addprefix $(BUILD)/threadx/t/,$(THREADX_CTESTS)) $(BUILD)/threadx/x/pop3_demo
	@set -e; for t in $(THREADX_CTESTS); do echo "== $$t (threadx port)"; $(BUILD)/threadx/t/$$t; done
	@$(BUILD)/threadx/x/pop3_demo > $(BUILD)/threadx/demo.log 2>&1 || { cat $(BUILD)/threadx/demo.log; exit 1; }
	@echo "demo (threadx port): ok"

demo-threadx: $(BUILD)/threadx/x/pop3_demo
	$(BUILD)/threadx/x/pop3_demo

# The ports' own unit tests: the ThreadX port against the harness (linked
# into the Rust test binary), the bare-metal port with a fake clock.
port-test:
	CARGO_TARGET_DIR=target/port-tx $(CARGO) clippy --quiet --features port-threadx --lib --tests -- -D warnings
	# The no_std builds as firmware gets them: lints that only fire without std/alloc.
	set -e; for p in port-threadx port-baremetal; do CARGO_TARGET_DIR=target/clippy-ns $(CARGO) clippy --quiet \
	  --no-default-features --features $$p --profile embedded --lib -- -D warnings; done
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
# shim), documented hooks and compiler helpers only: the two thumb
# libraries and the host ThreadX one (built without std like them).
check-symbols: firmware-lib
	sh scripts/check-symbols.sh baremetal $(BUILD)/thumbv7em/baremetal/libnx_pop3_client.a
	sh scripts/check-symbols.sh threadx $(BUILD)/thumbv7em/threadx/libnx_pop3_client.a
	$(MAKE) lib-threadx
	sh scripts/check-symbols.sh threadx $(LIB_THREADX)

# The bare-metal port on the host: single-threaded programs only (no
# ThreadX thread, no tx_kernel_enter). Keeps `std` for the heap like
# lib-threadx. Needs netx to register its idle hook (port docs).
LIB_BAREMETAL := $(BUILD)/baremetal/libnx_pop3_client.a
BAREMETAL_CTESTS := test_netx_onethread
.PHONY: lib-baremetal ctest-baremetal
lib-baremetal:
	@mkdir -p $(BUILD)/baremetal
	CARGO_TARGET_DIR=target/baremetal-nostd $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(HOST_TRIPLE) \
	  --no-default-features --features port-baremetal --profile embedded --lib
	cp target/baremetal-nostd/$(HOST_TRIPLE)/embedded/libnx_pop3_client.a $(LIB_BAREMETAL)

$(BUILD)/baremetal/t/%: ffi-tests/%.c $(TX_HARNESS) $(HEADERS) lib-baremetal
	@mkdir -p $(BUILD)/baremetal/t
	$(CC) $(CFLAGS) $(WARN) -DNX_TEST_EMBEDDED_PORT $(INC) -o $@ $< $(HARNESS) $(PORT_HOOKS) $(LIB_BAREMETAL) $(SYSLIBS)

ctest-baremetal: $(addprefix $(BUILD)/baremetal/t/,$(BAREMETAL_CTESTS))
	@set -e; for t in $(BAREMETAL_CTESTS); do echo "== $$t (bare-metal port)"; $(BUILD)/baremetal/t/$$t; done

# ---------------------------------------------------------------- pop3_fetch on the bare-metal port (issue 10, item 4)
# The same examples-c/pop3_fetch.c linked with a host library on the
# bare-metal port (no_std, core only, panic = "abort", no heap, no thread of
# its own) with the polled TAP driver (feature `tap`: read non-blocking on
# NX_LINK_DEFERRED_PROCESSING, which every blocking wait's idle round sends)
# and pop3_fetch's layout limits. The ThreadX harness still runs the
# program's fetch thread; the library spawns none. The symbol check proves
# it: besides the bare-metal hooks and compiler helpers, the library needs
# only the libc calls the TAP makes (no pthread_*, no malloc).
FETCH_BM_DIR := $(BUILD)/fetch-lib-baremetal
FETCH_BM_LIB := $(FETCH_BM_DIR)/$(HOST_TRIPLE)/embedded/libnx_pop3_client.a
.PHONY: fetch-lib-baremetal pop3_fetch_baremetal
fetch-lib-baremetal:
	env $(FETCH_LIMITS) NX_POP3_CONFIG_DIR=$(CURDIR)/$(FETCH_BM_DIR)/include \
	  $(EMB_CARGO) build --quiet -Zbuild-std=core --target $(HOST_TRIPLE) --no-default-features \
	  --features port-baremetal,tap --profile embedded --lib --target-dir $(FETCH_BM_DIR)
	sh scripts/check-symbols.sh baremetal-tap $(FETCH_BM_LIB)

$(BUILD)/pop3_fetch_baremetal: examples-c/pop3_fetch.c $(HARNESS) $(PORT_HOOKS) $(HEADERS) fetch-lib-baremetal
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) -I$(FETCH_BM_DIR)/include $(INC) -o $@ $< $(HARNESS) $(PORT_HOOKS) $(FETCH_BM_LIB) $(SYSLIBS)

pop3_fetch_baremetal: $(BUILD)/pop3_fetch_baremetal

# The polled TAP driver alone (root): ffi-tests/tap_polled_check.c on one
# thread with the library above, in a private namespace with five TAPs
# (192.0.2.1/24 on the first): receive by the waits alone, the 4-entry table
# full and given back, every packet back. Also plain and under valgrind.
TAP_POLLED_NS := nxtappoll-$(shell echo $$PPID)
$(BUILD)/baremetal/tap_polled_check: ffi-tests/tap_polled_check.c ffi-tests/netx_test_common.h $(HARNESS) $(PORT_HOOKS) \
                                     $(HEADERS) fetch-lib-baremetal
	@mkdir -p $(BUILD)/baremetal
	$(CC) $(CFLAGS) $(WARN) -DNX_TEST_EMBEDDED_PORT -I$(FETCH_BM_DIR)/include $(INC) -o $@ $< $(HARNESS) $(PORT_HOOKS) \
	  $(FETCH_BM_LIB) $(SYSLIBS)

.PHONY: tap-polled-check
tap-polled-check: $(BUILD)/baremetal/tap_polled_check
	@ns=$(TAP_POLLED_NS); trap 'ip netns del $$ns 2>/dev/null' EXIT; set -e; ip netns add $$ns; \
	ip netns exec $$ns sh -c 'ip link set lo up; for t in bmt0 bmt1 bmt2 bmt3 bmt4; do \
	  ip tuntap add dev $$t mode tap; ip link set $$t up; done; ip addr add 192.0.2.1/24 dev bmt0'; \
	ip netns exec $$ns env NX_TEST_TAP=bmt0 NX_TEST_TAP_EXTRA=bmt1,bmt2,bmt3,bmt4 timeout 120 $<; \
	ip netns exec $$ns env NX_TEST_TAP=bmt0 NX_TEST_TAP_EXTRA=bmt1,bmt2,bmt3,bmt4 NX_TEST_SLOW=1 timeout 300 $(VALGRIND) $<

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

# What `make test` runs of the embedded builds: the ports' unit tests, every
# C test and the demo on the no_std host ThreadX library, the bare-metal host
# tests, firmware-lib for both thumb ports, check-symbols (thumb and host
# ThreadX libraries), the bare-metal tests on an emulated Cortex-M4.
EMBEDDED_TESTS ?= port-test ctest-threadx ctest-baremetal check-symbols qemu-baremetal-test
test-embedded:
	$(MAKE) $(EMBEDDED_TESTS)
