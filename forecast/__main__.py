"""``python -m forecast`` (and ``torchrun -m forecast``) runs the command line."""

from .cli.main import main

main()
