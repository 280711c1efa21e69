# tests/gpu.mk — the fake NVML libraries the gpu-monitor tests load through LD_LIBRARY_PATH:
# $(BUILD)/fake_nvml/libnvidia-ml.so.1 (a current driver) and the variants old/ (unversioned
# symbols only), minimal/ (init, count and handle only) and broken/ (no nvmlInit); and
# $(BUILD)/tests/gpu-monitor/libraise-before-wait.so, an LD_PRELOAD library that raises a stop
# signal just before the monitor's wait (tests/gpu-monitor/raise_before_wait.c).
FAKE_NVML_DIR  := $(BUILD)/fake_nvml
FAKE_NVML_LIBS := $(FAKE_NVML_DIR)/libnvidia-ml.so.1 $(FAKE_NVML_DIR)/old/libnvidia-ml.so.1 \
                  $(FAKE_NVML_DIR)/minimal/libnvidia-ml.so.1 $(FAKE_NVML_DIR)/broken/libnvidia-ml.so.1
FAKE_NVML_SRC  := tests/fake_nvml/fake_nvml.c lib/gpu/nvml_api.h

fake_nvml_variant = $(if $(filter old,$(1)),-DFAKE_NVML_OLD,$(if $(filter minimal,$(1)),-DFAKE_NVML_MINIMAL,$(if $(filter broken,$(1)),-DFAKE_NVML_BROKEN)))

$(FAKE_NVML_LIBS): $(FAKE_NVML_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -Ilib -D_GNU_SOURCE $(call fake_nvml_variant,$(notdir $(@D))) $(CFLAGS) -fPIC -shared \
	    -Wl,-soname,libnvidia-ml.so.1 $(LDFLAGS) $< -o $@

RAISE_BEFORE_WAIT := $(BUILD)/tests/gpu-monitor/libraise-before-wait.so
$(RAISE_BEFORE_WAIT): tests/gpu-monitor/raise_before_wait.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE $(CFLAGS) -fPIC -shared $(LDFLAGS) $< -ldl -o $@

CHECK_EXTRA += $(FAKE_NVML_LIBS) $(RAISE_BEFORE_WAIT)
