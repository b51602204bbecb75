# tests/data/coinr-asem/global-fixtures.R - COINr's panel example normalised
# across its years (a purse normalised with global = TRUE), written as the
# fixture tests/unit/engine/test_compare.c compares dti's
# normalisation across cycles with:
#   global-index.csv   per unit and year (iData_p.csv, 2018-2022) every
#                      indicator min-max normalised onto [0,100] over the
#                      figures of all five years together, and the Index
#                      of the arithmetic means above them
#                      (Normalise(global = TRUE) + Aggregate(a_amean))
# Numbers are written with the fewest significant digits (15 to 17) that
# read back as the same double.
# Run: Rscript global-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
source("shortest.R") # shortest(), fmt()
norm <- list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100)))
purse <- new_coin(ASEM_iData_p, ASEM_iMeta, split_to = "all", quietly = TRUE)
purse <- suppressMessages(Normalise(purse, dset = "Raw", global = TRUE, global_specs = norm))
purse <- suppressMessages(Aggregate(purse, dset = "Normalised", f_ag = "a_amean"))
n <- get_dset(purse, dset = "Normalised")
a <- get_dset(purse, dset = "Aggregated")[, c("uCode", "Time", "Index")]
x <- merge(n, a, by = c("uCode", "Time"))
x <- x[order(x$uCode, x$Time), ]
write.csv(fmt(x), "global-index.csv", row.names = FALSE, quote = FALSE)
