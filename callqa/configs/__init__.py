"""Settings and YAML scorecards. Nothing here is read at import time."""

from callqa.configs.settings import (
    AudioSettings,
    Settings,
    TranscriptionSettings,
    VadSettings,
    load_settings,
)

__all__ = ["AudioSettings", "Settings", "TranscriptionSettings", "VadSettings", "load_settings"]
