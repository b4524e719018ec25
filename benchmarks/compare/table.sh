#!/usr/bin/env bash
# Prints ROW lines (stdin) of benchmarks/compare.sh as a markdown table, with whether each median ratio
# meets its target (the number in the target column, "at least").
awk -F'\t' '
BEGIN {
  print "| row | RaidEmu | yardstick | unit | ratio (median) | pair ratios | target | meets |"
  print "|---|---:|---:|---|---:|---|---|---|"
}
$1 == "ROW" {
  meets = "-"
  want = $7
  gsub(/[^0-9.]/, "", want)
  if ($6 == "REFUSED" || $6 == "FAILED") meets = $6
  else if ($6 ~ /^[0-9.]+$/ && want != "") meets = ($6 + 0 >= want + 0) ? "yes" : "no"
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $8, $7, meets
}'
