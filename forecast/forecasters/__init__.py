"""Forecasters: the base class every forecaster shares, the baselines, the neural forecasters, intervals."""
