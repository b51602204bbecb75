# tests/data/coinr-asem/impute-fixtures.R - COINr's imputation by row and
# of panel data, written as the fixtures tests/unit/engine/test_impute.c
# compares dti's with:
#
#   Rscript tests/data/coinr-asem/impute-fixtures.R [LIBDIR]
#
# writes beside this script (COINr 1.1.14, installed in LIBDIR, default
# ~/.local/lib/R-coinr):
#   impute-row-mean.csv       Impute(impute_by = "row", f_i = "i_mean",
#                             group_level = 2) of the Raw data of
#                             new_coin(ASEM_iData, ASEM_iMeta): a missing
#                             figure takes the mean of the unit's other
#                             figures in the same pillar, each indicator
#                             min-max normalised first (with its direction,
#                             normalise_first's default for rows) and the
#                             mean turned back onto the indicator's scale
#   impute-row-median-l3.csv  the same with f_i = "i_median" and
#                             group_level = 3 (the sub-indices)
#   impute-row-mean-den.csv   the same as the first on the Denominated data
#   impute-panel-gaps.csv     the cells (uCode, Time, iCode) blanked in
#                             ASEM_iData_p (iData_p.csv) to make gaps: those
#                             where (7 i + 5 j + 3 (Time - 2018)) %% 23 == 0
#                             (i the unit's row in uCode order, j the
#                             indicator's column, both from 1), 2020 and
#                             2021 of indicator 10 for every fifth unit, and
#                             every year but 2020 of indicator 20 for every
#                             seventh
#   impute-panel.csv          for every indicator cell missing in that
#                             panel (uCode, Time, iCode) what
#                             impute_panel(cols = the indicators) gives it:
#                             imp_type "latest" (and the year it came from,
#                             DataT), "latest" with max_time = 1, "constant"
#                             and "linear-constant"; empty where COINr
#                             leaves it missing
# Numbers are written with the fewest significant digits (15 to 17) that
# read back as the same double; uCode first, as tests/unit/coinr_fixture.h
# reads the wide files.
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else "~/.local/lib/R-coinr"
suppressMessages(library(COINr, lib.loc = lib))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                            value = TRUE)))
source("shortest.R") # shortest(), fmt()
put <- function(d, name)
  write.csv(fmt(d), file.path(here, name), row.names = FALSE, quote = FALSE,
            na = "")

# ---- by row ----------------------------------------------------------------
coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
coin <- Denominate(coin, dset = "Raw", quietly = TRUE)
row_imp <- function(dset, f, level) {
  x <- suppressWarnings(Impute(coin, dset = dset, f_i = f, impute_by = "row",
                               group_level = level, out2 = "df"))
  x[order(x$uCode), , drop = FALSE]
}
put(row_imp("Raw", "i_mean", 2), "impute-row-mean.csv")
put(row_imp("Raw", "i_median", 3), "impute-row-median-l3.csv")
put(row_imp("Denominated", "i_mean", 2), "impute-row-mean-den.csv")

# ---- panel -----------------------------------------------------------------
ic <- ASEM_iMeta$iCode[ASEM_iMeta$Type == "Indicator"]
p <- ASEM_iData_p
units <- sort(unique(p$uCode))
gaps <- NULL
for (i in seq_along(units)) for (j in seq_along(ic)) for (t in 2018:2022) {
  blank <- (7 * i + 5 * j + 3 * (t - 2018)) %% 23 == 0 ||
    (j == 10 && i %% 5 == 0 && t %in% c(2020, 2021)) ||
    (j == 20 && i %% 7 == 0 && t != 2020)
  r <- p$uCode == units[i] & p$Time == t
  if (blank && !is.na(p[r, ic[j]])) {
    p[r, ic[j]] <- NA
    gaps <- rbind(gaps, data.frame(uCode = units[i], Time = t, iCode = ic[j]))
  }
}
put(gaps, "impute-panel-gaps.csv")

pan <- function(type, max_time = NULL)
  suppressMessages(impute_panel(p, cols = ic, imp_type = type,
                                max_time = max_time))
latest <- pan("latest")
latest1 <- pan("latest", 1)
constant <- pan("constant")
linear <- pan("linear-constant")
cell <- function(d, u, t, k) d[d$uCode == u & d$Time == t, k]
out <- NULL
for (r in order(p$uCode, p$Time)) for (k in ic) {
  if (!is.na(p[r, k]))
    next
  u <- p$uCode[r]
  t <- p$Time[r]
  out <- rbind(out, data.frame(
    uCode = u, Time = t, iCode = k,
    latest = cell(latest$iData_imp, u, t, k),
    latest_from = cell(latest$DataT, u, t, k),
    latest1 = cell(latest1$iData_imp, u, t, k),
    latest1_from = cell(latest1$DataT, u, t, k),
    constant = cell(constant$iData_imp, u, t, k),
    linear = cell(linear$iData_imp, u, t, k)))
}
put(out, "impute-panel.csv")
