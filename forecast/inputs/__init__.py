"""Inputs: what a model reads from a checked frame: windows, scaling, covariates and calendar features."""
