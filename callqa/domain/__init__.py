"""The records every layer shares and none owns: call metadata, transcripts and their parts,
scores with their evidence, FCR, flag and review records, errors, the progress protocol and
the language-aware text normaliser. It imports no other callqa package."""

from callqa.domain.records import (
    TRANSCRIPT_SCHEMA,
    AudioInfo,
    CallMetadata,
    ChannelLayout,
    ConversationMetrics,
    ModelInfo,
    Role,
    RoleAssignment,
    RoleMetrics,
    Speaker,
    SpeechRegion,
    Transcript,
    Turn,
    Utterance,
    Word,
)

__all__ = [
    "TRANSCRIPT_SCHEMA",
    "AudioInfo",
    "CallMetadata",
    "ChannelLayout",
    "ConversationMetrics",
    "ModelInfo",
    "Role",
    "RoleAssignment",
    "RoleMetrics",
    "Speaker",
    "SpeechRegion",
    "Transcript",
    "Turn",
    "Utterance",
    "Word",
]
