# tests/data/coinr-asem/steps-fixtures.R - writes the data sets of COINr's
# build_example_coin() (COINr 1.1.14), one file per step, for the tests of
# dti's data steps (denominate, impute, screen, treat, normalise,
# aggregate):
#
#   Rscript tests/data/coinr-asem/steps-fixtures.R [LIBDIR]
#
# writes steps-<Dataset>.csv (uCode, then the columns of the data set,
# numbers with 17 significant digits: every double read back exactly) and
# steps-treated-points.csv (indicator, points winsorised, skew and kurtosis
# before and after) beside this script.  LIBDIR is where COINr is
# installed (default ~/.local/lib/R-coinr).
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else "~/.local/lib/R-coinr"
suppressMessages(library(COINr, lib.loc = lib))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                            value = TRUE)))
coin <- build_example_coin(quietly = TRUE)
fmt <- function(df) {
  for (j in seq_along(df))
    if (is.numeric(df[[j]]))
      df[[j]] <- ifelse(is.na(df[[j]]), "", sprintf("%.17g", df[[j]]))
  df
}
for (d in c("Denominated", "Imputed", "Screened", "Treated", "Normalised",
            "Aggregated")) {
  x <- coin$Data[[d]]
  x <- x[order(x$uCode), , drop = FALSE]
  write.csv(fmt(x), file.path(here, paste0("steps-", d, ".csv")),
            row.names = FALSE, quote = FALSE, na = "")
}
dt <- coin$Analysis$Treated$Dets_Table
out <- data.frame(iCode = dt$iCode,
                  nwin = ifelse(is.na(dt$winsorise.nwin), 0,
                                dt$winsorise.nwin),
                  skew0 = dt$check_SkewKurt0.Skew,
                  kurt0 = dt$check_SkewKurt0.Kurt,
                  skew1 = dt$check_SkewKurt1.Skew,
                  kurt1 = dt$check_SkewKurt1.Kurt)
write.csv(fmt(out), file.path(here, "steps-treated-points.csv"),
          row.names = FALSE, quote = FALSE, na = "")
