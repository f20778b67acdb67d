"""The engine stays small enough to read in one sitting."""

from pathlib import Path

import deepbricks.autograd

BUDGET = 700  # non-blank, non-comment lines in deepbricks/autograd/


def test_engine_fits_its_line_budget():
    folder = Path(deepbricks.autograd.__file__).parent
    lines = [
        line for path in folder.glob("*.py") for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(lines) <= BUDGET, f"deepbricks/autograd has {len(lines)} lines (> {BUDGET})"
