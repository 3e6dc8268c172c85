"""python -m iscm_kg: the iscm-kg command."""

import sys

from .cli import main

sys.exit(main())
