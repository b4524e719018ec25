#!/usr/bin/env bash
# Issue 12's NBD and FUSE rows, RaidEmu and its yardstick alternating, as ROW lines (see compare.sh):
#   nbd-*  : a 4-disk RAID 5 served by 'raidemu serve --socket' vs nbdkit's file plugin on a raw file of
#            the same size (both over a Unix socket, same client: nbdcopy or fio's nbd engine);
#   fuse-* : dd bs=1M of the image in a 'raidemu mount' vs dd of a raw file of the same size.
# The array is created --assume-clean (its zeroed members are consistent): no initial resync runs under the
# measurement. Every side reads or writes the same bytes; a read side whose checksum differs from the raw file's is REFUSED.
# Usage: benchmarks/live-pairs.sh [RAIDEMU (default: publish this tree)] [SIZE (512M)] [PAIRS (5)] [WORK]
# ROWS=nbd or ROWS=fuse runs only those rows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
raidemu=${1:-}
size=${2:-512M}
pairs=${3:-5}
work=${4:-$(mktemp -d /tmp/live-pairs.XXXX)}
mkdir -p "$work"
if [[ -z "$raidemu" ]]; then
  dotnet publish "$root/src/RaidEmu.Cli" -c Release -o "$work/publish" >/dev/null
  raidemu="$work/publish/raidemu"
fi

array="$work/array" mnt="$work/mnt" raw="$work/raw.img" src="$work/src.img"
rsock="$work/r.sock" ksock="$work/k.sock"
rm -rf "$array" "$raw" "$rsock" "$ksock"; mkdir -p "$mnt"
bytes=$(numfmt --from=iec "$size")
"$raidemu" create "$array" --level 5 --disks 4 --disk-size "$(( bytes / 3 / 1048576 + 2 ))M" --chunk 64K --name bench --assume-clean >/dev/null

nbdkit_pid=""
cleanup() {
  [[ -n "$nbdkit_pid" ]] && kill "$nbdkit_pid" 2>/dev/null || true
  "$raidemu" stop "$array" >/dev/null 2>&1 || true
  mountpoint -q "$mnt" && "$raidemu" unmount "$mnt" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$raidemu" serve "$array" --socket "$rsock" >/dev/null
vol=$(nbdinfo --size "nbd+unix:///?socket=$rsock")
head -c "$vol" /dev/urandom > "$src"
cp "$src" "$raw"
nbdcopy "$src" "nbd+unix:///?socket=$rsock"
nbdkit -f -U "$ksock" file "$raw" & nbdkit_pid=$!
while [[ ! -S "$ksock" ]]; do sleep 0.1; done

now() { date +%s.%N; }
rate() { awk -v b="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.1f", b / (e - s) / 1e6 }'; } # MB/s
timed() { local s e; s=$(now); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }; e=$(now); rate "$vol" "$s" "$e"; }
fio_iops() { # rw uri
  fio --name=b --ioengine=nbd --uri="$2" --rw="$1" --bs=4k --iodepth=16 --size="$vol" --runtime=3 --time_based \
    --output-format=terse --terse-version=3 2>/dev/null | awk -F';' -v rw="$1" '{ print (rw ~ /read/) ? $8 : $49 }'
}

# row ID UNIT TARGET CMD-RAIDEMU -- CMD-YARDSTICK: each command prints one rate.
row() {
  local id=$1 unit=$2 target=$3; shift 3
  local a=() b=(); while [[ $1 != -- ]]; do a+=("$1"); shift; done; shift; b=("$@")
  local rs=() ys=() ratios=()
  for ((i = 0; i < pairs; i++)); do
    local r y; r=$("${a[@]}"); y=$("${b[@]}")
    rs+=("$r"); ys+=("$y"); ratios+=("$(awk -v r="$r" -v y="$y" 'BEGIN { printf "%.2f", r / y }')")
  done
  med() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  printf 'ROW\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$(med "${rs[@]}")" "$(med "${ys[@]}")" "$unit" \
    "$(med "${ratios[@]}")" "$target" "$(IFS=,; echo "${ratios[*]}")"
}

rows=${ROWS:-all}
ruri="nbd+unix:///?socket=$rsock" kuri="nbd+unix:///?socket=$ksock"
sum() { nbdcopy "$1" - | md5sum | cut -d' ' -f1; }
if [[ $rows != fuse ]]; then
if [[ $(sum "$ruri") != $(md5sum < "$raw" | cut -d' ' -f1) ]]; then
  echo "ROW	nbd-seq-read	-	-	MB/s	REFUSED	1.0	the volume's bytes differ from the raw file's"
else
  row nbd-seq-read MB/s 1.0 timed nbdcopy "$ruri" null: -- timed nbdcopy "$kuri" null:
fi
row nbd-seq-write MB/s 0.7 timed nbdcopy "$src" "$ruri" -- timed nbdcopy "$src" "$kuri"
row nbd-randread-4k-qd16 IOPS 1.0 fio_iops randread "$ruri" -- fio_iops randread "$kuri"
row nbd-randwrite-4k-qd16 IOPS 0.5 fio_iops randwrite "$ruri" -- fio_iops randwrite "$kuri"
fi
kill "$nbdkit_pid"; wait "$nbdkit_pid" 2>/dev/null || true; nbdkit_pid=""
"$raidemu" stop "$array" >/dev/null

[[ $rows == nbd ]] && exit 0
# fio left random bytes in both: put the source back into both before the FUSE rows.
"$raidemu" mount "$array" "$mnt" >/dev/null
img="$mnt/bench.img"
dd if="$src" of="$img" bs=1M conv=fsync,notrunc status=none
cp "$src" "$raw"
if [[ $(md5sum < "$img" | cut -d' ' -f1) != $(md5sum < "$raw" | cut -d' ' -f1) ]]; then
  echo "ROW	fuse-seq-read	-	-	MB/s	REFUSED	0.7	the image's bytes differ from the raw file's"
else
  row fuse-seq-read MB/s 0.7 timed dd if="$img" of=/dev/null bs=1M -- timed dd if="$raw" of=/dev/null bs=1M
fi
row fuse-seq-write-fsync MB/s 0.9 timed dd if="$src" of="$img" bs=1M conv=fsync,notrunc -- \
  timed dd if="$src" of="$raw" bs=1M conv=fsync,notrunc
"$raidemu" unmount "$mnt" >/dev/null
rm -rf "$array" "$raw" "$src"
