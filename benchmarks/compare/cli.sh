# The CLI rows of benchmarks/compare.sh (sourced). Expects the setup of compare.sh: $raidemu, $arr (a
# 4-disk RAID 5 holding $input), $input and $raw (both $vol bytes, equal), $input_sha, $data_offset,
# $member_bytes (data area of one member), $startup_raidemu and $startup_dd (seconds).

# The data areas of the members, end to end: exactly the bytes (data and parity) `raidemu write` puts in
# the member files.
member_areas() {
  local d
  for d in 0 1 2 3; do
    dd if="$arr/disk$d.img" bs=1M iflag=skip_bytes,count_bytes skip="$data_offset" count="$member_bytes" status=none
  done
}

row_cli_write() {
  local id=cli-write target=">=0.9" written=$((4 * member_bytes))
  local areas="$work/member-areas.bin" target_file="$work/raw-write.img"
  member_areas > "$areas"
  # The yardstick overwrites an allocated file in place, as raidemu overwrites its allocated members.
  dd if="$areas" of="$target_file" bs=1M conv=fsync status=none
  cat "$input" "$areas" > /dev/null
  "$raidemu" write "$arr" --input "$input" > /dev/null
  side_raidemu() { timed_rate "$written" 0 "$raidemu" write "$arr" --input "$input"; }
  side_yardstick() { timed_rate "$written" 0 dd if="$areas" of="$target_file" bs=1M conv=notrunc,fsync; }
  local row
  row=$(paired "$id" "MB/s" "$target") || return 1
  local got want read_back
  got=$(member_areas | sha_of)
  want=$(sha_of < "$target_file")
  read_back=$(raidemu_read_sha "$arr")
  rm -f "$areas" "$target_file"
  if [ "$got" != "$want" ] || [ "$read_back" != "$input_sha" ]; then
    refuse "$id" "MB/s" "$target" "member bytes differ from dd's (raidemu $got, dd $want) or the volume reads back differently"
    return 0
  fi
  emit_row "$row"
}

row_cli_read() {
  local id=cli-read target=">=0.9" ours theirs
  ours=$(raidemu_read_sha "$arr")
  theirs=$(dd if="$raw" bs=1M status=none | sha_of)
  if [ "$ours" != "$theirs" ]; then
    refuse "$id" "MB/s" "$target" "raidemu read $ours, dd read $theirs"
    return 0
  fi
  side_raidemu() { timed_rate "$vol" "$startup_raidemu" "$raidemu" read "$arr" --output /dev/null; }
  side_yardstick() { timed_rate "$vol" "$startup_dd" dd if="$raw" of=/dev/null bs=1M; }
  local row
  row=$(paired "$id" "MB/s" "$target") || return 1
  emit_row "$row"
}

# Degraded against healthy on two equal arrays (a copy with disk 1 failed), so the pairs can alternate
# without a rebuild between them.
row_cli_read_degraded() {
  local id=cli-read-degraded target=">=0.85" degraded="$work/degraded" ours
  rm -rf "$degraded"
  cp -r "$arr" "$degraded"
  "$raidemu" fail "$degraded" --disk 1 > /dev/null
  ours=$(raidemu_read_sha "$degraded")
  "$raidemu" read "$arr" --output /dev/null > /dev/null
  if [ "$ours" != "$input_sha" ]; then
    rm -rf "$degraded"
    refuse "$id" "MB/s" "$target" "degraded read $ours, healthy $input_sha"
    return 0
  fi
  side_raidemu() { timed_rate "$vol" "$startup_raidemu" "$raidemu" read "$degraded" --output /dev/null; }
  side_yardstick() { timed_rate "$vol" "$startup_raidemu" "$raidemu" read "$arr" --output /dev/null; }
  local row
  row=$(paired "$id" "MB/s" "$target") || return 1
  rm -rf "$degraded"
  emit_row "$row"
}

# Both sides read every member file of the same array; each rate is over the bytes that side reads.
row_cli_check() {
  local id=cli-check target=">=0.8" checked=$((4 * member_bytes)) files=0 f result
  for f in "$arr"/disk[0-3].img; do files=$((files + $(stat -c %s "$f"))); done
  result=$("$raidemu" check "$arr" --json)
  cat "$arr"/disk[0-3].img > /dev/null
  if ! grep -q '"mismatches": 0' <<< "$result"; then
    refuse "$id" "MB/s" "$target" "check found mismatches: $(tr -d '\n' <<< "$result")"
    return 0
  fi
  side_raidemu() { timed_rate "$checked" 0 "$raidemu" check "$arr"; }
  side_yardstick() { timed_rate "$files" 0 cat "$arr"/disk0.img "$arr"/disk1.img "$arr"/disk2.img "$arr"/disk3.img; }
  local row
  row=$(paired "$id" "MB/s" "$target") || return 1
  emit_row "$row"
}
