set.seed(3)
x <- rnorm(10000)
x[sample(10000, 300)] <- NA

chunked <- function(st, x, cuts) {
  idx <- split(seq_along(x), findInterval(seq_along(x), cuts))
  unlist(lapply(idx, function(i) state_update(st, x[i])), use.names = FALSE)
}

test_that("states fed in chunks give the same bits as one call", {
  cuts <- c(1, 2, 37, 4097, 4100, 9000)
  cases <- list(
    list("score_series", list(), score_series),
    list("ewm_mean", list(alpha = 0.1), function(x) ewm_mean(x, alpha = 0.1)),
    list("ewm_var", list(span = 20), function(x) ewm_var(x, span = 20)),
    list("ewm_std", list(halflife = 5, adjust = FALSE),
         function(x) ewm_std(x, halflife = 5, adjust = FALSE)),
    list("rolling_mean", list(window = 20), function(x) rolling_mean(x, 20)),
    list("rolling_std", list(window = 20, min_periods = 2),
         function(x) rolling_std(x, 20, min_periods = 2)),
    list("rolling_median", list(window = 9), function(x) rolling_median(x, 9)),
    list("rolling_quantile", list(window = 9, q = 0.25),
         function(x) rolling_quantile(x, 9, 0.25)),
    list("cumsum", list(), fs_cumsum),
    list("cummax", list(na_rm = FALSE), function(x) fs_cummax(x, na_rm = FALSE)),
    list("drawdown", list(), drawdown))
  for (cs in cases) {
    st <- do.call(scan_state, c(list(cs[[1]]), cs[[2]]))
    expect_identical(chunked(st, x, cuts), cs[[3]](x), label = cs[[1]])
  }
})

test_that("time-based ewm_mean states resume, and copies branch", {
  t <- cumsum(runif(100))
  y <- rnorm(100)
  st <- scan_state("ewm_mean", halflife = 2)
  r <- c(state_update(st, y[1:40], times = t[1:40]),
         state_update(st, y[41:100], times = t[41:100]))
  expect_identical(r, ewm_mean(y, halflife = 2, times = t))
  a <- scan_state("score_series")
  state_update(a, c(1, 2, 3))
  b <- state_copy(a)
  expect_identical(state_update(a, 5), state_update(b, 5))
  expect_output(print(a), "score_series")
})

test_that("bad state use raises ferroscore_error", {
  expect_error(scan_state("nope"), class = "ferroscore_error")
  expect_error(scan_state("rolling_mean"), "window", class = "ferroscore_error")
  expect_error(scan_state("rolling_mean", window = 3, wnidow = 2), "wnidow",
               class = "ferroscore_error")
  expect_error(state_update(list(), 1), "state", class = "ferroscore_error")
  st <- scan_state("cumsum")
  expect_error(state_update(st, "a"), "`x`", class = "ferroscore_error")
  expect_error(state_update(st, 1, times = 1), "times", class = "ferroscore_error")
  st <- scan_state("ewm_mean", halflife = 1)
  state_update(st, 1, times = 5)
  expect_error(state_update(st, 2, times = 4), "times", class = "ferroscore_error")
  expect_equal(state_update(st, 2, times = 6), ewm_mean(c(1, 2), halflife = 1, times = c(5, 6))[2])
})
