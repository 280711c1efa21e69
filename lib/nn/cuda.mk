# lib/nn/cuda.mk — the CUDA backend (lib/nn/cuda/*.cu) as a shared object that lib/nn/device.c
# opens with dlopen only when a trial asks for a GPU and the machine has one:
#   $(BUILD)/libwakesweep-cuda.so   nvcc-built; needs libcublas at run time (found through its
#                                   rpath), the CUDA runtime is linked in statically
# Built by `make` whenever nvcc is found (NVCC, from the top Makefile); `make CUDA=0` leaves it
# out. train-trial itself never links CUDA: on a machine without the CUDA libraries it runs on
# the CPU as before. Included from tests/cuda.mk (the top Makefile includes lib/*/module.mk,
# tests/*.mk and pipelines/*.mk).
#   CUDA_ARCHS   GPU generations to compile machine code for (default 80 and 90: sm_80 code also
#                runs on every later 8.x GPU (A10, L4, RTX 30/40), sm_90 on Hopper; each more
#                arch adds a full device compile to the build);
#   CUDA_PTX     the one that also ships PTX, which the driver compiles once for newer GPUs.
CUDA ?= 1
ifneq ($(CUDA),0)
ifneq ($(strip $(NVCC)),)

CUDA_HOME   ?= $(patsubst %/bin/nvcc,%,$(realpath $(NVCC)))
CUDA_LIBDIR ?= $(CUDA_HOME)/lib64
CUDA_ARCHS  ?= 80 90
CUDA_PTX    ?= 90
CUDA_SO     := $(BUILD)/libwakesweep-cuda.so
CUDA_SRCS   := $(sort $(wildcard lib/nn/cuda/*.cu))
CUDA_OBJS   := $(CUDA_SRCS:%.cu=$(BUILD)/%.o)
CUDA_GENCODE := $(foreach a,$(CUDA_ARCHS),-gencode arch=compute_$(a),code=sm_$(a)) \
                -gencode arch=compute_$(CUDA_PTX),code=compute_$(CUDA_PTX)
# Host code gets the same warnings as the C code (those C++ knows).
NVCC_WARN   := -Wall,-Wextra,-Wshadow,-Wformat=2,-Wpointer-arith,-Wno-unused-parameter
NVCCFLAGS   ?= -O3 -g -lineinfo
NVCCFLAGS   += -std=c++17 $(CUDA_GENCODE) -Xcompiler -fPIC,-fvisibility=hidden,$(NVCC_WARN)

$(BUILD)/lib/nn/cuda/%.o: lib/nn/cuda/%.cu | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(NVCC) -Ilib -D_GNU_SOURCE $(NVCCFLAGS) -MMD -MP -c $< -o $@

# The objects hold code for CUDA_ARCHS and CUDA_PTX, which are no prerequisite by themselves:
# `make CUDA_ARCHS=75` after a build (what the backend's "no code for sm_75" message asks for)
# did nothing. A stamp holds the -gencode list the objects were built with; it is out of date
# (phony) whenever that is not today's, and the objects and the .so are built again. Stamps are
# read with $(file <) (no cat: two processes, ~30 ms of CPU, at every make); the echo that writes
# each leaves one line, whose newline $(file <) drops as $(shell) did.
CUDA_ARCH_STAMP := $(BUILD)/lib/nn/cuda/.gencode
ifneq ($(file <$(CUDA_ARCH_STAMP)),$(strip $(CUDA_GENCODE)))
.PHONY: $(CUDA_ARCH_STAMP)
endif
$(CUDA_ARCH_STAMP):
	@mkdir -p $(@D) && echo '$(strip $(CUDA_GENCODE))' >$@
$(CUDA_OBJS): $(CUDA_ARCH_STAMP)

$(CUDA_SO): $(CUDA_OBJS)
	$(NVCC) -shared $(CUDA_GENCODE) $^ -o $@ -L$(CUDA_LIBDIR) -Xlinker -rpath,$(CUDA_LIBDIR) -lcublas

all: $(CUDA_SO)
CHECK_EXTRA += $(CUDA_SO)

# device.c finds the build tree's backend without any setup (WS_CUDA_BACKEND overrides it).
$(BUILD)/lib/nn/device.o: CPPFLAGS += -DNN_CUDA_SO='"$(abspath $(CUDA_SO))"'

-include $(CUDA_OBJS:.o=.d)
endif
endif

# device.o has the backend's path compiled in (NN_CUDA_SO above, or none), and a target-specific
# CPPFLAGS is no prerequisite: without this, nvcc installed after a first build left device.o
# saying "this build has no CUDA backend" beside the new libwakesweep-cuda.so, and `make CUDA=0`
# after a CUDA build left train-trial loading the old one. $(BUILD)/.cuda-so holds the path the
# current device.o was built with; it is out of date (phony) whenever that is not today's.
CUDA_SO_NOW   := $(if $(CUDA_SO),$(abspath $(CUDA_SO)),none)
CUDA_SO_STAMP := $(BUILD)/.cuda-so
ifneq ($(file <$(CUDA_SO_STAMP)),$(CUDA_SO_NOW))
.PHONY: $(CUDA_SO_STAMP)
endif
$(CUDA_SO_STAMP):
	@mkdir -p $(@D) && echo '$(CUDA_SO_NOW)' >$@
$(BUILD)/lib/nn/device.o: $(CUDA_SO_STAMP)

.PHONY: cuda-info
cuda-info:
	@echo "NVCC=$(NVCC) CUDA=$(CUDA) backend=$(or $(CUDA_SO),none) archs=$(CUDA_ARCHS) ptx=$(CUDA_PTX)"
