"""``python -m alkahest``: the command line (see alkahest.cli)."""

import sys

from .cli import main

sys.exit(main())
