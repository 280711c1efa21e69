# lib/audio/module.mk — the STFT's per-frame loops (window, |X|^2, filterbank) and finite.c's test
# of every sample vectorize only with the dynamic cost model (their trip counts are not known at
# compile time; -O2 alone left finite.c's loop a compare per float, 7% of featurize's time).
$(BUILD)/lib/audio/mel.o $(BUILD)/lib/audio/finite.o: CFLAGS += -ftree-vectorize -fvect-cost-model=dynamic

# fft4_variant_test NAME FLAG: fft4.c compiled once more with FLAG, choosing one of its paths,
# and test_audio_mel_NAME, test_audio_mel linked with it: the object comes before the library on
# the link line, so the library's fft4.o is never pulled in.
define fft4_variant_test
$$(BUILD)/lib/audio/fft4_$(1).o: lib/audio/fft4.c | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $(2) $$(CFLAGS) -c $$< -o $$@
$$(BUILD)/tests/test_audio_mel_$(1): $$(BUILD)/tests/unit/test_audio_mel.o $$(BUILD)/lib/audio/fft4_$(1).o $$(LIB_A)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) $$(filter %.o,$$^) $$(LIB_A) $$(LDLIBS) -o $$@
UNITS += $$(BUILD)/tests/test_audio_mel_$(1)
-include $$(BUILD)/lib/audio/fft4_$(1).d
endef

# kissfft in its SIMD mode (lib/audio/fft4.h): the release in third_party/kissfft, built where the
# compiler targets SSE, with its names renamed (kiss4_names.h) apart from Debian's scalar build,
# which fft4.c uses everywhere else. Third-party code: its own warnings are not ours to fix, and
# -O3 as Debian builds kissfft.
# What the compiler targets (the two greps below, "SSE AVX512F") is asked once per build tree and
# CC, kept in $(BUILD)/.cc-simd ("SSE AVX512F CC"), not at every make: each asking runs the
# preprocessor (~75 ms of CPU each, about half of what a make that has nothing to build spends),
# and a sweep's make, each trial target a Slurm array task makes, each make a test runs read them.
# CC comes last, so a file cut short (two makes writing it at once) never matches and is asked
# again. Kept only once the packages are in (the deps stamp): before, there may be no compiler.
WS_CC_SIMD := $(file <$(BUILD)/.cc-simd)
ifneq ($(wordlist 3,$(words $(WS_CC_SIMD)),$(WS_CC_SIMD)),$(strip $(CC)))
WS_CC_SIMD := $(shell $(CC) -dM -E -x c /dev/null 2>/dev/null | grep -c '__SSE__ ') \
              $(shell $(CC) -mavx512f -dM -E -x c /dev/null 2>/dev/null | grep -c '__AVX512F__ ') $(strip $(CC))
$(if $(wildcard $(DEPS_STAMP)),$(file >$(BUILD)/.cc-simd,$(WS_CC_SIMD)))
endif
KISS4_SSE  := $(word 1,$(WS_CC_SIMD))
ifneq ($(KISS4_SSE),0)
KISS4_OBJS := $(BUILD)/third_party/kissfft/kiss_fft.o $(BUILD)/third_party/kissfft/kiss_fftr.o
$(KISS4_OBJS): CFLAGS += -O3 -w
$(KISS4_OBJS): CPPFLAGS += -include lib/audio/kiss4_names.h
$(LIB_A): $(KISS4_OBJS)
-include $(KISS4_OBJS:.o=.d)

# The same sources once more with sixteen lanes (kiss16_names.h, fft16.h) where the compiler can
# target AVX-512F; fft4.c takes them only where the CPU has it. -ffp-contract=off keeps each lane's
# arithmetic that of the four-lane build (no fused multiply-add), so the two give the same bits.
KISS16_AVX512 := $(word 2,$(WS_CC_SIMD))
ifneq ($(KISS16_AVX512),0)
KISS16_OBJS := $(BUILD)/third_party/kissfft16/kiss_fft.o $(BUILD)/third_party/kissfft16/kiss_fftr.o
$(BUILD)/third_party/kissfft16/%.o: third_party/kissfft/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -include lib/audio/kiss16_names.h $(CFLAGS) -O3 -w -mavx512f -ffp-contract=off -c $< -o $@
$(BUILD)/lib/audio/fft16.o: CFLAGS += -O3 -mavx512f -ffp-contract=off
$(BUILD)/lib/audio/fft4.o $(BUILD)/lib/audio/fft4_sse.o: CPPFLAGS += -DWS_HAVE_FFT16
$(LIB_A): $(KISS16_OBJS)
-include $(KISS16_OBJS:.o=.d)
# the four-lane SSE path, which CPUs without AVX-512F take, checked on this one too
# (test_audio_mel_sse: torchaudio's golden files; test_audio_fft4 holds its bits against 16 lanes)
$(eval $(call fft4_variant_test,sse,-DWS_FFT4_SSE_ONLY))
endif
endif

# fft4.c's portable path (Debian's scalar kissfft), which machines without SSE build: compiled
# here too, with WS_FFT4_SCALAR, so that test_audio_mel_scalar checks it against torchaudio's
# golden files beside test_audio_mel's check of the SIMD path.
$(eval $(call fft4_variant_test,scalar,-DWS_FFT4_SCALAR))
