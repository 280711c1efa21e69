# lib/audio/module.mk — the STFT's per-frame loops (window, |X|^2, filterbank) vectorize only
# with the dynamic cost model (their trip counts are not known at compile time).
$(BUILD)/lib/audio/mel.o: CFLAGS += -ftree-vectorize -fvect-cost-model=dynamic

# kissfft in its SIMD mode (lib/audio/fft4.h): the release in third_party/kissfft, built where the
# compiler targets SSE, with its names renamed (kiss4_names.h) apart from Debian's scalar build,
# which fft4.c uses everywhere else. Third-party code: its own warnings are not ours to fix, and
# -O3 as Debian builds kissfft.
KISS4_SSE  := $(shell $(CC) -dM -E -x c /dev/null 2>/dev/null | grep -c '__SSE__ ')
ifneq ($(KISS4_SSE),0)
KISS4_OBJS := $(BUILD)/third_party/kissfft/kiss_fft.o $(BUILD)/third_party/kissfft/kiss_fftr.o
$(KISS4_OBJS): CFLAGS += -O3 -w
$(KISS4_OBJS): CPPFLAGS += -include lib/audio/kiss4_names.h
$(LIB_A): $(KISS4_OBJS)
-include $(KISS4_OBJS:.o=.d)
endif

# fft4.c's portable path (Debian's scalar kissfft), which machines without SSE build: compiled
# here too, with WS_FFT4_SCALAR, so that test_audio_mel_scalar checks it against torchaudio's
# golden files beside test_audio_mel's check of the SIMD path. Its object comes before the
# library on the link line, so the library's fft4.o is never pulled in.
$(BUILD)/lib/audio/fft4_scalar.o: lib/audio/fft4.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DWS_FFT4_SCALAR $(CFLAGS) -c $< -o $@
$(BUILD)/tests/test_audio_mel_scalar: $(BUILD)/tests/unit/test_audio_mel.o $(BUILD)/lib/audio/fft4_scalar.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(LIB_A) $(LDLIBS) -o $@
UNITS += $(BUILD)/tests/test_audio_mel_scalar
-include $(BUILD)/lib/audio/fft4_scalar.d
