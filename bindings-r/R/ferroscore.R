# Internals shared by every wrapper: loading, and turning the Rust side's
# error values into R conditions of class `ferroscore_error`.

.onLoad <- function(libname, pkgname) {
  .Call(wrap__fs_init)
  invisible()
}

# Raises `e` (a value of class "ferroscore_rs_error" returned by the Rust side,
# or a message) as a condition of class c("ferroscore_error", "error").
.fs_abort <- function(e, call = sys.call(-1L), argument = NULL) {
  if (inherits(e, "ferroscore_rs_error")) {
    argument <- attr(e, "argument")
    if (identical(argument, "")) argument <- NULL
  }
  cond <- structure(
    class = c("ferroscore_error", "error", "condition"),
    list(message = as.character(unclass(e))[1L], call = call,
         argument = argument)
  )
  stop(cond)
}

# Validates an R-side argument the Rust side never sees.
.fs_arg_error <- function(name, reason, call = sys.call(-1L)) {
  .fs_abort(sprintf("invalid argument `%s`: %s", name, reason), call = call,
            argument = name)
}

# The version of the Rust core.
.fs_core_version <- function() .Call(wrap__fs_version)

# Correctly rounded parsing of decimal strings (tests read the shared vectors
# with it: R's parser can be 1 ulp off on long decimals).
.fs_parse_f64 <- function(x) .Call(wrap__fs_parse_f64, as.character(x))
