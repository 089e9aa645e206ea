#!/usr/bin/env bash
# On the lent GPU machine: put staged folder K of N in place (scripts/gpu_stage.py made them
# here; each travels with one `run` call), and after the last one install the wheels, join
# the model, and run benchmarks/bench_gpu_process.py (callqa's batch path beside bare
# faster-whisper), with the GPU's utilisation sampled beside it. Output goes to $OUT.
#
# Usage (as the `run` command, from the repository root there): bash scripts/gpu_device.sh K N
# Environment: WORKERS ("1 2 4 8"), COPIES (8), BUDGET_S (420), DEVICE (cuda),
#              BATCHED=1 (also bench_gpu_batched.py, when staged --with-batched),
#              PY (python3), STAGE (/tmp/gs), SITE (/tmp/site).
set -uo pipefail
K=${1:?folder number}
N=${2:?number of folders}
[[ "$K" =~ ^[0-9]+$ && "$N" =~ ^[0-9]+$ && "$K" -ge 1 && "$K" -le "$N" ]] \
    || { echo "gpu_device: error: usage: gpu_device.sh K N (1 <= K <= N)" >&2; exit 2; }
PY=${PY:-python3}
STAGE=${STAGE:-/tmp/gs}
SITE=${SITE:-/tmp/site}
OUT=${OUT:-/tmp/gpu-out}
say() { printf '%s\n' "gpu_device: $*"; }
die() { printf '%s\n' "gpu_device: error: $*" >&2; exit 1; }

[ -d ".gpu$K" ] || die ".gpu$K did not travel: name it in carry"
[ "$K" -eq 1 ] && rm -rf "$STAGE"  # a new staging: nothing left from an earlier one
mkdir -p "$STAGE" "$OUT"
cp -r ".gpu$K/." "$STAGE/" || die "copying .gpu$K failed"
(cd "$STAGE" && sha256sum -c --quiet "gpu$K.sha256") || die ".gpu$K damaged on the way"
say "folder $K of $N in place ($(du -sh "$STAGE" | cut -f1) staged)"
[ "$K" -lt "$N" ] && exit 0

for ((j = 1; j <= N; j++)); do
    [ -f "$STAGE/gpu$j.sha256" ] || die "folder $j is missing: the machine was given back \
between calls (30 s idle); send the calls again from 1"
done
mkdir -p "$STAGE/model"
mapfile -t parts < <(ls "$STAGE"/model.bin.part* 2>/dev/null | sort -V)
[ "${#parts[@]}" -gt 0 ] || die "no model.bin parts staged"
cat "${parts[@]}" >"$STAGE/model/model.bin"
SHA=$(cat "$STAGE/model.sha256")
echo "$SHA  $STAGE/model/model.bin" | sha256sum -c --quiet - || die "model.bin joined wrong"
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$SITE" \
    "$STAGE"/wheels/*.whl || die "wheel install failed"
export PYTHONPATH="$SITE:$PWD" PYTHONUNBUFFERED=1 DO_NOT_TRACK=1 HF_HUB_OFFLINE=1

# CTranslate2 4.x loads CUDA 12's cuBLAS; an image with only CUDA 13's gets links by the
# CUDA 12 names (../shared/GPU.md: this ran on the H100 and H200 machines).
if command -v nvidia-smi >/dev/null && ! grep -q 'libcublas.so.12 ' < <(ldconfig -p); then
    mkdir -p /tmp/cu12
    for lib in libcublas libcublasLt; do
        src=$(ls /usr/local/cuda*/targets/x86_64-linux/lib/"$lib".so.13* 2>/dev/null \
            | sort -V | tail -1)
        [ -n "$src" ] || src=$(find / -xdev -name "$lib.so.13*" 2>/dev/null | sort -V | tail -1)
        [ -n "$src" ] && ln -sf "$src" "/tmp/cu12/$lib.so.12" && say "$lib.so.12 -> $src"
    done
    export LD_LIBRARY_PATH="/tmp/cu12:$(dirname "${src:-/usr/lib}"):${LD_LIBRARY_PATH:-}"
fi
if command -v nvidia-smi >/dev/null; then
    nvidia-smi -L
    nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -lms 500 \
        >"$OUT/gpu_utilisation.csv" 2>/dev/null &
fi

# shellcheck disable=SC2086
"$PY" -m benchmarks.bench_gpu_process --calls "$STAGE/calls" --model "$STAGE/model" \
    --model-sha256 "$SHA" --device "${DEVICE:-cuda}" --workers ${WORKERS:-1 2 4 8} \
    --copies "${COPIES:-8}" --budget-s "${BUDGET_S:-420}" --json "$OUT/process.json" 2>&1 \
    | tee "$OUT/process.log"
status=${PIPESTATUS[0]}
if [ "${BATCHED:-0}" = 1 ] && [ -f "$STAGE/hvb16k.npz" ]; then
    "$PY" -m benchmarks.bench_gpu_batched --model "$STAGE/model" --audio "$STAGE/hvb16k.npz" \
        --device "${DEVICE:-cuda}" --batch-sizes 1 8 --compute-types float16 --repeat 1 \
        --rounds 2 --budget-s 120 --json "$OUT/batched.json" 2>&1 | tee "$OUT/batched.log"
fi
jobs -p | xargs -r kill 2>/dev/null
exit "$status"
