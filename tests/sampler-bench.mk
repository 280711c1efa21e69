# tests/sampler-bench.mk — the sampler benchmark (tests/bench/sampler): a small C driver that
# runs ws_sampler_suggest on an in-memory history, and bench.py, which runs it next to Optuna.
# Not part of `make check`:  make bench-sampler [BENCH_ARGS="--seeds 25 --quick"]
SAMPLER_BENCH_DRIVER := $(BUILD)/bench/sampler-driver

$(SAMPLER_BENCH_DRIVER): tests/bench/sampler/driver.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@

bench-sampler: $(SAMPLER_BENCH_DRIVER)
	WS_ROOT=$(CURDIR) SAMPLER_DRIVER=$(abspath $(SAMPLER_BENCH_DRIVER)) nice /usr/bin/python3 tests/bench/sampler/bench.py $(BENCH_ARGS)

.PHONY: bench-sampler
