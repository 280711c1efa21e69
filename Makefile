# wakesweep — top-level build.
#   make            build lib/ into build/libwakesweep.a and every tool into bin/
#   make check      build and run every test; last line "N passed, N failed"
#   make check SANITIZE=address,undefined   the same under the sanitizers (build-san-address-undefined)
#   make deps       install the Debian packages the build, the tests and the demo need
# Pipelines (sweep, data, features, ...) live in pipelines/*.mk and are included below.

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
SHELL := /bin/bash
# Every rule here is the makefiles' own: make's built-in ones (RCS, SCCS, yacc, ... for each header
# the .d files name) were two thirds of the CPU time of a make with nothing to do, and every sweep,
# each of its stages, each Slurm task and each test's make reads the makefiles (make all: ~0.10 →
# ~0.03 s). The built-in variables (CC, AR) stay.
MAKEFLAGS += --no-builtin-rules
# make's single-letter flags (n for -n, t, s, k, ...): MAKEFLAGS's first word when there are any,
# else a long option or "--". Read as $(firstword -$(MAKEFLAGS)), the line above made that first
# word "---no-builtin-rules" for a make given no letter (make -j2 sweep from a shell), whose n, t
# and s read as -n, -t and -s: the sweep skipped its SUGGEST_ARGS check as in a dry run, was
# refused as make -t, and did not echo featurize's command. (Tests run make -s, which hid it.)
ws_make_letters = $(filter-out -% %=%,$(firstword $(MAKEFLAGS)))

VERSION := 0.1.0
CC      ?= cc
NVCC    ?= $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)

# A sanitizer build lives in a tree of its own, one per SANITIZE value (build-san-address,
# build-san-undefined, build-san-address-undefined), so it never mixes objects with the normal
# build or with another setting's: one build-san for all had make take address's objects for up
# to date under undefined, and link them with the wrong runtime (or an address,undefined build
# with one sanitizer missing).
comma := ,
ifneq ($(SANITIZE),)
BUILD   ?= build-san-$(subst $(comma),-,$(SANITIZE))
BIN     ?= $(BUILD)/bin
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1
else
BUILD   ?= build
BIN     ?= bin
OPT     ?= -O2
endif

WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wvla -Wno-unused-parameter
# libpq's headers (the PostgreSQL store, which opens libpq with dlopen); asked once, at the first
# compile (after `make deps`, which runs first): a make that compiles nothing (a sweep's, each of
# its stages', a test's) does not ask, a shell and pkg-config fewer each time.
PQ_CFLAGS = $(eval PQ_CFLAGS := $$(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql))$(PQ_CFLAGS)
CPPFLAGS += -Ilib -D_GNU_SOURCE -DWS_VERSION='"$(VERSION)"' -MMD -MP $(PQ_CFLAGS)
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -pthread $(WARN) $(SANFLAGS)
LDFLAGS += -pthread -Wl,--as-needed $(SANFLAGS)
# SQLite and jansson linked statically: every tool call is a short process, and resolving them
# from shared objects at each start cost about 1 ms of the ~10 ms a suggest or tell call takes.
# libunistring (Unicode normalization and case folding, core/text_nfc.c) shared: only featurize
# (once per corpus) and train-trial (naming the class like a wake word it does not find) call it
# (with --as-needed the other tools do not load it), and Debian's libunistring2 is there already
# (gnutls and libidn2 need it).
LDLIBS  := -Wl,-Bstatic -lsqlite3 -ljansson -Wl,-Bdynamic -lsndfile -lsamplerate -lkissfft-float -lopenblas -lunistring -ldl -lm

LIB_SRCS  := $(sort $(wildcard lib/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/libwakesweep.a
TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOLS     := $(TOOL_SRCS:tools/%.c=$(BIN)/%)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNITS     := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Tool and unit-test objects are intermediate files to make; keep them so that the next make does
# not recompile. Only them: a bare .SECONDARY would make every file secondary, and make would not
# remake a missing trial file of a sweep whose report is newer than the others.
.SECONDARY: $(TOOL_SRCS:tools/%.c=$(BUILD)/tools/%.o) $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.o)

DEPS_STAMP := $(BUILD)/.deps-ok

all: $(DEPS_STAMP) $(LIB_A) $(TOOLS)

# Install what is missing once per build tree; `make deps` always re-checks. The stamp is also
# an included (empty) makefile: on a fresh machine make installs the packages first and then
# reads the makefiles again, so the pipelines' $(shell jq ...) at parse time find jq.
-include $(DEPS_STAMP)
$(DEPS_STAMP): share/deps.sh
	@bash share/deps.sh
	@mkdir -p $(@D) && touch $@

deps:
	@bash share/deps.sh

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# train-trial starts once per trial and its time to the first step counts: OpenBLAS linked
# statically there (the shared one's loading and relocation cost ~9 ms of each start). The
# archive is the one the libopenblas.a alternative points at, the same build as the shared one.
$(BIN)/train-trial: LDLIBS := $(filter-out -lopenblas,$(LDLIBS)) -Wl,-Bstatic -lopenblas -Wl,-Bdynamic -lm

$(BIN)/%: $(BUILD)/tools/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $< $(LIB_A) $(LDLIBS) -o $@
# It interposes on the pruner to finish a trial while the pruner decides.
$(BUILD)/tests/test_study_prune: LDFLAGS += -Wl,--wrap=ws_pruner_should_prune
# It interposes on the trial loader to finish a trial while study-copy reads its source.
$(BUILD)/tests/test_store_copy: LDFLAGS += -Wl,--wrap=ws_loader_init

# Module makefiles (pipelines, test fixtures, the CUDA backend) add their own rules.
-include $(sort $(wildcard pipelines/*.mk) $(wildcard tests/*.mk) $(wildcard lib/*/module.mk))

# The build the tests need runs on every core unless make was given -j: a bare `make check`
# (CI's) built one file at a time, about 75 s of its 10 minutes on two cores, 40 s in parallel.
# The tests run one file per CPU and one more at a time (tests/run.sh, WS_TEST_JOBS), and beside them the
# files that mostly wait, in lanes of their own (WS_TEST_WAIT_JOBS). A test file's time
# limit (tests/run-one.sh): the sanitizers slow the tools 5-10x.
check:
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc)) check-build
	@WS_BIN=$(abspath $(BIN)) WS_BUILD=$(abspath $(BUILD)) WS_TEST_TIMEOUT=$${WS_TEST_TIMEOUT:-$(if $(SANITIZE),3000,300)} \
	  bash tests/run.sh $(UNITS)

# build-san: the one sanitizer tree of checkouts made before the trees were per setting
clean:
	rm -rf build build-san build-san-* bin

# one goal for the sub-make, so that it names no goal "up to date" (the recipe keeps it quiet)
check-build: all $(UNITS) $(CHECK_EXTRA)
	@:

.PHONY: all deps check check-build clean
-include $(LIB_OBJS:.o=.d) $(TOOL_SRCS:tools/%.c=$(BUILD)/tools/%.d) $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
