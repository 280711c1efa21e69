# pipelines/data.mk — the data stages of a sweep.
#   make data       the demo corpus in data/demo (synthesized; a no-op when it is complete and
#                   made with the same settings), or checks that DATA names an existing corpus
#   make features   featurize DATA once into FEATURES (rebuilt when the corpus (any of its files,
#                   or a file a manifest lists), the feature settings or bin/featurize change, and
#                   when FEATURES was made from another corpus or feature config)
# Variables: DATA, FEATURES (default features/demo.feat for the demo corpus, else
# features/NAME-HASH.feat: NAME the corpus's file or folder name less its extension, HASH from
# its absolute path, so each corpus has a cache of its own), FEATURE_CONFIG, FEATURIZE_THREADS, and for the demo
# corpus DEMO_SEED, DEMO_WAKE_CLIPS, DEMO_CLIPS_PER_CLASS, DEMO_SPEAKERS, DEMO_JOBS.

# ws_q: $(call ws_q,TEXT) is TEXT quoted for the shell as one word, whatever it holds (a path
# with a space or a ', a PostgreSQL URL with & and ?). The pipelines' makefiles use it for every
# value they hand to a command; defined here, in the first of them that make reads.
ws_q = '$(subst ','\'',$(1))'

# $(call ws_write,COMMAND[,FILE]): COMMAND's output into FILE (default the target) through a
# temporary file of this process's own, so that two makes that write it at once (the report of
# one RUNS, the .source of one cache) each rename a whole file, and neither renames the other's
# away (nor, failing, deletes its file). A writer stopped by Ctrl-C (or TERM, HUP) removes its
# temporary; one killed by kill -9 cannot, and the next write of FILE removes the temporaries
# whose writer (the PID that names them) is gone, leaving a live one's: they stayed in RUNS for good.
ws_write = $(call ws_tmp,$(or $(2),$@)); \
  $(1) >"$$tmp" && mv "$$tmp" $(call ws_q,$(or $(2),$@)) || { rm -f "$$tmp"; exit 1; }
# $(call ws_tmp,FILE): ws_write's temporary for a recipe that renames it itself (stage 1's
# best.json, whose rename depends on stage 2): sets tmp to FILE.tmp.PID, removes the dead
# writers' ones, and removes this one if the shell is stopped by Ctrl-C, TERM or HUP.
ws_tmp = tmp=$(call ws_q,$(1)).tmp.$$$$; \
  $(call ws_reap,$(1)); \
  trap 'rm -f "$$tmp"; exit 130' INT; trap 'rm -f "$$tmp"; exit 143' TERM; trap 'rm -f "$$tmp"; exit 129' HUP

# $(call ws_reap,FILE): removes FILE.tmp.PID, the temporaries of FILE whose writer (PID) is gone;
# $(call ws_dead_tmps,FILE) prints their names. A zombie is gone (as ws_process_gone has it): a
# writer killed with its make stays one until something reaps it, for good in a container whose
# PID 1 reaps nothing, and kill -0 answers for it as for a live one.
ws_gone = { ! kill -0 "$(1)" 2>/dev/null || grep -qs '^State:.Z' /proc/"$(1)"/status; }
ws_dead_tmps = for f in $(call ws_q,$(1)).tmp.*; do p=$${f\#\#*.}; [[ $$p =~ ^[0-9]+$$ ]] && $(call ws_gone,$$p) && echo "$$f"; done
ws_reap = for f in $(call ws_q,$(1)).tmp.*; do p=$${f\#\#*.}; [[ $$p =~ ^[0-9]+$$ ]] && $(call ws_gone,$$p) && rm -f "$$f"; done

# $(call ws_head,COMMAND,N): COMMAND's first N lines, the recipe failing when COMMAND fails. Not
# COMMAND | head -n N: make's shell runs without pipefail, so a report that failed (a study file
# gone) ended make sweep with status 0; and under pipefail a COMMAND with more to write than head
# reads would die of SIGPIPE. So the output is read whole first.
ws_head = ws_out=$$($(1)) && printf '%s\n' "$$ws_out" | head -n $(2)

# The pipeline goals check their variables when make reads the makefiles (pipelines/check-vars.sh
# KIND NAME VALUE...): a bad one stops make with a message naming it (exit status 2) before
# anything runs. Other goals (all, check, ...) never look at them. Only once the packages are in
# (the deps stamp): on a fresh machine make reads the makefiles a first time, installs them (the
# stamp is an included makefile) and reads them again; in that first reading jq is missing, so
# STUDY, read from CONFIG with jq, would be empty and refused.
ws_pipeline_goals := $(filter sweep staged sweep-begin sweep-check data features %.json %.html %.done %.dir %.feat,$(MAKECMDGOALS))
ws_check_vars = $(if $(ws_pipeline_goals),$(if $(wildcard $(DEPS_STAMP)),$(shell bash pipelines/check-vars.sh $(1))))
# Goals that only build or test (make, make all, make check, its make check-build, ...) make
# nothing of the pipelines: for them the pipelines' makefiles skip what they would learn by running
# a command while make reads them (the demo corpus's settings, CONFIG's study, the trial files), at
# each make about a third of its CPU time. Any other goal (a file, whatever its name) learns them.
ws_build_only := $(if $(filter-out all check check-build clean deps,$(MAKECMDGOALS)),,1)

# A value given on make's command line or in the environment is make's to expand: a '$' there is
# a reference ($x the variable x, empty), so STUDY='a$x' ran study 'a', DB='s$x.db' wrote s.db and
# CONFIG='c$x.json' read c.json, each without a word (and RUNS='r$x' ran in r: the path check saw no
# '$'). Such a '$' is refused for the pipelines' variables, naming the variable; make's own $$ (a
# '$': make staged hands a stage's study so) and a reference written as make's, $(NAME) or
# ${NAME}, go. First of the checks, as every other sees only make's reading of the value.
ws_user_vars := DATA FEATURES FEATURE_CONFIG FEATURIZE_THREADS DEMO_SEED DEMO_WAKE_CLIPS DEMO_CLIPS_PER_CLASS \
  DEMO_SPEAKERS DEMO_JOBS CONFIG STUDY RUNS DB TRIALS DEVICE LAUNCH THREADS SUGGEST_ARGS MONITOR_INTERVAL \
  STAGE1 STAGE2 STAGE_TRIALS STAGED_RUNS
ws_lparen := (
ws_lbrace := {
ws_lone_dollar = $(findstring $$,$(subst $$$(ws_lbrace),,$(subst $$$(ws_lparen),,$(subst $$$$,,$(value $(1))))))
ws_dollar_var := $(if $(ws_pipeline_goals),$(firstword $(foreach v,$(ws_user_vars),\
  $(if $(filter command environment,$(origin $(v))),$(if $(call ws_lone_dollar,$(v)),$(v))))))
# make -t (touch) marks targets made without running their recipes: the trial files of a raised
# TRIALS were left empty, and every later make sweep took them for trials done (TRIALS=3 ended 0,
# the study holding 1 trial); make staged got an empty best.json for stage 2. Refused for the
# goals that sweep; make -t features (a cache kept after bin/featurize was rebuilt) goes.
ifneq ($(and $(findstring t,$(ws_make_letters)),$(filter-out data features %.feat,$(ws_pipeline_goals))),)
$(error make -t marks the sweep's files made without making them (empty trial files, which every later make sweep takes for trials done): run make $(filter-out data features %.feat,$(ws_pipeline_goals)) without -t)
endif
ifneq ($(ws_dollar_var),)
$(error $(ws_dollar_var): '$(value $(ws_dollar_var))' given $(if $(filter command,$(origin $(ws_dollar_var))),on make's command line,in the environment): make reads a '$$' there as a reference to a make variable (this value as '$($(ws_dollar_var))'); write $$$$ for a '$$')
endif
# A newline in such a value (pasted from a file, SUGGEST_ARGS from a here-document, THREADS=$'1\n'):
# make's $(shell) drops it and a recipe line ends at it, so the checks below named another value
# than the one given (SUGGEST_ARGS '--seed 3--force', DEVICE 'cpucpu') and others let a sweep go
# on to a recipe that bash could not read ("unexpected EOF while looking for matching `''"),
# naming no variable, RUNS made. Refused here, the newline shown as \n, before anything runs.
define ws_newline


endef
ws_newline_var := $(if $(ws_pipeline_goals),$(firstword $(foreach v,$(ws_user_vars),\
  $(if $(filter command environment,$(origin $(v))),$(if $(findstring $(ws_newline),$(value $(v))),$(v))))))
ifneq ($(ws_newline_var),)
$(error $(ws_newline_var): '$(subst $(ws_newline),\n,$(value $(ws_newline_var)))' given $(if $(filter command,$(origin $(ws_newline_var))),on make's command line,in the environment) holds a newline: make ends a command at it; give the value on one line (SUGGEST_ARGS: its options separated by spaces))
endif

DATA                 ?= data/demo
FEATURE_CONFIG       ?= configs/features/default.json
ifeq ($(origin FEATURES),undefined)
ifeq ($(patsubst %/,%,$(DATA)),data/demo)
FEATURES := features/demo.feat
else
FEATURES := features/$(basename $(notdir $(abspath $(DATA))))-$(shell printf %s $(call ws_q,$(abspath $(DATA))) | sha1sum | cut -c1-8).feat
endif
endif
FEATURIZE_THREADS    ?= 2
DEMO_SEED            ?= 1
DEMO_WAKE_CLIPS      ?= 400
DEMO_CLIPS_PER_CLASS ?= 100
DEMO_SPEAKERS        ?= 300
DEMO_JOBS            ?= 2

DEMO_ENV := SEED=$(DEMO_SEED) WAKE_CLIPS=$(DEMO_WAKE_CLIPS) CLIPS_PER_CLASS=$(DEMO_CLIPS_PER_CLASS) \
            SPEAKERS=$(DEMO_SPEAKERS) JOBS=$(DEMO_JOBS)

# The demo corpus's settings, checked only where DATA is the demo corpus (else unused).
ws_demo_checks = demo DEMO_SEED $(call ws_q,$(DEMO_SEED)) demo DEMO_WAKE_CLIPS $(call ws_q,$(DEMO_WAKE_CLIPS)) \
  demo DEMO_CLIPS_PER_CLASS $(call ws_q,$(DEMO_CLIPS_PER_CLASS)) demo1 DEMO_SPEAKERS $(call ws_q,$(DEMO_SPEAKERS)) \
  demo1 DEMO_JOBS $(call ws_q,$(DEMO_JOBS))
ws_bad_var := $(call ws_check_vars,path DATA $(call ws_q,$(DATA)) path FEATURES $(call ws_q,$(FEATURES)) cache FEATURES $(call ws_q,$(FEATURES)) \
                   path FEATURE_CONFIG $(call ws_q,$(FEATURE_CONFIG)) file FEATURE_CONFIG $(call ws_q,$(FEATURE_CONFIG)) \
                   fthreads FEATURIZE_THREADS $(call ws_q,$(FEATURIZE_THREADS)) \
                   $(if $(filter data/demo,$(patsubst %/,%,$(DATA))),$(ws_demo_checks),corpus DATA $(call ws_q,$(DATA))))
ifneq ($(ws_bad_var),)
$(error $(ws_bad_var))
endif

ifeq ($(patsubst %/,%,$(DATA)),data/demo)
# The corpus is complete when its stamp holds the settings asked for now; otherwise (missing,
# interrupted, other settings) the stamp is out of date and the script rebuilds the corpus.
DATA_STAMP := data/demo/.complete
ws_data_prereq := $(DATA_STAMP)
# The stamp is read with $(file <) (the script writes one line, whose newline it drops as $(shell
# cat) did); the settings line is asked only where a goal may need the corpus.
ifeq ($(ws_build_only),)
ifneq ($(file <$(DATA_STAMP)),$(shell $(DEMO_ENV) bash share/make-demo-corpus.sh --stamp))
.PHONY: $(DATA_STAMP)
endif
endif
$(DATA_STAMP): | $(DEPS_STAMP)
	$(DEMO_ENV) bash share/make-demo-corpus.sh data/demo
else
# A real corpus: it must exist; its files are checked above the cache's rule (corpus-changed.sh).
# A folder's own time is no prerequisite of the cache (only order): a cache written in it
# (FEATURES=DATA/x.feat), or its .source, changes it, and the cache was made again at every make.
DATA_STAMP := $(DATA)
ifneq ($(wildcard $(DATA)/.),)
ws_data_order := $(DATA)
else
ws_data_prereq := $(DATA)
endif
# The recipe looks first: under make -B (every target made again) it runs for a corpus that is
# there too, and said "no such corpus" of it (make -B data, features and sweep all stopped).
$(DATA):
	@[ -e $(call ws_q,$(DATA)) ] || { echo "data: "$(call ws_q,$(DATA))": no such corpus (a Speech Commands folder or a JSONL manifest)" >&2; exit 2; }
endif

data: $(DATA_STAMP)

# The cache's source (DATA and FEATURE_CONFIG, absolute, their symbolic links resolved: a link
# such as data/current pointed at another corpus is another source) is kept beside it in .NAME.source,
# written once featurize has renamed the cache into place: a cache whose source differs from
# the one asked for now is made again, whatever the time stamps say (they only tell that it is
# newer than the corpus asked for, not that it was made from it). A cache without the file (made
# by hand, or before make kept it) is trusted as before.
FEATURES_SOURCE = $(dir $(FEATURES)).$(notdir $(FEATURES)).source
features_source = realpath -m -- $(call ws_q,$(DATA)) $(call ws_q,$(FEATURE_CONFIG))
ifneq ($(wildcard $(FEATURES_SOURCE)),)
ifneq ($(shell cat $(call ws_q,$(FEATURES_SOURCE))),$(shell $(features_source)))
$(FEATURES): ws-force
endif
endif
# The recipe below writes the new source to its temporary before it runs featurize, and renames
# it last: a make killed (kill -9, a machine that went down) between those leaves a temporary
# whose writer is gone, and a cache whose source is unknown (another corpus's cache beside the
# old .source, or the new one beside none, which is trusted): made again. The temporary's name
# is the only sign (kill -9 runs no trap), and the recipe removes it.
ifneq ($(wildcard $(FEATURES_SOURCE).tmp.*),)
ifneq ($(shell $(call ws_dead_tmps,$(FEATURES_SOURCE))),)
$(FEATURES): ws-force
endif
endif

# The time stamps of DATA and FEATURE_CONFIG do not cover the corpus's files (a clip added to,
# removed from or replaced in a class folder leaves the corpus's top folder as it was; a manifest
# does not change when a clip it lists does): a cache older than the change time of any file of
# the corpus or FEATURE_CONFIG (pipelines/corpus-changed.sh) is made again. Only for the pipeline
# goals: the check reads the whole corpus's file list. The cache's time is set back to when
# featurize started, so that a file changed while it read the corpus counts as changed after.
ifneq ($(ws_pipeline_goals),)
ifneq ($(wildcard $(FEATURES)),)
ifneq ($(shell bash pipelines/corpus-changed.sh $(call ws_q,$(FEATURES)) $(call ws_q,$(DATA)) $(call ws_q,$(FEATURE_CONFIG))),)
$(FEATURES): ws-force
endif
endif
endif

# Two makes that write one cache at once (two corpora, one FEATURES) each write the cache and then
# its source: one at a time, under a lock on .NAME.lock, or the cache left could be one's and the
# source the other's. The new source goes to its temporary before featurize runs, renamed over
# the old one last (see above: a kill in between is seen by the next make). A featurize that
# fails removes it: the cache and the source left are the old ones, as before.
# touch -c: a Ctrl-C as featurize ends has make delete the new cache while this shell goes on
# (featurize did not die of the signal); touch made it again, empty, and every later make took
# that for the cache. As trial.sh does, where the file system has no locks it goes on without one,
# and where the lock is not a regular file (a FIFO: opened read-write, which does not wait on one
# as a write-only open did, for good, and looked at through its descriptor: pipelines/lock-kind.sh).
# Ctrl-C (SIGINT to make's group) as a command before featurize ends well (flock once it has the
# lock, realpath, date) let this shell go on as well, taking the signal for the command's to
# handle, and featurize made the whole cache while make, interrupted, waited (t0992): an INT trap
# has the shell die of it once that command is gone (its source's temporary removed), and the
# start's time is bash's $EPOCHREALTIME, not a $(date), since bash drops a SIGINT that comes
# while it waits for a command substitution's process, trap or not (touch reads its ',' too;
# bash before 5.0 has no $EPOCHREALTIME: $(date) there). src is emptied first: the trap removes
# what it names, and one from the environment named a file of the user's (a Ctrl-C in the wait
# for another make's lock removed it).
# The recipe is one shell, so it shows the featurize command itself (not under make -s).
ws_featurize = $(BIN)/featurize --config $(call ws_q,$(FEATURE_CONFIG)) --threads $(FEATURIZE_THREADS) \
  --out $(call ws_q,$(FEATURES)) $(call ws_q,$(DATA))
$(FEATURES): $(ws_data_prereq) $(FEATURE_CONFIG) $(BIN)/featurize | $(ws_data_order)
	@mkdir -p $(call ws_q,$(@D))
	@src=; trap '[ -z "$$src" ] || rm -f "$$src"; trap - INT; kill -INT $$$$' INT; \
	lock=$(call ws_q,$(dir $@).$(notdir $@).lock); exec 8<>"$$lock"; . pipelines/lock-kind.sh; lock_kind 8 "$$lock"; \
	if [ "$$kind" = file ]; then flock 8 2>/dev/null || :; \
	else echo "$$lock is $$([ "$$kind" = fifo ] && echo 'a FIFO, ')not a regular file; making it without a lock" >&2; exec 8>&-; fi; \
	$(call ws_reap,$(FEATURES_SOURCE)); src=$(call ws_q,$(FEATURES_SOURCE)).tmp.$$$$; \
	$(features_source) >"$$src" || { rm -f "$$src"; exit 1; }; \
	$(if $(findstring s,$(ws_make_letters)),,echo $(call ws_q,$(ws_featurize));) \
	ws_start=$${EPOCHREALTIME:-$$(date +%s.%N)} && $(ws_featurize) && touch -c -m -d @$$ws_start $(call ws_q,$@) && \
	mv "$$src" $(call ws_q,$(FEATURES_SOURCE)) || { rm -f "$$src"; exit 1; }

features: $(FEATURES)

# A prerequisite that makes its target again on every run (see FEATURES_SOURCE, staged.mk).
ws-force: ;

.PHONY: data features ws-force
