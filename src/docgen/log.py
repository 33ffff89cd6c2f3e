"""The one `docgen` logger, and what each level means.

DEBUG    per-render timings and sizes (kind, pages, bytes, ms)
INFO     one line per file written or job step completed
WARNING  the work completed, but something needs a person's attention
ERROR    a document or record failed and was reported

Never log a model, a name, an SSN, a birth date or a key: log ids, kinds and counts.
"""

import logging

LOGGER = logging.getLogger("docgen")
