# tests/data/coinr-asem/trends-fixtures.R - COINr's panel example and its
# trends and build comparison, written as the fixtures
# tests/unit/engine/test_compare.c compares dti's with:
#   iData_p.csv        COINr's ASEM_iData_p: the 51 units of iData.csv over
#                      2018-2022 (an artificial panel COINr ships to show
#                      indices over time), in iData.csv's format
#   trends-index.csv   per unit and year the Index of the build of
#                      time_coinr.R (min-max onto [0,100], arithmetic
#                      means) made year by year (a purse normalised per
#                      year: global = FALSE), its rank (competition
#                      ranking, ties.method = "min"), and the unit's
#                      compound annual growth 2018-2022 by get_trends()
#   compare-sust2.csv  the 2018 Index of that build (A) and of the same
#                      with the Sust sub-index weighing 2 (B), the ranks
#                      of both and compare_coins()'s rank difference
#                      (positive: up in B); its first line, a comment,
#                      holds Spearman's correlation of the two Index
#                      columns by stats::cor
# Numbers are written with the fewest significant digits (15 to 17) that
# read back as the same double.
# Run: Rscript trends-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
source("shortest.R") # shortest(), fmt()
write.csv(fmt(ASEM_iData_p), "iData_p.csv", row.names = FALSE, quote = FALSE, na = "")

norm <- list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100)))
purse <- new_coin(ASEM_iData_p, ASEM_iMeta, split_to = "all", quietly = TRUE)
purse <- Normalise(purse, dset = "Raw", global = FALSE, global_specs = norm, quietly = TRUE)
purse <- Aggregate(purse, dset = "Normalised", f_ag = "a_amean", quietly = TRUE)
x <- get_dset(purse, dset = "Aggregated")[, c("uCode", "Time", "Index")]
x$rank <- ave(x$Index, x$Time, FUN = function(v) rank(-v, ties.method = "min"))
tr <- get_trends(purse, dset = "Aggregated", iCodes = "Index", f_trend = "CAGR")
x$cagr <- tr$Trends$CAGR[match(x$uCode, tr$Trends$uCode)]
x <- x[order(x$uCode, x$Time), ]
write.csv(fmt(x), "trends-index.csv", row.names = FALSE, quote = FALSE)

coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = norm, quietly = TRUE)
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean", quietly = TRUE)
w <- coin$Meta$Weights$Original
w$Weight[w$iCode == "Sust"] <- 2
coin2 <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean", w = w, quietly = TRUE)
a <- get_dset(coin, dset = "Aggregated")[, c("uCode", "Index")]
b <- get_dset(coin2, dset = "Aggregated")[, c("uCode", "Index")]
cc <- compare_coins(coin, coin2, dset = "Aggregated", iCode = "Index")
out <- data.frame(uCode = a$uCode, index_a = a$Index,
                  index_b = b$Index[match(a$uCode, b$uCode)])
out$rank_a <- cc$coin.1[match(out$uCode, cc$uCode)]
out$rank_b <- cc$coin.2[match(out$uCode, cc$uCode)]
out$diff <- cc$Diff[match(out$uCode, cc$uCode)]
f <- file("compare-sust2.csv", "w")
writeLines(paste0("# spearman: ", shortest(stats::cor(out$index_a, out$index_b, method = "spearman"))), f)
write.csv(fmt(out), f, row.names = FALSE, quote = FALSE)
close(f)
