# Bad input: a condition of class ferroscore_error naming the argument, never
# a crash, never a Rust backtrace in the message (expect_fs_error is in the helper).

test_that("wrong types of x", {
  for (f in list(score_series, fs_cumsum, drawdown, fs_sum, power_sum, moments,
                 function(x) rolling_mean(x, 2), function(x) ewm_mean(x, alpha = 0.5))) {
    expect_fs_error(f(NULL), "`x`")
    expect_fs_error(f("a"), "`x`")
    expect_fs_error(f(list(1, 2)), "`x`")
    expect_fs_error(f(factor("a")), "`x`")
    expect_fs_error(f(array(1, c(1, 1, 1))), "`x`")
  }
})

test_that("zero-length input gives zero-length output", {
  expect_identical(score_series(numeric(0)), numeric(0))
  expect_identical(rolling_mean(numeric(0), 3), numeric(0))
  expect_identical(ewm_mean(integer(0), alpha = 0.1), numeric(0))
  expect_identical(fs_cumsum(numeric(0)), numeric(0))
  expect_equal(fs_count(numeric(0)), 0)
  expect_equal(dim(rolling_mean(matrix(numeric(0), 0, 2), 2)), c(0L, 2L))
  expect_equal(group_sum(numeric(0), character(0)), setNames(numeric(0), character(0)))
})

test_that("bad windows and options name the argument", {
  expect_fs_error(rolling_mean(1:5, 0), "`window`")
  expect_fs_error(rolling_mean(1:5, -1), "`window`")
  expect_fs_error(rolling_mean(1:5, 2.5), "`window`")
  expect_fs_error(rolling_mean(1:5, NA), "`window`")
  expect_fs_error(rolling_mean(1:5, "3"), "`window`")
  expect_fs_error(rolling_mean(1:5, c(2, 3)), "`window`")
  expect_fs_error(rolling_mean(1:5), "`window`")
  expect_fs_error(rolling_mean(1:5, 2, min_periods = 3), "min_periods")
  expect_fs_error(rolling_mean(1:5, 2, center = NA), "`center`")
  expect_fs_error(rolling_mean(1:5, 2, na_rm = "yes"), "`na_rm`")
  expect_fs_error(rolling_quantile(1:5, 2, q = 1.5), "`q`")
  expect_fs_error(rolling_quantile(1:5, 2, q = 0.5, interpolation = "cubic"), "interpolation")
  expect_fs_error(ewm_mean(1:5), "alpha")
  expect_fs_error(ewm_mean(1:5, alpha = 0.5, span = 3), "alpha")
  expect_fs_error(ewm_mean(1:5, alpha = 2), "`alpha`")
  expect_fs_error(ewm_mean(1:5, span = 0.5), "`span`")
  expect_fs_error(ewm_mean(1:5, alpha = 0.5, times = 1:5), "times")
  expect_fs_error(ewm_mean(1:5, halflife = 1, times = 1:4), "times")
  expect_fs_error(ewm_mean(1:3, halflife = 1, times = c(3, 2, 1)), "times")
  expect_fs_error(score_series(1:3, up = NA), "`up`")
  expect_fs_error(score_series(1:3, down = Inf), "`down`")
  expect_fs_error(score_series(1:3, init = "0"), "`init`")
  expect_fs_error(power_sum(1:3, p = NaN), "`p`")
  expect_fs_error(fs_var(1:3, ddof = -1), "ddof")
  expect_fs_error(dot(1:3, 1:2), "`b`")
  expect_fs_error(dot(1:3, NULL), "`b`")
  expect_fs_error(group_sum(1:3, c("a", "b")), "groups")
  expect_fs_error(group_sum(1:3, NULL), "groups")
  expect_fs_error(group_sum(1:3, list(1, 2, 3)), "groups")
  expect_fs_error(group_sum(data.frame(v = 1:3), "nope"), "nope")
  expect_fs_error(merge(moments(1:3), structure(1, class = "ferroscore_moments")), "`y`")
})

test_that("errors carry the argument and the user's call", {
  e <- tryCatch(rolling_mean(1:3, 0), error = function(e) e)
  expect_equal(e$argument, "window")
  expect_equal(deparse(conditionCall(e)), "rolling_mean(1:3, 0)")
})
