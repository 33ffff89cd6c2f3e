"""What the store holds: keys (as listed, never in clear), scopes, audit rows, hashes standing in for secrets."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

KEY_PREFIX = "dgk"


class Scope(str, Enum):
    """What a key may do."""

    DOCUMENTS_RENDER = "documents:render"
    METRICS_READ = "metrics:read"


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: never the key itself nor its hash."""

    name: str
    scopes: frozenset[Scope]
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class AuditEntry:
    """One audited API request: no name, SSN or birth date, the participant only as a keyed hash."""

    at: str
    request_id: str
    key_name: str
    action: str
    kind: str
    subject_hmac: str | None
    output_sha256: str | None
    bytes: int | None
    duration_ms: float
    status: int
    #: The `docgen serve` instance that answered (DOCGEN_INSTANCE); None on rows written
    #: before schema version 2, when one instance had one database.
    instance: str | None = None


def now() -> str:
    """UTC time, ISO 8601 to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def digest(key: str) -> bytes:
    # Keys carry 256 random bits, so a fast hash suffices (no password stretching needed).
    return hashlib.sha256(key.encode("utf-8")).digest()


def subject_hmac(secret: bytes, participant_id: str) -> str:
    """The audit log's stand-in for a participant ID: HMAC-SHA256 under the audit key."""
    return hmac.new(secret, participant_id.encode("utf-8"), hashlib.sha256).hexdigest()


def scopes_of(text: str) -> frozenset[Scope]:
    return frozenset(Scope(value) for value in text.split())


def scopes_text(scopes: frozenset[Scope]) -> str:
    return " ".join(sorted(s.value for s in scopes))
