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
  cat << 'EOF'
  --quick          a ~256 MiB volume and 3 s fio runs (default ~1.5 GiB, 10 s)
  --pairs N        alternating pairs per row (default 5)
  --size BYTES     volume size (K/M/G suffixes allowed); rounded up to whole chunks
  --only IDS       only rows whose id contains one of these comma-separated substrings
  --work DIR       scratch directory (default: a new one under /tmp, removed at the end)
  --published DIR  use the raidemu already published in DIR instead of publishing one
  --keep           keep the scratch directory
EOF
}

quick=0 pairs=5 size="" only="" work="" published="" keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --pairs) pairs=${2:-}; shift ;;
    --size) size=${2:-}; shift ;;
    --only) only=${2:-}; shift ;;
    --work) work=${2:-}; shift ;;
    --published) published=${2:-}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$pairs" =~ ^[0-9]+$ ]] && [ "$pairs" -ge 1 ] || { echo "compare: --pairs needs a whole number of at least 1, not '$pairs'" >&2; exit 2; }
if [ -z "$size" ]; then size=$([ "$quick" = 1 ] && echo 256M || echo 1536M); fi
size=$(numfmt --from=iec "$size" 2>/dev/null) || { echo "compare: --size needs bytes (K/M/G allowed)" >&2; exit 2; }
fio_seconds=$([ "$quick" = 1 ] && echo 3 || echo 10)
server_timeout=1800

root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/benchmarks/compare"
started=$SECONDS
created_work=0
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/raidemu-compare.XXXXXX)
  created_work=1
fi
mkdir -p "$work"
rows_file="$work/rows.tsv"
: > "$rows_file"
: > "$work/pids"

# shellcheck source=compare/common.sh
source "$here/common.sh"
# shellcheck source=compare/array.sh
source "$here/array.sh"
# shellcheck source=compare/cli.sh
source "$here/cli.sh"
# shellcheck source=compare/live.sh
source "$here/live.sh"

cleanup() {
  set +e
  if [ -f "$work/mounted" ]; then
    timeout 30 "$raidemu" unmount "$(cat "$work/mounted")" > /dev/null 2>&1 || fusermount3 -uz "$(cat "$work/mounted")"
  fi
  end_servers
  if [ "$keep" = 0 ]; then
    if [ "$created_work" = 1 ]; then rm -rf "$work"; else rm -rf "$work"/{array,degraded,mnt,input.bin,raw.img,raw-write.img,member-areas.bin}; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in nbdkit nbdcopy nbdinfo fio fusermount3 sha256sum; do
  command -v "$tool" > /dev/null || die "$tool is missing: apt-get install nbdkit libnbd-bin fio fuse3"
done

use_raidemu

# Runs the function of one or more rows in a subshell; a failure marks its rows FAILED and the run goes on.
run_rows() { # function ids...
  local fn=$1 id any=0 rc
  shift
  for id in "$@"; do wanted "$id" && any=1; done
  [ "$any" = 1 ] || return 0
  note "rows: $*"
  set +e
  (
    trap end_servers EXIT
    trap 'exit 130' INT TERM
    set -e
    "$fn"
  )
  rc=$?
  set -e
  [ "$rc" = 130 ] && exit 130
  if [ "$rc" != 0 ]; then
    for id in "$@"; do
      if wanted "$id" && ! grep -q "^ROW"$'\t'"$id"$'\t' "$rows_file"; then
        emit "$id" - - - FAILED - "the run of this row failed (exit $rc); see the messages above"
      fi
    done
  fi
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
run_rows row_xor "${xor_rows[@]}"

array_rows=(cli-write cli-read cli-read-degraded cli-check nbd-seq-read nbd-seq-write nbd-randread-4k-qd16
  nbd-randwrite-4k-qd16 fuse-seq-write-fsync fuse-seq-read)
any_array=0
for id in "${array_rows[@]}"; do wanted "$id" && any_array=1; done
vol=0
if [ "$any_array" = 1 ]; then
  setup_array

  run_rows row_cli_write cli-write
  run_rows row_cli_read cli-read
  run_rows row_cli_read_degraded cli-read-degraded
  run_rows row_cli_check cli-check
  run_rows rows_nbd nbd-seq-read nbd-seq-write nbd-randread-4k-qd16 nbd-randwrite-4k-qd16
  run_rows rows_fuse fuse-seq-write-fsync fuse-seq-read
fi

stamp=$(date -u +%Y-%m-%d-%H%M)
results="$root/benchmarks/results"
mkdir -p "$results"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
{
  echo "# raidemu compare.sh run $(date -u '+%Y-%m-%d %H:%M UTC'), tree $commit, $(( SECONDS - started )) s"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $(findmnt -no FSTYPE -T "$work") scratch"
  echo "# load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $([ "$vol" = 0 ] && echo "no array rows" || echo "volume $vol bytes (RAID 5, 4 disks, chunk 512 KiB)"), $pairs pairs per row, fio ${fio_seconds} s per run, quick=$quick${only:+, only=$only}"
  echo "# ROW<tab>id<tab>raidemu-median<tab>yardstick-median<tab>unit<tab>ratio-median<tab>target<tab>pair-ratios"
  cat "$rows_file"
} > "$results/compare-$stamp.tsv"
# Only a run of every row stands for the tree.
[ -z "$only" ] && cp "$results/compare-$stamp.tsv" "$results/compare-latest.tsv"

grep '^#' "$results/compare-$stamp.tsv" | grep -v '^# ROW' | sed 's/^# //'
echo
bash "$here/table.sh" < "$rows_file"
echo
echo "results: benchmarks/results/compare-$stamp.tsv$([ -z "$only" ] && echo " (and compare-latest.tsv)")"
