# The shared test vectors of tests/vectors (same input, same numbers in every
# language): every case of cases.tsv through the R API.

read_matrix <- function(path) {
  lines <- readLines(path)
  hdr <- as.integer(strsplit(lines[1L], " ", fixed = TRUE)[[1L]])
  if (hdr[1L] == 0L) return(matrix(numeric(0), 0L, hdr[2L]))
  # Parsed by Rust (correctly rounded): R's as.numeric() can be 1 ulp off
  # on long decimals such as 1000000002.340388.
  vals <- ferroscore:::.fs_parse_f64(unlist(strsplit(lines[-1L], " ",
                                                    fixed = TRUE)))
  matrix(vals, nrow = hdr[1L], ncol = hdr[2L], byrow = TRUE)
}

parse_options <- function(s) {
  if (identical(s, "-")) return(list())
  kv <- strsplit(strsplit(s, ",", fixed = TRUE)[[1L]], "=", fixed = TRUE)
  vals <- lapply(kv, function(p) {
    v <- p[2L]
    if (v %in% c("true", "false")) return(v == "true")
    n <- suppressWarnings(as.numeric(v))
    if (is.na(n)) v else n
  })
  names(vals) <- vapply(kv, `[`, "", 1L)
  vals
}

opt <- function(o, name, default) if (is.null(o[[name]])) default else o[[name]]

run_case <- function(kernel, inp, o) {
  x <- inp[, 1L]
  na_rm <- opt(o, "skipna", TRUE)
  rolling <- function(f, ...) f(x, window = o$window,
                                min_periods = opt(o, "min_periods", o$window),
                                center = opt(o, "center", FALSE),
                                na_rm = na_rm, ...)
  ewm_args <- function() list(alpha = o$alpha, span = o$span, com = o$com,
                              halflife = o$halflife,
                              adjust = opt(o, "adjust", TRUE),
                              ignore_na = opt(o, "ignore_na", FALSE),
                              min_periods = opt(o, "min_periods", 0))
  groups <- function() factor(inp[, 2L], levels = seq_len(o$n_groups) - 1L)
  ddof <- opt(o, "ddof", 1)
  p <- opt(o, "p", 1.5)
  switch(kernel,
    score_series = score_series(x, up = opt(o, "up", 0.9),
                                down = opt(o, "down", 0.5),
                                init = opt(o, "init", 0), na_rm = na_rm),
    ewm_mean = do.call(ewm_mean, c(list(x), ewm_args(),
      list(times = if (isTRUE(o$times)) inp[, 2L]))),
    ewm_var = do.call(ewm_var, c(list(x), ewm_args(),
                                 list(bias = opt(o, "bias", FALSE)))),
    ewm_std = do.call(ewm_std, c(list(x), ewm_args(),
                                 list(bias = opt(o, "bias", FALSE)))),
    rolling_sum = rolling(rolling_sum),
    rolling_mean = rolling(rolling_mean),
    rolling_var = rolling(rolling_var, ddof = ddof),
    rolling_std = rolling(rolling_std, ddof = ddof),
    rolling_zscore = rolling(rolling_zscore, ddof = ddof),
    rolling_min = rolling(rolling_min),
    rolling_max = rolling(rolling_max),
    rolling_median = rolling(rolling_median),
    rolling_quantile = rolling(rolling_quantile, q = o$q,
                               interpolation = o$interpolation),
    cumsum = fs_cumsum(x, na_rm = na_rm),
    cummax = fs_cummax(x, na_rm = na_rm),
    cummin = fs_cummin(x, na_rm = na_rm),
    drawdown = drawdown(x),
    sum = fs_sum(x), mean = fs_mean(x), var = fs_var(x, ddof = ddof),
    std = fs_std(x, ddof = ddof), min = fs_min(x), max = fs_max(x),
    count = fs_count(x), power_sum = power_sum(x, p = p),
    dot = dot(x, inp[, 2L]),
    group_sum = group_sum(x, groups()), group_mean = group_mean(x, groups()),
    group_var = group_var(x, groups(), ddof = ddof),
    group_std = group_std(x, groups(), ddof = ddof),
    group_min = group_min(x, groups()), group_max = group_max(x, groups()),
    group_count = group_count(x, groups()),
    group_power_sum = group_power_sum(x, groups(), p = p),
    stop("unknown kernel ", kernel))
}

test_that("every shared test vector gives the expected numbers", {
  dir <- vectors_dir()
  skip_if(is.null(dir), "tests/vectors not found")
  cases <- utils::read.delim(file.path(dir, "cases.tsv"),
                             colClasses = "character")
  expect_gt(nrow(cases), 400)
  n_run <- 0L
  for (i in seq_len(nrow(cases))) {
    cs <- cases[i, ]
    inp <- read_matrix(file.path(dir, paste0(cs$id, ".in")))
    exp <- read_matrix(file.path(dir, paste0(cs$id, ".out")))[, 1L]
    got <- unname(run_case(cs$kernel, inp, parse_options(cs$options)))
    rtol <- as.numeric(cs$rtol)
    atol <- as.numeric(cs$atol)
    ok <- length(got) == length(exp) &&
      all(is.na(got) == is.na(exp)) && {
        f <- !is.na(exp)
        inf <- f & is.infinite(exp)
        all(got[inf] == exp[inf]) &&
          all(abs(got[f & !inf] - exp[f & !inf]) <=
                atol + rtol * abs(exp[f & !inf]))
      }
    expect_true(ok, label = paste("case", cs$id))
    n_run <- n_run + 1L
  }
  expect_equal(n_run, nrow(cases))
})
