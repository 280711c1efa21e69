# tests/nn-bench.mk — the lib/nn training benchmark (tests/bench/train), not part of make check:
#   make bench-nn [BUILD=...]   builds $(BUILD)/bench/nn_bench and compares it with PyTorch.
NN_BENCH := $(BUILD)/bench/nn_bench

$(NN_BENCH): tests/bench/train/nn_bench.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@

bench-nn: $(NN_BENCH)
	bash tests/bench/train/run.sh $(BUILD)

.PHONY: bench-nn
