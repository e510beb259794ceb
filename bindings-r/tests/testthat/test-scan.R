# The scan language: compile_scan(), fs_scan(), scan states.

seed_fma <- "if x > s then fma(s, up, x) else s * down"
seed_plain <- "if x > s then s * up + x else s * down"
seed_params <- list(up = 0.9, down = 0.5)

series <- function(n, na = 0.05, seed = 1) {
  set.seed(seed)
  x <- rnorm(n)
  x[sample.int(n, round(n * na))] <- NA
  x
}

test_that("the seed rule with fma gives the bits of score_series", {
  x <- series(20000)
  p <- compile_scan(seed_fma, params = seed_params)
  expect_s3_class(p, "ferroscore_scan")
  expect_identical(p$backend, "affine")
  expect_identical(p$states, "s")
  expect_identical(fs_scan(p, x), score_series(x))
  expect_identical(fs_scan(p, x, init = 2), score_series(x, init = 2))
  expect_identical(fs_scan(seed_fma, x, params = list(up = 0.8, down = 0.3)),
                   score_series(x, up = 0.8, down = 0.3))
  # other parameter values for a compiled program: compiled again
  expect_identical(fs_scan(p, x, params = list(up = 0.7)),
                   score_series(x, up = 0.7))
  xi <- as.integer(round(x * 10))
  expect_identical(fs_scan(p, xi), score_series(xi))
})

test_that("the plain seed rule is the R loop, and score_series within 1e-13", {
  x <- series(20000)
  y <- fs_scan(seed_plain, x, params = seed_params)
  expect_identical(y, plain_loop_score(x))
  expect_close(y, score_series(x), tol = 1e-13)
})

test_that("ewm_mean(adjust = FALSE, ignore_na = TRUE) written as a scan", {
  x <- series(5000, na = 0.1)
  x[1:3] <- NA
  a <- 0.3
  src <- "if isnan(s) then x else if s == x then s else (f * s + a * x) / (f + a)"
  y <- fs_scan(src, x, init = NaN, params = list(a = a, f = 1 - a))
  expect_identical(y, ewm_mean(x, alpha = a, adjust = FALSE, ignore_na = TRUE))
  expect_true(all(is.na(y[1:3])))
})

test_that("cummax and cumsum as scans", {
  x <- series(3000)
  full <- x[!is.na(x)]
  expect_identical(fs_scan("if x > s then x else s", full, init = -Inf),
                   fs_cummax(full))
  expect_identical(fs_scan("max(s, x)", full, init = -Inf), fs_cummax(full))
  # a missing row repeats the previous output (fs_cummax gives NA there)
  y <- fs_scan("max(s, x)", x, init = -Inf)
  expect_identical(y[!is.na(x)], fs_cummax(x)[!is.na(x)])
  miss <- which(is.na(x))
  expect_identical(y[miss], y[miss - 1L])
  # the plain loop (R's cumsum() accumulates in long double)
  s <- 0
  ref <- vapply(x, function(v) s <<- if (is.na(v)) s else s + v, numeric(1))
  expect_identical(fs_scan("s + x", x), ref)
})

test_that("every operator and function equals R's", {
  set.seed(2)
  x <- c(runif(200, -5, 5), -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0, 3, -3)
  y <- c(runif(200, -3, 3), 2, -2, 1, 4, 0.5, -0.5, 3, 0, 2)
  xy <- list(x = x, y = y)
  one <- function(src, inputs = xy) fs_scan(src, inputs, na_rm = FALSE)
  expect_identical(one("x + y"), x + y)
  expect_identical(one("x - y"), x - y)
  expect_identical(one("x * y"), x * y)
  expect_identical(one("x / y"), x / y)
  expect_identical(one("x % y"), x %% y)
  expect_identical(one("-x"), -x)
  expect_identical(one("+x"), x)
  # R computes v^2 as v * v, the core calls pow(): 1 ulp apart at most
  expect_equal(one("abs(x) ^ y"), abs(x)^y, tolerance = 1e-15)
  expect_identical(one("abs(x) ** y"), one("abs(x) ^ y"))
  expect_identical(one("pow(abs(x), y)"), one("abs(x) ^ y"))
  expect_equal(one("-x^2"), -x^2, tolerance = 1e-15)
  expect_identical(one("-x^2"), -one("x^2"))
  expect_identical(one("2^3^2 + 0 * x"), rep(512, length(x)))
  expect_identical(one("x - y * 2 + x / 4"), x - y * 2 + x / 4)
  expect_identical(one("(x - y) * 2"), (x - y) * 2)
  b <- function(v) as.numeric(v)
  expect_identical(one("if x < y then 1 else 0"), b(x < y))
  expect_identical(one("if x <= y then 1 else 0"), b(x <= y))
  expect_identical(one("if x > y then 1 else 0"), b(x > y))
  expect_identical(one("if x >= y then 1 else 0"), b(x >= y))
  expect_identical(one("if x == 3 then 1 else 0"), b(x == 3))
  expect_identical(one("if x != 3 then 1 else 0"), b(x != 3))
  expect_identical(one("if x > 0 and y > 0 then 1 else 0"), b(x > 0 & y > 0))
  expect_identical(one("if x > 0 or y > 0 then 1 else 0"), b(x > 0 | y > 0))
  expect_identical(one("if not x > 0 then 1 else 0"), b(!(x > 0)))
  expect_identical(one("if x > y then x else y"), pmax(x, y))
  ax <- abs(x) + 0.5
  a1 <- list(x = ax)
  expect_identical(one("abs(x)", list(x = x)), abs(x))
  expect_identical(one("sqrt(x)", a1), sqrt(ax))
  expect_equal(one("exp(x)", list(x = x)), exp(x), tolerance = 1e-15)
  expect_equal(one("expm1(x)", list(x = x)), expm1(x), tolerance = 1e-15)
  expect_equal(one("log(x)", a1), log(ax), tolerance = 1e-15)
  expect_equal(one("log1p(x)", a1), log1p(ax), tolerance = 1e-15)
  expect_equal(one("log2(x)", a1), log2(ax), tolerance = 1e-15)
  expect_equal(one("log10(x)", a1), log10(ax), tolerance = 1e-15)
  expect_equal(one("tanh(x)", list(x = x)), tanh(x), tolerance = 1e-15)
  expect_identical(one("floor(x)", list(x = x)), floor(x))
  expect_identical(one("ceil(x)", list(x = x)), ceiling(x))
  expect_identical(one("trunc(x)", list(x = x)), trunc(x))
  expect_identical(one("round(x)", list(x = x)), round(x))  # half to even
  expect_identical(one("sign(x)", list(x = x)), sign(x))
  expect_identical(one("min(x, y)"), pmin(x, y))
  expect_identical(one("max(x, y, 1)"), pmax(x, y, 1))
  expect_identical(one("clamp(x, -1, 2)", list(x = x)), pmin(pmax(x, -1), 2))
  expect_identical(one("fma(x, y, 1) - x * y", list(x = 0.1, y = 10)),
                   0.1 * 10 + 1 - 0.1 * 10)
  # missing values with na_rm = FALSE: NaN flows, comparisons are false
  z <- c(1, NA, NaN, 4)
  expect_identical(one("x * 2", list(x = z)), c(2, NA, NA, 8))
  expect_identical(one("if isnan(x) then 1 else 0", list(x = z)), c(0, 1, 1, 0))
  expect_identical(one("if isfinite(x) then 1 else 0",
                       list(x = c(1, Inf, -Inf, NA))), c(1, 0, 0, 0))
  expect_identical(one("if x > 2 then 1 else 0", list(x = z)), c(0, 0, 0, 1))
  expect_identical(one("if x != 2 then 1 else 0", list(x = z)), c(1, 1, 1, 1))
  expect_identical(one("x % 0", list(x = 5)), NA_real_)
})

test_that("a multi-state program (running mean and variance)", {
  x <- series(4000, na = 0.02)
  src <- "
    let n1 = n + 1
    let d = x - m
    m = m + d / n1        # mean
    q = q + d * (x - m)   # sum of squared deviations
    n = n1
    out = if n > 1 then q / (n - 1) else nan
  "
  p <- compile_scan(src)
  expect_identical(p$states, c("m", "q", "n"))
  expect_identical(p$backend, "bytecode")
  got <- fs_scan(p, x, init = c(0, 0, 0))
  m <- 0; q <- 0; n <- 0; last <- NA_real_
  ref <- numeric(length(x))
  for (k in seq_along(x)) {
    v <- x[k]
    if (!is.na(v)) {
      n1 <- n + 1; d <- v - m; m <- m + d / n1; q <- q + d * (v - m); n <- n1
      last <- if (n > 1) q / (n - 1) else NA_real_
    }
    ref[k] <- last
  }
  expect_identical(got, ref)
  ok <- !is.na(x)
  expect_equal(got[length(x)], var(x[ok]), tolerance = 1e-12)
})

test_that("i is the row index, counted across chunks", {
  expect_identical(fs_scan("i", numeric(5)), as.numeric(0:4))
  expect_identical(fs_scan("s + i * x", c(1, NA, 1, 1)), c(0, 0, 2, 5))
  st <- scan_state(compile_scan("i"))
  state_update(st, numeric(3))
  expect_identical(state_update(st, numeric(2)), c(3, 4))
})

test_that("two inputs: a named list, a data.frame, an unnamed list", {
  set.seed(3)
  a <- rnorm(100); b <- rnorm(100); a[5] <- NA; b[9] <- NA
  p <- compile_scan("s * k + a * b", params = list(k = 0.5),
                    inputs = c("a", "b"))
  expect_identical(p$inputs, c("a", "b"))
  ref <- numeric(100); s <- 0
  for (k in 1:100) {
    if (!is.na(a[k]) && !is.na(b[k])) s <- s * 0.5 + a[k] * b[k]
    ref[k] <- s
  }
  expect_identical(fs_scan(p, list(a = a, b = b)), ref)
  expect_identical(fs_scan(p, list(b = b, a = a)), ref)
  expect_identical(fs_scan(p, data.frame(z = 1, b = b, a = a)), ref)
  expect_identical(fs_scan(p, list(a, b)), ref)
  # a source string takes its inputs from the names
  expect_identical(fs_scan("s * 0.5 + a * b", data.frame(a = a, b = b)), ref)
})

test_that("matrix columns are separate series (run in parallel)", {
  x <- matrix(series(3000), 1000, 3, dimnames = list(NULL, c("a", "b", "c")))
  p <- compile_scan(seed_fma, params = seed_params)
  y <- fs_scan(p, x)
  expect_identical(dim(y), dim(x))
  expect_identical(dimnames(y), dimnames(x))
  expect_identical(y, score_series(x))
  for (j in 1:3) expect_identical(y[, j], unname(fs_scan(p, x[, j])))
  q <- compile_scan("s + u * v", inputs = c("u", "v"))
  u <- matrix(1:6 + 0, 3); v <- matrix(2, 3, 2)
  expect_identical(fs_scan(q, list(u = u, v = v)),
                   apply(u * v, 2, cumsum))
  expect_identical(fs_scan(p, matrix(numeric(0), 0, 2)),
                   matrix(numeric(0), 0, 2))
})

test_that("chunks through a state give the one-shot output", {
  x <- series(30000, na = 0.03)
  progs <- list(
    list(compile_scan(seed_plain, params = seed_params), 0),
    list(compile_scan("a = 0.9 * a + x; b = max(b, a); out = b - a"),
         c(0, -Inf)),
    list(compile_scan("s * s * 0.1 + x + i * 1e-6", na_rm = FALSE), 0))
  set.seed(4)
  for (pr in progs) {
    p <- pr[[1L]]
    whole <- fs_scan(p, x, init = pr[[2L]])
    st <- scan_state(p, init = pr[[2L]])
    cuts <- sort(unique(c(0, sample.int(length(x), 20), length(x))))
    parts <- unlist(lapply(seq_len(length(cuts) - 1L), function(k)
      state_update(st, x[(cuts[k] + 1):cuts[k + 1L]])))
    expect_identical(parts, whole, info = p$source)
    # state_copy branches; scan_program_state is the same constructor
    st2 <- scan_program_state(p, init = pr[[2L]])
    state_update(st2, x[1:100])
    st3 <- state_copy(st2)
    expect_identical(state_update(st2, x[101:200]),
                     state_update(st3, x[101:200]))
  }
  # two inputs in chunks
  q <- compile_scan("s * 0.5 + a - b", inputs = c("a", "b"))
  y <- rev(x)
  st <- scan_state(q)
  parts <- c(state_update(st, list(a = x[1:777], b = y[1:777])),
             state_update(st, list(b = y[778:30000], a = x[778:30000])))
  expect_identical(parts, fs_scan(q, list(a = x, b = y)))
})

test_that("programs and states survive saveRDS", {
  x <- series(5000)
  p <- compile_scan(seed_fma, params = seed_params)
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  saveRDS(p, f)
  q <- readRDS(f)
  expect_identical(fs_scan(q, x), score_series(x))
  expect_output(print(q), "fma\\(s, up, x\\)")
  st <- scan_state(p)
  first <- state_update(st, x[1:2500])
  saveRDS(st, f)
  st2 <- readRDS(f)
  expect_identical(c(first, state_update(st2, x[2501:5000])), score_series(x))
})

test_that("print shows source, inputs, params, states and back end", {
  p <- compile_scan("m = max(m, a - b)\nout = m * k", params = list(k = 2),
                    inputs = c("a", "b"))
  out <- capture.output(print(p))
  expect_match(out[1], "bytecode")
  expect_true(any(grepl("m = max(m, a - b)", out, fixed = TRUE)))
  expect_true(any(grepl("inputs: a, b", out, fixed = TRUE)))
  expect_true(any(grepl("states: m", out, fixed = TRUE)))
  expect_true(any(grepl("params: k = 2", out, fixed = TRUE)))
  expect_output(print(scan_state(p)), "m = 0, after 0 rows")
})

test_that("errors are ferroscore_error conditions; parse errors show a caret", {
  parse_error <- function(expr, pattern) {
    e <- tryCatch(expr, error = function(e) e)
    expect_s3_class(e, "ferroscore_parse_error")
    expect_s3_class(e, "ferroscore_error")
    expect_identical(e$argument, "source")
    expect_match(conditionMessage(e), pattern, fixed = TRUE)
    expect_match(conditionMessage(e), "\n *\\^$")
    e
  }
  e <- parse_error(compile_scan("s +"), "line 1, column 4")
  e <- parse_error(compile_scan("if x > s then s * upp + x else s * down",
                                params = seed_params),
                   "unknown name `upp` (known: down, i, s, up, x)")
  expect_match(conditionMessage(e), "  if x > s then s * upp + x else s * down\n                    ^", fixed = TRUE)
  parse_error(fs_scan("a = x\nb = a +* 2\nout = b", 1), "line 2")
  parse_error(fs_scan("sqrt(x, 1)", 1), "sqrt")
  parse_error(fs_scan("clamp(x, 1)", 1), "clamp")
  parse_error(fs_scan("nosuch(x)", 1), "nosuch")
  parse_error(fs_scan("if 1 then x else s", 1), "line 1")
  parse_error(fs_scan("a < b < c", 1), "line 1")
  parse_error(fs_scan("(x + 1", 1), "line 1")
  parse_error(fs_scan("s + y", 1), "unknown name `y`")
  # wrong init length
  p <- compile_scan("a = a + x; b = b * x; out = a + b")
  expect_fs_error(fs_scan(p, 1:3, init = c(1, 2, 3)), "init")
  expect_fs_error(scan_state(p, init = c(1, 2, 3)), "init")
  expect_identical(fs_scan(p, c(1, 2), init = c(0, 1)), c(2, 5))
  # bad arguments
  expect_fs_error(compile_scan(1), "`source`")
  expect_fs_error(compile_scan(c("s", "x")), "`source`")
  expect_fs_error(compile_scan("s", params = list(1)), "`params`")
  expect_fs_error(compile_scan("s", params = list(a = "b")), "`params`")
  expect_fs_error(compile_scan("s", params = list(a = 1:2)), "`params`")
  expect_fs_error(compile_scan("s + x", params = list(x = 1)), "params")
  expect_fs_error(compile_scan("s", inputs = c("x", "x")), "inputs")
  expect_fs_error(compile_scan("s", inputs = "if"), "inputs")
  expect_fs_error(compile_scan("s", na_rm = NA), "na_rm")
  expect_fs_error(fs_scan(42, 1), "`program`")
  expect_fs_error(fs_scan("s + x", "a"), "`x`")
  expect_fs_error(fs_scan("s + x", factor("a")), "`x`")
  expect_fs_error(fs_scan("s + x", 1, init = "a"), "`init`")
  q <- compile_scan("s + a * b", inputs = c("a", "b"))
  expect_fs_error(fs_scan(q, 1:3), "`x`")
  expect_fs_error(fs_scan(q, list(a = 1:3)), "`b`")
  expect_fs_error(fs_scan(q, list(a = 1:3, b = 1:2)), "`b`")
  expect_fs_error(fs_scan(q, list(1:3)), "`x`")
  expect_fs_error(fs_scan(q, list(a = 1, b = 1), bogus = 1), "...")
  st <- scan_state(compile_scan("s + x"))
  expect_fs_error(state_update(st, matrix(1, 2, 2)), "`x`")
  expect_fs_error(state_update(st, 1, times = 1), "times")
  expect_fs_error(scan_state(compile_scan("s"), window = 2), "init")
})

test_that("zero-length input", {
  expect_identical(fs_scan("s + x", numeric(0)), numeric(0))
  expect_identical(fs_scan("s + a - b", list(a = numeric(0), b = integer(0))),
                   numeric(0))
})
