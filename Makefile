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
        test demo demo-checked examples pop3_fetch bench fuzz interop clean \
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
interop: $(BUILD)/pop3_fetch
	python3 interop/run.py --client $(BUILD)/pop3_fetch

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
