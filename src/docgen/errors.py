"""Exception tree: one class per failure family.

    DocgenError
    ├── ConfigError        a DOCGEN_* setting cannot be read
    ├── InputError         the input breaks the schema or an enrollment rule (carries every Problem)
    ├── UnknownKindError   no document kind has that name
    ├── RenderError        the layout engine failed on valid input
    ├── ResourceError      the renderer asked for a file outside assets/ and fonts/
    ├── BatchError         a batch job cannot go on (workers lost, output folder busy); re-run resumes
    └── GoldenMismatch     a rendered page differs from its reviewed golden
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input: where (JSON path), which rule, and why."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message}


class DocgenError(Exception):
    """Base of every error docgen raises on purpose."""


class ConfigError(DocgenError):
    """A DOCGEN_* setting is missing, malformed or out of range."""


class InputError(DocgenError):
    """The input is invalid; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(dict.fromkeys(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownKindError(DocgenError):
    """No document kind has the requested name."""


class RenderError(DocgenError):
    """The HTML or PDF engine failed on an input that passed validation."""


class ResourceError(DocgenError):
    """A template referenced a resource the fetcher refuses (outside assets/ and fonts/)."""


class BatchError(DocgenError):
    """A batch job stopped short (its workers were lost, its folder is in use); re-running resumes it."""


class GoldenMismatch(DocgenError):
    """A rendered document no longer matches its reviewed golden files."""
