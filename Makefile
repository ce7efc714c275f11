# mmfree: the two set-up commands are `make run` (demo) and `make test` (test suite).
# Everything else is a convenience around the CMake build in $(BUILD).

BUILD ?= build
JOBS  ?= $(shell nproc)
MODEL ?= assets/models/mmfree-demo-d256-l6
BACKEND ?= sim
PROMPT ?= The jury said
TOKENS ?= 48
MMFREE := $(BUILD)/bin/mmfree

# The sanitized host build of `make test` (no Verilated kernel) and the libFuzzer build of `make fuzz`.
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_RUNS ?= 1000000
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

.PHONY: all deps configure build run test test-asan test-p32 fuzz lint synth timing projections xclbin contract-docs regmap-docs clean help

all: build

help:
	@echo "make run     deps + build + generate text from the demo model (BACKEND=$(BACKEND))"
	@echo "make test    deps + build + the whole test suite through CTest, then the host suites and the"
	@echo "             fuzz corpus replay again under ASan+UBSan (make test-asan, $(ASAN_BUILD)/)"
	@echo "make fuzz    [FUZZ_RUNS=N] [TARGETS=mmf_image,...]  libFuzzer (clang) on every parser of untrusted input"
	@echo "make test-p32  nightly-style: sim kernel with 32 weight ports, token-mode suites vs golden"
	@echo "make deps    install the Debian packages the project needs (apt-get)"
	@echo "make lint    verilator --lint-only -Wall on the RTL"
	@echo "make synth   Yosys synth_xilinx resource report of the kernel top"
	@echo "make timing [CONFIG=default]   synth + register-to-register depth and delay estimate"
	@echo "             (build/timing/<config>/timing.md; ~16 min of Yosys for the default kernel)"
	@echo "make projections [BOARDS=u55c,u280] [SHAPES=370M,2.7B]   tok/s and energy per board, simulated"
	@echo "             with each board's own kernel configuration (build/projections/; ~15 min per HBM build)"
	@echo "make contract-docs  regenerate docs/registers.md from hw/contract/"
	@echo "make xclbin PLATFORM=u55c|u280|u250   board build (needs Vitis)"

deps:
	@./scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(MMFREE) generate --model $(MODEL) --backend $(BACKEND) --prompt "$(PROMPT)" -n $(TOKENS) --stats

# A test that cannot run for want of something the build or machine lacks (a Verilated kernel,
# the XRT noop shim, the simulation suites) fails instead of skipping: `make test` is CI's
# command. `make test MMFREE_REQUIRE_COVERAGE=0` lets such tests skip on a partial setup.
MMFREE_REQUIRE_COVERAGE ?= 1

test: build
	cd $(BUILD) && MMFREE_REQUIRE_COVERAGE=$(MMFREE_REQUIRE_COVERAGE) ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

# Host only (-DMMFREE_BUILD_SIM=OFF): the Verilated kernel is not ours to sanitize and would
# dominate the build (so its missing simulation suites are no coverage gap:
# MMFREE_REQUIRE_COVERAGE=0; the main build covers them). Runs every host suite and the replay of fuzz/corpus and fuzz/regressions.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DMMFREE_BUILD_SIM=OFF \
	  -DCMAKE_CXX_FLAGS="$(SANITIZE)" -DCMAKE_C_FLAGS="$(SANITIZE)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 MMFREE_REQUIRE_COVERAGE=0 ctest --output-on-failure -j $(JOBS)

fuzz: deps
	./scripts/fuzz.sh --build $(FUZZ_BUILD) --runs $(FUZZ_RUNS) $(if $(TARGETS),--targets $(TARGETS))

# Nightly-style, not part of `make test`: the sim kernel built with 32 weight ports (the U280's),
# and the token-mode suites that compare it byte for byte with the golden kernel.
test-p32: deps
	cmake -S . -B build-p32 -G Ninja -DCMAKE_BUILD_TYPE=Release -DMMFREE_SIM_WEIGHT_PORTS=32
	cmake --build build-p32 -j $(JOBS) --target test_kernel_token
	cd build-p32 && MMFREE_REQUIRE_COVERAGE=1 ctest --output-on-failure -j $(JOBS) -R "KernelToken|RandomShapes|SynthesisMaxima"

lint: deps
	./scripts/lint.sh

synth: deps
	./scripts/synth.sh

# Logic depth and estimated delay of every register-to-register path of the mapped kernel
# (scripts/timing_estimate.py; its docstring says what is estimated and where the figures come from).
CONFIG ?= default
timing: deps
	./scripts/synth.sh $(CONFIG) --json --out $(BUILD)/timing/$(CONFIG)
	python3 scripts/timing_estimate.py $(BUILD)/timing/$(CONFIG)/netlist.json \
	  --title "mmfree_kernel, scripts/synth.sh configuration $(CONFIG)"

projections: deps
	./scripts/projections.sh $(if $(BOARDS),--boards $(BOARDS)) $(if $(SHAPES),--shapes $(SHAPES))

xclbin:
	./scripts/build_xclbin.sh $(PLATFORM)

# Refresh docs/registers.md from hw/contract/mmfree_contract.toml (a test fails when they drift).
contract-docs:
	python3 hw/contract/gen_contract.py --markdown docs/registers.md

regmap-docs: contract-docs

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
