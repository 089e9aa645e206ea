"""Redaction of card data and personal data from transcripts and text (docs/privacy.md).

`redact_transcript(transcript, settings)` returns the transcript with each secret replaced by
its tag (`[PCI:CARD]`, `[PII:PHONE]`...) in text and words, and the `RedactedSpan`s (kind,
utterance, seconds) that `callqa.pipeline.silence` silences in the recording.
`redact_text(text, language, settings)` does the same for a plain text.
"""

from callqa.pipeline.redact.apply import (
    RedactedSpan,
    TextSpan,
    find_spans,
    redact_text,
    redact_transcript,
)
from callqa.pipeline.redact.lexicon import PCI_KINDS, Kind

__all__ = ["PCI_KINDS", "Kind", "RedactedSpan", "TextSpan", "find_spans", "redact_text",
           "redact_transcript"]
