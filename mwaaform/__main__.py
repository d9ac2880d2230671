import sys

from mwaaform.cli import main

sys.exit(main())
