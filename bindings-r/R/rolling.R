# Rolling windows: one internal wrapper, one exported function per statistic.

.rolling <- function(x, stat, window, min_periods, center, ddof, q,
                     interpolation, na_rm, call) {
  if (missing(window)) .fs_arg_error("window", "is required", call)
  if (missing(q)) .fs_arg_error("q", "is required", call)
  r <- .Call(wrap__fs_rolling, x, stat, window, min_periods, center, ddof, q,
             interpolation, na_rm)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  r
}

rolling_sum <- function(x, window, min_periods = window, center = FALSE,
                        na_rm = TRUE)
  .rolling(x, "sum", window, min_periods, center, 1, NULL, NULL, na_rm,
           sys.call())

rolling_mean <- function(x, window, min_periods = window, center = FALSE,
                         na_rm = TRUE)
  .rolling(x, "mean", window, min_periods, center, 1, NULL, NULL, na_rm,
           sys.call())

rolling_var <- function(x, window, min_periods = window, center = FALSE,
                        ddof = 1, na_rm = TRUE)
  .rolling(x, "var", window, min_periods, center, ddof, NULL, NULL, na_rm,
           sys.call())

rolling_std <- function(x, window, min_periods = window, center = FALSE,
                        ddof = 1, na_rm = TRUE)
  .rolling(x, "std", window, min_periods, center, ddof, NULL, NULL, na_rm,
           sys.call())

rolling_zscore <- function(x, window, min_periods = window, center = FALSE,
                           ddof = 1, na_rm = TRUE)
  .rolling(x, "zscore", window, min_periods, center, ddof, NULL, NULL, na_rm,
           sys.call())

rolling_min <- function(x, window, min_periods = window, center = FALSE,
                        na_rm = TRUE)
  .rolling(x, "min", window, min_periods, center, 1, NULL, NULL, na_rm,
           sys.call())

rolling_max <- function(x, window, min_periods = window, center = FALSE,
                        na_rm = TRUE)
  .rolling(x, "max", window, min_periods, center, 1, NULL, NULL, na_rm,
           sys.call())

rolling_median <- function(x, window, min_periods = window, center = FALSE,
                           na_rm = TRUE)
  .rolling(x, "median", window, min_periods, center, 1, NULL, NULL, na_rm,
           sys.call())

rolling_quantile <- function(x, window, q, interpolation = "linear",
                             min_periods = window, center = FALSE,
                             na_rm = TRUE)
  .rolling(x, "quantile", window, min_periods, center, 1, q, interpolation,
           na_rm, sys.call())
