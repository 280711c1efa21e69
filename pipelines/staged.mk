# pipelines/staged.mk — `make -j2 staged`: a two-stage sweep in one study database.
#   stage 1 (STAGE1) searches the critical parameters (learning rate, weight decay, batch size,
#   dropout); its best trial (report --best) is fixed into every trial of stage 2 (STAGE2,
#   suggest --fixed), which searches augmentation (noise probability and SNR range, SpecAugment
#   masks, time shift). Each stage is an ordinary sweep in a folder of its own, so each resumes
#   like one; STAGED_RUNS/report.html and report.json show both stages.
# Variables: STAGE1, STAGE2 (configs of two studies), STAGE_TRIALS (per stage, a positive integer up to 1000000; a higher one later runs
# the trials each stage lacks), STAGED_RUNS; SUGGEST_ARGS, DEVICE, LAUNCH, THREADS, DATA, FEATURES and
# MONITOR_INTERVAL go to both stages' sweeps. CONFIG, STUDY, TRIALS, RUNS and DB are the stages'
# own: given on the command line, they are refused.

STAGE1       ?= configs/studies/kws-staged-1.json
STAGE2       ?= configs/studies/kws-staged-2.json
STAGE_TRIALS ?= 10
STAGED_RUNS  ?= runs/kws-staged
STAGED_DB     = $(STAGED_RUNS)/study.db
# Each read once, at its first use (not for other goals): a make staged names them some fifteen
# times while it reads the makefiles, and a jq for each was half a second of CPU per make staged.
# On jq's stdin, as sweep.mk reads CONFIG: a STAGE1=-s1.json was read as jq's options.
STAGE1_STUDY  = $(eval STAGE1_STUDY := $$(shell jq -r '.study // empty' 2>/dev/null <$$(call ws_q,$$(STAGE1))))$(STAGE1_STUDY)
STAGE2_STUDY  = $(eval STAGE2_STUDY := $$(shell jq -r '.study // empty' 2>/dev/null <$$(call ws_q,$$(STAGE2))))$(STAGE2_STUDY)
# Both stages, stage 1 first (report takes --study once per study).
STAGED_REPORT = $(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE1_STUDY)) --study $(call ws_q,$(STAGE2_STUDY))

# The stage configs are checked with the other variables, before anything runs, for the goals
# that run the stages (make staged or a file of STAGED_RUNS): found only by stage 2's sweep, a
# missing or misnamed STAGE2 would stop make after the whole of stage 1, and be called CONFIG.
# Each stage is a study of its own in the one study file: a config without a study name, or
# two naming one study, would fail there too (suggest: a study of another config). Each must be a
# config suggest takes (a bad space in STAGE2 stopped make after the whole of stage 1), checked
# last (suggest's message for a config without a study name is less plain), as SUGGEST_ARGS with
# each (stage 1's sweep found a bad one only after the features were made). DEVICE, THREADS,
# MONITOR_INTERVAL and LAUNCH too, which the stages' sweeps would check only after the features were made.
# And a STAGE2 whose fixed settings hold a param STAGE1 searches: stage 2's suggest --fixed with
# stage 1's best refused it only after the whole of stage 1.
ws_staged_goals := $(filter staged $(STAGED_RUNS)/%,$(MAKECMDGOALS))
# The stages' sweeps get CONFIG, STUDY, TRIALS, RUNS and DB from this makefile, overriding the
# ones given on make's command line (which make hands down to them, as it does DEVICE, LAUNCH,
# DATA, FEATURES, THREADS: those reach both stages): such a value would be ignored without a
# word, so it is refused, naming the variable to give instead. SUGGEST_ARGS goes to both stages,
# but a --fixed there would be dropped in stage 2, whose --fixed is stage 1's best.
ws_staged_own := $(firstword $(foreach v,CONFIG STUDY TRIALS RUNS DB,$(if $(filter command line,$(origin $(v))),$(v))))
ws_staged_use.CONFIG = the stages run STAGE1 and STAGE2 (each in its config's study): give those
ws_staged_use.STUDY  = $(ws_staged_use.CONFIG)
ws_staged_use.TRIALS = give STAGE_TRIALS (trials per stage)
ws_staged_use.RUNS   = both stages are kept in STAGED_RUNS (its study.db and stage folders): give STAGED_RUNS
ws_staged_use.DB     = $(ws_staged_use.RUNS)
ifneq ($(ws_staged_goals),)
ifneq ($(ws_staged_own),)
ws_bad_var := $(ws_staged_own): make staged sets it for each stage itself; $(ws_staged_use.$(ws_staged_own))
else ifneq ($(filter --fixed --fixed=%,$(SUGGEST_ARGS)),)
ws_bad_var := SUGGEST_ARGS: make staged fixes stage 1's best into stage 2 with --fixed itself; give no --fixed
endif
endif
ws_bad_var := $(or $(ws_bad_var),$(call ws_check_vars,count STAGE_TRIALS $(call ws_q,$(STAGE_TRIALS)) path STAGED_RUNS $(call ws_q,$(STAGED_RUNS)) \
                folder STAGED_RUNS $(call ws_q,$(STAGED_RUNS)) \
                $(if $(ws_staged_goals),file STAGE1 $(call ws_q,$(STAGE1)) file STAGE2 $(call ws_q,$(STAGE2)) \
                device DEVICE $(call ws_q,$(if $(filter undefined,$(origin DEVICE)),auto,$(DEVICE))) launch LAUNCH $(call ws_q,$(LAUNCH)) \
                gpu DEVICE $(call ws_q,$(DEVICE)) $(call ws_q,$(LAUNCH)) $(call ws_q,$(BIN)) \
                threads THREADS $(call ws_q,$(if $(filter undefined,$(origin THREADS)),auto,$(THREADS))) \
                interval MONITOR_INTERVAL $(call ws_q,$(if $(filter undefined,$(origin MONITOR_INTERVAL)),1,$(MONITOR_INTERVAL))))))
ifeq ($(ws_bad_var),)
ifneq ($(and $(ws_staged_goals),$(wildcard $(DEPS_STAMP))),)
ws_bad_var := $(if $(STAGE1_STUDY),,STAGE1: '$(STAGE1)' names no study (no "study" in it, or not JSON))
ws_bad_var := $(or $(ws_bad_var),$(if $(STAGE2_STUDY),,STAGE2: '$(STAGE2)' names no study (no "study" in it, or not JSON)))
ifeq ($(ws_bad_var)$(STAGE1_STUDY),$(STAGE2_STUDY))
ws_bad_var := STAGE1 and STAGE2 both name study '$(STAGE1_STUDY)': each stage needs a study of its own
endif
# A stage folder holds one study's trial files: a STAGE1 or STAGE2 of another study in the same
# STAGED_RUNS (the default one, runs/kws-staged, whatever the configs) would find the stage done,
# or its files made, and run nothing in its own study; make staged then went on with the old
# stage's best and reports, and ended 0. Refused, as the stage's study is named by its first
# trial file, read on jq's stdin (as STAGE1/STAGE2 are): handed as an argument, a path beginning
# with '-' would be read as jq's options, safe only while the path check refuses such a STAGED_RUNS.
stage_study_had = $(shell set -- $(call ws_q,$(STAGED_RUNS)/stage-$(1))/trial-*.json; [ ! -e "$$1" ] || jq -r '.study // empty' 2>/dev/null <"$$1")
define stage_study_check
ifeq ($$(ws_bad_var),)
ws_had := $$(call stage_study_had,$(1))
ifneq ($$(ws_had),)
ifneq ($$(ws_had),$$(STAGE$(1)_STUDY))
ws_bad_var := STAGE$(1) names study '$$(STAGE$(1)_STUDY)', but $$(STAGED_RUNS)/stage-$(1) holds the trials of study '$$(ws_had)': give another STAGED_RUNS
endif
endif
endif
endef
$(foreach n,1 2,$(eval $(call stage_study_check,$(n))))
ws_bad_var := $(or $(ws_bad_var),$(call ws_check_vars,config STAGE1 $(call ws_q,$(STAGE1)) $(call ws_q,$(BIN)) \
                config STAGE2 $(call ws_q,$(STAGE2)) $(call ws_q,$(BIN)) \
                stages STAGE2 $(call ws_q,$(STAGE2)) $(call ws_q,$(STAGE1)) \
                kept STAGE1 $(call ws_q,$(STAGE1)) $(call ws_q,$(STAGE1_STUDY)) $(call ws_q,$(STAGED_DB)) $(call ws_q,$(BIN)) $(call ws_q,$(SUGGEST_ARGS)) \
                kept STAGE2 $(call ws_q,$(STAGE2)) $(call ws_q,$(STAGE2_STUDY)) $(call ws_q,$(STAGED_DB)) $(call ws_q,$(BIN)) $(call ws_q,$(SUGGEST_ARGS)) \
                args SUGGEST_ARGS $(call ws_q,$(SUGGEST_ARGS)) $(call ws_q,$(STAGE1)) $(call ws_q,$(BIN)) \
                args SUGGEST_ARGS $(call ws_q,$(SUGGEST_ARGS)) $(call ws_q,$(STAGE2)) $(call ws_q,$(BIN))))
endif
endif
ifneq ($(ws_bad_var),)
$(error $(ws_bad_var))
endif

staged: $(STAGED_RUNS)/report.json $(STAGED_RUNS)/report.html
	@$(call ws_head,$(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE1_STUDY)),2)
	@$(call ws_head,$(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE2_STUDY)),8)

# A stage's .done marks it finished, with a file for each of its trials, and holds the
# STAGE_TRIALS it was finished for (written as every output is, ws_write): a re-run skips it, and an interrupted stage (or one whose
# launcher left a trial unstarted), or one finished for fewer trials than STAGE_TRIALS asks now,
# runs again (its sweep runs only the trials it lacks, as make sweep with a higher TRIALS does).
# The stage's own sweep names its study (STUDY) so that one given on the command line, which
# make hands down to both, cannot merge them.
# Counted are the files of the first STAGE_TRIALS trials, the ones the stage's sweep makes (not
# any trial-*.json: one left by a run of a higher STAGE_TRIALS stood for a missing one).
# The names reach ls through xargs: past ~115000 (STAGE_TRIALS goes to 1000000) they overflow
# one command line (ARG_MAX), ls could not start, and a finished stage counted 0 files. xargs
# runs one ls while they fit, as before, and more only past that.
stage_done = n=$$(cd $(call ws_q,$(@D)) && seq -f 'trial-%03g.json' 0 $$(($(STAGE_TRIALS) - 1)) | xargs ls 2>/dev/null | wc -l); \
	if [ $$n -ge $(STAGE_TRIALS) ]; then $(call ws_write,echo $(STAGE_TRIALS)); else \
	  echo $(call ws_q,$(@D))": $$n of $(STAGE_TRIALS) trials have a file; make staged again runs the rest" >&2; exit 1; fi
# A stage whose trial file was removed after its .done (one of the first STAGE_TRIALS, the ones its
# sweep makes) runs again too, as make sweep remakes a removed trial file: the sweep rebuilds it
# from the study (suggest --unless-done), training nothing again. Looked at only for the goals
# that make a stage (two shells at each make of a sweep, each stage's own included, otherwise).
stage_short = $(if $(ws_staged_goals),$(shell d=$(call ws_q,$(STAGED_RUNS)/stage-$(1)); n=$$(cat "$$d/.done" 2>/dev/null) && \
	[ "$${n:-0}" -ge $(STAGE_TRIALS) ] 2>/dev/null && \
	(cd "$$d" && seq -f 'trial-%03g.json' 0 $$(($(STAGE_TRIALS) - 1)) | xargs ls >/dev/null 2>&1) || echo ws-force))
# (the recipes name $(MAKE) themselves: make hands its jobserver only to a line that does)
# Variables given on make's command line are expanded there again: a $ in a value (a study named
# "a$x" in its config) is written $$, or the stage's sweep would run in study "a".
ws_mq = $(call ws_q,$(subst $$,$$$$,$(1)))
stage_sweep_vars = CONFIG=$(call ws_mq,$(STAGE$(1))) STUDY=$(call ws_mq,$(STAGE$(1)_STUDY)) TRIALS=$(STAGE_TRIALS) \
	RUNS=$(call ws_q,$(STAGED_RUNS)/stage-$(1)) DB=$(call ws_q,$(STAGED_DB))

$(STAGED_RUNS)/stage-1/.done: $(call stage_short,1) | all $(FEATURES)
	$(MAKE) sweep $(call stage_sweep_vars,1) SUGGEST_ARGS=$(call ws_mq,$(SUGGEST_ARGS))
	@$(stage_done)

# Stage 1's best, fixed into stage 2. When stage 1 runs again (more trials) and finds a better
# one after stage 2 has begun, stage 2 keeps the params its trials were run with, so that every
# trial of a stage-2 study has the same fixed params; it says so. Stage 2 has begun when its
# study has a trial, file or not: a stage 2 interrupted before its first trial file was renamed
# already holds trials with the old params (finished ones, whose files the next sweep rebuilds,
# and killed ones, queued again with their params).
# A stage 1 without a feasible COMPLETE trial (report --best exits 1) has no best to fix: the
# recipe removes its temporary (a failed recipe leaves no output) and says what to do; its .done
# stays, so only a higher STAGE_TRIALS runs stage 1 again. When none COMPLETEd because its
# pruner pruned them, more trials would be pruned the same (a threshold none reaches): it says so,
# as the advice for constraints (run more, or loosen them) did not. The temporary is this shell's own, as
# ws_write's: two make staged at once in one STAGED_RUNS each rename a whole file (with one name,
# one renamed the other's away, failed, and make deleted best.json under the other's stage 2).
# Stage 2's trial files are looked for with set --, a builtin: their names given to ls overflow
# ARG_MAX past ~115000 (ls fails, and the study is asked instead, slower).
# The temporary is ws_tmp's: written by hand, it was left for good by a make stopped while it
# wrote best.json (Ctrl-C, kill -9), as the reports' were before ws_write removed them.
$(STAGED_RUNS)/stage-1/best.json: $(STAGED_RUNS)/stage-1/.done
	@$(call ws_tmp,$@); \
	$(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE1_STUDY)) --best >"$$tmp" || { rc=$$?; \
	  rm -f "$$tmp"; [ $$rc = 1 ] || exit $$rc; \
	  set -- $$($(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE1_STUDY)) --format jsonl 2>/dev/null | \
	    jq -rs '[length, (map(select(.state == "COMPLETE")) | length), (map(select(.state == "PRUNED")) | length)] | map(tostring) | join(" ")'); \
	  if [ "$${2:-1}" = 0 ] && [ "$${3:-0}" -gt 0 ]; then \
	    echo $(call ws_q,$(@D))": stage 1 has no COMPLETE trial to fix into stage 2: its pruner pruned" \
	      "$$([ $$3 = $$1 ] && echo all $$1 of its trials || echo $$3 of its $$1 trials, and the others failed);" \
	      "begin again with a STAGE1 whose pruner" \
	      "lets trials complete, in another STAGED_RUNS" >&2; exit 2; fi; \
	  echo $(call ws_q,$(@D))": stage 1 has no feasible COMPLETE trial to fix into stage 2: run more stage-1 trials" \
	    "(make staged STAGE_TRIALS=N, N above $$(cat $(call ws_q,$<))), or, when its constraints cannot be met, begin again" \
	    "with a STAGE1 of looser ones in another STAGED_RUNS" >&2; exit 2; }; \
	if [ -e $(call ws_q,$@) ] && { { set -- $(call ws_q,$(STAGED_RUNS))/stage-2/trial-*.json; [ -e "$$1" ]; } || \
	      $(BIN)/report --db $(call ws_q,$(STAGED_DB)) --study $(call ws_q,$(STAGE2_STUDY)) --format jsonl 2>/dev/null | grep -q .; } && \
	    [ "$$(jq -c .params "$$tmp")" != "$$(jq -c .params $(call ws_q,$@))" ]; then \
	  echo $(call ws_q,$(@D))": stage 1's best is now trial $$(jq .trial "$$tmp"); stage 2 goes on with" \
	    "trial $$(jq .trial $(call ws_q,$@))'s params, as its trials began (to run stage 2 again from the new best," \
	    "remove "$(call ws_q,$@)" and "$(call ws_q,$(STAGED_RUNS)/stage-2)", and stage 2's study: optuna delete-study --study-name" \
	    $(call ws_q,$(STAGE2_STUDY))" --storage sqlite:///"$(call ws_q,$(abspath $(STAGED_DB)))")" >&2; \
	  rm "$$tmp"; touch $(call ws_q,$@); \
	else mv "$$tmp" $(call ws_q,$@); fi

# Precious: a make stopped while the recipe ran deleted best.json when its time had changed, and
# the one kept for stage 2 (touched above) was lost: the next make staged wrote stage 1's new best
# there, other fixed params than stage 2's trials began with. best.json is only renamed whole or
# touched, so an interrupted recipe never leaves half of one.
.PRECIOUS: $(STAGED_RUNS)/stage-1/best.json

$(STAGED_RUNS)/stage-2/.done: $(call stage_short,2) $(STAGED_RUNS)/stage-1/best.json
	$(MAKE) sweep $(call stage_sweep_vars,2) SUGGEST_ARGS=$(call ws_mq,$(SUGGEST_ARGS) --fixed $(STAGED_RUNS)/stage-1/best.json)
	@$(stage_done)

$(STAGED_RUNS)/report.json: $(STAGED_RUNS)/stage-2/.done
	$(call ws_write,$(STAGED_REPORT) --format json)

$(STAGED_RUNS)/report.html: $(STAGED_RUNS)/stage-2/.done
	$(call ws_write,$(STAGED_REPORT) --format html)

.PHONY: staged
