#!/usr/bin/env python3
"""Django's command line for this project. Started by a Python without Django (as
`./manage.py …` is, by the first python3 on the PATH), it runs itself again with
the checkout's .venv, the one `make install` makes."""

import importlib.util
import os
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv"
VENV_PYTHON = VENV / "bin" / "python"


def main():
    if importlib.util.find_spec("django") is None:
        if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV.resolve():
            os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])
        sys.exit("Django is not installed here: `make install` installs it in .venv.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lublin.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
