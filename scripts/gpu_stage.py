"""Stage the GPU benchmarks for a lent GPU machine (no registry reachable there).

The machine has Python 3.12, CUDA and many packages (../.library/device/KINDS.md), but not
CTranslate2, faster-whisper, the Whisper model or callqa's own needs (pydantic, SQLAlchemy,
spaCy, soundfile, ...). This script gathers them here, with the HVB stereo calls, and packs
them into folders `.gpu1`, `.gpu2`, ... (git-excluded) that each travel with one `run`
call: a call carries the working tree and at most 64 MiB in all, so the 75 MB model travels
in parts. `scripts/gpu_device.sh K N` (tracked: it travels with the tree) puts folder K in
place there and, at the last, installs the wheels, joins the model and runs the benchmark.

Usage (here, with callqa's .venv; needs PyPI for the cp312 wheels):
    .venv/bin/python scripts/gpu_stage.py [--with-batched] [--max-call-mb 58]
It prints the `run` commands to send back to back (the machine is given back after 30 s
idle, and what was staged is lost with it).

Wheels: the versions installed here (so the pairs that must match, pydantic and
pydantic-core, match), built for CPython 3.12 on manylinux x86-64. PyAV is not carried: the
benchmarks stub it (faster-whisper imports it but callqa decodes with soundfile).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callqa.configs.settings import BUNDLED_MODEL  # noqa: E402
from callqa.pipeline.model_files import resolve_model  # noqa: E402

# What callqa's batch path imports that the GPU machine lacks (found by running
# benchmarks/bench_gpu_process.py in a virtual environment holding only the machine's
# packages and these).
CALLQA_NEEDS = (
    "ctranslate2", "faster-whisper",
    "pydantic", "pydantic-core", "pydantic-settings", "python-dotenv", "annotated-types",
    "typing-inspection", "sqlalchemy", "greenlet", "alembic", "mako", "soundfile", "soxr",
    "cffi", "pycparser", "google-re2", "rapidfuzz", "pyannote.core",
    "spacy", "thinc", "blis", "cymem", "preshed", "murmurhash", "srsly", "wasabi",
    "catalogue", "confection", "weasel", "spacy-legacy", "spacy-loggers",
)
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64",
             "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64")
SIDS = ("0002f70f7386445b", "0091a706bc604188", "01f7ec3700424bc0", "02e41649e7c441fd")
FOLDERS = (".gpu1", ".gpu2", ".gpu3", ".gpu4", ".gpu5", ".gpu6")


def say(message: str) -> None:
    print(f"gpu_stage: {message}", flush=True)


def download_wheels(cache: Path, python: str) -> list[Path]:
    pins = [f"{name}=={md.version(name)}" for name in CALLQA_NEEDS]
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
               "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
               *(arg for p in PLATFORMS for arg in ("--platform", p)), "-d", str(cache), *pins]
    subprocess.run(command, check=True)
    tag = f"cp{python.replace('.', '')}"
    by_name: dict[tuple[str, str], list[Path]] = {}
    for wheel in cache.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(wheel.name)
        if any(t.interpreter in (tag, "py3") or t.abi == "abi3" for t in tags):
            by_name.setdefault((str(name), str(version)), []).append(wheel)
    wheels = []
    for pin in pins:
        wanted, pinned = pin.split("==")
        found = by_name.get((canonicalize_name(wanted), pinned), [])
        if len(found) != 1:
            raise SystemExit(f"gpu_stage: no single {tag} wheel for {pin} in {cache}: {found}")
        wheels.append(found[0])
    return wheels


def repo_bytes() -> int:
    """What travels besides the folders: tracked files and untracked ones git keeps."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.split(b"\0")
    return sum((ROOT / name.decode()).stat().st_size for name in listed
               if name and (ROOT / name.decode()).is_file())


def batched_audio(data: Path, target: Path) -> None:
    """bench_gpu_batched's input: the HVB channels decoded by callqa to 16 kHz int16."""
    import numpy as np

    from callqa.pipeline.audio import decode_audio

    names, channels = [], []
    for sid in SIDS:
        samples = decode_audio(data / f"{sid}.stereo_agentL_callerR.ulaw.wav").samples
        for party, row in zip(("agent", "caller"), samples, strict=True):
            names.append(f"{sid}.{party}")
            channels.append(row)
    scale = max(float(np.abs(c).max()) for c in channels) / 32767.0
    arrays = {f"ch{i}": np.round(c / scale).astype(np.int16) for i, c in enumerate(channels)}
    np.savez_compressed(target, names=np.array(names), sample_rate=np.int64(16000),
                        scale=np.float64(scale), **arrays)


def pack(items: list[tuple[str, Path]], model_bin: Path, room: int) -> list[list[tuple[str, Path]]]:
    """Files into folders of at most `room` bytes (largest first, first fit); model.bin is
    cut into parts that fill what is left, in as many further folders as it needs."""
    folders: list[list[tuple[str, Path]]] = []
    free: list[int] = []
    for target, path in sorted(items, key=lambda item: -item[1].stat().st_size):
        size = path.stat().st_size
        if size > room:
            raise SystemExit(f"gpu_stage: {path.name} ({size} bytes) is larger than a call")
        for index, left in enumerate(free):
            if size <= left:
                folders[index].append((target, path))
                free[index] -= size
                break
        else:
            folders.append([(target, path)])
            free.append(room - size)
    model_left = model_bin.stat().st_size
    index = 0
    while model_left > 0:
        if index == len(folders):
            folders.append([])
            free.append(room)
        take = min(free[index], model_left)
        if take > 1_000_000 or take == model_left:  # no sliver of a part, but the last
            folders[index].append((f"model.bin.part{index + 1}:{take}", model_bin))
            model_left -= take
            free[index] -= take
        index += 1
    return folders


def lay_out(folders: list[list[tuple[str, Path]]], model_bin: Path) -> None:
    offset = 0
    for number, files in enumerate(folders, start=1):
        folder = ROOT / FOLDERS[number - 1]
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for target, path in files:
            if target.startswith("model.bin.part"):
                name, size = target.split(":")
                with model_bin.open("rb") as source:
                    source.seek(offset)
                    (folder / name).write_bytes(source.read(int(size)))
                offset += int(size)
                continue
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, folder / target)
        manifest = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(folder)}"
                    for p in sorted(folder.rglob("*")) if p.is_file()]
        (folder / f"gpu{number}.sha256").write_text("\n".join(manifest) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/callqa-gpu-stage"))
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--max-call-mb", type=float, default=58.0,
                        help="megabytes a call may carry, the working tree included")
    parser.add_argument("--python-version", default="3.12",
                        help="the GPU machine's Python (another one for a dry run here)")
    parser.add_argument("--with-batched", action="store_true",
                        help="also stage benchmarks/bench_gpu_batched.py's audio")
    args = parser.parse_args()

    exclude = ROOT / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    known = exclude.read_text().splitlines() if exclude.is_file() else []
    with exclude.open("a") as out:
        for folder in FOLDERS:
            if f"/{folder}/" not in known:
                out.write(f"/{folder}/\n")
    for folder in FOLDERS:
        shutil.rmtree(ROOT / folder, ignore_errors=True)

    wheels = download_wheels(args.cache / f"wheels-{args.python_version}", args.python_version)
    say(f"{len(wheels)} wheels, {sum(w.stat().st_size for w in wheels) / 1e6:.1f} MB")
    model = resolve_model(BUNDLED_MODEL, None)
    model_dir = Path(model.location)
    model_bin = model_dir / "model.bin"
    assert model.sha256 is not None  # the bundled model's is pinned and checked
    say(f"model {model.id} at {model_dir} (sha256 {model.sha256[:12]}... checked)")
    calls = args.data / "calls" / "hvb" / "derived"
    items: list[tuple[str, Path]] = [(f"wheels/{w.name}", w) for w in wheels]
    items += [(f"model/{name}", model_dir / name)
              for name in ("config.json", "tokenizer.json", "vocabulary.txt")]
    for sid in SIDS:
        wav = calls / f"{sid}.stereo_agentL_callerR.ulaw.wav"
        if not wav.is_file():
            raise SystemExit(f"gpu_stage: {wav} not found (pass --data)")
        items.append((f"calls/{wav.name}", wav))
    if args.with_batched:
        npz = args.cache / "hvb16k.npz"
        batched_audio(calls, npz)
        items.append(("hvb16k.npz", npz))
    sha_file = args.cache / "model.sha256"
    sha_file.write_text(f"{model.sha256}\n")
    items.append(("model.sha256", sha_file))

    tree = repo_bytes()
    room = int(args.max_call_mb * 1e6) - tree - 64_000  # the manifest
    folders = pack(items, model_bin, room)
    if len(folders) > len(FOLDERS):
        raise SystemExit(f"gpu_stage: {len(folders)} calls needed; at most {len(FOLDERS)}")
    lay_out(folders, model_bin)
    say(f"working tree {tree / 1e6:.1f} MB; each call carries it and one folder:")
    count = len(folders)
    for number in range(1, count + 1):
        size = sum(p.stat().st_size for p in (ROOT / FOLDERS[number - 1]).rglob("*")
                   if p.is_file())
        say(f"  {FOLDERS[number - 1]}  {size / 1e6:5.1f} MB (+ tree {(size + tree) / 2**20:.1f}"
            " MiB of 64)")
    say(f"send these {count} run calls back to back (at most 30 s apart):")
    for number in range(1, count + 1):
        last = " (installs, runs the benchmark: timeout_s 600)" if number == count else ""
        say(f"  carry [\"{FOLDERS[number - 1]}\"], command \"bash scripts/gpu_device.sh "
            f"{number} {count}\"{last}")


if __name__ == "__main__":
    main()
