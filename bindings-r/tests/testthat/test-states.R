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

test_that("every kernel state survives saveRDS mid-series", {
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  y <- x[1:3000]
  y[c(1200:1230, 2000)] <- NA
  resumed <- function(kernel, opts, cut, times = NULL) {
    st <- do.call(scan_state, c(list(kernel), opts))
    i <- seq_len(cut)
    j <- seq.int(cut + 1L, length(y))
    first <- state_update(st, y[i], times = times[i])
    saveRDS(st, f)
    st2 <- readRDS(f)
    c(first, state_update(st2, y[j], times = times[j]))
  }
  cases <- list(
    list("score_series", list(), score_series),
    list("score_series", list(up = 0.8, down = 0.3, init = 1, na_rm = FALSE),
         function(x) score_series(x, up = 0.8, down = 0.3, init = 1,
                                  na_rm = FALSE)),
    list("ewm_mean", list(alpha = 0.1), function(x) ewm_mean(x, alpha = 0.1)),
    list("ewm_mean", list(span = 7, adjust = FALSE, ignore_na = TRUE),
         function(x) ewm_mean(x, span = 7, adjust = FALSE, ignore_na = TRUE)),
    list("ewm_var", list(span = 20), function(x) ewm_var(x, span = 20)),
    list("ewm_var", list(com = 3, bias = TRUE, min_periods = 5),
         function(x) ewm_var(x, com = 3, bias = TRUE, min_periods = 5)),
    list("ewm_std", list(halflife = 5, adjust = FALSE),
         function(x) ewm_std(x, halflife = 5, adjust = FALSE)),
    list("rolling_sum", list(window = 20), function(x) rolling_sum(x, 20)),
    list("rolling_mean", list(window = 20), function(x) rolling_mean(x, 20)),
    list("rolling_var", list(window = 15, ddof = 0),
         function(x) rolling_var(x, 15, ddof = 0)),
    list("rolling_std", list(window = 20, min_periods = 2),
         function(x) rolling_std(x, 20, min_periods = 2)),
    list("rolling_zscore", list(window = 30), function(x) rolling_zscore(x, 30)),
    list("rolling_min", list(window = 11), function(x) rolling_min(x, 11)),
    list("rolling_max", list(window = 11, na_rm = FALSE),
         function(x) rolling_max(x, 11, na_rm = FALSE)),
    list("rolling_median", list(window = 9), function(x) rolling_median(x, 9)),
    list("rolling_median", list(window = 600, min_periods = 1),
         function(x) rolling_median(x, 600, min_periods = 1)),
    list("rolling_quantile", list(window = 9, q = 0.25),
         function(x) rolling_quantile(x, 9, 0.25)),
    list("rolling_quantile",
         list(window = 50, q = 0.9, interpolation = "nearest"),
         function(x) rolling_quantile(x, 50, 0.9, interpolation = "nearest")),
    list("cumsum", list(), fs_cumsum),
    list("cumsum", list(na_rm = FALSE), function(x) fs_cumsum(x, na_rm = FALSE)),
    list("cummax", list(), fs_cummax),
    list("cummin", list(na_rm = FALSE), function(x) fs_cummin(x, na_rm = FALSE)),
    list("drawdown", list(), drawdown))
  for (cs in cases) {
    want <- cs[[3]](y)
    # cuts: at the start, inside and right after a run of NAs, mid-window
    for (cut in c(1L, 5L, 1215L, 1231L, 2999L)) {
      expect_identical(resumed(cs[[1]], cs[[2]], cut), want,
                       label = paste(cs[[1]], "cut at", cut))
    }
  }
  # a time-based ewm_mean keeps its last time
  t <- cumsum(runif(length(y)))
  expect_identical(resumed("ewm_mean", list(halflife = 2), 1700L, times = t),
                   ewm_mean(y, halflife = 2, times = t))
  # a state reloaded twice, and its copies, still resume
  st <- scan_state("rolling_median", window = 25)
  a <- state_update(st, y[1:1000])
  saveRDS(st, f)
  st2 <- readRDS(f)
  b <- state_update(st2, y[1001:2000])
  saveRDS(st2, f)
  st3 <- state_copy(readRDS(f))
  expect_output(print(st3), "rolling state")
  expect_identical(c(a, b, state_update(st3, y[2001:3000])),
                   rolling_median(y, 25))
})
