"""How the package's commands report progress: through `logging`, one message a line on standard output.

Kept apart from `common` (which imports torch) so that light commands such as `archive` and `report` start fast.
"""
from __future__ import annotations

import logging
import sys


def configure_logging(level: int = logging.INFO) -> None:
    """Progress lines on standard output, one message a line, as the scripts and their logs expect (run_cv.sh and
    gpu_protocol.sh read `[eval]` lines from a command's output)."""
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stdout, force=True)
