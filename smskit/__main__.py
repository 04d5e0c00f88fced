"""``python -m smskit`` runs the command-line tool."""

import sys

from smskit.cli import main

sys.exit(main())
