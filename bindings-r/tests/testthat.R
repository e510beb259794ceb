library(testthat)
library(ferroscore)

test_check("ferroscore")
