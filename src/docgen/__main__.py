"""`python -m docgen` runs the CLI."""

import sys

from docgen.cli import main

sys.exit(main())
