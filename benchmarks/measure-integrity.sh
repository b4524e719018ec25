#!/usr/bin/env bash
# What checksums cost: sequential write and read of the whole volume through the raidemu CLI, on a
# RAID 5 of 4 member files with --integrity xxh3 (or $3) and on the same array without, the two sides
# alternating run by run; prints each side's median of N runs (default 5) and the ratio.
# Usage: benchmarks/measure-integrity.sh [DISK_SIZE (default 256M)] [RUNS (default 5)] [ALGORITHM (default xxh3)] [WORK_DIR]
# PUBLISHED=DIR uses a build already published there (dotnet publish src/RaidEmu.Cli -c Release -o DIR), so
# two trees can be measured in one window without a publish between them.
set -euo pipefail
size=${1:-256M}
runs=${2:-5}
algorithm=${3:-xxh3}
work=${4:-$(mktemp -d)}
mkdir -p "$work"
root=$(cd "$(dirname "$0")/.." && pwd)
out=${PUBLISHED:-$work/publish}
[ -n "${PUBLISHED:-}" ] || dotnet publish "$root/src/RaidEmu.Cli" -c Release -o "$out" >/dev/null
raidemu="$out/raidemu"

for side in plain sums; do
  rm -rf "${work:?}/$side"
  extra=()
  [ "$side" = sums ] && extra=(--integrity "$algorithm")
  "$raidemu" create "$work/$side" --level 5 --disks 4 --disk-size "$size" --chunk 64K --assume-clean "${extra[@]}" >/dev/null
done
bytes=$("$raidemu" status "$work/plain" --json | awk -F': ' '/"sizeBytes"/ { gsub(",", "", $2); print $2 }')
head -c "$bytes" /dev/urandom > "$work/input.bin"

seconds() { # command... -> elapsed seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.4f\n", e - s }'
}

: > "$work/times"
for ((i = 0; i < runs; i++)); do
  for side in plain sums; do
    echo "$side write $(seconds "$raidemu" write "$work/$side" --input "$work/input.bin")" >> "$work/times"
    echo "$side read $(seconds "$raidemu" read "$work/$side" --output "$work/out.bin")" >> "$work/times"
    cmp -s "$work/input.bin" "$work/out.bin" || { echo "$side: read back differs" >&2; exit 1; }
  done
done

median() { # side op -> median seconds
  awk -v s="$1" -v o="$2" '$1 == s && $2 == o { print $3 }' "$work/times" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

echo "RAID 5, 4 disks of $size, volume $bytes bytes, median of $runs alternating runs, $(nproc) cores"
echo "| step | without checksums | with $algorithm | ratio (with / without) |"
echo "|---|---:|---:|---:|"
for op in write read; do
  p=$(median plain "$op")
  s=$(median sums "$op")
  awk -v o="$op" -v p="$p" -v s="$s" -v b="$bytes" -v a="$algorithm" \
    'BEGIN { printf "| sequential %s | %.0f MB/s | %.0f MB/s | %.2f |\n", o, b / 1e6 / p, b / 1e6 / s, p / s }'
done
