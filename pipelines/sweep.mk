# pipelines/sweep.mk — the main job: `make -j2 sweep`.
#   build → data (the demo corpus unless DATA names one) → featurize once → TRIALS trial targets
#   that make runs in parallel, each `suggest | train-trial` into runs/STUDY/trial-NNN.json
#   (through a temporary file and a rename) with gpu-monitor sampling alongside → the report.
# Interrupted sweeps resume: finished trial files stay; trials whose process died are failed
# in the study and queued again (suggest --reap); re-running a finished sweep does nothing.
# Variables: DATA, FEATURES (data.mk), CONFIG, TRIALS (a positive integer, at most 1000000), STUDY (default: the
# config's study name; not empty; another name makes another study from the same config), RUNS (default
# runs/STUDY), DEVICE, DB (default RUNS/study.db), LAUNCH (a prefix for each trial command,
# e.g. LAUNCH="srun -N1 -n1 --gres=gpu:1"), THREADS (per trial; default cores / jobs, or
# SLURM_CPUS_PER_TASK in a step of its own: LAUNCH="srun -c N ..."),
# SUGGEST_ARGS (extra suggest options, e.g. --fixed best.json; the staged pipeline uses it),
# MONITOR_INTERVAL (gpu-monitor's, default 1 s; its samples go to the study and RUNS/monitor.jsonl).

CONFIG   ?= configs/studies/kws-default.json
# Read once (:=): every trial's recipe names STUDY, and a jq started per trial is 20 ms of a
# job slot left idle between trials. Not read for goals that only build or test (ws_build_only,
# data.mk): a make or make check makes no sweep, and its jq was ~40 ms of each one's CPU. The
# config goes in on stdin: a relative CONFIG=-c.json handed to jq as an argument was read as its
# options, and the study check said that CONFIG names no study.
ifeq ($(origin STUDY),undefined)
STUDY    := $(if $(ws_build_only),,$(shell jq -r '.study // empty' 2>/dev/null <$(call ws_q,$(CONFIG))))
endif
RUNS     ?= runs/$(STUDY)
DB       ?= $(RUNS)/study.db
TRIALS   ?= 20
DEVICE   ?= auto
LAUNCH   ?=
MONITOR_INTERVAL ?= 1
# auto: each trial gets cores / N threads under make -jN (pipelines/trial.sh reads N from the
# MAKEFLAGS its recipe sees, at most TRIALS; under a bare make -j, cores / TRIALS), so trials never
# oversubscribe the machine; and all the cores (rounded down to a multiple of its threads)
# while no other trial of the study is running or waiting (train-trial --grow-threads: the end
# of a sweep, where the last trial trains alone).
THREADS  ?= auto

# RUNS names targets: make cannot take every path there (pipelines/check-vars.sh). When it is
# the default, the fault is STUDY's, and the message says so. CONFIG, STUDY and DB are only
# handed to commands: quoted (ws_q), they may hold anything. Checked for the goals that sweep
# (make data or features need no study).
ws_sweep_goals := $(filter sweep sweep-begin sweep-check %.json %.html %.dir,$(MAKECMDGOALS))
# SUGGEST_ARGS is not checked in a dry run (make -n), which runs no suggest: under make -n staged,
# stage 2's sweep is handed --fixed STAGED_RUNS/stage-1/best.json, which only a real run of stage
# 1 makes, and the check stopped the dry run there ("SUGGEST_ARGS: ...: cannot read").
ws_dry_run := $(findstring n,$(ws_make_letters))
# STUDY given empty (STUDY= on the command line or in the environment) is neither a study nor
# CONFIG's: with RUNS given, the trials ran in CONFIG's study (suggest without --study) and the
# report, of study '', failed after the whole sweep; with the default RUNS the study check's
# message said that CONFIG names no study.
ws_study_given_empty = $(if $(filter-out undefined file,$(origin STUDY)),$(if $(STUDY),,STUDY: given empty; give a study name, or leave STUDY out for CONFIG's own))
ws_bad_var := $(if $(ws_sweep_goals),$(or $(ws_study_given_empty),$(call ws_check_vars,file CONFIG $(call ws_q,$(CONFIG)) count TRIALS $(call ws_q,$(TRIALS)) \
                device DEVICE $(call ws_q,$(DEVICE)) gpu DEVICE $(call ws_q,$(DEVICE)) $(call ws_q,$(LAUNCH)) $(call ws_q,$(BIN)) threads THREADS $(call ws_q,$(THREADS)) launch LAUNCH $(call ws_q,$(LAUNCH)) \
                interval MONITOR_INTERVAL $(call ws_q,$(MONITOR_INTERVAL)) \
                $(if $(filter file,$(origin RUNS)),study STUDY $(call ws_q,$(STUDY)),path RUNS $(call ws_q,$(RUNS))) folder RUNS $(call ws_q,$(RUNS)) \
                db DB $(call ws_q,$(DB)) $(call ws_q,$(RUNS)) $(call ws_q,$(BIN)) config CONFIG $(call ws_q,$(CONFIG)) $(call ws_q,$(BIN)) \
                $(if $(ws_dry_run),,args SUGGEST_ARGS $(call ws_q,$(SUGGEST_ARGS)) $(call ws_q,$(CONFIG)) $(call ws_q,$(BIN))) \
                kept CONFIG $(call ws_q,$(CONFIG)) $(call ws_q,$(STUDY)) $(call ws_q,$(DB)) $(call ws_q,$(BIN)) $(call ws_q,$(SUGGEST_ARGS)) \
                runs RUNS $(call ws_q,$(RUNS)) $(call ws_q,$(STUDY)) $(call ws_q,$(DB)))))
ifneq ($(ws_bad_var),)
$(error $(ws_bad_var))
endif

TRIAL_FILES := $(if $(ws_build_only),,$(shell seq -f $(call ws_q,$(RUNS)/trial-%03g.json) 0 $$(( $(TRIALS) - 1 )) 2>/dev/null))
SUGGEST_ARGS ?=
# Every value quoted: a PostgreSQL URL may hold '&' and '?' (postgresql://u@/db?host=/dir&port=5432),
# a path a space or a '.
SWEEP_ENV = SUGGEST_ARGS=$(call ws_q,$(SUGGEST_ARGS)) BIN=$(call ws_q,$(BIN)) DB=$(call ws_q,$(DB)) CONFIG=$(call ws_q,$(CONFIG)) \
            STUDY=$(call ws_q,$(STUDY)) FEATURES=$(call ws_q,$(FEATURES)) THREADS=$(call ws_q,$(THREADS)) DEVICE=$(call ws_q,$(DEVICE)) \
            RUNS=$(call ws_q,$(RUNS)) MONITOR_INTERVAL=$(call ws_q,$(MONITOR_INTERVAL)) SWEEP_TRIALS=$(TRIALS) \
            SWEEP_SLURM_STEP=$${SLURM_JOB_ID:-}.$${SLURM_STEP_ID:-} $(if $(LAUNCH),,SWEEP_CPUS=$(ws_cpus)) \
            SWEEP_MONITOR=$(ws_monitored)
# Trials start the monitor only where this make stops it (make sweep, or its reports): a trial
# target made alone (make RUNS/trial-007.json, as pipelines/slurm-array.sh's tasks do) would
# leave it sampling for a day, nothing stopping it.
ws_monitored = $(if $(filter sweep $(RUNS)/report.json $(RUNS)/report.html,$(MAKECMDGOALS)),1)
# The CPUs trials share when they run where make does (no LAUNCH): counted once, not by an nproc
# per trial.
ws_cpus = $(eval ws_cpus := $$(shell nproc))$(ws_cpus)
SWEEP_REPORT = $(BIN)/report --db $(call ws_q,$(DB)) --study $(call ws_q,$(STUDY))

sweep: $(RUNS)/report.json $(RUNS)/report.html
	@$(call ws_head,$(SWEEP_REPORT),8)

# Trials depend on the tools and the cache only for ordering: rebuilding a tool or the cache
# never reruns finished trials. A trial command that fails (a launcher that could not start it,
# a study write that failed) leaves no trial file: the other trials and the report go on, and
# the next make sweep runs it again. Exit status 2 (bad input, or the study file deleted or
# replaced while a trial trained: the same for every trial) stops the sweep. Two makes of one
# trial file (a second make sweep, or one run again after a kill -9 of make left its trials
# running) never train it twice: pipelines/trial.sh holds a lock on it.
$(TRIAL_FILES): | all $(FEATURES) $(RUNS)/.dir sweep-begin
	@$(SWEEP_ENV) $(LAUNCH) bash pipelines/trial.sh $(call ws_q,$@) || { rc=$$?; [ $$rc -ne 2 ] || exit 2; \
	  echo $(call ws_q,$@)": the trial command failed (exit status $$rc); the other trials go on, the next make sweep runs it again" >&2; }

$(RUNS)/.dir:
	@mkdir -p $(call ws_q,$(RUNS)) && touch $(call ws_q,$@)

# Only the checks above (pipelines/slurm-array.sh runs it before it submits the array, whose every
# task would meet a bad variable).
sweep-check: ;

# Each make sweep lets its trials start the monitor again (a stopped sweep marked it stopped).
sweep-begin:
	@bash pipelines/monitor.sh clear $(call ws_q,$(RUNS))

$(RUNS)/report.json: $(TRIAL_FILES)
	@bash pipelines/monitor.sh stop $(call ws_q,$(RUNS))
	$(call ws_write,$(SWEEP_REPORT) --format json)

$(RUNS)/report.html: $(RUNS)/report.json
	$(call ws_write,$(SWEEP_REPORT) --format html)

.PHONY: sweep sweep-begin sweep-check
