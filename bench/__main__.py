"""``python -m bench``: see ``python -m bench --help`` and the README's Benchmark section."""

import sys

from bench.run import main

sys.exit(main())
