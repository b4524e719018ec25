# Shared helpers of benchmarks/compare.sh (sourced, not run). Expects $work, $pairs, $rows_file.

note() { echo "compare: $*" >&2; }
die() { echo "compare: $*" >&2; exit 1; }

# Wall-clock seconds of a command, its output discarded; fails (with its stderr) when the command fails.
seconds() {
  local t0 t1
  t0=$(date +%s%N)
  if ! "$@" >/dev/null 2>"$work/last.err"; then
    echo "compare: failed: $* : $(tail -3 "$work/last.err")" >&2
    return 1
  fi
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'
}

# MB/s (decimal) for BYTES moved in SECONDS, after taking away START (seconds of process start-up); a run
# shorter than START keeps its whole time rather than dividing by almost nothing.
rate() {
  awk -v b="$1" -v s="$2" -v z="${3:-0}" 'BEGIN { t = s - z; if (t <= 0) t = s; printf "%.1f\n", b / 1e6 / t }'
}

# MB/s of one timed run: BYTES over the seconds the command takes, less START seconds of start-up.
timed_rate() { # bytes start command...
  local bytes=$1 start=$2 t
  shift 2
  t=$(seconds "$@") || return 1
  rate "$bytes" "$t" "$start"
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Keeps the dirty pages of one run from being written back during the next one, for both sides alike.
settle() { sync; }

# Is the row wanted (--only: comma-separated substrings of row ids)?
wanted() {
  local id=$1 part parts
  [ -z "${only:-}" ] && return 0
  IFS=',' read -ra parts <<< "$only"
  for part in "${parts[@]}"; do
    [[ "$id" == *"$part"* ]] && return 0
  done
  return 1
}

row_line() { # id raidemu yardstick unit ratio target pair-ratios
  printf 'ROW\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

emit_row() { printf '%s\n' "$1" | tee -a "$rows_file" >&2; }

emit() { emit_row "$(row_line "$@")"; }

refuse() { # id unit target reason
  emit "$1" - - "$2" REFUSED "$3" "$4"
}

# Runs side_raidemu and side_yardstick (functions the caller defines, each printing one higher-is-better
# value) alternately, $pairs times, and prints the row: both medians and the median of the pair ratios.
paired() { # id unit target
  local id=$1 unit=$2 target=$3 i r y ratios="" rs="" ys=""
  for ((i = 1; i <= pairs; i++)); do
    settle
    r=$(side_raidemu) || return 1
    settle
    y=$(side_yardstick) || return 1
    note "$id pair $i/$pairs: raidemu $r, yardstick $y $unit"
    rs+="$r"$'\n'
    ys+="$y"$'\n'
    ratios+="$(awk -v r="$r" -v y="$y" 'BEGIN { printf "%.2f", (y > 0 ? r / y : 0) }'),"
  done
  ratios=${ratios%,}
  row_line "$id" "$(printf '%s' "$rs" | median)" "$(printf '%s' "$ys" | median)" "$unit" \
    "$(tr ',' '\n' <<< "$ratios" | median | awk '{ printf "%.2f", $1 }')" "$target" "$ratios"
}

sha_of() { sha256sum | cut -d' ' -f1; }

# The sha256 of what `raidemu read` writes, through a FIFO so its own message on stdout is not hashed.
raidemu_read_sha() { # array
  local fifo="$work/read.fifo"
  rm -f "$fifo"
  mkfifo "$fifo"
  sha_of < "$fifo" > "$work/read.sha" &
  local hasher=$!
  "$raidemu" read "$1" --output "$fifo" >/dev/null
  wait "$hasher"
  rm -f "$fifo"
  cat "$work/read.sha"
}

# Remembers a process the EXIT trap must end if the run stops early.
track() { echo "$1" >> "$work/pids"; }

# Ends what track recorded and is still running, one id at a time, and reaps it. Runs in the shell that
# started the servers (the row's subshell), so no id can have been reused by another process yet.
end_servers() {
  local pid
  while read -r pid; do
    if kill -0 "$pid" 2> /dev/null; then kill "$pid"; fi
  done < "$work/pids"
  : > "$work/pids"
  wait 2> /dev/null || true
}
