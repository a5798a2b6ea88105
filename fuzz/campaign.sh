#!/usr/bin/env bash
# A longer fuzz campaign than CI's smoke run: every target (or the ones named) for N minutes
# each, seeded from the test vectors in tests/data/, built with debug assertions.
#
# Usage: fuzz/campaign.sh [MINUTES] [TARGET...]     (default 5 minutes, every target)
#        CAMPAIGN_SECONDS=60 fuzz/campaign.sh       (seconds instead of minutes)
#
# The corpus grows in fuzz/corpus/TARGET (kept between campaigns, not committed); seeds are
# rebuilt in fuzz/target/seeds/TARGET on each run; crashes land in fuzz/artifacts/TARGET.
# Prints one line per target (runs, seconds, crashes) and exits 1 if anything crashed.
set -uo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
minutes=${1:-5}
[ $# -gt 0 ] && shift
seconds=${CAMPAIGN_SECONDS:-$((minutes * 60))}
data=../tests/data

# `-a`: debug assertions (overflow checks) on; fuzz/Cargo.toml's release profile also sets
# them, so a plain `cargo fuzz build` keeps them too.
cargo fuzz build -a || exit 2
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

# The test-vector directories that seed each target.
seed_dirs() {
  case "$1" in
    reference_*) echo reference ;;
    platform_*) echo platform ;;
    policy_* | allowlist) echo policy ;;
    provider_* | cloud_host) echo provider ;;
    keyring_* | k8s_convert) echo keyring config ;;
    auth | config_json | dockercfg | searchpath) echo config ;;
    *) echo config keyring provider ;;
  esac
}

# Each file whole, and each of the first 1,000 lines of a .jsonl/.txt file on its own.
make_seeds() {
  local target=$1 out=target/seeds/$1 dir file
  rm -rf "$out" && mkdir -p "$out"
  for dir in $(seed_dirs "$target"); do
    while IFS= read -r -d '' file; do
      cp "$file" "$out/$(echo "$file" | tr '/' '_')"
      case "$file" in
        *.jsonl | *.txt)
          awk -v out="$out" -v base="$(basename "$file")" \
            'NR <= 1000 { f = out "/" base "-" NR; print > f; close(f) }' "$file" ;;
      esac
    done < <(find "$data/$dir" -type f -print0)
  done
}

mkdir -p logs
log=logs/campaign-$(date -u +%Y%m%dT%H%M%SZ).log
status=0
printf '%-22s %12s %8s %8s\n' target runs seconds crashes | tee "$log"
for target in "${targets[@]}"; do
  make_seeds "$target"
  mkdir -p "corpus/$target"
  before=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  out=$(cargo fuzz run -a "$target" "corpus/$target" "target/seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 2>&1)
  code=$?
  after=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p' | tail -n 1)
  time=$(echo "$out" | sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' | tail -n 1)
  crashes=$((after - before))
  if [ "$code" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    echo "$out" | grep -E '^(==|SUMMARY|thread|panicked|artifact_prefix|Test unit)' | head -n 20 >> "$log"
  fi
  printf '%-22s %12s %8s %8s\n' "$target" "${runs:-?}" "${time:-$seconds}" "$crashes" | tee -a "$log"
done
echo "log: fuzz/$log"
exit "$status"
