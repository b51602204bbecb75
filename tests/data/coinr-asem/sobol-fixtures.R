# tests/data/coinr-asem/sobol-fixtures.R - COINr's estimators of Sobol
# indices (SA_estimate: first order after Saltelli 2010, total after
# Jansen, the variance of the outputs of A and B) applied to the rank of
# each unit of a small model, written as the fixtures that
# tests/unit/engine/test_uncertainty.c compares dti's per-unit sums
# (lib/engine/sobol.h) with:
#   sobol-ranks.csv    the design's N (d + 2) runs (rows A, then B, then
#                      A_B^(1) .. A_B^(d), as SA_sample lays them out), a
#                      column per unit: its rank in that run
#   sobol-indices.csv  per unit its nominal rank (all inputs at 0.5), then
#                      SA_estimate's Variance, Si of inputs 1..d and STi
#                      of inputs 1..d (empty where COINr gives NaN: the
#                      ranks of U1 and U8 do not move in these runs)
# The model: d = 3 inputs in [0, 1]; unit u scores
#   a_u (0.5 + x1) + b_u (0.5 + x2) + c_u x1 x3
# and ranks by score, highest first, ties at the lowest rank (as dti).
# U1 is far ahead of the others whatever the inputs; U8 stays last.
# Numbers are written with 17 significant digits.
# Run: Rscript sobol-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
set.seed(20240517)
N <- 256
d <- 3
units <- paste0("U", 1:8)
a <- c(100, 3.0, 2.6, 2.2, 1.4, 1.0, 0.5, 0.9)
b <- c(100, 0.4, 0.9, 1.3, 1.8, 2.4, 2.9, 1.0)
c3 <- c(0,  0.2, 1.5, 0.0, 2.0, 0.3, 1.0, 1.1)
ranks_of <- function(x) {
  s <- a * (0.5 + x[1]) + b * (0.5 + x[2]) + c3 * x[1] * x[3]
  rank(-s, ties.method = "min")
}
X <- SA_sample(N, d)
R <- t(apply(X, 1, ranks_of))
colnames(R) <- units
nominal <- ranks_of(rep(0.5, d))
f17 <- function(v) ifelse(is.finite(v), sprintf("%.17g", v), "")
runs <- data.frame(uCode = seq_len(nrow(R)), R)
write.csv(runs, "sobol-ranks.csv", row.names = FALSE, quote = FALSE)
rows <- lapply(seq_along(units), function(u) {
  e <- SA_estimate(R[, u], N, d)
  c(nominal[u], e$Variance, e$SensInd$Si, e$SensInd$STi)
})
out <- as.data.frame(do.call(rbind, rows))
names(out) <- c("nominal", "variance", paste0("S", 1:d), paste0("ST", 1:d))
for (n in names(out)) out[[n]] <- f17(out[[n]])
out <- cbind(uCode = units, out)
write.csv(out, "sobol-indices.csv", row.names = FALSE, quote = FALSE)
