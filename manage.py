#!/usr/bin/env python3
"""Django's command line for this project. Started by a Python without Django (as
`./manage.py …` is, by the first python3 on the PATH), it runs itself again with
the checkout's .venv, the one `make install` makes."""

import importlib.util
import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"


def main():
    if importlib.util.find_spec("django") is None and VENV_PYTHON.exists():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lublin.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
