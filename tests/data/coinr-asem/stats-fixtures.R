# tests/data/coinr-asem/stats-fixtures.R - COINr's statistics of the ASEM
# example, written as the fixtures tests/unit/engine/test_stats.c compares
# dti's with:
#   stats-raw.csv     get_stats(dset = "Raw", nsignif = NULL): per indicator
#                     min, max, mean, median, sd, skew, kurtosis, counts
#   corr-raw.csv      Pearson and Spearman correlations (pairwise complete
#                     units) of every two indicators of each level-2 group
#   cronbach-raw.csv  get_cronbach(dset = "Raw", Level = 1) of each level-2
#                     group
#   corr-parent.csv   get_corr(dset = "Aggregated", withparent = TRUE): the
#                     Pearson correlation of every indicator and aggregate
#                     with its parent, after min-max onto [0,100] and
#                     arithmetic means (the build of time_coinr.R)
# Numbers are written with 17 significant digits.
# Run: Rscript stats-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
coin <- build_example_coin(up_to = "new_coin", quietly = TRUE)
f17 <- function(d) {
  for (n in names(d)) if (is.double(d[[n]])) d[[n]] <- sprintf("%.17g", d[[n]])
  d
}
s <- get_stats(coin, dset = "Raw", nsignif = NULL)
write.csv(f17(s[, c("iCode", "Min", "Max", "Mean", "Median", "Std", "Skew",
                    "Kurt", "N.Avail", "N.NonZero", "N.Unique", "N.Same")]),
          "stats-raw.csv", row.names = FALSE, quote = FALSE)
meta <- coin$Meta$Ind
groups <- meta$iCode[!is.na(meta$Level) & meta$Level == 2]
rows <- list(); al <- list()
for (g in groups) {
  codes <- meta$iCode[!is.na(meta$Level) & meta$Level == 1 & meta$Parent == g]
  x <- get_data(coin, dset = "Raw", iCodes = codes)
  x <- x[, codes, drop = FALSE]
  for (i in seq_along(codes)) for (j in seq_along(codes)) if (i < j) {
    ok <- !is.na(x[[i]]) & !is.na(x[[j]])
    rows[[length(rows) + 1]] <- data.frame(
      group = g, a = codes[i], b = codes[j],
      pearson = stats::cor(x[[i]][ok], x[[j]][ok], method = "pearson"),
      spearman = stats::cor(x[[i]][ok], x[[j]][ok], method = "spearman"))
  }
  al[[length(al) + 1]] <- data.frame(group = g,
    alpha = get_cronbach(coin, dset = "Raw", iCodes = g, Level = 1))
}
write.csv(f17(do.call(rbind, rows)), "corr-raw.csv", row.names = FALSE, quote = FALSE)
write.csv(f17(do.call(rbind, al)), "cronbach-raw.csv", row.names = FALSE, quote = FALSE)

agg <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
agg <- Aggregate(agg, dset = "Normalised", f_ag = "a_amean")
pr <- list()
for (lev in 2:(max(meta$Level, na.rm = TRUE))) {
  for (g in meta$iCode[!is.na(meta$Level) & meta$Level == lev]) {
    x <- get_corr(agg, dset = "Aggregated", iCodes = list(g), Levels = c(lev - 1, lev),
                  withparent = TRUE, cortype = "pearson", pval = 0, make_long = TRUE)
    x <- x[x$Var1 == g, ]
    pr[[length(pr) + 1]] <- data.frame(parent = g, child = x$Var2, pearson = x$Correlation)
  }
}
write.csv(f17(do.call(rbind, pr)), "corr-parent.csv", row.names = FALSE, quote = FALSE)
