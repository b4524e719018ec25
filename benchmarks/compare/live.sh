# The NBD and FUSE rows of benchmarks/compare.sh (sourced). Same setup as cli.sh, plus $fio_seconds and
# $server_timeout (seconds after which a server started here ends by itself).

# Starts a command in the background under a timeout and waits for READY_TEST to succeed.
start_server() { # log ready-test command...
  local log=$1 ready=$2 i
  shift 2
  timeout --signal=TERM "$server_timeout" "$@" > "$log" 2>&1 &
  track $!
  for ((i = 0; i < 600; i++)); do
    if eval "$ready" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "not ready after 60 s: $* ($(tail -2 "$log"))"
}

stop_raidemu_server() { # array
  timeout 60 "$raidemu" stop "$1" > /dev/null 2>&1 || note "raidemu stop $1 failed; the EXIT trap kills what is left"
}

fio_iops() { # uri rw
  local field=8
  [ "$2" = randwrite ] && field=49
  fio --name=cmp --ioengine=nbd --uri="$1" --rw="$2" --bs=4k --iodepth=16 --size="$vol" \
    --time_based --runtime="$fio_seconds" --randseed=12 --output-format=terse --terse-version=3 2>"$work/last.err" \
    | awk -F';' -v f="$field" '/^3;/ { print $f }' | grep . || { echo "compare: fio failed: $(tail -2 "$work/last.err")" >&2; return 1; }
}

nbd_read_sha() { nbdcopy "$1" - | sha_of; }

rows_nbd() {
  local ours="nbd+unix:///?socket=$work/raidemu.sock" theirs="nbd+unix:///?socket=$work/nbdkit.sock" row a b
  start_server "$work/serve.log" "grep -q '^serving ' '$work/serve.log'" \
    "$raidemu" serve "$arr" --socket "$work/raidemu.sock" --foreground
  start_server "$work/nbdkit.log" "nbdinfo --size '$theirs'" \
    nbdkit --foreground --unix "$work/nbdkit.sock" file "$raw"

  if wanted nbd-seq-read; then
    a=$(nbd_read_sha "$ours")
    b=$(nbd_read_sha "$theirs")
    if [ "$a" != "$b" ]; then
      refuse nbd-seq-read "MB/s" ">=1.0" "raidemu served $a, nbdkit $b"
    else
      side_raidemu() { timed_rate "$vol" 0 nbdcopy "$ours" null:; }
      side_yardstick() { timed_rate "$vol" 0 nbdcopy "$theirs" null:; }
      row=$(paired nbd-seq-read "MB/s" ">=1.0") || return 1
      emit_row "$row"
    fi
  fi

  if wanted nbd-seq-write; then
    nbdcopy "$input" "$ours"
    nbdcopy "$input" "$theirs"
    side_raidemu() { timed_rate "$vol" 0 nbdcopy "$input" "$ours"; }
    side_yardstick() { timed_rate "$vol" 0 nbdcopy "$input" "$theirs"; }
    row=$(paired nbd-seq-write "MB/s" ">=0.7") || return 1
    a=$(nbd_read_sha "$ours")
    b=$(nbd_read_sha "$theirs")
    if [ "$a" != "$input_sha" ] || [ "$b" != "$input_sha" ]; then
      refuse nbd-seq-write "MB/s" ">=0.7" "read back after the writes: raidemu $a, nbdkit $b, input $input_sha"
    else
      emit_row "$row"
    fi
  fi

  if wanted nbd-randread-4k-qd16; then
    side_raidemu() { fio_iops "$ours" randread; }
    side_yardstick() { fio_iops "$theirs" randread; }
    row=$(paired nbd-randread-4k-qd16 "IOPS" ">=1.0") || return 1
    emit_row "$row"
  fi

  if wanted nbd-randwrite-4k-qd16; then
    side_raidemu() { fio_iops "$ours" randwrite; }
    side_yardstick() { fio_iops "$theirs" randwrite; }
    row=$(paired nbd-randwrite-4k-qd16 "IOPS" ">=0.5") || return 1
    emit_row "$row"
    # fio wrote different random blocks on each side: put the same bytes back for the FUSE rows.
    nbdcopy "$input" "$ours"
    nbdcopy "$input" "$theirs"
  fi

  stop_raidemu_server "$arr"
  end_servers
}

rows_fuse() {
  local mnt="$work/mnt" image row a b
  mkdir -p "$mnt"
  start_server "$work/mount.log" "grep -q '^serving ' '$work/mount.log'" \
    "$raidemu" mount "$arr" "$mnt" --foreground
  echo "$mnt" > "$work/mounted"
  image=$(ls "$mnt"/*.img)

  if wanted fuse-seq-write-fsync; then
    dd if="$input" of="$image" bs=1M conv=notrunc,fsync status=none
    dd if="$input" of="$raw" bs=1M conv=notrunc,fsync status=none
    side_raidemu() { timed_rate "$vol" 0 dd if="$input" of="$image" bs=1M conv=notrunc,fsync; }
    side_yardstick() { timed_rate "$vol" 0 dd if="$input" of="$raw" bs=1M conv=notrunc,fsync; }
    row=$(paired fuse-seq-write-fsync "MB/s" ">=0.9") || return 1
    a=$(sha_of < "$image")
    b=$(sha_of < "$raw")
    if [ "$a" != "$input_sha" ] || [ "$b" != "$input_sha" ]; then
      refuse fuse-seq-write-fsync "MB/s" ">=0.9" "read back after the writes: image $a, raw file $b, input $input_sha"
    else
      emit_row "$row"
    fi
  fi

  if wanted fuse-seq-read; then
    a=$(dd if="$image" bs=1M status=none | sha_of)
    b=$(dd if="$raw" bs=1M status=none | sha_of)
    if [ "$a" != "$b" ]; then
      refuse fuse-seq-read "MB/s" ">=0.7" "image $a, raw file $b"
    else
      side_raidemu() { timed_rate "$vol" 0 dd if="$image" of=/dev/null bs=1M; }
      side_yardstick() { timed_rate "$vol" 0 dd if="$raw" of=/dev/null bs=1M; }
      row=$(paired fuse-seq-read "MB/s" ">=0.7") || return 1
      emit_row "$row"
    fi
  fi

  timeout 60 "$raidemu" unmount "$mnt" > /dev/null 2>&1 || note "raidemu unmount $mnt failed; the EXIT trap cleans up"
  end_servers
  rm -f "$work/mounted"
}
