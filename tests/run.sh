#!/usr/bin/env bash
# The test suite with every outside tool it uses: installs what is missing from Debian when it can (root,
# or sudo without a password), otherwise says what to install; then runs `dotnet test RaidEmu.sln`.
# Arguments go to dotnet test (for example --filter).
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have mdadm || need+=(mdadm)                 # outside reader of our md superblocks
have nbdinfo || need+=(libnbd-bin)          # NBD clients: nbdinfo
have qemu-io || need+=(qemu-utils)          # qemu-io, qemu-img compare against the NBD export
have fio || need+=(fio)                     # fio with the nbd engine and crc32c verify
have mkfs.ext4 || need+=(e2fsprogs)         # a real file system on the FUSE image, e2fsck
have fusermount3 || need+=(fuse3)           # FUSE helper
have qemu-system-x86_64 || need+=(qemu-system-x86)  # boots a Debian kernel to test against the real md driver
ls /usr/lib/x86_64-linux-gnu/libfuse3.so.3 /lib/x86_64-linux-gnu/libfuse3.so.3 >/dev/null 2>&1 || need+=(libfuse3-3)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    sudo=(none)
  fi
  if [ "${sudo[*]}" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/run.sh: missing ${need[*]}; tests that need them will be inconclusive (install with: sudo apt-get install -y ${need[*]})" >&2
  else
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null 2>&1
    "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
      || echo "tests/run.sh: could not install ${need[*]}; tests that need them will be inconclusive" >&2
  fi
fi

exec dotnet test RaidEmu.sln "$@"
