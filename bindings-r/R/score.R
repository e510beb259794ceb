# Stateful scans: score_series, ewm_*, cumulative statistics.

score_series <- function(x, up = 0.9, down = 0.5, init = 0, na_rm = TRUE) {
  r <- .Call(wrap__fs_score_series, x, up, down, init, na_rm)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r)
  r
}

.ewm <- function(x, stat, alpha, span, com, halflife, adjust, ignore_na,
                 min_periods, bias, times, call) {
  r <- .Call(wrap__fs_ewm, x, stat, alpha, span, com, halflife, adjust,
             ignore_na, min_periods, bias, times)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  r
}

ewm_mean <- function(x, alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                     adjust = TRUE, ignore_na = FALSE, min_periods = 0,
                     times = NULL) {
  .ewm(x, "mean", alpha, span, com, halflife, adjust, ignore_na, min_periods,
       FALSE, times, sys.call())
}

ewm_var <- function(x, alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                    adjust = TRUE, ignore_na = FALSE, min_periods = 0,
                    bias = FALSE) {
  .ewm(x, "var", alpha, span, com, halflife, adjust, ignore_na, min_periods,
       bias, NULL, sys.call())
}

ewm_std <- function(x, alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                    adjust = TRUE, ignore_na = FALSE, min_periods = 0,
                    bias = FALSE) {
  .ewm(x, "std", alpha, span, com, halflife, adjust, ignore_na, min_periods,
       bias, NULL, sys.call())
}

.cum <- function(x, stat, na_rm, call) {
  r <- .Call(wrap__fs_cum, x, stat, na_rm)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  r
}

fs_cumsum <- function(x, na_rm = TRUE) .cum(x, "sum", na_rm, sys.call())
fs_cummax <- function(x, na_rm = TRUE) .cum(x, "max", na_rm, sys.call())
fs_cummin <- function(x, na_rm = TRUE) .cum(x, "min", na_rm, sys.call())
drawdown <- function(x) .cum(x, "drawdown", TRUE, sys.call())
