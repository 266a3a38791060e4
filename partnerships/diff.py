"""Word-level differences between two versions of a text, for the version history."""

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """What changed from `old` to `new`, word by word (whitespace kept, so lines survive)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(after[b1:b2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(after[b1:b2])))
    return segments
