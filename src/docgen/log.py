"""The one `docgen` logger, what each level means, and messages made safe to show on a terminal.

DEBUG    per-render timings and sizes (kind, pages, bytes, ms)
INFO     one line per file written or job step completed
WARNING  the work completed, but something needs a person's attention
ERROR    a document or record failed and was reported

Never log a model, a name, an SSN, a birth date or a key: log ids, kinds and counts.
"""

import logging
import re

LOGGER = logging.getLogger("docgen")

# What a terminal acts on instead of showing: the C0 and C1 controls and DEL (ECMA-48 §5), and
# the bidirectional marks, embeddings, overrides and isolates that reorder what follows them
# (Unicode UAX #9 §2; CVE-2021-42574, "Trojan Source"), with the line and paragraph separators.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def shown(text: str) -> str:
    """`text` with every control character escaped as Python writes it (`\\x1b`, `\\u202e`): safe on a terminal."""
    return _UNSHOWN.sub(_escape, text)


class ShownFilter(logging.Filter):
    """A handler's filter: the record's message with its control characters escaped by `shown`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = shown(record.getMessage()), None
        return True
