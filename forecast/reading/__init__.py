"""Reading: a CSV file (or a frame) to a checked frame with a regular DatetimeIndex, one series or many."""
