# Resumable scan states: an external pointer to the core's state, wrapped in a
# list of class "ferroscore_state". A state is a reference: state_update()
# moves it on in place (use state_copy() to branch).
#
# A kernel state's list also holds its kernel's options and an environment
# with the live pointer and the state's carried values as plain numbers (the
# core's Snapshot), saved at creation and after every update. After
# saveRDS()/readRDS() the pointer is null: the state is built again from the
# options and loaded from the numbers on first use, so it resumes where it
# stopped.

.state_ctors <- list(
  score_series = function(up = 0.9, down = 0.5, init = 0, na_rm = TRUE)
    .Call(wrap__fs_state_score, up, down, init, na_rm),
  ewm_mean = function(alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                      adjust = TRUE, ignore_na = FALSE, min_periods = 0)
    .Call(wrap__fs_state_ewm, "mean", alpha, span, com, halflife, adjust,
          ignore_na, min_periods, FALSE),
  ewm_var = function(alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                     adjust = TRUE, ignore_na = FALSE, min_periods = 0,
                     bias = FALSE)
    .Call(wrap__fs_state_ewm, "var", alpha, span, com, halflife, adjust,
          ignore_na, min_periods, bias),
  ewm_std = function(alpha = NULL, span = NULL, com = NULL, halflife = NULL,
                     adjust = TRUE, ignore_na = FALSE, min_periods = 0,
                     bias = FALSE)
    .Call(wrap__fs_state_ewm, "std", alpha, span, com, halflife, adjust,
          ignore_na, min_periods, bias),
  cumsum = function(na_rm = TRUE) .Call(wrap__fs_state_cum, "sum", na_rm),
  cummax = function(na_rm = TRUE) .Call(wrap__fs_state_cum, "max", na_rm),
  cummin = function(na_rm = TRUE) .Call(wrap__fs_state_cum, "min", na_rm),
  drawdown = function() .Call(wrap__fs_state_cum, "drawdown", TRUE)
)

local({
  for (stat in c("sum", "mean", "var", "std", "zscore", "min", "max",
                 "median")) {
    .state_ctors[[paste0("rolling_", stat)]] <<- eval(bquote(
      function(window, min_periods = window, ddof = 1, na_rm = TRUE)
        .Call(wrap__fs_state_rolling, .(stat), window, min_periods, ddof,
              NULL, NULL, na_rm)))
  }
  .state_ctors[["rolling_quantile"]] <<-
    function(window, q, interpolation = "linear", min_periods = window,
             na_rm = TRUE)
      .Call(wrap__fs_state_rolling, "quantile", window, min_periods, 1, q,
            interpolation, na_rm)
})

scan_state <- function(kernel, ...) {
  call <- sys.call()
  if (inherits(kernel, "ferroscore_scan")) {
    args <- list(...)
    if (length(args) > 1L || (length(args) && !identical(names(args), "init")))
      .fs_arg_error("...", "a scan program's state takes only init", call)
    ptr <- .Call(wrap__fs_scan_state, .scan_ptr(kernel, call),
                 if (length(args)) args$init else 0)
    if (inherits(ptr, "ferroscore_rs_error")) .scan_abort(ptr, call)
    return(.scan_state_obj(kernel, ptr))
  }
  if (!is.character(kernel) || length(kernel) != 1L ||
      !kernel %in% names(.state_ctors))
    .fs_arg_error("kernel", paste0(
      "must be one of ", paste(names(.state_ctors), collapse = ", ")), call)
  ctor <- .state_ctors[[kernel]]
  args <- list(...)
  nms <- names(args)
  if (length(args) && (is.null(nms) || any(nms == "")))
    .fs_arg_error("...", "options must be named", call)
  unknown <- setdiff(nms, names(formals(ctor)))
  if (length(unknown))
    .fs_arg_error(unknown[1L], paste0("is not an option of ", kernel,
      " (options: ", paste(names(formals(ctor)), collapse = ", "), ")"), call)
  if ("window" %in% names(formals(ctor)) && !"window" %in% nms)
    .fs_arg_error("window", "is required", call)
  if ("q" %in% names(formals(ctor)) && !"q" %in% nms)
    .fs_arg_error("q", "is required", call)
  ptr <- do.call(ctor, args)
  if (inherits(ptr, "ferroscore_rs_error")) .fs_abort(ptr, call)
  .kernel_state_obj(kernel, args, ptr)
}

.kernel_state_obj <- function(kernel, args, ptr) {
  env <- new.env(parent = emptyenv())
  env$ptr <- ptr
  env$saved <- .Call(wrap__fs_state_save, ptr)
  structure(list(ptr = ptr, kernel = kernel, args = args, env = env),
            class = "ferroscore_state")
}

# The live pointer of a kernel state (built again from its options and saved
# numbers after readRDS()).
.state_ptr <- function(state, call) {
  if (!inherits(state, "ferroscore_state"))
    .fs_arg_error("state", "must be a state made by scan_state()", call)
  env <- state$env
  if (!is.environment(env)) return(state$ptr)
  ptr <- env$ptr
  if (!isTRUE(.Call(wrap__fs_state_live, ptr))) {
    ctor <- .state_ctors[[state$kernel]]
    if (is.null(ctor))
      .fs_arg_error("state", "must be a state made by scan_state()", call)
    ptr <- do.call(ctor, state$args)
    if (inherits(ptr, "ferroscore_rs_error")) .fs_abort(ptr, call)
    r <- .Call(wrap__fs_state_load, ptr, env$saved)
    if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
    env$ptr <- ptr
  }
  ptr
}

state_update <- function(state, x, times = NULL) {
  call <- sys.call()
  if (inherits(state, "ferroscore_state") && identical(state$kernel, "scan")) {
    if (!is.null(times))
      .fs_arg_error("times", "only an ewm_mean state takes times", call)
    return(.scan_state_update(state, x, call))
  }
  ptr <- .state_ptr(state, call)
  r <- .Call(wrap__fs_state_update, ptr, x, times)
  # Saved even after an error: the numbers always follow the live state.
  if (is.environment(state$env)) {
    saved <- .Call(wrap__fs_state_save, ptr)
    if (!inherits(saved, "ferroscore_rs_error")) state$env$saved <- saved
  }
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  r
}

state_copy <- function(state) {
  call <- sys.call()
  if (inherits(state, "ferroscore_state") && identical(state$kernel, "scan"))
    return(.scan_state_copy(state, call))
  p <- .Call(wrap__fs_state_copy, .state_ptr(state, call))
  if (inherits(p, "ferroscore_rs_error")) .fs_abort(p, call)
  .kernel_state_obj(state$kernel, state$args, p)
}

print.ferroscore_state <- function(x, ...) {
  ptr <- if (identical(x$kernel, "scan"))
    tryCatch(.scan_state_ptr(x, sys.call()), error = function(e) x$ptr)
  else tryCatch(.state_ptr(x, sys.call()), error = function(e) x$ptr)
  d <- .Call(wrap__fs_state_describe, ptr)
  if (inherits(d, "ferroscore_rs_error")) d <- "(invalid: saved and reloaded?)"
  cat("<ferroscore_state ", x$kernel, "> ", d, "\n", sep = "")
  invisible(x)
}
