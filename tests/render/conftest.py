"""The tagged PDFs of the member-facing kinds, rendered once for every render test that reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import get_settings
from docgen.documents.pipeline import Prepared, documents_of, render

#: English and Spanish (issue 22): the same checks pass in both languages; and names in
#: Arabic, Cyrillic and Chinese (issue 23).
EXAMPLES = ("jane-example", "mary", "familia-es", "lucia-es", "three-scripts")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every PDF each example makes, as `make run` writes it: "example/file name" -> path."""
    folder = tmp_path_factory.mktemp("tagged")
    pdfs: dict[str, Path] = {}
    for example in EXAMPLES:
        source = get_settings().home / "examples" / f"{example}.json"
        for _kind, _variant, prepared in documents_of(source.read_bytes()):
            if not isinstance(prepared, Prepared):
                continue
            output = render(prepared)
            if output.extension == "pdf":
                path = folder / example / output.file_name
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(output.content)
                pdfs[f"{example}/{output.file_name}"] = path
    return pdfs
