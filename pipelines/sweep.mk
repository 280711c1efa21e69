# pipelines/sweep.mk — the main job: `make -j2 sweep`.
#   build → data (the demo corpus unless DATA names one) → featurize once → TRIALS trial targets
#   that make runs in parallel, each `suggest | train-trial` into runs/STUDY/trial-NNN.json
#   (through a temporary file and a rename) with gpu-monitor sampling alongside → the report.
# Interrupted sweeps resume: finished trial files stay; trials whose process died are failed
# in the study and queued again (suggest --reap); re-running a finished sweep does nothing.
# Variables: DATA, CONFIG, TRIALS, STUDY (default: the config's study name; another name makes
# another study from the same config), DEVICE, DB, LAUNCH (a prefix for each trial command,
# e.g. LAUNCH="srun -N1 -n1 --gres=gpu:1"), THREADS (per trial; default cores / jobs, or
# SLURM_CPUS_PER_TASK in a step of its own: LAUNCH="srun -c N ..."),
# SUGGEST_ARGS (extra suggest options, e.g. --fixed best.json; the staged pipeline uses it).

CONFIG   ?= configs/studies/kws-default.json
STUDY    ?= $(shell jq -r .study $(CONFIG) 2>/dev/null)
RUNS     ?= runs/$(STUDY)
DB       ?= $(RUNS)/study.db
TRIALS   ?= 20
DEVICE   ?= auto
LAUNCH   ?=
MONITOR_INTERVAL ?= 1
# auto: each trial gets cores / N threads under make -jN (pipelines/trial.sh reads N from the
# MAKEFLAGS its recipe sees), so trials never oversubscribe the machine.
THREADS  ?= auto

TRIAL_FILES := $(shell seq -f '$(RUNS)/trial-%03g.json' 0 $$(( $(TRIALS) - 1 )) 2>/dev/null)
SUGGEST_ARGS ?=
# DB is quoted: a PostgreSQL URL may hold '&' and '?' (postgresql://u@/db?host=/dir&port=5432).
SWEEP_ENV = SUGGEST_ARGS="$(SUGGEST_ARGS)" BIN=$(BIN) DB='$(DB)' CONFIG=$(CONFIG) STUDY='$(STUDY)' FEATURES=$(FEATURES) THREADS=$(THREADS) DEVICE=$(DEVICE) \
            RUNS=$(RUNS) MONITOR_INTERVAL=$(MONITOR_INTERVAL) SWEEP_SLURM_STEP=$${SLURM_JOB_ID:-}.$${SLURM_STEP_ID:-}

sweep: $(RUNS)/report.json $(RUNS)/report.html
	@$(BIN)/report --db '$(DB)' --study '$(STUDY)' | head -n 8

# Trials depend on the tools and the cache only for ordering: rebuilding a tool or the cache
# never reruns finished trials. A trial command that fails (a launcher that could not start it,
# a study write that failed) leaves no trial file: the other trials and the report go on, and
# the next make sweep runs it again. Exit status 2 (bad input, the same for every trial) stops
# the sweep.
$(TRIAL_FILES): | all $(FEATURES) $(RUNS)/.dir sweep-begin
	@$(SWEEP_ENV) $(LAUNCH) bash pipelines/trial.sh $@ || { rc=$$?; [ $$rc -ne 2 ] || exit 2; \
	  echo "$@: the trial command failed (exit status $$rc); the other trials go on, the next make sweep runs it again" >&2; }

$(RUNS)/.dir:
	@mkdir -p $(RUNS) && touch $@

# Each make sweep lets its trials start the monitor again (a stopped sweep marked it stopped).
sweep-begin:
	@bash pipelines/monitor.sh clear $(RUNS)

$(RUNS)/report.json: $(TRIAL_FILES)
	@bash pipelines/monitor.sh stop $(RUNS)
	$(BIN)/report --db '$(DB)' --study '$(STUDY)' --format json > $@.tmp && mv $@.tmp $@

$(RUNS)/report.html: $(RUNS)/report.json
	$(BIN)/report --db '$(DB)' --study '$(STUDY)' --format html > $@.tmp && mv $@.tmp $@

.PHONY: sweep sweep-begin
