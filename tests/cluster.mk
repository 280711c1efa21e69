# tests/cluster.mk — `make check-cluster`: the store tests against a throwaway PostgreSQL server
# (tests/cluster/run.sh starts it in a temporary directory and removes it afterwards).
check-cluster: all $(BUILD)/tests/test_store_copy
	@WS_BIN=$(abspath $(BIN)) WS_BUILD=$(abspath $(BUILD)) bash tests/cluster/run.sh

.PHONY: check-cluster
