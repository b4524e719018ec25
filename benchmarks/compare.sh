#!/usr/bin/env bash
# Issue 12's side-by-side comparison: every row of the performance table, RaidEmu and the tool people
# would use instead run alternately in one run (at least 5 pairs), the median of the pair ratios printed
# beside its target. A row whose two sides did not read or write the same bytes (sha256) prints REFUSED,
# never a number. What each row runs is in benchmarks/COMPARE.md.
#
# Usage: benchmarks/compare.sh [--quick] [--pairs N] [--size BYTES] [--only ID[,ID...]] [--work DIR]
#                              [--published DIR] [--keep]
# Needs nbdkit, nbdcopy and nbdinfo (libnbd-bin), fio, fuse3, and libisal2 for the XOR rows; root for FUSE.
set -euo pipefail

usage() {
  sed -n '7,8p' "$0" | sed 's/^# //'
  options_help
}

# shellcheck source=compare/options.sh
source "$(dirname "$0")/compare/options.sh"
start_run compare "$@"
need_tools nbdkit nbdcopy nbdinfo fio fusermount3 sha256sum

use_raidemu

# A row whose run failed prints FAILED (unless it printed its line before failing).
failed() { # id exit-status
  grep -q "^ROW"$'\t'"$1"$'\t' "$rows_file" || emit "$1" - - - FAILED - "the run of this row failed (exit $2); see the messages above"
}

startup_of() { # command... -> median seconds of 11 runs
  local i
  for ((i = 0; i < 11; i++)); do seconds "$@"; done | median
}

row_xor() {
  local args=(xor-compare --pairs "$pairs") line id
  [ "$quick" = 1 ] && args+=(--quick)
  if ! grep -rqs --include='*.cs' -- '"xor-compare"' "$root/benchmarks/RaidEmu.Benchmarks"; then
    for id in xor-pointer-4x4KiB xor-public-4x4KiB; do
      wanted "$id" && emit "$id" - - GB/s n/a "$([ "$id" = xor-public-4x4KiB ] && echo '>=0.9' || echo '>=1.05')" "not available: this tree has no xor-compare command"
    done
    return 0
  fi
  dotnet run -c Release --project "$root/benchmarks/RaidEmu.Benchmarks" -- "${args[@]}" > "$work/xor.out" 2> "$work/xor.err" \
    || { tail -5 "$work/xor.err" >&2; return 1; }
  while IFS= read -r line; do
    id=$(cut -f2 <<< "$line")
    wanted "$id" && emit_row "$line"
  done < <(grep '^ROW' "$work/xor.out")
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
startup_raidemu=$(startup_of "$raidemu" --version)
startup_dd=$(startup_of dd if=/dev/zero of=/dev/null count=0)
if wanted startup; then
  emit startup "$(awk -v s="$startup_raidemu" 'BEGIN { printf "%.0f", s * 1000 }')" \
    "$(awk -v s="$startup_dd" 'BEGIN { printf "%.0f", s * 1000 }')" ms - - \
    "raidemu --version against dd count=0, median of 11; both subtracted from the cli-read rates"
fi

xor_rows=()
for path in pointer public; do
  for sources in 4 8; do
    for block in 4KiB 64KiB 1MiB 64MiB; do xor_rows+=("xor-$path-${sources}x$block"); done
  done
done
run_part row_xor "${xor_rows[@]}"

array_rows=(cli-write cli-read cli-read-degraded cli-check nbd-seq-read nbd-seq-write nbd-randread-4k-qd16
  nbd-randwrite-4k-qd16 fuse-seq-write-fsync fuse-seq-read)
any_array=0
for id in "${array_rows[@]}"; do wanted "$id" && any_array=1; done
vol=0
if [ "$any_array" = 1 ]; then
  setup_array

  run_part row_cli_write cli-write
  run_part row_cli_read cli-read
  run_part row_cli_read_degraded cli-read-degraded
  run_part row_cli_check cli-check
  run_part rows_nbd nbd-seq-read nbd-seq-write nbd-randread-4k-qd16 nbd-randwrite-4k-qd16
  run_part rows_fuse fuse-seq-write-fsync fuse-seq-read
fi

save_results compare \
  "$([ "$vol" = 0 ] && echo "no array rows" || echo "volume $vol bytes (RAID 5, 4 disks, chunk 512 KiB)"), $pairs pairs per row, fio ${fio_seconds} s per run, quick=$quick${only:+, only=$only}" \
  "ROW<tab>id<tab>raidemu-median<tab>yardstick-median<tab>unit<tab>ratio-median<tab>target<tab>pair-ratios" "$rows_file"

grep '^#' "$results/compare-$stamp.tsv" | grep -v '^# ROW' | sed 's/^# //'
echo
bash "$here/table.sh" < "$rows_file"
echo
echo "results: benchmarks/results/compare-$stamp.tsv$([ -z "$only" ] && echo " (and compare-latest.tsv)")"
