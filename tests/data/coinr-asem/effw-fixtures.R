# tests/data/coinr-asem/effw-fixtures.R - COINr's effective weights of the
# ASEM framework with the Sust sub-index weighing 2 and the pillar
# Physical 3, written as the fixture tests/unit/engine/test_framework.c
# compares dti_framework_effective_weights() with:
#   effw.csv   iCode, then EffWeight: get_eff_weights() of the coin
# Numbers are written with the fewest significant digits (15 to 17) that
# read back as the same double.
# Run: Rscript effw-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
source("shortest.R") # shortest(), fmt()
m <- ASEM_iMeta
m$Weight[m$iCode == "Sust"] <- 2
m$Weight[m$iCode == "Physical"] <- 3
coin <- new_coin(ASEM_iData, m, quietly = TRUE)
w <- get_eff_weights(coin, out2 = "df")
w <- w[!is.na(w$Level), c("iCode", "EffWeight")]
w$EffWeight <- shortest(w$EffWeight)
write.csv(w, "effw.csv", row.names = FALSE, quote = FALSE)
