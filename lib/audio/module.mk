# lib/audio/module.mk — the STFT's per-frame loops (window, |X|^2, filterbank) vectorize only
# with the dynamic cost model (their trip counts are not known at compile time).
$(BUILD)/lib/audio/mel.o: CFLAGS += -ftree-vectorize -fvect-cost-model=dynamic
