"""The statistical workhorses: ETS, Theta and ARIMA, one model per series selected within its family."""
