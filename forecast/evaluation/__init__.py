"""Evaluation: metrics, rolling-origin backtests, their scores, and comparisons of models."""
