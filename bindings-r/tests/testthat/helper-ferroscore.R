# Shared helpers: NA-aware comparison, and where the shared vectors live.

# TRUE where both are missing or both equal within tolerance (infinities
# exactly).
expect_close <- function(got, exp, tol = 1e-12, info = NULL) {
  expect_equal(length(got), length(exp), info = info)
  same_na <- is.na(got) == is.na(exp)
  expect_true(all(same_na), info = paste(info, "missing at different rows"))
  ok <- !is.na(exp) & !is.na(got)
  inf <- ok & is.infinite(exp)
  expect_true(all(got[inf] == exp[inf]), info = paste(info, "infinities"))
  fin <- ok & !is.infinite(exp)
  err <- abs(got[fin] - exp[fin])
  expect_true(all(err <= tol + tol * abs(exp[fin])),
              info = paste(info, "max error", if (any(fin)) max(err) else 0))
}

# Where tests/vectors is: $FERROSCORE_VECTORS, a copy staged next to the tests
# (R CMD check), or the repository's when run from the source tree.
vectors_dir <- function() {
  cands <- c(Sys.getenv("FERROSCORE_VECTORS"), test_path("vectors"),
             file.path(test_path(), "..", "..", "..", "tests", "vectors"))
  for (d in cands) if (nzchar(d) && file.exists(file.path(d, "cases.tsv")))
    return(d)
  NULL
}

plain_loop_score <- function(x, up = 0.9, down = 0.5, init = 0) {
  s <- init
  out <- numeric(length(x))
  for (i in seq_along(x)) {
    v <- x[i]
    if (!is.na(v)) s <- if (v > s) s * up + v else s * down
    out[i] <- s
  }
  out
}

# A condition of class ferroscore_error whose message contains `pattern`,
# with no Rust backtrace in it.
expect_fs_error <- function(expr, pattern) {
  e <- tryCatch(expr, error = function(e) e)
  expect_s3_class(e, "ferroscore_error")
  expect_match(conditionMessage(e), pattern, fixed = TRUE)
  expect_false(grepl("backtrace|panicked|rust", conditionMessage(e), ignore.case = TRUE))
}
