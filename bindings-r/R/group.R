# Group aggregations: factorize the groups (factor levels, or the sorted
# unique values of a character, integer, numeric or logical vector, as
# factor() has them), call the core with 0-based codes (NA: row skipped),
# name the result by the levels.

.factorize <- function(groups, call) {
  if (is.null(groups) || !is.atomic(groups) || length(dim(groups)) > 1L)
    .fs_arg_error("groups", paste0(
      "must be a factor, character, integer, numeric or logical vector, got ",
      if (is.null(groups)) "NULL" else class(groups)[1L]), call)
  if (!is.object(groups) && (is.integer(groups) || is.double(groups) ||
                              is.logical(groups))) {
    # What factor() computes, without converting every value to a string
    # (which made integer groups ~100 ns per row): codes in Rust, levels
    # from the few unique values.
    r <- .Call(wrap__fs_group_codes,
               if (is.logical(groups)) as.integer(groups) else groups)
    if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
    if (!is.null(r)) {
      lev <- if (is.logical(groups)) as.character(as.logical(r$values))
             else as.character(r$values)
      if (!anyDuplicated(lev))
        return(list(codes = r$codes, levels = lev, n_groups = r$n_groups,
                    keep = r$keep))
    }
  }
  f <- if (is.factor(groups)) groups else factor(groups)
  list(codes = as.integer(f) - 1L, levels = levels(f),
       n_groups = length(levels(f)), keep = NULL)
}

.group_vec <- function(x, g, stat, ddof, p, call) {
  r <- .Call(wrap__fs_group, x, g$codes, g$n_groups, stat, ddof, p)
  if (inherits(r, "ferroscore_rs_error")) .fs_abort(r, call)
  if (!is.null(g$keep)) r <- r[g$keep]
  names(r) <- g$levels
  r
}

.group <- function(x, groups, stat, ddof, p, call) {
  if (!is.data.frame(x)) {
    return(.group_vec(x, .factorize(groups, call), stat, ddof, p, call))
  }
  by <- "group"
  if (is.character(groups) && length(groups) == 1L && nrow(x) != 1L) {
    if (!groups %in% names(x))
      .fs_abort(sprintf("unknown column `%s`", groups), call,
                argument = "groups")
    by <- groups
    groups <- x[[by]]
    x <- x[setdiff(names(x), by)]
  }
  keep <- vapply(x, function(col) is.numeric(col) || is.logical(col),
                 logical(1))
  x <- x[keep]
  g <- .factorize(groups, call)
  out <- data.frame(g$levels, stringsAsFactors = FALSE)
  names(out) <- by
  for (nm in names(x))
    out[[nm]] <- unname(.group_vec(x[[nm]], g, stat, ddof, p, call))
  out
}

group_sum <- function(x, groups) .group(x, groups, "sum", 1, 1.5, sys.call())
group_mean <- function(x, groups) .group(x, groups, "mean", 1, 1.5, sys.call())
group_var <- function(x, groups, ddof = 1)
  .group(x, groups, "var", ddof, 1.5, sys.call())
group_std <- function(x, groups, ddof = 1)
  .group(x, groups, "std", ddof, 1.5, sys.call())
group_min <- function(x, groups) .group(x, groups, "min", 1, 1.5, sys.call())
group_max <- function(x, groups) .group(x, groups, "max", 1, 1.5, sys.call())
group_count <- function(x, groups)
  .group(x, groups, "count", 1, 1.5, sys.call())
group_power_sum <- function(x, groups, p = 1.5)
  .group(x, groups, "power_sum", 1, p, sys.call())
