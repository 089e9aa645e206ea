"""A pyannote.audio speaker-diarization pipeline saved locally with RANDOMLY INITIALISED
models: no pretrained pyannote weights can be downloaded here. It exercises the adapter's
loading, input and output plumbing, never accuracy."""

from __future__ import annotations

from pathlib import Path

import yaml

PIPELINE_CONFIG = {
    "pipeline": {
        "name": "pyannote.audio.pipelines.SpeakerDiarization",
        "params": {
            "segmentation": "$model/segmentation",
            "embedding": "$model/embedding",
            "plda": "$model/plda",
            "clustering": "VBxClustering",
        },
    },
    "params": {
        "segmentation": {"min_duration_off": 0.0},
        "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
    },
}
EMBEDDING_DIM = 256
LDA_DIM = 128


def save_random_pipeline(directory: Path, seed: int = 0) -> Path:
    """Write `config.yaml` and random `segmentation/`, `embedding/` and `plda/` under
    `directory`, laid out like pyannote/speaker-diarization-community-1."""
    import lightning
    import numpy as np
    import torch
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import WeSpeakerResNet34
    from pyannote.audio.models.segmentation import PyanNet

    torch.manual_seed(seed)
    segmentation = PyanNet()
    segmentation.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION, resolution=Resolution.FRAME, duration=5.0,
        classes=["speaker#1", "speaker#2", "speaker#3"], powerset_max_classes=2,
        permutation_invariant=True,
    )
    embedding = WeSpeakerResNet34()
    embedding.specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=2.0
    )
    for name, model in (("segmentation", segmentation), ("embedding", embedding)):
        model.build()
        checkpoint = {
            "state_dict": model.state_dict(),
            "hyper_parameters": dict(model.hparams),
            "pytorch-lightning_version": lightning.__version__,
        }
        model.on_save_checkpoint(checkpoint)
        (directory / name).mkdir(parents=True, exist_ok=True)
        torch.save(checkpoint, directory / name / "pytorch_model.bin")
    rng = np.random.default_rng(seed)
    (directory / "plda").mkdir(parents=True, exist_ok=True)
    np.savez(directory / "plda/xvec_transform.npz", mean1=rng.normal(size=EMBEDDING_DIM),
             mean2=rng.normal(size=LDA_DIM), lda=rng.normal(size=(EMBEDDING_DIM, LDA_DIM)))
    np.savez(directory / "plda/plda.npz", mu=rng.normal(size=LDA_DIM),
             tr=np.eye(LDA_DIM) + 0.01 * rng.normal(size=(LDA_DIM, LDA_DIM)),
             psi=rng.uniform(0.5, 2.0, size=LDA_DIM))
    (directory / "config.yaml").write_text(yaml.safe_dump(PIPELINE_CONFIG))
    return directory
