#!/usr/bin/env bash
# One lent-GPU session's run, from the project root on the GPU machine, after scripts/bundle-device.mjs
# here: the device check's parts, bench:gemms, bench:kernels, npm start's replay and bench:seed, each bounded in
# time, in order of what matters most (the hardware path before and after and the trainer's speed take
# seconds, the strategy sweep and bench:seed minutes). Logs ($OUT/N-step.log) and results go to $OUT
# (results.tar: README.md, docs/benchmarks.md with the tables the benchmarks rewrote, bench/results/*.json,
# nvidia-smi), refreshed after each step, so a step that runs out of time still leaves the ones before it.
#   bash scripts/device-run.sh                                      (every step)
#   bash scripts/device-run.sh 'device-check --parts trainer' 'seed --cell gru'   (some, with arguments)
set -uo pipefail
OUT=${OUT:-/tmp/device-out}; mkdir -p "$OUT"
# Seconds per step; CHECK_S, GEMMS_S, KERNELS_S, START_S, SEED_S override them.
declare -A LIMIT_S=(
  [device-check]=${CHECK_S:-200} [gemms]=${GEMMS_S:-90} [kernels]=${KERNELS_S:-150} [start]=${START_S:-60}
  [seed]=${SEED_S:-170}
)
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw \
  --format=csv > nvidia-smi.txt 2>&1
cat nvidia-smi.txt
[[ $# -gt 0 ]] || set -- 'device-check --parts paths' 'device-check --parts speed' gemms \
  'device-check --parts check,trainer' kernels start 'device-check --parts strategies' seed
step=0
for spec in "$@"; do
  step=$((step + 1))
  read -r name args <<< "$spec"
  limit=${LIMIT_S[$name]:?"unknown step $name; expected one of ${!LIMIT_S[*]}"}
  echo "=== $spec (at most ${limit} s) $(date +%T)"
  # shellcheck disable=SC2086 # the step's arguments, split as written
  timeout "$limit" bash .device/run.sh "$name.ts" $args > "$OUT/$step-$name.log" 2>&1
  echo "=== $name: exit $? $(date +%T)"
  # Each device-check step rewrites the JSON: keep every step's.
  [[ $name == device-check && -f bench/results/device-check.json ]] &&
    cp bench/results/device-check.json "$OUT/$step-device-check.json"
  tar cf "$OUT/results.tar" README.md docs/benchmarks.md bench/results nvidia-smi.txt
done
grep -hE 'adapter:|FAILED|passed|chosen|Goal|goal|PASS|FAIL|samples/s|ms/epoch' "$OUT"/*.log | cut -c1-400 | tail -60
