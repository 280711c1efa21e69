# lib/nn/module.mk — flags for lib/nn's hot loops (streaming over activations outside the GEMMs):
# -O3 for the vectorizer's full cost model, -fno-math-errno so sqrtf vectorizes, and
# -fopenmp-simd for `#pragma omp simd` reductions (no OpenMP runtime is linked). The AVX2 and
# AVX-512 clones of those loops are chosen at load time (target_clones in backend_cpu.c).
NN_CFLAGS := -fno-math-errno -fopenmp-simd
ifeq ($(SANITIZE),)
NN_CFLAGS += -O3
endif
$(BUILD)/lib/nn/%.o: CFLAGS += $(NN_CFLAGS)
