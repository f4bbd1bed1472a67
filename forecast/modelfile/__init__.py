"""The model file: its format, `load`, and output files written so that nothing is lost."""
