"""ML Pins runner: checks a Python environment, installs a project's pins, downloads a model and runs a test
generation. Runs in a VS Code terminal with the project's interpreter; standard library only at the top level.

Modules: codes (rule and runner codes), common (output, versions, atomic writes), diagnosis (error texts -> rule
codes), hardware, doctor, install, models (ids, file selection, download), generate, steps (the `all` command's
list of steps), schema (the summary's JSON Schema), cli. The entry point is python/ml_pins_runner.py.
"""
from .codes import RULE_CODES, RUNNER_CODES, RUNNER_VERSION, rule_code
from .diagnosis import companion_problems, diagnose_pip_output, diagnose_text
from .models import MODEL_ALIASES, is_valid_repo_id, select_pipeline_files, snapshot_problems
from .cli import main

__all__ = ["RULE_CODES", "RUNNER_CODES", "RUNNER_VERSION", "rule_code", "companion_problems", "diagnose_pip_output",
           "diagnose_text", "MODEL_ALIASES", "is_valid_repo_id", "select_pipeline_files", "snapshot_problems", "main"]
