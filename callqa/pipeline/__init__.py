"""Audio decoding, transcription, diarization, word-to-speaker alignment, roles, metrics.

Heavy models are loaded by `get_transcriber()`, never at import time.
"""

from callqa.pipeline.audio import DecodedAudio, decode_audio
from callqa.pipeline.calls import transcribe_audio, transcribe_call
from callqa.pipeline.exports import export
from callqa.pipeline.transcribe import Transcriber, get_transcriber

__all__ = [
    "DecodedAudio",
    "Transcriber",
    "decode_audio",
    "export",
    "get_transcriber",
    "transcribe_audio",
    "transcribe_call",
]
