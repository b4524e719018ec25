#!/usr/bin/env bash
# What bounds each row of benchmarks/compare.sh that misses its target (issue 12), measured on the same
# array and files: one BOUND line per measurement, each side of a comparison alternating as compare.sh
# alternates them. What each measurement runs and how to read it is in benchmarks/COMPARE.md.
#
# Usage: benchmarks/bounds.sh [--quick] [--pairs N] [--size BYTES] [--only ID[,ID...]] [--work DIR]
#                             [--published DIR] [--keep]
# Needs nbdkit, nbdcopy, fio, strace, fuse3 (root for the FUSE row) and the .NET SDK (the XOR rate).
set -euo pipefail

usage() {
  sed -n '6,7p' "$0" | sed 's/^# //'
  options_help
  echo "  (the nbd-seq-read spread always runs 8 pairs)"
}

# shellcheck source=compare/options.sh
source "$(dirname "$0")/compare/options.sh"
start_run bounds "$@"
bounds_file="$work/bounds.tsv"
: > "$bounds_file"
need_tools nbdkit nbdcopy nbdinfo fio strace fusermount3 sha256sum

bound() { # row-id what value unit note
  printf 'BOUND\t%s\t%s\t%s\t%s\t%s\n' "$@" | tee -a "$bounds_file"
}

calc() { awk "BEGIN { printf \"$1\\n\", $2 }"; }

# Field N of a line printed by paired (3: RaidEmu side's median, 4: the other side's, 6: median ratio, 8: ratios).
field_of() { cut -f"$2" <<< "$1"; }

# Median seconds of 11 runs.
median_seconds() {
  local i
  for ((i = 0; i < 11; i++)); do seconds "$@"; done | median
}

# Runs variant_NAME for each NAME in turn, $pairs rounds, each round starting one further along, sync
# before every run; each run prints space-separated numbers, kept in $work/rot.NAME, one line a run.
rotate() { # names...
  local names=("$@") n=$# round i name
  for name in "${names[@]}"; do : > "$work/rot.$name"; done
  for ((round = 0; round < pairs; round++)); do
    for ((i = 0; i < n; i++)); do
      name=${names[$(((round + i) % n))]}
      settle
      "variant_$name" >> "$work/rot.$name" || return 1
      note "round $((round + 1))/$pairs $name: $(tail -1 "$work/rot.$name")"
    done
  done
}

rot_median() { awk -v c="$2" '{ print $c }' "$work/rot.$1" | median; }

# Runs a command under strace, which stops only at the flush calls: prints the whole wall time, the time
# with no flush call in progress (the write phase, start-up included) and the time one was (the union of
# the fsync/fdatasync intervals of every thread).
flush_split() { # command...
  local t0 t1
  t0=$(date +%s%N)
  strace -f --seccomp-bpf -qq -ttt -T -e trace=fsync,fdatasync,syncfs -o "$work/strace.out" "$@" > /dev/null 2> "$work/last.err" \
    || { echo "bounds: failed: $* : $(tail -3 "$work/last.err")" >&2; return 1; }
  t1=$(date +%s%N)
  awk '/<[0-9.]+>$/ {
         match($0, /<[0-9.]+>$/); d = substr($0, RSTART + 1, RLENGTH - 2) + 0
         if ($0 ~ /resumed>/) printf "%.6f %.6f\n", $2 - d, $2; else printf "%.6f %.6f\n", $2, $2 + d
       }' "$work/strace.out" | sort -g | awk -v a="$t0" -v b="$t1" '
       { if (NR == 1 || $1 > e) { f += e - s; s = $1; e = $2 } else if ($2 > e) e = $2 }
       END { if (NR) f += e - s; w = (b - a) / 1e9; printf "%.4f %.4f %.4f\n", w, w - f, f }'
}

# Server CPU (user + system) in seconds and the machine's idle and busy jiffies, for a before/after pair.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.4f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
idle_busy() { awk '/^cpu / { idle = $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print idle, t - idle }' /proc/stat; }

# The server process started last by start_server (a child of its timeout).
server_pid() { pgrep -P "$(tail -1 "$work/pids")" | head -1; }

failed() { bound "$1" failed - - "the measurement failed (exit $2); see the messages above"; }

# 1-4: the CLI rows. Their fixed cost (start-up, opening the array, a 4 KiB job), each row's whole time
# against its yardstick's, the page-cache copy rate on one and two cores, the write's flush apart, and
# the degraded read's extra time against the XOR its reconstruction needs.
section_cli() {
  local small="$work/small.bin" tiny="$work/tiny" degraded="$work/degraded" areas="$work/member-areas.bin"
  local target_file="$work/raw-write.img" checked=$((4 * member_bytes)) files=0 f row
  head -c 4096 "$input" > "$small"
  rm -rf "$tiny" "$degraded"
  "$raidemu" create "$tiny" --level 5 --disks 4 --disk-size 4M --assume-clean --name tiny > /dev/null
  cp -r "$arr" "$degraded"
  "$raidemu" fail "$degraded" --disk 1 > /dev/null
  [ "$(raidemu_read_sha "$degraded")" = "$input_sha" ] || die "the degraded copy does not read back the input"
  for f in "$arr"/disk[0-3].img; do files=$((files + $(stat -c %s "$f"))); done

  local startup open_read open_write open_check open_degraded dd_start
  startup=$(median_seconds "$raidemu" --version)
  dd_start=$(median_seconds dd if=/dev/zero of=/dev/null count=0)
  open_read=$(median_seconds "$raidemu" read "$arr" --length 4096 --output /dev/null)
  open_degraded=$(median_seconds "$raidemu" read "$degraded" --length 4096 --output /dev/null)
  open_write=$(median_seconds "$raidemu" write "$arr" --input "$small")
  open_check=$(median_seconds "$raidemu" check "$tiny")
  bound cli-read fixed-startup "$(calc %.3f "$startup")" s "raidemu --version, median of 11 (dd count=0: $(calc %.3f "$dd_start") s)"
  bound cli-read fixed-cost "$(calc %.3f "$open_read")" s "raidemu read ARRAY --length 4096 --output /dev/null (start-up + open), median of 11"
  bound cli-read-degraded fixed-cost "$(calc %.3f "$open_degraded")" s "the same on the degraded copy"
  bound cli-write fixed-cost "$(calc %.3f "$open_write")" s "raidemu write ARRAY --input FILE of 4 KiB (start-up + open + flush), median of 11"
  bound cli-check fixed-cost "$(calc %.3f "$open_check")" s "raidemu check of a 4-disk array of 4 MiB members, median of 11"

  # Whole times, alternating with the yardstick as compare.sh runs the rows.
  cat "$input" "$raw" > /dev/null
  side_raidemu() { seconds "$raidemu" read "$arr" --output /dev/null; }
  side_yardstick() { seconds dd if="$raw" of=/dev/null bs=1M; }
  row=$(paired cli-read s -)
  local t_read t_dd
  t_read=$(field_of "$row" 3) t_dd=$(field_of "$row" 4)
  bound cli-read whole-time "$(calc %.3f "$t_read")" s "raidemu read of the volume; dd of raw.img $(calc %.3f "$t_dd") s; median of $pairs alternating pairs"
  bound cli-read fixed-share "$(calc %.0f "100 * $open_read / $t_read")" % "of raidemu read's whole time is the 4 KiB read's; start-up alone $(calc %.0f "100 * $startup / $t_read") %"
  bound cli-read best-ratio "$(calc %.2f "($t_dd - $dd_start) / ($open_read - $startup)")" - "compare.sh's ratio if copying the bytes took no time: dd's time less its start-up over the open cost (4 KiB read less --version)"
  bound cli-read bytes-rate "$(calc %.0f "$vol / 1e6 / ($t_read - $open_read)")" MB/s "volume bytes over raidemu read's time less the 4 KiB read's; dd's over its time less start-up: $(calc %.0f "$vol / 1e6 / ($t_dd - $dd_start)")"

  side_raidemu() { seconds "$raidemu" check "$arr"; }
  side_yardstick() { seconds cat "$arr"/disk0.img "$arr"/disk1.img "$arr"/disk2.img "$arr"/disk3.img; }
  row=$(paired cli-check s -)
  local t_check t_cat
  t_check=$(field_of "$row" 3) t_cat=$(field_of "$row" 4)
  bound cli-check whole-time "$(calc %.3f "$t_check")" s "raidemu check; cat of the member files $(calc %.3f "$t_cat") s; median of $pairs alternating pairs"
  bound cli-check fixed-share "$(calc %.0f "100 * $open_check / $t_check")" % "of check's whole time is the tiny array's check"
  bound cli-check best-ratio "$(calc %.2f "($checked / $open_check) / ($files / $t_cat)")" - "compare.sh's ratio if checking the bytes took no time (data areas over the tiny check's time, against cat's rate)"
  bound cli-check bytes-rate "$(calc %.0f "$checked / 1e6 / ($t_check - $open_check)")" MB/s "data areas over check's time less the tiny check's; cat's rate $(calc %.0f "$files / 1e6 / $t_cat")"

  # 2: the copy out of the page cache that read and check cannot beat, on one core and on both.
  area() { dd if="$arr/disk$1.img" of=/dev/null bs=1M iflag=skip_bytes,count_bytes skip="$data_offset" count="$member_bytes" status=none; }
  one_reader() { area 0 && area 1 && area 2 && area 3; }
  two_readers() {
    local p
    { area 0 && area 1; } &
    p=$!
    area 2 && area 3
    wait "$p"
  }
  side_raidemu() { seconds one_reader; }
  side_yardstick() { seconds two_readers; }
  row=$(paired copy s -)
  local t_one t_two
  t_one=$(field_of "$row" 3) t_two=$(field_of "$row" 4)
  local one_rate two_rate
  one_rate=$(calc %.0f "$checked / 1e6 / $t_one") two_rate=$(calc %.0f "$checked / 1e6 / $t_two")
  bound cli-read copy-1-core "$one_rate" MB/s "dd bs=1M of the 4 members' data areas to /dev/null, one after another; median of $pairs pairs alternating with the next"
  bound cli-read copy-2-cores "$two_rate" MB/s "two dd in parallel, two members each"
  bound cli-check copy-1-core "$one_rate" MB/s "as cli-read's: check copies the same data areas; its bytes rate above against these"
  bound cli-check copy-2-cores "$two_rate" MB/s "as cli-read's"

  # 3: raidemu write's write phase and its flush apart, and dd conv=fsync's, both under the same strace.
  member_areas > "$areas"
  dd if="$areas" of="$target_file" bs=1M conv=fsync status=none
  "$raidemu" write "$arr" --input "$input" > /dev/null
  variant_raidemu() { flush_split "$raidemu" write "$arr" --input "$input"; }
  variant_dd() { flush_split dd if="$areas" of="$target_file" bs=1M conv=notrunc,fsync; }
  rotate raidemu dd
  [ "$(member_areas | sha_of)" = "$(sha_of < "$target_file")" ] || die "raidemu write and dd left different member bytes"
  rm -f "$areas" "$target_file"
  local w=$((4 * member_bytes)) rw rf dw df
  rw=$(rot_median raidemu 2) rf=$(rot_median raidemu 3) dw=$(rot_median dd 2) df=$(rot_median dd 3)
  bound cli-write raidemu-whole "$(calc %.3f "$(rot_median raidemu 1)")" s "raidemu write of the volume under strace -f (stopping at fsync/fdatasync only); median of $pairs alternating rounds"
  bound cli-write raidemu-write-phase "$(calc %.3f "$rw")" s "no flush call in progress (start-up included): $(calc %.0f "$w / 1e6 / $rw") MB/s of member bytes"
  bound cli-write raidemu-flush "$(calc %.3f "$rf")" s "inside fsync/fdatasync (union over threads)"
  bound cli-write dd-whole "$(calc %.3f "$(rot_median dd 1)")" s "dd conv=notrunc,fsync of the same member bytes under the same strace"
  bound cli-write dd-write-phase "$(calc %.3f "$dw")" s "$(calc %.0f "$w / 1e6 / $dw") MB/s"
  bound cli-write dd-flush "$(calc %.3f "$df")" s "its one fsync"
  bound cli-write best-ratio-same-flush "$(calc %.2f "($dw + $df) / ($rw + $df)")" - "compare.sh's ratio if raidemu's flush took dd's time; with dd's write phase instead: $(calc %.2f "($dw + $df) / ($dw + $rf)")"

  # 4: the degraded read's extra time against the XOR that rebuilds disk 1's data chunks (a quarter of
  # the volume, each from the 3 other chunks of its stripe); both sides read the same member bytes.
  side_raidemu() { seconds "$raidemu" read "$degraded" --output /dev/null; }
  side_yardstick() { seconds "$raidemu" read "$arr" --output /dev/null; }
  row=$(paired cli-read-degraded s -)
  local t_deg t_healthy xor xor_rate read_only xor_s
  t_deg=$(field_of "$row" 3) t_healthy=$(field_of "$row" 4)
  rm -rf "$degraded"
  xor=$(dotnet run -c Release --project "$root/benchmarks/RaidEmu.Benchmarks" -- xor-rate 3 524288 2> "$work/xor.err") || { tail -5 "$work/xor.err" >&2; return 1; }
  xor_rate=$(cut -f1 <<< "$xor") read_only=$(cut -f2 <<< "$xor")
  xor_s=$(calc %.4f "3 * $vol / 4 / ($xor_rate * 1e9)")
  bound cli-read-degraded whole-time "$(calc %.3f "$t_deg")" s "degraded read; healthy $(calc %.3f "$t_healthy") s; median of $pairs alternating pairs"
  bound cli-read-degraded extra-time "$(calc %.3f "$t_deg - $t_healthy")" s "degraded less healthy (both read the same member bytes: 3 of 4 members' data areas)"
  bound cli-read-degraded xor-rate "$xor_rate" GB/s "the engine's XOR, 3 sources x 512 KiB, of source bytes (xor-rate; a read-only loop over them: $read_only)"
  bound cli-read-degraded xor-time "$(calc %.3f "$xor_s")" s "3 x vol/4 source bytes at that rate: the part of the extra time the reconstruction's XOR needs"
  bound cli-read-degraded best-ratio "$(calc %.2f "($t_healthy - $startup) / ($t_healthy - $startup + $xor_s)")" - "compare.sh's ratio if the degraded read cost the healthy read plus that XOR only"
}

# 5, 6, 8: the NBD rows, on the same servers compare.sh starts.
section_nbd() {
  local ours="nbd+unix:///?socket=$work/raidemu.sock" theirs="nbd+unix:///?socket=$work/nbdkit.sock" row
  local ours_pid theirs_pid
  start_server "$work/serve.log" "grep -q '^serving ' '$work/serve.log'" \
    "$raidemu" serve "$arr" --socket "$work/raidemu.sock" --foreground
  ours_pid=$(server_pid)
  start_server "$work/nbdkit.log" "nbdinfo --size '$theirs'" \
    nbdkit --foreground --unix "$work/nbdkit.sock" file "$raw"
  theirs_pid=$(server_pid)

  if wanted nbd-seq-read; then
    [ "$(nbd_read_sha "$ours")" = "$(nbd_read_sha "$theirs")" ] || die "the two servers serve different bytes"
    # A third server, on a copy of the array, with the runtime's inline socket completions: continuations run
    # on the socket thread instead of being handed to the thread pool, which measures what those hand-offs
    # cost. Not shipped: one thread would then run every socket's work, so a hung member would stall every
    # client and the control socket.
    local copy="$work/array-inline" inline="nbd+unix:///?socket=$work/inline.sock" inline_pid
    rm -rf "$copy"
    cp -r "$arr" "$copy"
    start_server "$work/inline.log" "grep -q '^serving ' '$work/inline.log'" \
      env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$raidemu" serve "$copy" --socket "$work/inline.sock" --foreground
    inline_pid=$(server_pid)
    # Each run: MB/s and the server's CPU seconds per GB read.
    seq_read() { # server-pid uri
      local c0 c1 t0 t1
      c0=$(cpu_of "$1")
      t0=$(date +%s%N)
      nbdcopy "$2" null: 2> "$work/last.err" || { echo "bounds: failed: nbdcopy $2 null: : $(tail -3 "$work/last.err")" >&2; return 1; }
      t1=$(date +%s%N)
      c1=$(cpu_of "$1")
      awk -v v="$vol" -v t="$(( t1 - t0 ))" -v c="$(calc %.4f "$c1 - $c0")" 'BEGIN { printf "%.1f %.3f\n", v * 1e3 / t, c / (v / 1e9) }'
    }
    variant_raidemu() { seq_read "$ours_pid" "$ours"; }
    variant_inline() { seq_read "$inline_pid" "$inline"; }
    variant_nbdkit() { seq_read "$theirs_pid" "$theirs"; }
    rotate raidemu inline nbdkit
    local v
    for v in raidemu inline nbdkit; do
      bound nbd-seq-read "$v" "$(rot_median "$v" 1)" MB/s "nbdcopy SERVER null:; server CPU $(rot_median "$v" 2) s per GB; median of $pairs rounds of the three"
    done
    bound nbd-seq-read ratio "$(calc %.2f "$(rot_median raidemu 1) / $(rot_median nbdkit 1)")" - "compare.sh's row"
    bound nbd-seq-read ratio-inline-completions "$(calc %.2f "$(rot_median inline 1) / $(rot_median nbdkit 1)")" - "the same server with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1: what the hand-offs from the socket thread to the pool cost"
    stop_raidemu_server "$copy"
    rm -rf "$copy"
  fi

  if wanted nbd-seq-write; then
    # Each run: MB/s, the server's and nbdcopy's CPU seconds per GB written, the machine's idle share in %.
    nbd_write() { # server-pid uri nbdcopy-options...
      local pid=$1 uri=$2 c0 c1 i0 i1 t TIMEFORMAT='%R %U %S'
      shift 2
      c0=$(cpu_of "$pid")
      i0=$(idle_busy)
      t=$({ time nbdcopy "$@" "$input" "$uri" > /dev/null 2> "$work/last.err"; } 2>&1) \
        || { echo "bounds: failed: nbdcopy $* : $(tail -3 "$work/last.err")" >&2; return 1; }
      i1=$(idle_busy)
      c1=$(cpu_of "$pid")
      awk -v v="$vol" -v t="$t" -v c="$(calc %.4f "$c1 - $c0")" -v a="$i0" -v b="$i1" 'BEGIN {
        split(a, x, " "); split(b, y, " "); split(t, z, " "); idle = y[1] - x[1]; busy = y[2] - x[2]; gb = v / 1e9
        printf "%.1f %.3f %.3f %.0f\n", v / 1e6 / z[1], c / gb, (z[2] + z[3]) / gb, 100 * idle / (idle + busy) }'
    }
    variant_raidemu_256k() { nbd_write "$ours_pid" "$ours"; }
    variant_nbdkit_256k() { nbd_write "$theirs_pid" "$theirs"; }
    variant_raidemu_8m() { nbd_write "$ours_pid" "$ours" --request-size=8388608; }
    variant_nbdkit_8m() { nbd_write "$theirs_pid" "$theirs" --request-size=8388608; }
    rotate raidemu_256k nbdkit_256k raidemu_8m nbdkit_8m
    [ "$(nbd_read_sha "$ours")" = "$input_sha" ] && [ "$(nbd_read_sha "$theirs")" = "$input_sha" ] \
      || die "a server does not read back the input after the writes"
    local v
    for v in raidemu_256k nbdkit_256k raidemu_8m nbdkit_8m; do
      bound nbd-seq-write "$v" "$(rot_median "$v" 1)" MB/s "nbdcopy$([[ $v == *8m ]] && echo ' --request-size=8388608') input.bin into ${v%_*}; CPU s per GB: server $(rot_median "$v" 2), nbdcopy $(rot_median "$v" 3); machine idle $(rot_median "$v" 4) %; median of $pairs rounds of the four"
    done
    bound nbd-seq-write ratio-256k "$(calc %.2f "$(rot_median raidemu_256k 1) / $(rot_median nbdkit_256k 1)")" - "compare.sh's row (256 KiB requests, which the server gathers into whole stripes)"
    bound nbd-seq-write cpu-ratio-256k "$(calc %.2f "($(rot_median nbdkit_256k 2) + $(rot_median nbdkit_256k 3)) / ($(rot_median raidemu_256k 2) + $(rot_median raidemu_256k 3))")" - "nbdkit's CPU seconds per GB (server + nbdcopy) over RaidEmu's: the row's ratio when the cores are the limit (idle near 0)"
    bound nbd-seq-write ratio-8m "$(calc %.2f "$(rot_median raidemu_8m 1) / $(rot_median nbdkit_8m 1)")" - "8 MiB requests, written as whole-stripe pieces"
  fi

  if wanted nbd-randwrite-4k-qd16; then
    # The row itself on both servers, with each server's CPU per request and the machine's idle share: with
    # the cores full, the servers' CPU per request (the client's is the same fio on both sides) sets the ratio.
    rand_cpu() { # server-pid uri
      local pid=$1 uri=$2 c0 c1 i0 i1 iops
      c0=$(cpu_of "$pid")
      i0=$(idle_busy)
      iops=$(fio_iops "$uri" randwrite) || return 1
      i1=$(idle_busy)
      c1=$(cpu_of "$pid")
      awk -v n="$iops" -v s="$fio_seconds" -v c="$(calc %.4f "$c1 - $c0")" -v a="$i0" -v b="$i1" 'BEGIN {
        split(a, x, " "); split(b, y, " "); idle = y[1] - x[1]; busy = y[2] - x[2]
        printf "%.0f %.1f %.0f\n", n, 1e6 * c / (n * s), 100 * idle / (idle + busy) }'
    }
    variant_raidemu_cpu() { rand_cpu "$ours_pid" "$ours"; }
    variant_nbdkit_cpu() { rand_cpu "$theirs_pid" "$theirs"; }
    rotate raidemu_cpu nbdkit_cpu
    bound nbd-randwrite-4k-qd16 raidemu-cpu-per-request "$(rot_median raidemu_cpu 2)" us "server CPU (user + system) per request during the row's fio run; $(rot_median raidemu_cpu 1) IOPS, machine idle $(rot_median raidemu_cpu 3) %; median of $pairs rounds"
    bound nbd-randwrite-4k-qd16 nbdkit-cpu-per-request "$(rot_median nbdkit_cpu 2)" us "the same for nbdkit: $(rot_median nbdkit_cpu 1) IOPS, machine idle $(rot_median nbdkit_cpu 3) %"
    bound nbd-randwrite-4k-qd16 cpu-ratio "$(calc %.2f "$(rot_median nbdkit_cpu 2) / $(rot_median raidemu_cpu 2)")" - "nbdkit's server CPU per request over RaidEmu's"
    # Where the server's CPU goes, by kernel and runtime symbol (perf, when installed): the share of the
    # host's 4 KiB buffered write into a member file (ext4_block_write_begin walks the whole page-cache folio).
    if command -v perf > /dev/null; then
      local share
      perf record -q -F 999 -p "$ours_pid" -o "$work/perf.data" -- sleep "$fio_seconds" > /dev/null 2>&1 &
      local perf_pid=$!
      fio_iops "$ours" randwrite > /dev/null
      wait "$perf_pid" || true
      share=$(perf report -q -i "$work/perf.data" --no-children --sort sym 2> /dev/null \
        | awk '/ext4_block_write_begin/ { gsub(/%/, "", $1); s += $1 } END { printf "%.0f\n", s }')
      bound nbd-randwrite-4k-qd16 server-share-ext4-write-begin "$share" % "of the server's perf samples during the row, in ext4_block_write_begin (two member writes per request, data and parity)"
    else
      bound nbd-randwrite-4k-qd16 server-share-ext4-write-begin skipped - "perf is not installed"
    fi
    # The server holds the array open; the member-file runs below write behind it.
    stop_raidemu_server "$arr"
    # (--invalidate=0: fio would drop the files from the page cache first, where everything else finds them.)
    # The member I/O of one RAID 5 4 KiB write: read old data and old parity, write both, in 4 KiB at random
    # in the members' data areas, two threads; a quarter of the I/Os per second is the requests-per-second
    # ceiling of doing that I/O one syscall at a time.
    member_fio() { # rw, then fio options
      local rw=$1
      shift
      fio --name=members --ioengine=psync --invalidate=0 --rw="$rw" --bs=4k --numjobs=2 --group_reporting "$@" \
        --filename="$arr/disk0.img:$arr/disk1.img:$arr/disk2.img:$arr/disk3.img" --file_service_type=random \
        --offset="$data_offset" --size=$((4 * member_bytes)) --time_based --runtime="$fio_seconds" --randseed=12 \
        --output-format=terse --terse-version=3 2> "$work/last.err" \
        | awk -F';' '/^3;/ { printf "%.0f\n", $8 + $49 }' | grep . || { echo "bounds: fio failed: $(tail -2 "$work/last.err")" >&2; return 1; }
    }
    raw_fio() {
      fio --name=raw --ioengine=psync --invalidate=0 --rw=randwrite --bs=4k --numjobs=2 --group_reporting --filename="$raw" \
        --size="$vol" --time_based --runtime="$fio_seconds" --randseed=12 --output-format=terse --terse-version=3 2> "$work/last.err" \
        | awk -F';' '/^3;/ { print $49 }' | grep . || { echo "bounds: fio failed: $(tail -2 "$work/last.err")" >&2; return 1; }
    }
    variant_members() { member_fio randrw --rwmixread=50; }
    variant_member_writes() { member_fio randwrite; }
    variant_nbdkit() { fio_iops "$theirs" randwrite; }
    variant_raw() { raw_fio; }
    member_fio randrw --rwmixread=50 > /dev/null
    member_fio randwrite > /dev/null
    raw_fio > /dev/null
    fio_iops "$theirs" randwrite > /dev/null
    rotate members nbdkit raw member_writes
    local m k r mw
    m=$(rot_median members 1) k=$(rot_median nbdkit 1) r=$(rot_median raw 1) mw=$(rot_median member_writes 1)
    bound nbd-randwrite-4k-qd16 member-ops "$m" ops/s "fio psync randrw 50/50 4 KiB over the 4 members' data areas, 2 jobs (after one untimed run of each); median of $pairs rounds"
    bound nbd-randwrite-4k-qd16 member-ceiling "$(calc %.0f "$m / 4")" req/s "a quarter of that: 2 reads + 2 writes per RAID 5 4 KiB write"
    bound nbd-randwrite-4k-qd16 nbdkit-iops "$k" IOPS "compare.sh's yardstick: fio --ioengine=nbd randwrite QD16 against nbdkit file raw.img"
    bound nbd-randwrite-4k-qd16 raw-ops "$r" ops/s "fio psync randwrite 4 KiB on raw.img, 2 jobs: the one pwrite nbdkit does per request"
    bound nbd-randwrite-4k-qd16 member-write-ops "$mw" ops/s "fio psync randwrite 4 KiB over the members' data areas, 2 jobs: a pwrite into a member file against raw.img's"
    bound nbd-randwrite-4k-qd16 best-ratio "$(calc %.2f "$m / 4 / $k")" - "compare.sh's ratio at the member-I/O ceiling (no NBD, parity or locking cost)"
    bound nbd-randwrite-4k-qd16 best-ratio-with-nbd "$(calc %.2f "1 / (1 / $k - 1 / $r + 4 / $m) / $k")" - "estimate: nbdkit's time per request with its one pwrite (raw-ops) replaced by the four member I/Os (member-ops)"
    # Put the bytes back: the array through raidemu write (data and parity), raw.img by dd.
    "$raidemu" write "$arr" --input "$input" > /dev/null
    dd if="$input" of="$raw" bs=1M conv=notrunc status=none
    [ "$(raidemu_read_sha "$arr")" = "$input_sha" ] && [ "$(sha_of < "$raw")" = "$input_sha" ] \
      || die "the array or raw.img does not read back the input after the random writes"
  else
    stop_raidemu_server "$arr"
  fi
  end_servers
}

# 7: the FUSE write with conv=fsync, its write phase and its fsync apart on both sides, and the same with the
# members' bytes written to a plain file.
section_fuse() {
  local mnt="$work/mnt" image
  [ -e /dev/fuse ] && [ "$(id -u)" = 0 ] || { bound fuse-seq-write-fsync skipped - - "needs /dev/fuse and root"; return 0; }
  mkdir -p "$mnt"
  start_server "$work/mount.log" "grep -q '^serving ' '$work/mount.log'" \
    "$raidemu" mount "$arr" "$mnt" --foreground
  echo "$mnt" > "$work/mounted"
  image=$(ls "$mnt"/*.img)
  dd if="$input" of="$image" bs=1M conv=notrunc,fsync status=none
  dd if="$input" of="$raw" bs=1M conv=notrunc,fsync status=none
  # The host's disk takes the members' bytes, 4/3 of the volume: the same amount written to a plain file with
  # conv=fsync is what the image costs at best.
  local areas="$work/areas.bin" members="$work/members.img"
  { cat "$input"; head -c $((4 * member_bytes - vol)) "$input"; } > "$areas"
  dd if="$areas" of="$members" bs=1M conv=fsync status=none
  variant_fuse() { flush_split dd if="$input" of="$image" bs=1M conv=notrunc,fsync; }
  variant_raw() { flush_split dd if="$input" of="$raw" bs=1M conv=notrunc,fsync; }
  variant_members() { flush_split dd if="$areas" of="$members" bs=1M conv=notrunc,fsync; }
  rotate fuse raw members
  [ "$(sha_of < "$image")" = "$input_sha" ] && [ "$(sha_of < "$raw")" = "$input_sha" ] || die "the image or raw.img does not read back the input"
  local side
  for side in fuse raw; do
    bound fuse-seq-write-fsync "$side-write-phase" "$(calc %.3f "$(rot_median "$side" 2)")" s "dd of=$([ "$side" = fuse ] && echo 'MNT/bench.img' || echo raw.img) bs=1M conv=notrunc,fsync under strace: before its fsync ($(calc %.0f "$vol / 1e6 / $(rot_median "$side" 2)") MB/s); median of $pairs alternating rounds"
    bound fuse-seq-write-fsync "$side-fsync" "$(calc %.3f "$(rot_median "$side" 3)")" s "its fsync; whole $(calc %.3f "$(rot_median "$side" 1)") s"
  done
  bound fuse-seq-write-fsync members-whole "$(calc %.3f "$(rot_median members 1)")" s "dd of the member bytes ($((4 * member_bytes)) bytes, 4/3 of the volume) to a plain file, conv=fsync: the row would be $(calc %.2f "$(rot_median raw 1) / $(rot_median members 1)") if the image cost what its members' bytes cost the disk"
  rm -f "$areas" "$members"
  bound fuse-seq-write-fsync best-ratio-free-fsync "$(calc %.2f "$(rot_median raw 1) / $(rot_median fuse 2)")" - "compare.sh's ratio if the image's fsync took no time; if its write phase took raw.img's instead: $(calc %.2f "$(rot_median raw 1) / ($(rot_median raw 2) + $(rot_median fuse 3))")"
  timeout 60 "$raidemu" unmount "$mnt" > /dev/null 2>&1 || note "raidemu unmount $mnt failed; the EXIT trap cleans up"
  end_servers
  rm -f "$work/mounted"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
use_raidemu
setup_array
run_part section_cli cli-read cli-write cli-check cli-read-degraded
run_part section_nbd nbd-seq-read nbd-seq-write nbd-randwrite-4k-qd16
run_part section_fuse fuse-seq-write-fsync

save_results bounds \
  "volume $vol bytes (RAID 5, 4 disks, chunk 512 KiB), $pairs rounds per measurement, fio ${fio_seconds} s per run, quick=$quick${only:+, only=$only}" \
  "BOUND<tab>row-id<tab>what<tab>value<tab>unit<tab>note" "$bounds_file"
echo
grep '^#' "$results/bounds-$stamp.tsv" | grep -v '^# BOUND' | sed 's/^# //'
echo "results: benchmarks/results/bounds-$stamp.tsv$([ -z "$only" ] && echo " (and bounds-latest.tsv)")"
