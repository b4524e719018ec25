#!/usr/bin/env bash
# Measures the raidemu CLI on real (sparse) member files: throughput of write, read, degraded read,
# rebuild and check, and the peak resident memory of each command (GNU time's maximum RSS).
# Usage: benchmarks/measure-cli.sh [DISK_SIZE (default 1G)] [WORK_DIR (default a temp dir)]
set -euo pipefail
size=${1:-1G}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
root=$(cd "$(dirname "$0")/.." && pwd)
out="$work/publish"
dotnet publish "$root/src/RaidEmu.Cli" -c Release -o "$out" >/dev/null
raidemu="$out/raidemu"
array="$work/array"
rm -rf "$array"

run() { # label, bytes, command...
  local label=$1 bytes=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v l="$label" -v b="$bytes" -v s="$t0" -v e="$t1" -v r="$(cat "$work/rss")" \
    'BEGIN { t = e - s; printf "| %-28s | %8.2f s | %8.0f MB/s | %6.0f MiB |\n", l, t, (b / 1e6) / t, r / 1024 }'
}

"$raidemu" create "$array" --level 5 --disks 4 --disk-size "$size" --assume-clean >/dev/null
bytes=$("$raidemu" status "$array" --json | awk -F': ' '/"sizeBytes"/ { gsub(",", "", $2); print $2 }')
member=$((bytes / 3))
head -c "$bytes" /dev/urandom > "$work/input.bin"

echo "RAID 5, 4 disks of $size, volume $bytes bytes, $(nproc) cores"
echo "| step                         |     time   |    throughput  | peak RSS |"
echo "|------------------------------|-----------:|---------------:|---------:|"
run "write (whole volume)" "$bytes" "$raidemu" write "$array" --input "$work/input.bin"
run "read (healthy)" "$bytes" "$raidemu" read "$array" --output "$work/out.bin"
cmp -s "$work/input.bin" "$work/out.bin" || { echo "read back differs" >&2; exit 1; }
"$raidemu" fail "$array" --disk 1 >/dev/null
run "read (degraded)" "$bytes" "$raidemu" read "$array" --output "$work/out.bin"
cmp -s "$work/input.bin" "$work/out.bin" || { echo "degraded read differs" >&2; exit 1; }
"$raidemu" remove "$array" --disk 1 >/dev/null
"$raidemu" add "$array" >/dev/null
run "rebuild (per member)" "$member" "$raidemu" rebuild "$array"
run "check (per member)" "$member" "$raidemu" check "$array"
rm -rf "$array" "$work/input.bin" "$work/out.bin"
