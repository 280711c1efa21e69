# pipelines/data.mk — the data stages of a sweep.
#   make data       the demo corpus in data/demo (synthesized; a no-op when it is complete and
#                   made with the same settings), or checks that DATA names an existing corpus
#   make features   featurize DATA once into FEATURES (rebuilt when the corpus, the feature
#                   settings or bin/featurize change)
# Variables: DATA, FEATURES, FEATURE_CONFIG, FEATURIZE_THREADS, and for the demo corpus
# DEMO_SEED, DEMO_WAKE_CLIPS, DEMO_CLIPS_PER_CLASS, DEMO_SPEAKERS, DEMO_JOBS.

DATA                 ?= data/demo
FEATURES             ?= features/demo.feat
FEATURE_CONFIG       ?= configs/features/default.json
FEATURIZE_THREADS    ?= 2
DEMO_SEED            ?= 1
DEMO_WAKE_CLIPS      ?= 400
DEMO_CLIPS_PER_CLASS ?= 100
DEMO_SPEAKERS        ?= 300
DEMO_JOBS            ?= 2

DEMO_ENV := SEED=$(DEMO_SEED) WAKE_CLIPS=$(DEMO_WAKE_CLIPS) CLIPS_PER_CLASS=$(DEMO_CLIPS_PER_CLASS) \
            SPEAKERS=$(DEMO_SPEAKERS) JOBS=$(DEMO_JOBS)

ifeq ($(patsubst %/,%,$(DATA)),data/demo)
# The corpus is complete when its stamp holds the settings asked for now; otherwise (missing,
# interrupted, other settings) the stamp is out of date and the script rebuilds the corpus.
DATA_STAMP := data/demo/.complete
ifneq ($(shell cat $(DATA_STAMP) 2>/dev/null),$(shell $(DEMO_ENV) bash share/make-demo-corpus.sh --stamp))
.PHONY: $(DATA_STAMP)
endif
$(DATA_STAMP): | $(DEPS_STAMP)
	$(DEMO_ENV) bash share/make-demo-corpus.sh data/demo
else
# A real corpus: it must exist; its top folder's time stamps stand for its contents.
DATA_STAMP := $(DATA)
$(DATA):
	@echo "data: $(DATA): no such corpus (a Speech Commands folder or a JSONL manifest)" >&2; exit 2
endif

data: $(DATA_STAMP)

$(FEATURES): $(DATA_STAMP) $(FEATURE_CONFIG) $(BIN)/featurize
	@mkdir -p $(@D)
	$(BIN)/featurize --config $(FEATURE_CONFIG) --threads $(FEATURIZE_THREADS) --out $@ $(DATA)

features: $(FEATURES)

.PHONY: data features
