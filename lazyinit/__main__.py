"""``python -m lazyinit``: the command line (see :mod:`lazyinit.cli`)."""

import sys

from lazyinit.cli import main

if __name__ == "__main__":
    sys.exit(main())
