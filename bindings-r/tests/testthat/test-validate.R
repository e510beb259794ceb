df <- data.frame(
  price = c(10, NA, 2e6, 5, Inf),
  id = c(1L, 2L, 2L, 3L, 4L),
  day = as.Date("2024-01-01") + c(0, 1, 2, 4, 5),
  s = c("a", "b", "c", "z", NA),
  stringsAsFactors = FALSE)

test_that("validate reports failing rows (1-based) and values per column and rule", {
  rep <- validate(df, list(price = list(not_missing(), in_range(0, 1e6), finite()),
                           id = rule_unique(),
                           day = list(monotonic(strict = TRUE), no_gaps(1)),
                           s = list(in_set("a", "b", "c"), not_missing())))
  expect_s3_class(rep, "ferroscore_report")
  expect_s3_class(rep, "data.frame")
  expect_false(attr(rep, "ok"))
  expect_equal(rep$column, c("price", "price", "price", "id", "day", "day", "s", "s"))
  expect_equal(rep$n_failed, c(1, 2, 2, 1, 0, 1, 1, 1))
  expect_equal(rep$passed, rep$n_failed == 0)
  expect_equal(rep$failing_rows[[1]], 2L)
  expect_equal(rep$failing_rows[[2]], c(3L, 5L))
  expect_equal(rep$failing_values[[2]], c(2e6, Inf))
  expect_equal(rep$failing_rows[[4]], 3L)
  expect_equal(rep$failing_rows[[6]], 4L)
  expect_equal(rep$failing_values[[7]], "z")
  expect_output(print(rep), "FAILED")
  ok <- validate(df, list(id = monotonic()))
  expect_true(attr(ok, "ok"))
  expect_output(print(ok), "passed")
})

test_that("max_failures limits the rows kept, not the count", {
  d <- data.frame(v = c(NA, NA, NA, 1))
  r <- validate(d, list(v = not_missing()), max_failures = 2)
  expect_equal(r$n_failed, 3)
  expect_equal(r$failing_rows[[1]], 1:2)
})

test_that("max_abs_zscore agrees with a plain R computation", {
  set.seed(1)
  v <- c(rnorm(100), 8)
  z <- abs(v - mean(v)) / stats::sd(v)
  r <- validate(data.frame(v = v), list(v = max_abs_zscore(3)))
  expect_equal(r$failing_rows[[1]], which(z > 3))
})

test_that("stop_on_failure raises a ferroscore_error carrying the report", {
  e <- tryCatch(validate(df, list(id = rule_unique()), stop_on_failure = TRUE),
                error = function(e) e)
  expect_s3_class(e, "ferroscore_error")
  expect_match(conditionMessage(e), "id unique")
  expect_s3_class(e$report, "ferroscore_report")
  expect_silent(validate(df, list(id = monotonic()), stop_on_failure = TRUE))
})

test_that("bad rules and columns raise ferroscore_error naming the problem", {
  expect_error(validate(df, list(nope = finite())), "nope", class = "ferroscore_error")
  expect_error(validate(df, list(price = in_range(2, 1))), "lo", class = "ferroscore_error")
  expect_error(validate(df, list(price = in_range(0, 1, closed = "half"))), "closed",
               class = "ferroscore_error")
  expect_error(validate(df, list(price = max_abs_zscore(-1))), "`k`", class = "ferroscore_error")
  expect_error(validate(df, list(s = in_range(0, 1))), "s", class = "ferroscore_error")
  expect_error(validate(df, list(price = "finite")), "rules", class = "ferroscore_error")
  expect_error(validate(df, list(finite())), "rules", class = "ferroscore_error")
  expect_error(validate(NULL, list()), "data", class = "ferroscore_error")
  expect_error(validate(df, list(id = finite()), max_failures = -1), "max_failures",
               class = "ferroscore_error")
})
