"""`python -m cli`: the library's commands (without the app's `serve`)."""

import sys

from cli.main import main

sys.exit(main())
