"""Exception tree: one class per failure family.

    DocgenError
    ├── ConfigError        a DOCGEN_* setting cannot be read
    ├── InputError         the input or an option breaks the schema or a rule (carries every Problem);
    │                      also a batch's --out folder in use or full, and an unknown API key name
    ├── UnknownKindError   no document kind has that name
    ├── RenderError        the layout engine failed on valid input
    ├── ResourceError      the renderer asked for a file outside assets/ and fonts/
    ├── GoldenMismatch     a rendered page differs from its reviewed golden
    ├── BatchError         a batch job cannot go on (workers or the cluster lost); re-run resumes
    ├── StoreError         the API's key and audit database cannot be opened, read or written
    │   ├── StoreUnavailable   it cannot be reached now (PostgreSQL away, a time limit hit): 503, retry
    │   └── SchemaMismatch     its schema version is not this docgen's: the operator's to fix
    │                          (`docgen db upgrade`), so the CLI exits 2 as for bad input, not 1
    ├── RequestError       the API refuses a request before rendering it
    │   ├── MalformedRequest       the body is not JSON (400)
    │   ├── Unauthenticated        no valid API key (401)
    │   ├── Forbidden              the key lacks the scope (403)
    │   ├── ClientTimeout          the body did not arrive within the client timeout (408)
    │   ├── BodyTooLarge           the body is over the limit (413)
    │   └── UnsupportedMediaType   the body is not application/json (415)
    └── PoolError          the render pool could not produce an answer
        ├── PoolFull               every worker busy and the queue full (503)
        ├── RenderTimeout          a render ran over its time limit; its worker was replaced (504)
        └── WorkerLost             a worker died during the render; it was replaced (500)

Messages never name personal data: the API puts them in response bodies.
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


class StoreError(DocgenError):
    """The database holding API keys and the audit log cannot be used."""


class StoreUnavailable(StoreError):
    """The database cannot be reached now; a later try may succeed (the API answers 503, Retry-After)."""


class SchemaMismatch(StoreError):
    """The database's schema is older (run `docgen db upgrade`), empty, or newer than this docgen's."""


class RequestError(DocgenError):
    """The API refuses a request before rendering anything."""


class MalformedRequest(RequestError):
    """The request body is not well-formed JSON."""


class Unauthenticated(RequestError):
    """No API key, or one that is unknown or revoked."""


class Forbidden(RequestError):
    """The API key is valid but lacks the scope the route needs."""


class ClientTimeout(RequestError):
    """The request's body did not arrive within the configured client timeout."""


class BodyTooLarge(RequestError):
    """The request body is larger than the configured limit."""


class UnsupportedMediaType(RequestError):
    """The request body is not declared as application/json."""


class PoolError(DocgenError):
    """The render pool could not produce an answer for a request."""


class PoolFull(PoolError):
    """Every render worker is busy and the waiting queue is full."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RenderTimeout(PoolError):
    """A render ran over its time limit; its worker was killed and replaced."""


class WorkerLost(PoolError):
    """A render worker died during a request; it was replaced."""
