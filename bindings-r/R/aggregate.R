# Reductions (one value per vector, or per matrix column) and moments.

.reduce <- function(x, stat, ddof, p, call) {
  r <- .Call(wrap__fs_reduce, x, stat, ddof, p)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  r
}

fs_sum <- function(x) .reduce(x, "sum", 1, 1.5, sys.call())
fs_mean <- function(x) .reduce(x, "mean", 1, 1.5, sys.call())
fs_var <- function(x, ddof = 1) .reduce(x, "var", ddof, 1.5, sys.call())
fs_std <- function(x, ddof = 1) .reduce(x, "std", ddof, 1.5, sys.call())
fs_sd <- fs_std
fs_min <- function(x) .reduce(x, "min", 1, 1.5, sys.call())
fs_max <- function(x) .reduce(x, "max", 1, 1.5, sys.call())
fs_count <- function(x) .reduce(x, "count", 1, 1.5, sys.call())

power_sum <- function(x, p = 1.5) {
  r <- .Call(wrap__fs_reduce, x, "power_sum", 1, p)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r)
  r
}

dot <- function(a, b) {
  r <- .Call(wrap__fs_dot, a, b)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r)
  r
}

moments <- function(x) {
  r <- .Call(wrap__fs_moments, x)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r)
  structure(r, class = "ferroscore_moments")
}

merge.ferroscore_moments <- function(x, y, ...) {
  r <- .Call(wrap__fs_moments_merge, unclass(x), unclass(y))
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r)
  r <- structure(r, class = "ferroscore_moments")
  more <- list(...)
  for (m in more) r <- merge.ferroscore_moments(r, m)
  r
}

print.ferroscore_moments <- function(x, ...) {
  vs <- .Call(wrap__fs_moments_var, unclass(x), 1)
  if (inherits(vs, "ferroscore_rs_error")) .fs_abort(vs)
  v <- unclass(x)
  cat("ferroscore moments: count ", format(v[["count"]]),
      ", mean ", format(v[["mean"]]), ", var ", format(vs[1L]),
      ", sd ", format(vs[2L]), ", min ", format(v[["min"]]),
      ", max ", format(v[["max"]]), "\n", sep = "")
  invisible(x)
}
