# What benchmarks/compare.sh and benchmarks/bounds.sh both do first (sourced): start_run parses the
# options (setting $quick, $pairs, $size in bytes, $only, $work, $published, $keep and $fio_seconds), sources
# the helpers and sets up the scratch directory. The caller defines usage.

options_help() {
  cat << 'EOF_HELP'
  --quick          a ~256 MiB volume and 3 s fio runs (default ~1.5 GiB, 10 s)
  --pairs N        alternating pairs per row (default 5)
  --size BYTES     volume size (K/M/G suffixes allowed); rounded up to whole chunks
  --only IDS       only rows whose id contains one of these comma-separated substrings
  --work DIR       scratch directory (default: a new one under /tmp, removed at the end)
  --published DIR  use the raidemu already published in DIR instead of publishing one
  --keep           keep the scratch directory
EOF_HELP
}

parse_options() { # script-name arguments...
  local name=$1
  shift
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
      *) echo "$name: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  [[ "$pairs" =~ ^[0-9]+$ ]] && [ "$pairs" -ge 1 ] || { echo "$name: --pairs needs a whole number of at least 1, not '$pairs'" >&2; exit 2; }
  if [ -z "$size" ]; then size=$([ "$quick" = 1 ] && echo 256M || echo 1536M); fi
  size=$(numfmt --from=iec "$size" 2>/dev/null) || { echo "$name: --size needs bytes (K/M/G allowed)" >&2; exit 2; }
  fio_seconds=$([ "$quick" = 1 ] && echo 3 || echo 10)
}

# What every run does first: the options, the helpers, the scratch directory and its cleanup at exit.
# Sets $root, $here, $started and $server_timeout besides what parse_options and start_scratch set.
start_run() { # script-name arguments...
  parse_options "$@"
  server_timeout=1800
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  here="$root/benchmarks/compare"
  started=$SECONDS
  # shellcheck source=compare/common.sh
  source "$here/common.sh"
  # shellcheck source=compare/array.sh
  source "$here/array.sh"
  # shellcheck source=compare/cli.sh
  source "$here/cli.sh"
  # shellcheck source=compare/live.sh
  source "$here/live.sh"
  start_scratch "$1"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}
