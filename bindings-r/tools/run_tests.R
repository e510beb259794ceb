# Runs the package's testthat tests against the installed package (used by
# `make test-r`) and prints one closing line "r: N passed, N failed".
library(testthat)
library(ferroscore)
res <- as.data.frame(test_dir("testthat", package = "ferroscore",
                              load_package = "installed",
                              reporter = "summary", stop_on_failure = FALSE))
failed <- sum(res$failed) + sum(res$error)
passed <- sum(res$nb) - sum(res$failed) - sum(res$skipped)
cat(sprintf("r: %d passed, %d failed, %d skipped\n", passed, failed,
            sum(res$skipped)))
if (failed > 0) quit(status = 1)
