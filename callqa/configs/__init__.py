"""Settings and YAML scorecards. Nothing here is read at import time."""

from callqa.configs.settings import (
    AudioSettings,
    DiarizationSettings,
    MetricsSettings,
    Settings,
    TranscriptionSettings,
    VadSettings,
    load_settings,
)

__all__ = [
    "AudioSettings",
    "DiarizationSettings",
    "MetricsSettings",
    "Settings",
    "TranscriptionSettings",
    "VadSettings",
    "load_settings",
]
