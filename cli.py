#!/usr/bin/env python3
"""Run the forecast command line from a checkout: ``python cli.py fit data.csv`` is ``forecast fit data.csv``."""

from forecast.cli.main import main

if __name__ == "__main__":
    main()
