#!/usr/bin/env bash
# Installs the Debian packages that wakesweep's build, tests, benchmarks and demo corpus need.
# As root: apt-get installs whatever is missing. Otherwise: prints the exact command and fails.
set -u
pkgs=(
  build-essential pkg-config
  libsqlite3-dev sqlite3 libjansson-dev libsndfile1-dev libsamplerate0-dev libkissfft-dev
  libopenblas-dev libopenblas0 libunistring-dev jq espeak-ng sox time procps strace chromium
  python3 python3-optuna python3-numpy python3-torch python3-torchaudio
  libpq-dev postgresql python3-psycopg2 slurm-wlm munge
)
# One dpkg-query for them all: one per package cost about 37 ms of CPU each on the slow 2-core VM,
# a second a run, and make check runs this in each build tree of its own (eight a run).
declare -A installed=()
while read -r p status; do
  [ "$status" != "install ok installed" ] || installed[$p]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null)
missing=()
for p in "${pkgs[@]}"; do
  [ -n "${installed[$p]-}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing Debian packages; run as root:" >&2
  echo "  $line" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
  echo "deps: apt-get failed; try: $line" >&2; exit 1; }
