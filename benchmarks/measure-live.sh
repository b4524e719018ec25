#!/usr/bin/env bash
# Throughput of a live RAID 5 (4 disks) through NBD and through the FUSE image, healthy and degraded,
# beside the same fio workload on a raw file on the same file system, all in one run.
# Needs root, fio, fuse3. Usage: benchmarks/measure-live.sh [SIZE (default 256M)] [WORK_DIR]
set -euo pipefail
size=${1:-256M}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet publish "$root/src/RaidEmu.Cli" -c Release -o "$work/publish" >/dev/null
raidemu="$work/publish/raidemu"
array="$work/array"
mnt="$work/mnt"
rm -rf "$array" "$work/raw.img"; mkdir -p "$mnt"
bytes=$(numfmt --from=iec "$size")
disk="$(( bytes / 3 / 1048576 + 2 ))M"

"$raidemu" create "$array" --level 5 --disks 4 --disk-size "$disk" --chunk 64K --name bench >/dev/null
truncate -s "$size" "$work/raw.img"

fio_run() { # target-args... ; prints MB/s for the 4 workloads
  local out line=""
  for spec in "write 1M" "read 1M" "randwrite 4k" "randread 4k"; do
    set -- $spec
    out=$(fio --name=b --rw="$1" --bs="$2" --size="$size" --runtime=4 --time_based --numjobs=1 --iodepth=1 \
      --group_reporting --output-format=terse --terse-version=3 "${target[@]}" 2>/dev/null)
    # terse v3: field 7 = read bandwidth KiB/s, field 48 = write bandwidth KiB/s
    local kib
    kib=$(echo "$out" | awk -F';' -v rw="$1" '{ print (rw ~ /read/) ? $7 : $48 }')
    line="$line | $(awk -v k="$kib" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')"
  done
  echo "$line |"
}

echo "RAID 5 of 4 disks, $size volume, fio 1 job, queue depth 1, 4 s per cell; MB/s"
echo "| target | state | seq write 1M | seq read 1M | rand write 4k | rand read 4k |"
echo "|---|---|---:|---:|---:|---:|"
target=(--ioengine=psync --filename="$work/raw.img")
echo "| raw file (psync) | - $(fio_run)"

"$raidemu" serve "$array" --listen 127.0.0.1:0 > "$work/serve.txt"
port=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.txt" | cut -d: -f2)
target=(--ioengine=nbd --uri="nbd://127.0.0.1:$port")
echo "| NBD | healthy $(fio_run)"
"$raidemu" fail "$array" --disk 1 >/dev/null
echo "| NBD | degraded $(fio_run)"
"$raidemu" stop "$array" >/dev/null
"$raidemu" remove "$array" --disk 1 >/dev/null
"$raidemu" add "$array" >/dev/null
"$raidemu" rebuild "$array" >/dev/null

"$raidemu" mount "$array" "$mnt" >/dev/null
target=(--ioengine=psync --filename="$mnt/bench.img")
echo "| FUSE image (psync) | healthy $(fio_run)"
"$raidemu" fail "$array" --disk 2 >/dev/null
echo "| FUSE image (psync) | degraded $(fio_run)"
"$raidemu" unmount "$mnt" >/dev/null
rm -rf "$array" "$work/raw.img"
