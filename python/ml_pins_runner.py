#!/usr/bin/env python3
"""Entry point of the ML Pins runner (the package python/ml_pins_runner/ beside this file does the work):

  python ml_pins_runner.py doctor|install|download|generate|all ... (see `--help`)

Kept as a file so the extension, tasks.json files and the tests call the same path as before the package existed.
"""
import os
import sys

sys.dont_write_bytecode = True  # the runner lives in the extension's install folder: write nothing there
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ml_pins_runner.cli import main  # noqa: E402  (the package of the same name wins over this file on import)

if __name__ == "__main__":
    sys.exit(main())
