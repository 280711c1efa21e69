# tests/bench/train/demo_setup.sh — sourced by startup.sh and memory.sh (after `set -eu`, with
# their arguments): builds train-trial and suggest into BUILD_DIR ($1, or BUILD, or build) and
# sets root, bin, PY, FEATURES, STUDY, BATCH, CHANNELS, blocks (the study's dscnn), tmp (a
# scratch folder removed on exit) and $tmp/fixed.json (BATCH and CHANNELS for suggest --fixed:
# values in the study's space), and exports OPENBLAS_CORETYPE (tests/bench/same_blas_kernels.sh). Environment: FEATURES (features/demo.feat), STUDY
# (configs/studies/kws-default.json), BATCH (64), CHANNELS (64).
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-${BUILD:-build}}
cd "$root"
make -s BUILD="$build" BIN="$build/bin" "$build/bin/train-trial" "$build/bin/suggest" >&2
bin=$build/bin
. tests/bench/same_blas_kernels.sh   # torch's GEMMs in the OpenBLAS kernels train-trial uses
same_blas_kernels "$bin/train-trial"
PY=${PY:-/usr/bin/python3}
FEATURES=${FEATURES:-features/demo.feat} STUDY=${STUDY:-configs/studies/kws-default.json}
BATCH=${BATCH:-64} CHANNELS=${CHANNELS:-64}
[ -r "$FEATURES" ] || { echo "$(basename "$0"): $FEATURES: no such cache (make the demo corpus first)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$tmp"' EXIT
blocks=$(jq -r '.fixed.blocks // 4' "$STUDY")
# the trials' batch size and width, fixed through suggest (a trial line's params must be the study's)
jq -n --argjson b "$BATCH" --argjson c "$CHANNELS" '{batch_size: $b, channels: $c}' >"$tmp/fixed.json"
