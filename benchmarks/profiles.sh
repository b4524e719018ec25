#!/usr/bin/env bash
# Measures what the hdd disk timing profile makes an array do (issue 10, "Disk timing profiles"):
#   (a) sequential read MB/s of a 4-disk RAID 5, healthy and with one disk failed;
#   (b) random 4 KiB writes per second on that RAID 5 against one hdd-profile disk (a RAID 1 of 2 with
#       one mirror failed, so each write is exactly one I/O on one disk);
#   (c) the time a rebuild of one 64 MiB member takes, against reading 64 MiB at the model's 200 MB/s.
# The model's waits are sleeps, so other processes' CPU load barely moves the figures; each one is still
# the median of 3 runs, and paired runs alternate. Takes about three minutes.
#
# Usage: bash benchmarks/profiles.sh [raidemu.dll]   (default: the Debug build of the CLI)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dll="${1:-$root/src/RaidEmu.Cli/bin/Debug/net10.0/raidemu.dll}"
[ -f "$dll" ] || { echo "build first: dotnet build RaidEmu.sln ($dll missing)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
raidemu() { dotnet "$dll" "$@"; }

# Seconds a command takes, wall clock.
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    python3 -c "print($end - $start)"
}

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

# --- (a) sequential read, healthy vs degraded -------------------------------------------------------
read_len=128M
read_bytes=$((128 * 1024 * 1024))
raidemu create "$work/healthy" --level 5 --disks 4 --disk-size 64M --chunk 64K --profile hdd --assume-clean --sparse >/dev/null
head -c "$read_bytes" /dev/urandom >"$work/data.bin"
raidemu write "$work/healthy" --input "$work/data.bin" >/dev/null
cp -r "$work/healthy" "$work/degraded"
raidemu fail "$work/degraded" --disk 1 >/dev/null

# Process start and array open cost the same for 4 KiB and for 64 MiB: subtract them.
healthy=() degraded=()
for _ in 1 2 3; do
    for a in healthy degraded; do
        base=$(seconds raidemu read "$work/$a" --output "$work/out.bin" --length 4K)
        full=$(seconds raidemu read "$work/$a" --output "$work/out.bin" --length "$read_len")
        cmp -s "$work/out.bin" "$work/data.bin" || { echo "$a read back wrong bytes" >&2; exit 1; }
        mbs=$(python3 -c "print($read_bytes / 1e6 / ($full - $base))")
        if [ "$a" = healthy ]; then healthy+=("$mbs"); else degraded+=("$mbs"); fi
    done
done
h=$(median "${healthy[@]}")
d=$(median "${degraded[@]}")
printf '(a) sequential read, RAID 5 of 4 hdd disks: healthy %.0f MB/s, degraded %.0f MB/s, healthy/degraded %.1fx  (runs: %s | %s)\n' \
    "$h" "$d" "$(python3 -c "print($h / $d)")" "${healthy[*]}" "${degraded[*]}"

# --- (b) random 4 KiB writes -------------------------------------------------------------------------
# A scenario times its workload from inside one process; its random blocks are seeded, the same each run.
cat >"$work/raid5.json" <<'JSON'
{ "name": "raid5-random-4k", "array": { "level": 5, "disks": 4, "size": "64M", "chunk": "64K", "profile": "hdd" },
  "seed": 7, "workload": { "pattern": "random", "bytes": "160M", "block": "4K", "ops": 150 } }
JSON
# Each member of the RAID 5 sees its writes spread over ~53 MiB; the single disk over 56 MiB of 64.
cat >"$work/one-disk.json" <<'JSON'
{ "name": "one-disk-random-4k", "array": { "level": 1, "disks": 2, "size": "64M", "profile": "hdd" },
  "seed": 7, "workload": { "pattern": "random", "bytes": "56M", "block": "4K", "ops": 150 },
  "actions": [ { "atPercent": 0, "do": "fail", "disk": 1 } ] }
JSON
# Writes per second of the scenario's last phase (the one-disk scenario's first phase is empty).
iops() {
    raidemu scenario run "$1" --json | python3 -c '
import json, sys
p = json.load(sys.stdin)["phases"][-1]
print((p["toOp"] - p["fromOp"]) / p["seconds"])'
}
r5=() one=()
for _ in 1 2 3; do
    r5+=("$(iops "$work/raid5.json")")
    one+=("$(iops "$work/one-disk.json")")
done
r=$(median "${r5[@]}")
o=$(median "${one[@]}")
printf '(b) random 4 KiB writes: one hdd disk %.0f/s, RAID 5 of 4 hdd disks %.0f/s, one disk / RAID 5 %.1fx  (runs: %s | %s)\n' \
    "$o" "$r" "$(python3 -c "print($o / $r)")" "${one[*]}" "${r5[*]}"

# --- (c) rebuild of one member ------------------------------------------------------------------------
member_bytes=$((64 * 1024 * 1024))
# The same rebuild with no timing profile shows what the host itself spends (file I/O, XOR, fsync).
rebuild_seconds() {
    local a="$work/rebuild-$1"
    raidemu create "$a" --level 5 --disks 4 --disk-size 64M --chunk 64K --profile "$1" --assume-clean --sparse >/dev/null
    raidemu fail "$a" --disk 3 >/dev/null
    raidemu remove "$a" --disk 3 >/dev/null
    raidemu add "$a" >/dev/null
    local base full
    base=$(seconds raidemu status "$a")
    full=$(seconds raidemu rebuild "$a")
    rm -rf "$a"
    python3 -c "print($full - $base)"
}
rebuilds=() host=()
for _ in 1 2 3; do
    rebuilds+=("$(rebuild_seconds hdd)")
    host+=("$(rebuild_seconds none)")
done
b=$(median "${rebuilds[@]}")
hb=$(median "${host[@]}")
one_disk=$(python3 -c "print($member_bytes / 200e6)")
printf '(c) rebuild of one 64 MiB member: %.2f s (%.2f s with no profile); one disk reads 64 MiB at 200 MB/s in %.2f s, rebuild/one disk %.1fx  (runs: %s | %s)\n' \
    "$b" "$hb" "$one_disk" "$(python3 -c "print($b / $one_disk)")" "${rebuilds[*]}" "${host[*]}"
