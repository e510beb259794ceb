set.seed(42)
x <- rnorm(500)
x[sample(500, 40)] <- NA
x[sample(500, 10)] <- NaN

test_that("score_series equals a plain R loop, NA and NaN skipped", {
  expect_equal(score_series(x), plain_loop_score(x))
  expect_equal(score_series(x, up = 0.8, down = 0.3, init = 1),
               plain_loop_score(x, 0.8, 0.3, 1))
  s <- score_series(x, na_rm = FALSE)
  first <- which(is.na(x))[1]
  expect_equal(s[seq_len(first - 1)], plain_loop_score(x[seq_len(first - 1)]))
  expect_true(all(is.na(s[first:500])))
  expect_false(any(is.nan(s)))   # NA_real_, not NaN
})

test_that("integers and logicals become doubles", {
  expect_equal(score_series(1:5), score_series(as.numeric(1:5)))
  expect_equal(fs_cumsum(c(TRUE, NA, TRUE)), c(1, NA, 2))
  expect_equal(rolling_sum(c(1L, NA, 3L), 1), c(1, NA, 3))
})

test_that("rolling mean and sum equal data.table::frollmean/frollsum and stats::filter", {
  skip_if_not_installed("data.table")
  for (w in c(1, 3, 10)) {
    expect_close(rolling_mean(x, w), data.table::frollmean(x, w), 1e-12)
    expect_close(rolling_sum(x, w), data.table::frollsum(x, w), 1e-12)
    expect_close(rolling_sum(x, w),
                 as.numeric(stats::filter(x, rep(1, w), sides = 1)), 1e-12)
    # min_periods = 1: NA skipped inside the window (frollmean na.rm = TRUE)
    r <- rolling_mean(x, w, min_periods = 1)
    d <- data.table::frollmean(x, w, na.rm = TRUE)
    expect_close(r[w:500], d[w:500], 1e-12)
  }
  # centered windows, as stats::filter(sides = 2) for odd windows
  expect_close(rolling_sum(x, 5, center = TRUE),
               as.numeric(stats::filter(x, rep(1, 5), sides = 2)), 1e-12)
})

roll_loop <- function(x, w, f, minp = w) {
  vapply(seq_along(x), function(i) {
    v <- x[max(1, i - w + 1):i]
    v <- v[!is.na(v)]
    if (length(v) < minp) NA_real_ else f(v)
  }, numeric(1))
}

test_that("rolling var/sd/min/max/median/quantile/zscore equal R loops", {
  w <- 7
  vr <- function(v) if (length(v) < 2) NA_real_ else stats::var(v)
  expect_close(rolling_var(x, w, min_periods = 2), roll_loop(x, w, vr, 2), 1e-10)
  expect_close(rolling_std(x, w, min_periods = 2),
               roll_loop(x, w, function(v) sqrt(vr(v)), 2), 1e-10)
  expect_close(rolling_min(x, w, min_periods = 1), roll_loop(x, w, min, 1))
  expect_close(rolling_max(x, w, min_periods = 1), roll_loop(x, w, max, 1))
  expect_close(rolling_median(x, w, min_periods = 1),
               roll_loop(x, w, stats::median, 1))
  for (q in c(0, 0.1, 0.5, 0.9, 1)) {
    expect_close(rolling_quantile(x, w, q, min_periods = 1),
                 roll_loop(x, w, function(v) unname(stats::quantile(v, q)), 1),
                 1e-12)
  }
  expect_close(rolling_quantile(x, w, 0.3, "lower"),
               roll_loop(x, w, function(v) sort(v)[floor(0.3 * (length(v) - 1)) + 1]))
  y <- cumsum(rnorm(300))
  z <- vapply(seq_along(y), function(i) {
    if (i < w) return(NA_real_)
    v <- y[(i - w + 1):i]
    (y[i] - mean(v)) / stats::sd(v)
  }, numeric(1))
  expect_close(rolling_zscore(y, w), z, 1e-9)
})

test_that("ewm_mean with adjust = FALSE is the recursive stats::filter", {
  y <- rnorm(200)
  a <- 0.3
  ref <- c(y[1], as.numeric(stats::filter(a * y[-1], 1 - a,
                                          method = "recursive", init = y[1])))
  expect_close(ewm_mean(y, alpha = a, adjust = FALSE), ref, 1e-12)
  # adjust = TRUE: weights (1-a)^k normalised, as a loop
  adj <- vapply(seq_along(y), function(i) {
    wts <- (1 - a)^((i - 1):0)
    sum(wts * y[1:i]) / sum(wts)
  }, numeric(1))
  expect_close(ewm_mean(y, alpha = a), adj, 1e-12)
  expect_close(ewm_mean(y, span = 2 / a - 1), adj, 1e-12)
  expect_close(ewm_mean(y, com = 1 / a - 1), adj, 1e-12)
  expect_close(ewm_std(y, alpha = a), sqrt(ewm_var(y, alpha = a)), 1e-12)
})

test_that("cumulative kernels equal base R", {
  y <- c(3, 1, NA, 4, 1, 5, NaN, 2)
  expect_identical(fs_cumsum(y, na_rm = FALSE), cumsum(ifelse(is.nan(y), NA, y)))
  expect_identical(fs_cummax(y, na_rm = FALSE), cummax(ifelse(is.nan(y), NA, y)))
  expect_identical(fs_cummin(y, na_rm = FALSE), cummin(ifelse(is.nan(y), NA, y)))
  yy <- y
  yy[is.na(yy)] <- 0
  s <- cumsum(yy)
  s[is.na(y)] <- NA
  expect_identical(fs_cumsum(y), s)
  p <- c(1, 2, 1.5, 3, 2.4)
  expect_equal(drawdown(p), p / cummax(p) - 1)
  z <- rnorm(1000)
  expect_equal(fs_cumsum(z), cumsum(z))
})

test_that("missing outputs are NA_real_, not NaN", {
  for (r in list(rolling_mean(c(NaN, 1, 2), 2), score_series(c(1, NaN), na_rm = FALSE),
                 fs_cumsum(c(NaN, 1)), ewm_var(c(1, 2), alpha = 0.5),
                 fs_mean(numeric(0)), group_mean(1, factor("a", c("a", "b"))))) {
    expect_true(any(is.na(r)))
    expect_false(any(is.nan(r)))
  }
})

test_that("matrices are processed column by column and keep dim and dimnames", {
  m <- matrix(rnorm(600), 200, 3, dimnames = list(NULL, c("a", "b", "c")))
  m[5, 2] <- NA
  r <- rolling_mean(m, 10)
  expect_equal(dim(r), dim(m))
  expect_equal(dimnames(r), dimnames(m))
  for (j in 1:3) {
    expect_equal(r[, j], rolling_mean(m[, j], 10))
    expect_equal(unname(score_series(m)[, j]), score_series(m[, j]))
  }
  expect_equal(fs_sum(m), colSums(m, na.rm = TRUE))
  expect_equal(fs_mean(m), colMeans(m, na.rm = TRUE))
  expect_equal(names(fs_var(m)), c("a", "b", "c"))
  nm <- c(a = 1, b = 2)
  expect_equal(names(score_series(nm)), c("a", "b"))
})

test_that("long series cross chunk boundaries exactly", {
  y <- rnorm(20000)
  y[sample(20000, 100)] <- NA
  expect_equal(score_series(y), plain_loop_score(y))
  skip_if_not_installed("data.table")
  expect_close(rolling_mean(y, 50), data.table::frollmean(y, 50), 1e-12)
})
