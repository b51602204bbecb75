# tests/data/coinr-asem/shortest.R - how the *-fixtures.R scripts that
# source it write numbers: each double with the fewest significant digits
# (15 to 17) that read back as the same double, "" for NA.
#   shortest(x)  a numeric vector as such strings
#   fmt(d)       a data frame with its double columns written so
shortest <- function(x) {
  out <- sprintf("%.15g", x)
  for (d in 16:17) {
    bad <- !is.na(x) & suppressWarnings(as.numeric(out)) != x
    out[bad] <- sprintf(paste0("%.", d, "g"), x[bad])
  }
  out[is.na(x)] <- ""
  out
}
fmt <- function(d) {
  for (n in names(d)) if (is.double(d[[n]])) d[[n]] <- shortest(d[[n]])
  d
}
