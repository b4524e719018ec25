# The build and the array that benchmarks/compare.sh and benchmarks/bounds.sh both measure (sourced).
# Expects $root, $work, $published (empty: publish one) and $size; common.sh sourced first.

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
