# pipelines/staged.mk — `make -j2 staged`: a two-stage sweep in one study database.
#   stage 1 (STAGE1) searches the critical parameters (learning rate, weight decay, batch size,
#   dropout); its best trial (report --best) is fixed into every trial of stage 2 (STAGE2,
#   suggest --fixed), which searches augmentation (noise probability and SNR range, SpecAugment
#   masks, time shift). Each stage is an ordinary sweep in a folder of its own, so each resumes
#   like one; STAGED_RUNS/report.html and report.json show both stages.
# Variables: STAGE1, STAGE2, STAGE_TRIALS (per stage), STAGED_RUNS.

STAGE1       ?= configs/studies/kws-staged-1.json
STAGE2       ?= configs/studies/kws-staged-2.json
STAGE_TRIALS ?= 10
STAGED_RUNS  ?= runs/kws-staged
STAGED_DB     = $(STAGED_RUNS)/study.db
STAGE1_STUDY  = $(shell jq -r .study $(STAGE1) 2>/dev/null)
STAGE2_STUDY  = $(shell jq -r .study $(STAGE2) 2>/dev/null)
# Both stages, stage 1 first (report takes --study once per study).
STAGED_REPORT = $(BIN)/report --db $(STAGED_DB) --study '$(STAGE1_STUDY)' --study '$(STAGE2_STUDY)'

staged: $(STAGED_RUNS)/report.json $(STAGED_RUNS)/report.html
	@$(BIN)/report --db $(STAGED_DB) --study '$(STAGE1_STUDY)' | head -n 2
	@$(BIN)/report --db $(STAGED_DB) --study '$(STAGE2_STUDY)' | head -n 8

# A stage's .done marks it finished, with a file for each of its trials: a re-run skips it, and
# an interrupted stage (or one whose launcher left a trial unstarted) resumes. The stage's own
# sweep names its study (STUDY) so that one given on the command line, which make hands down to
# both, cannot merge them.
stage_done = n=$$(ls $(@D)/trial-*.json 2>/dev/null | wc -l); [ $$n -ge $(STAGE_TRIALS) ] && touch $@ || \
	{ echo "$(@D): $$n of $(STAGE_TRIALS) trials have a file; make staged again runs the rest" >&2; exit 1; }

$(STAGED_RUNS)/stage-1/.done: | all $(FEATURES)
	$(MAKE) sweep CONFIG=$(STAGE1) STUDY='$(STAGE1_STUDY)' TRIALS=$(STAGE_TRIALS) RUNS=$(STAGED_RUNS)/stage-1 \
	    DB=$(STAGED_DB) SUGGEST_ARGS=
	@$(stage_done)

$(STAGED_RUNS)/stage-1/best.json: $(STAGED_RUNS)/stage-1/.done
	$(BIN)/report --db $(STAGED_DB) --study '$(STAGE1_STUDY)' --best > $@.tmp && mv $@.tmp $@

$(STAGED_RUNS)/stage-2/.done: $(STAGED_RUNS)/stage-1/best.json
	$(MAKE) sweep CONFIG=$(STAGE2) STUDY='$(STAGE2_STUDY)' TRIALS=$(STAGE_TRIALS) RUNS=$(STAGED_RUNS)/stage-2 \
	    DB=$(STAGED_DB) SUGGEST_ARGS="--fixed $(STAGED_RUNS)/stage-1/best.json"
	@$(stage_done)

$(STAGED_RUNS)/report.json: $(STAGED_RUNS)/stage-2/.done
	$(STAGED_REPORT) --format json > $@.tmp && mv $@.tmp $@

$(STAGED_RUNS)/report.html: $(STAGED_RUNS)/stage-2/.done
	$(STAGED_REPORT) --format html > $@.tmp && mv $@.tmp $@

.PHONY: staged
