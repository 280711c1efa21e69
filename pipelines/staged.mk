# pipelines/staged.mk — `make -j2 staged`: a two-stage sweep in one study database.
#   stage 1 (STAGE1) searches the critical parameters (learning rate, weight decay, batch size,
#   dropout); its best trial (report --best) is fixed into every trial of stage 2 (STAGE2,
#   suggest --fixed), which searches augmentation (noise probability and SNR range, SpecAugment
#   masks, time shift). Each stage is an ordinary sweep, so each resumes like one.
# Variables: STAGE1, STAGE2, STAGE_TRIALS (per stage), STAGED_RUNS.

STAGE1       ?= configs/studies/kws-staged-1.json
STAGE2       ?= configs/studies/kws-staged-2.json
STAGE_TRIALS ?= 10
STAGED_RUNS  ?= runs/kws-staged

staged: $(STAGED_RUNS)/stage-2/report.html
	@$(BIN)/report --db $(STAGED_RUNS)/study.db --study $$(jq -r .study $(STAGE1)) | head -n 2
	@$(BIN)/report --db $(STAGED_RUNS)/study.db --study $$(jq -r .study $(STAGE2)) | head -n 8

$(STAGED_RUNS)/stage-1/report.html: | all $(FEATURES)
	$(MAKE) sweep CONFIG=$(STAGE1) TRIALS=$(STAGE_TRIALS) RUNS=$(STAGED_RUNS)/stage-1 DB=$(STAGED_RUNS)/study.db

$(STAGED_RUNS)/stage-1/best.json: $(STAGED_RUNS)/stage-1/report.html
	$(BIN)/report --db $(STAGED_RUNS)/study.db --study $$(jq -r .study $(STAGE1)) --best > $@.tmp && mv $@.tmp $@

$(STAGED_RUNS)/stage-2/report.html: $(STAGED_RUNS)/stage-1/best.json
	$(MAKE) sweep CONFIG=$(STAGE2) TRIALS=$(STAGE_TRIALS) RUNS=$(STAGED_RUNS)/stage-2 DB=$(STAGED_RUNS)/study.db \
	    SUGGEST_ARGS="--fixed $(STAGED_RUNS)/stage-1/best.json"

.PHONY: staged
