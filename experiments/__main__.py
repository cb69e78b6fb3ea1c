"""`python -m experiments COMMAND [overrides]`: the same front door as `hedgesim`."""

import sys

from experiments.cli import main

sys.exit(main())
