# tests/cuda.mk — the CUDA backend's build (lib/nn/cuda.mk, included from here) and tests:
#   make check          runs tests/cli/t3900 (the backend builds, --device cuda/auto without a GPU,
#                       the kernel bodies on the host, the device path on a host emulation of the
#                       backend, no allocation or sync in a step), t3902 (failures: kernel faults,
#                       out of memory, a full or busy GPU at start, on a failing wrapper of the
#                       emulation) and t3901 (GPU checks; each prints "skip ...: no CUDA device
#                       (why)" without a GPU)
#   make check-gpu      the same three scripts only (TESTS=t39): one command for whoever has a GPU
#   make bench-gpu      tests/bench/gpu: samples per second and the GPU's busy share
-include lib/nn/cuda.mk

CUDA_TEST_DIR  := $(BUILD)/tests/gpu
CUDA_TESTS     := $(CUDA_TEST_DIR)/test_cuda_host $(CUDA_TEST_DIR)/test_cuda_gpu
CUDA_EMU       := $(CUDA_TEST_DIR)/libwakesweep-cuda-emu.so
CUDA_FAULT     := $(CUDA_TEST_DIR)/libwakesweep-cuda-fault.so
CUDA_BENCH     := $(BUILD)/bench/cuda_bench

$(CUDA_TEST_DIR)/%: tests/gpu/%.c $(LIB_A) tests/unit/harness.h tests/gpu/arrays.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@

# The host emulation carries its own copy of the CPU backend, built with lib/nn's flags.
$(CUDA_EMU): tests/gpu/cuda_emu.c lib/nn/backend_cpu.c lib/nn/winograd.c lib/nn/winograd.h lib/nn/cpu_pool.c lib/nn/cpu_pool.h lib/nn/cuda/api.h \
             lib/nn/cuda/kernels.h lib/nn/elementwise.h lib/nn/backend.h lib/nn/device.h tests/cuda.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -Ilib -D_GNU_SOURCE $(CFLAGS) $(NN_CFLAGS) -fPIC -shared -fvisibility=hidden $(LDFLAGS) \
	    tests/gpu/cuda_emu.c lib/nn/backend_cpu.c lib/nn/winograd.c lib/nn/cpu_pool.c -lopenblas -lm -o $@
	$(CC) -Ilib -D_GNU_SOURCE -MM -MP -MT $@ -MT $(abspath $@) tests/gpu/cuda_emu.c lib/nn/backend_cpu.c lib/nn/winograd.c lib/nn/cpu_pool.c >$@.d

# A backend that fails on purpose over the emulation (kernel faults, a full or busy GPU at start).
$(CUDA_FAULT): tests/gpu/cuda_fault.c lib/nn/cuda/api.h lib/nn/backend.h lib/nn/device.h tests/cuda.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -Ilib -D_GNU_SOURCE $(CFLAGS) -fPIC -shared -fvisibility=hidden $(LDFLAGS) $< -ldl -o $@
	$(CC) -Ilib -D_GNU_SOURCE -MM -MP -MT $@ -MT $(abspath $@) $< >$@.d

$(CUDA_BENCH): tests/bench/gpu/cuda_bench.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@

CHECK_EXTRA += $(CUDA_TESTS) $(CUDA_EMU) $(CUDA_FAULT)

check-gpu: all $(CUDA_TESTS) $(CUDA_EMU) $(CUDA_FAULT)
	@WS_BIN=$(abspath $(BIN)) WS_BUILD=$(abspath $(BUILD)) TESTS=t39 bash tests/run.sh

bench-gpu: all $(CUDA_BENCH)
	bash tests/bench/gpu/run.sh $(BUILD) $(BIN)

.PHONY: check-gpu bench-gpu
-include $(CUDA_TESTS:=.d)
# The emulation and the fault wrapper are each one gcc call over their sources, where -MMD would
# keep the last source's headers only: their recipes list every header with -MM, so a change to
# one that api.h, kernels.h or the CPU backend includes (nn.h's structs, transform_math.h's log)
# rebuilds them; the prerequisites above name only some, and tests/cuda.mk itself, so that a tree
# built before these recipes wrote a .d is built again once and has one.
-include $(CUDA_EMU).d $(CUDA_FAULT).d
