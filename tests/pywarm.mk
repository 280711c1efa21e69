# tests/pywarm.mk — the client of the tests' warm Python servers (tests/cli/pywarm.py):
# $(BUILD)/tests/pywarm-client, what "$PY" runs in a test file after py_warm (tests/cli/lib.sh).
# Without it py_warm starts no server and "$PY" stays python itself (each run pays its imports).
PYWARM_CLIENT := $(BUILD)/tests/pywarm-client

$(PYWARM_CLIENT): tests/cli/pywarm-client.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

CHECK_EXTRA += $(PYWARM_CLIENT)
# the cluster's tests use the servers too (tests/cluster.mk)
check-cluster: $(PYWARM_CLIENT)
