"""Neural: the torch networks with their losses, the one training loop and the fitting path they share."""
