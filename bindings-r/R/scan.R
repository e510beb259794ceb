# The scan language: user-written recurrences compiled by the core.
#
# A program is a list of class "ferroscore_scan": what it was compiled from
# (source, inputs, params, na_rm), what the core reports (states, backend),
# and an environment holding the external pointer. After saveRDS()/readRDS()
# the pointer is null and the program is compiled again on first use (the
# environment is shared by copies, so that happens once).

.scan_params <- function(params, call) {
  if (is.null(params)) params <- list()
  if (!is.list(params) && !(is.numeric(params) && !is.object(params)))
    .fs_arg_error("params", "must be a named list of single numbers", call)
  params <- as.list(params)
  nms <- names(params)
  if (length(params) && (is.null(nms) || any(is.na(nms) | nms == "")))
    .fs_arg_error("params", "must be named (list(up = 0.9, ...))", call)
  ok <- vapply(params, function(v)
    (is.numeric(v) || is.logical(v)) && !is.object(v) && length(v) == 1L,
    logical(1))
  if (!all(ok))
    .fs_arg_error("params", sprintf("`%s` must be a single number",
                                    nms[!ok][1L]), call)
  vals <- as.double(unlist(params, use.names = FALSE))
  if (is.null(nms)) nms <- character(0)
  structure(as.list(vals), names = nms)
}

.scan_abort <- function(r, call) {
  if (identical(attr(r, "argument"), "source")) {
    cond <- structure(
      class = c("ferroscore_parse_error", "ferroscore_error", "error",
                "condition"),
      list(message = as.character(unclass(r))[1L], call = call,
           argument = "source"))
    stop(cond)
  }
  .fs_abort(r, call)
}

.scan_compile_ptr <- function(source, inputs, params, na_rm, call) {
  ptr <- .Call(wrap__fs_scan_compile, source, inputs, names(params),
               as.double(unlist(params, use.names = FALSE)), na_rm)
  if (inherits(ptr, "ferroscore_rs_error")) .scan_abort(ptr, call)
  ptr
}

compile_scan <- function(source, params = list(), inputs = "x", na_rm = TRUE)
  .compile_scan(source, params, inputs, na_rm, sys.call())

.compile_scan <- function(source, params, inputs, na_rm, call) {
  if (!is.character(source) || length(source) != 1L || is.na(source))
    .fs_arg_error("source", "must be a single string", call)
  if (!is.character(inputs) || !length(inputs) || anyNA(inputs))
    .fs_arg_error("inputs", "must be a character vector of input names",
                  call)
  params <- .scan_params(params, call)
  ptr <- .scan_compile_ptr(source, inputs, params, na_rm, call)
  info <- .Call(wrap__fs_scan_info, ptr)
  env <- new.env(parent = emptyenv())
  env$ptr <- ptr
  structure(list(source = source, inputs = info$inputs, params = params,
                 na_rm = na_rm, states = info$states, backend = info$backend,
                 env = env),
            class = "ferroscore_scan")
}

# The live pointer of a program (compiled again after readRDS()).
.scan_ptr <- function(p, call) {
  if (!inherits(p, "ferroscore_scan"))
    .fs_arg_error("program", "must be a program made by compile_scan()",
                  call)
  ptr <- p$env$ptr
  if (!isTRUE(.Call(wrap__fs_scan_live, ptr))) {
    ptr <- .scan_compile_ptr(p$source, p$inputs, p$params, p$na_rm, call)
    p$env$ptr <- ptr
  }
  ptr
}

print.ferroscore_scan <- function(x, ...) {
  cat("<ferroscore_scan> ", x$backend, " back end", if (!x$na_rm)
    ", na_rm = FALSE", "\n", sep = "")
  src <- strsplit(x$source, "\n", fixed = TRUE)[[1L]]
  cat(paste0("  ", src, collapse = "\n"), "\n", sep = "")
  cat("  inputs: ", paste(x$inputs, collapse = ", "), "\n", sep = "")
  cat("  states: ", paste(x$states, collapse = ", "), "\n", sep = "")
  if (length(x$params))
    cat("  params: ", paste(names(x$params), vapply(x$params, format, ""),
                            sep = " = ", collapse = ", "), "\n", sep = "")
  invisible(x)
}

# The inputs of a run as a list in the program's order: x itself (vector or
# matrix) for one input; for several, a list or data.frame whose elements are
# named after the inputs (extra elements ignored), or unnamed in order.
.scan_inputs <- function(p, x, call) {
  ins <- p$inputs
  if (length(ins) == 1L) {
    if (is.data.frame(x) || is.list(x)) {
      if (!is.null(names(x)) && ins %in% names(x)) return(list(x[[ins]]))
      if (length(x) == 1L) return(list(x[[1L]]))
      .fs_arg_error("x", sprintf(
        "must be a numeric vector or matrix (or a list with an element `%s`)",
        ins), call)
    }
    return(list(x))
  }
  if (!is.list(x))
    .fs_arg_error("x", sprintf(
      "must be a list or data.frame with the inputs %s",
      paste(ins, collapse = ", ")), call)
  nms <- names(x)
  if (is.null(nms) || all(nms == "")) {
    if (length(x) != length(ins))
      .fs_arg_error("x", sprintf(
        "must have %d inputs (%s), got %d unnamed elements", length(ins),
        paste(ins, collapse = ", "), length(x)), call)
    return(unname(as.list(x)))
  }
  miss <- setdiff(ins, nms)
  if (length(miss))
    .fs_arg_error("x", sprintf("has no input `%s` (inputs: %s)", miss[1L],
                               paste(ins, collapse = ", ")), call)
  unname(lapply(ins, function(n) x[[n]]))
}

fs_scan <- function(program, x, init = 0, params = list(), ...) {
  call <- sys.call()
  if (inherits(program, "ferroscore_scan") && !length(params) &&
      !...length()) {
    # the common call: a compiled program, nothing to change
    r <- .Call(wrap__fs_scan_run, .scan_ptr(program, call),
               if (length(program$inputs) == 1L && !is.list(x)) list(x)
               else .scan_inputs(program, x, call), init)
    if (inherits(r, "ferroscore_rs_error")) .scan_abort(r, call)
    return(r)
  }
  more <- list(...)
  if (is.character(program)) {
    inputs <- more$inputs
    if (is.null(inputs))
      inputs <- if (is.list(x) && !is.null(names(x))) names(x) else "x"
    na_rm <- if (is.null(more$na_rm)) TRUE else more$na_rm
    unknown <- setdiff(names(more), c("inputs", "na_rm"))
    if (length(unknown) || (length(more) && is.null(names(more))))
      .fs_arg_error("...", "takes only inputs and na_rm", call)
    program <- .compile_scan(program, params, inputs, na_rm, call)
  } else if (inherits(program, "ferroscore_scan")) {
    unknown <- setdiff(names(more), "na_rm")
    if (length(unknown) || (length(more) && is.null(names(more))))
      .fs_arg_error("...", "takes only na_rm with a compiled program", call)
    if (length(params) || length(more)) {
      # other parameter values or na_rm: compiled again (microseconds)
      np <- .scan_params(params, call)
      pp <- program$params
      pp[names(np)] <- np
      na_rm <- if (is.null(more$na_rm)) program$na_rm else more$na_rm
      program <- .compile_scan(program$source, pp, program$inputs, na_rm,
                               call)
    }
  } else {
    .fs_arg_error("program", paste0(
      "must be a source string or a program made by compile_scan(), got ",
      class(program)[1L]), call)
  }
  ptr <- .scan_ptr(program, call)
  r <- .Call(wrap__fs_scan_run, ptr, .scan_inputs(program, x, call), init)
  if (inherits(r, "ferroscore_rs_error")) .scan_abort(r, call)
  r
}

# Resumable states of programs: a "ferroscore_state" whose pointer lives in
# an environment with the state's values after each update, so a state saved
# with saveRDS() resumes where it stopped once reloaded.
scan_program_state <- function(program, init = 0) {
  call <- sys.call()
  ptr <- .Call(wrap__fs_scan_state, .scan_ptr(program, call), init)
  if (inherits(ptr, "ferroscore_rs_error")) .scan_abort(ptr, call)
  .scan_state_obj(program, ptr)
}

.scan_state_obj <- function(program, ptr) {
  env <- new.env(parent = emptyenv())
  env$ptr <- ptr
  env$parts <- .Call(wrap__fs_scan_state_parts, ptr)
  structure(list(ptr = ptr, kernel = "scan", program = program, env = env),
            class = "ferroscore_state")
}

# The live pointer of a scan state (restored from its parts after readRDS()).
.scan_state_ptr <- function(state, call) {
  env <- state$env
  ptr <- env$ptr
  if (inherits(.Call(wrap__fs_scan_state_parts, ptr), "ferroscore_rs_error")) {
    ptr <- .Call(wrap__fs_scan_state_restore, .scan_ptr(state$program, call),
                 env$parts)
    if (inherits(ptr, "ferroscore_rs_error")) .fs_abort(ptr, call)
    env$ptr <- ptr
  }
  ptr
}

.scan_state_update <- function(state, x, call) {
  ptr <- .scan_state_ptr(state, call)
  r <- .Call(wrap__fs_scan_state_update, ptr,
             .scan_inputs(state$program, x, call))
  if (inherits(r, "ferroscore_rs_error")) .scan_abort(r, call)
  state$env$parts <- .Call(wrap__fs_scan_state_parts, ptr)
  r
}

.scan_state_copy <- function(state, call) {
  ptr <- .Call(wrap__fs_state_copy, .scan_state_ptr(state, call))
  if (inherits(ptr, "ferroscore_rs_error")) .fs_abort(ptr, call)
  .scan_state_obj(state$program, ptr)
}
