# What benchmarks/compare.sh and benchmarks/bounds.sh share besides common.sh (sourced): the build, the
# array, the scratch directory and running a part in a subshell. Expects $root, $published, $size, $keep.

# Sets $raidemu: the CLI published from this tree (Release), as a user would run it, or the one in $published.
use_raidemu() {
  if [ -n "$published" ]; then
    raidemu="$published/raidemu"
  else
    note "publishing the CLI (Release)"
    dotnet publish "$root/src/RaidEmu.Cli" -c Release -r linux-x64 --self-contained false -o "$work/publish" > "$work/publish.log" 2>&1 || { tail -20 "$work/publish.log" >&2; die "dotnet publish failed"; }
    raidemu="$work/publish/raidemu"
  fi
  [ -x "$raidemu" ] || die "no raidemu at $raidemu"
}

# A 4-disk RAID 5 (512 KiB chunks, --assume-clean) of about $size bytes holding random bytes. Sets $arr,
# $vol, $data_offset, $member_bytes (data area of one member), $input and $raw (both $vol bytes, equal,
# what the array holds) and $input_sha.
setup_array() {
  note "setting up a 4-disk RAID 5 of about $size bytes in $work"
  arr="$work/array"
  rm -rf "$arr"
  "$raidemu" create "$arr" --level 5 --disks 4 --disk-size "$(( (size / 3 + 1048575) / 1048576 + 2 ))M" \
    --assume-clean --name bench > /dev/null
  json=$("$raidemu" status "$arr" --json)
  field() { awk -F': ' -v k="\"$1\"" '$1 ~ k { gsub(/[ ,]/, "", $2); print $2; exit }' <<< "$json"; }
  vol=$(field sizeBytes)
  data_offset=$(field dataOffsetBytes)
  member_bytes=$((vol / 3))
  input="$work/input.bin"
  raw="$work/raw.img"
  head -c "$vol" /dev/urandom > "$input"
  input_sha=$(sha_of < "$input")
  cp "$input" "$raw"
  "$raidemu" write "$arr" --input "$input" > /dev/null
  [ "$(raidemu_read_sha "$arr")" = "$input_sha" ] || die "the array does not read back what was written into it"
}

# Sets $work (a new directory under /tmp unless --work gave one) and empties the files every run keeps
# there; cleanup (the EXIT trap) removes what the run made.
start_scratch() { # script-name
  created_work=0
  if [ -z "$work" ]; then
    work=$(mktemp -d "/tmp/raidemu-$1.XXXXXX")
    created_work=1
  fi
  mkdir -p "$work"
  rows_file="$work/rows.tsv"
  : > "$rows_file"
  : > "$work/pids"
}

cleanup() {
  set +e
  if [ -f "$work/mounted" ]; then
    timeout 30 "$raidemu" unmount "$(cat "$work/mounted")" > /dev/null 2>&1 || fusermount3 -uz "$(cat "$work/mounted")"
  fi
  end_servers
  if [ "$keep" = 0 ]; then
    if [ "$created_work" = 1 ]; then
      rm -rf "$work"
    else
      rm -rf "${work:?}"/{array,degraded,tiny,mnt,input.bin,raw.img,raw-write.img,member-areas.bin,small.bin}
    fi
  fi
}

need_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" > /dev/null || die "$tool is missing: apt-get install nbdkit libnbd-bin fio strace fuse3"
  done
}

# Runs FUNCTION in a subshell that ends the servers it started, if any of the row ids is wanted; when it
# fails, `failed ID STATUS` (the script's own) runs for each wanted id and the run goes on.
run_part() { # function ids...
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
    for id in "$@"; do wanted "$id" && failed "$id" "$rc"; done
  fi
  return 0
}

# Writes benchmarks/results/NAME-<date>.tsv: when, which tree, which machine, the load average before
# ($load_before) and after, DESCRIPTION and COLUMNS as # lines, then the lines of FILE. Only a run of
# every row stands for the tree: it also becomes NAME-latest.tsv. Sets $stamp and $results.
save_results() { # name description columns file
  local commit
  stamp=$(date -u +%Y-%m-%d-%H%M)
  results="$root/benchmarks/results"
  mkdir -p "$results"
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
  {
    echo "# raidemu $1.sh run $(date -u '+%Y-%m-%d %H:%M UTC'), tree $commit, $(( SECONDS - started )) s"
    echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $(findmnt -no FSTYPE -T "$work") scratch"
    echo "# load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $2"
    echo "# $3"
    cat "$4"
  } > "$results/$1-$stamp.tsv"
  if [ -z "$only" ]; then cp "$results/$1-$stamp.tsv" "$results/$1-latest.tsv"; fi
}
