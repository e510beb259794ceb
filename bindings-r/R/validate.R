# Validation: rule constructors, validate(), the report.

.rule <- function(.kind, ...) structure(list(kind = .kind, ...),
                                       class = "ferroscore_rule")

not_missing <- function() .rule("not_missing")
finite <- function() .rule("finite")
in_range <- function(lo, hi, closed = "both") .rule("in_range", lo = lo,
                                                     hi = hi, closed = closed)
in_set <- function(...) {
  values <- c(...)
  if (is.null(values)) values <- numeric(0)
  .rule("in_set", values = values)
}
rule_unique <- function() .rule("unique")
monotonic <- function(decreasing = FALSE, strict = FALSE)
  .rule("monotonic", decreasing = decreasing, strict = strict)
max_abs_zscore <- function(k) .rule("max_abs_zscore", k = k)
no_gaps <- function(step = 1) .rule("no_gaps", step = step)

.rule_text <- function(r) {
  args <- r[setdiff(names(r), "kind")]
  if (!length(args)) return(paste0(r$kind, "()"))
  vals <- vapply(args, function(a) paste(format(a), collapse = ", "),
                 character(1))
  paste0(r$kind, "(", paste(names(args), vals, sep = " = ", collapse = ", "),
         ")")
}

print.ferroscore_rule <- function(x, ...) {
  cat("<ferroscore_rule> ", .rule_text(x), "\n", sep = "")
  invisible(x)
}

# Rules that make sense on a column of strings (compared by value).
.string_rules <- c("not_missing", "finite", "in_set", "unique")

# A column as doubles for the core; strings and factors become codes (equal
# strings, equal codes), with the in_set values of its rules mapped alike.
.prepare_column <- function(col, name, rules, call) {
  if (is.factor(col)) col <- as.character(col)
  if (is.character(col)) {
    bad <- setdiff(vapply(rules, `[[`, "", "kind"), .string_rules)
    if (length(bad))
      .fs_abort(sprintf(
        "rule not supported on column `%s`: %s needs a numeric column",
        name, bad[1L]), call, argument = name)
    sets <- unlist(lapply(rules, function(r)
      if (r$kind == "in_set") as.character(r$values)), use.names = FALSE)
    lev <- unique(c(sets, col[!is.na(col)]))
    rules <- lapply(rules, function(r) {
      if (r$kind == "in_set")
        r$values <- as.double(match(as.character(r$values), lev))
      r
    })
    col <- as.double(match(col, lev))
  } else if (typeof(col) %in% c("double", "integer", "logical")) {
    col <- as.double(unclass(col))  # also Date, POSIXct, difftime
  } else {
    .fs_abort(sprintf("rule not supported on column `%s`: a %s column",
                      name, class(col)[1L]), call, argument = name)
  }
  list(col = col, rules = rules)
}

validate <- function(data, rules, max_failures = 10, stop_on_failure = FALSE) {
  call <- sys.call()
  if (!is.list(data) || is.null(names(data)))
    .fs_arg_error("data", "must be a data.frame or a named list of columns",
                  call)
  if (!is.list(rules) || (length(rules) && (is.null(names(rules)) ||
                                            any(names(rules) == ""))))
    .fs_arg_error("rules", "must be a named list: column = rule or list of rules",
                  call)
  if (!is.logical(stop_on_failure) || length(stop_on_failure) != 1L ||
      is.na(stop_on_failure))
    .fs_arg_error("stop_on_failure", "must be TRUE or FALSE", call)
  flat_cols <- character(0)
  flat_rules <- list()
  for (i in seq_along(rules)) {
    rs <- rules[[i]]
    if (inherits(rs, "ferroscore_rule")) rs <- list(rs)
    ok <- is.list(rs) && all(vapply(rs, inherits, logical(1),
                                    "ferroscore_rule"))
    if (!ok)
      .fs_arg_error("rules", sprintf(
        "the entry for `%s` must be a rule or a list of rules (in_range(), ...)",
        names(rules)[i]), call)
    flat_cols <- c(flat_cols, rep(names(rules)[i], length(rs)))
    flat_rules <- c(flat_rules, rs)
  }
  used <- intersect(unique(flat_cols), names(data))
  cols <- vector("list", length(used))
  names(cols) <- used
  for (nm in used) {
    idx <- which(flat_cols == nm)
    prep <- .prepare_column(data[[nm]], nm, flat_rules[idx], call)
    cols[[nm]] <- prep$col
    flat_rules[idx] <- prep$rules
  }
  r <- .Call(wrap__fs_validate, cols, used, flat_cols, unclass(flat_rules),
             max_failures)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  n <- length(r$column)
  rows <- lapply(r$rows, as.integer)
  values <- lapply(seq_len(n), function(i) data[[r$column[i]]][rows[[i]]])
  report <- data.frame(column = r$column, rule = r$rule,
                       n_failed = r$n_failed, passed = r$passed,
                       stringsAsFactors = FALSE)
  report$failing_rows <- rows
  report$failing_values <- values
  class(report) <- c("ferroscore_report", "data.frame")
  attr(report, "ok") <- r$ok
  attr(report, "n_rows") <- r$n_rows
  if (stop_on_failure && !r$ok) {
    failed <- report[!report$passed, , drop = FALSE]
    msg <- paste0("validation failed: ", paste(sprintf(
      "%s %s (%g rows)", failed$column, failed$rule, failed$n_failed),
      collapse = "; "))
    stop(structure(
      class = c("ferroscore_validation_error", "ferroscore_error", "error",
                "condition"),
      list(message = msg, call = call, argument = NULL, report = report)))
  }
  report
}

print.ferroscore_report <- function(x, ...) {
  ok <- isTRUE(attr(x, "ok"))
  cat(sprintf("ferroscore validation %s: %s rows, %d checks\n",
              if (ok) "passed" else "FAILED", format(attr(x, "n_rows")),
              nrow(x)))
  if (nrow(x)) {
    show <- data.frame(
      column = x$column, rule = x$rule, n_failed = x$n_failed,
      status = ifelse(x$passed, "ok", "FAILED"),
      failing_rows = vapply(seq_len(nrow(x)), function(i) {
        rws <- x$failing_rows[[i]]
        if (!length(rws)) return("")
        s <- paste(rws, collapse = ", ")
        if (x$n_failed[i] > length(rws)) s <- paste0(s, ", ...")
        s
      }, character(1)),
      stringsAsFactors = FALSE)
    print.data.frame(show, row.names = FALSE, right = FALSE)
  }
  invisible(x)
}
