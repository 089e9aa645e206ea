"""Make pyannote.audio importable beside a CPU-only torch.

PyPI's torchaudio wheels are CUDA builds: their compiled extensions fail to load beside the
CPU build of torch ("missing libc10_cuda.so"), and importing torchaudio then fails. callqa
gives pyannote in-memory waveforms, so only torchaudio's pure-Python parts are used; this
removes the compiled extensions when, and only when, they cannot be loaded.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path


def main() -> int:
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or spec.origin is None:
        return 0  # not installed: nothing to do
    probe = subprocess.run([sys.executable, "-c", "import torchaudio"], capture_output=True)
    if probe.returncode == 0:
        return 0  # a matching build (e.g. on a GPU machine): leave it alone
    library = Path(spec.origin).parent / "lib"
    removed = sorted(library.glob("*.so"))
    for path in removed:
        path.unlink()
    probe = subprocess.run([sys.executable, "-c", "import torchaudio"], capture_output=True,
                           text=True)
    print(f"setup: removed {len(removed)} torchaudio extension(s) that cannot load beside "
          f"this torch; torchaudio {'imports' if probe.returncode == 0 else 'still fails'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
