set.seed(7)
x <- c(rnorm(300), NA, NaN)

test_that("reductions equal base R with na.rm = TRUE", {
  expect_equal(fs_sum(x), sum(x, na.rm = TRUE))
  expect_equal(fs_mean(x), mean(x, na.rm = TRUE))
  expect_equal(fs_var(x), stats::var(x, na.rm = TRUE))
  expect_equal(fs_std(x), stats::sd(x, na.rm = TRUE))
  expect_equal(fs_sd(x), stats::sd(x, na.rm = TRUE))
  expect_equal(fs_var(x, ddof = 0), stats::var(x, na.rm = TRUE) * 299 / 300)
  expect_equal(fs_min(x), min(x, na.rm = TRUE))
  expect_equal(fs_max(x), max(x, na.rm = TRUE))
  expect_equal(fs_count(x), 300)
  expect_equal(power_sum(x), sum(x[!is.na(x) & x > 0]^1.5))
  expect_equal(power_sum(x, p = 2.5), sum(x[!is.na(x) & x > 0]^2.5))
  y <- rev(x)
  ok <- !is.na(x) & !is.na(y)
  expect_equal(dot(x, y), sum(x[ok] * y[ok]))
  expect_equal(fs_sum(numeric(0)), 0)
  expect_true(is.na(fs_mean(numeric(0))))
})

test_that("moments merge to the moments of the whole", {
  a <- moments(x[1:100])
  b <- moments(x[101:302])
  m <- merge(a, b)
  w <- moments(x)
  expect_equal(unclass(m)[["count"]], 300)
  expect_equal(unclass(m), unclass(w), tolerance = 1e-12)
  expect_output(print(m), "count 300")
})

test_that("group aggregations equal tapply, for factor, character and integer groups", {
  g <- sample(c("a", "b", "c"), 302, replace = TRUE)
  g[3] <- NA
  ok <- !is.na(x) & !is.na(g)
  ref <- function(f) c(tapply(x[ok], g[ok], f))
  expect_equal(group_sum(x, g), ref(sum))
  expect_equal(group_mean(x, g), ref(mean))
  expect_equal(group_var(x, g), ref(stats::var))
  expect_equal(group_std(x, g), ref(stats::sd))
  expect_equal(group_min(x, g), ref(min))
  expect_equal(group_max(x, g), ref(max))
  expect_equal(group_count(x, g), ref(length) + 0)
  expect_equal(group_power_sum(x, g),
               c(tapply(x[ok], g[ok], function(v) sum(v[v > 0]^1.5))))
  expect_equal(group_sum(x, factor(g)), group_sum(x, g))
  gi <- match(g, c("c", "a", "b")) * 10L
  expect_equal(unname(group_sum(x, gi)), unname(ref(sum)[c("c", "a", "b")]))
  # empty factor levels: 0 for sum/count, NA otherwise
  f <- factor(c("a", "a"), levels = c("a", "z"))
  expect_equal(group_sum(c(1, 2), f), c(a = 3, z = 0))
  expect_identical(group_mean(c(1, 2), f), c(a = 1.5, z = NA_real_))
})

test_that("group aggregations take a data.frame and a grouping column", {
  df <- data.frame(k = c("x", "y", "x", "y"), v = c(1, 2, 3, NA), w = 1:4,
                   s = letters[1:4])
  r <- group_sum(df, "k")
  expect_equal(r, data.frame(k = c("x", "y"), v = c(4, 2), w = c(4, 6)))
  r2 <- group_mean(df[c("v", "w")], df$k)
  expect_equal(r2$group, c("x", "y"))
  expect_equal(r2$v, c(2, 2))
})

test_that("integer, numeric and logical groups factorize as factor() does", {
  # the reference: the pre-fast-path implementation (factor() on the groups)
  ref_sum <- function(x, g) {
    f <- factor(g)
    r <- vapply(levels(f), function(l) sum(x[!is.na(f) & f == l], na.rm = TRUE),
                numeric(1))
    names(r) <- levels(f)
    r
  }
  set.seed(5)
  n <- 5000
  x <- rnorm(n)
  x[sample.int(n, 50)] <- NA
  cases <- list(
    small_ints = sample(c(-3L, 0L, 7L, 1000L), n, TRUE),
    with_na = replace(sample.int(50L, n, TRUE), c(1, 10, 99), NA),
    zero_based = sample(0:3, n, TRUE),
    gappy = sample(seq(0L, 9000L, by = 3L), n, TRUE),
    wide_gaps = sample(c(0L, 3L, 60000L), n, TRUE),
    beyond_rows = sample(c(1L, 100000L), n, TRUE),
    sparse_ints = sample(c(-2147483647L, 5L, 2147483647L), n, TRUE),
    wide_ints = sample.int(.Machine$integer.max, n, TRUE),
    whole_doubles = sample(c(-1, 0, 2, 1e5, 1e15), n, TRUE),
    fractional = sample(c(-1.5, 0.25, 2, 1e-300, -1e300, 0.1 + 0.2, 0.3), n, TRUE),
    signed_zero = sample(c(-0, 0, 1), n, TRUE),
    double_na = replace(sample(c(1.5, 2.5), n, TRUE), 1:3, NA),
    logical = sample(c(TRUE, FALSE, NA), n, TRUE),
    all_na = rep(NA_integer_, n),
    nan_level = sample(c(1, NaN, NA), n, TRUE),
    dates = as.Date("2024-01-01") + sample(0:3, n, TRUE),
    close_doubles = sample(c(0.1 + 0.2, 0.3, 1), n, TRUE))
  for (nm in names(cases)) {
    g <- cases[[nm]]
    got <- group_sum(x, g)
    exp <- ref_sum(x, g)
    expect_identical(names(got), names(exp), info = nm)
    expect_equal(unname(got), unname(exp), tolerance = 1e-12, info = nm)
  }
  # groups that are their own codes: empty slots are dropped
  g <- sample(seq(0L, 9000L, by = 3L), n, TRUE)
  m <- group_mean(seq_len(n), g)
  expect_false(anyNA(m))
  expect_equal(unname(m), as.numeric(tapply(seq_len(n), g, mean)))
  expect_identical(names(m), levels(factor(g)))
  expect_equal(unname(group_count(x, g)),
               as.numeric(tapply(!is.na(x), g, sum)))
  # a data.frame with an integer grouping column
  df <- data.frame(k = c(3L, 1L, 3L, NA), v = c(1, 2, 3, 4))
  df$w <- c(1, 1, 1, 1)
  r <- group_sum(df, "k")
  expect_identical(r$k, c("1", "3"))
  expect_identical(r$v, c(2, 4))
  expect_identical(r$w, c(1, 2))
  expect_identical(group_count(1:4, c(TRUE, FALSE, TRUE, TRUE)),
                   c(`FALSE` = 1, `TRUE` = 3))
})
