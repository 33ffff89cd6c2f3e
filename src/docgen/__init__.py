"""docgen: documents and statements for health-benefit plans, from structured enrollment data."""

from docgen.documents import KINDS
from docgen.documents.pipeline import document_html, render_document
from docgen.enrollment.model import Enrollment, parse_enrollment
from docgen.enrollment.rules import check_enrollment, enrollment_number
from docgen.errors import (
    BatchError,
    ConfigError,
    DocgenError,
    GoldenMismatch,
    InputError,
    Problem,
    RenderError,
    ResourceError,
    UnknownKindError,
)
from docgen.tax.input import TaxSavingsInput, parse_illustration

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "BatchError",
    "ConfigError",
    "DocgenError",
    "Enrollment",
    "GoldenMismatch",
    "InputError",
    "Problem",
    "RenderError",
    "ResourceError",
    "TaxSavingsInput",
    "UnknownKindError",
    "check_enrollment",
    "document_html",
    "enrollment_number",
    "parse_enrollment",
    "parse_illustration",
    "render_document",
]
