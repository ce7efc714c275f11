# mmfree: the two set-up commands are `make run` (demo) and `make test` (test suite).
# Everything else is a convenience around the CMake build in $(BUILD).

BUILD ?= build
JOBS  ?= $(shell nproc)
MODEL ?= assets/models/mmfree-demo-d256-l6
BACKEND ?= sim
PROMPT ?= The jury said
TOKENS ?= 48
MMFREE := $(BUILD)/bin/mmfree

.PHONY: all deps configure build run test lint synth timing projections xclbin regmap-docs clean help

all: build

help:
	@echo "make run     deps + build + generate text from the demo model (BACKEND=$(BACKEND))"
	@echo "make test    deps + build + the whole test suite through CTest"
	@echo "make deps    install the Debian packages the project needs (apt-get)"
	@echo "make lint    verilator --lint-only -Wall on the RTL"
	@echo "make synth   Yosys synth_xilinx resource report of the kernel top"
	@echo "make timing [CONFIG=default]   synth + register-to-register depth and delay estimate"
	@echo "             (build/timing/<config>/timing.md; ~16 min of Yosys for the default kernel)"
	@echo "make projections [BOARDS=u55c,u280] [SHAPES=370M,2.7B]   tok/s and energy per board, simulated"
	@echo "             with each board's own kernel configuration (build/projections/; ~15 min per HBM build)"
	@echo "make regmap-docs  regenerate docs/registers.md from hw/regmap/"
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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

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

# Refresh docs/registers.md from hw/regmap/mmfree_regs.toml (a test fails when they drift).
regmap-docs:
	python3 hw/regmap/gen_regmap.py --markdown docs/registers.md

clean:
	rm -rf $(BUILD)
