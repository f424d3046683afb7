import sys

from livetrack.cli import main

sys.exit(main())
