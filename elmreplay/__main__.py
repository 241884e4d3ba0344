"""``python -m elmreplay``: the same command line as the ``elmreplay`` script."""

import sys

from .cli import main

sys.exit(main())
