# tests/data/coinr-asem/pca-fixtures.R - COINr's principal component
# analysis and optimised weights of the ASEM example, written as the
# fixtures tests/unit/engine/test_pca.c compares dti's with:
#   pca-eigen.csv     get_PCA(): the eigenvalues (prcomp's sdev squared) and
#                     the units used (complete cases) of each analysis (of
#                     the indicators of a sub-index: prcomp's, see below)
#   pca-loadings.csv  get_PCA(): prcomp's rotation, every component
#   pca-weights.csv   get_PCA(): COINr's PCA weights (the loadings of the
#                     first component, as prcomp's SVD signs them) on the
#                     values dti analyses (min-max onto [0,100], polarity
#                     applied)
#   opt-weights.csv   the weights of the children of an aggregate that give
#                     each child the target share of the children's
#                     correlations with the aggregate: solved by uniroot
#                     (two children: one equation in one weight), by BFGS
#                     on the softmax of the weights (three children), and
#                     by get_opt_weights (Level 3: Conn and Sust in Index)
# An analysis is named by `by` (the aggregate; * for every indicator) and
# `set` (leaves: the indicators below it; children: its children, on the
# aggregated values of min-max onto [0,100] and arithmetic means, the build
# of stats-fixtures.R and time_coinr.R).  Eigenvalues and loadings of
# indicators come from dset = "Raw" (a correlation matrix, the same on the
# normalised values up to the signs of negative-polarity indicators).
# Numbers are written with 17 significant digits.
# Run: Rscript pca-fixtures.R [COINR_LIB]  (COINr 1.1.14, see
# ../shared/anchors/coinr beside the project)
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else file.path(Sys.getenv("HOME"), ".local/lib/R-coinr")
suppressMessages(library(COINr, lib.loc = lib))
coin <- build_example_coin(up_to = "new_coin", quietly = TRUE)
agg <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
agg <- Aggregate(agg, dset = "Normalised", f_ag = "a_amean")
f17 <- function(d) {
  for (n in names(d)) if (is.double(d[[n]])) d[[n]] <- sprintf("%.17g", d[[n]])
  d
}
meta <- coin$Meta$Ind
eig <- list(); lds <- list(); wts <- list()
# one analysis: eigenvalues and loadings from (c1, dset1), weights from
# (c2, dset2), the same variables
one <- function(by, set, c1, dset1, c2, dset2, iCodes, Level, by_groups) {
  a <- get_PCA(c1, dset = dset1, iCodes = iCodes, Level = Level,
               by_groups = by_groups, nowarnings = TRUE)$PCAresults[[1]]
  b <- get_PCA(c2, dset = dset2, iCodes = iCodes, Level = Level,
               by_groups = by_groups, nowarnings = TRUE)$PCAresults[[1]]
  p <- a$PCAres
  stopifnot(identical(a$iCodes, b$iCodes))
  used <- nrow(p$x)
  ev <- p$sdev^2
  eig[[length(eig) + 1]] <<- data.frame(by = by, set = set, used = used,
                                        component = seq_along(ev), eigenvalue = ev)
  r <- p$rotation
  lds[[length(lds) + 1]] <<- data.frame(by = by, set = set,
    code = rep(rownames(r), ncol(r)), component = rep(seq_len(ncol(r)), each = nrow(r)),
    loading = as.vector(r))
  wts[[length(wts) + 1]] <<- data.frame(by = by, set = set, code = b$iCodes,
                                        weight = b$wts)
}
for (g in meta$iCode[!is.na(meta$Level) & meta$Level == 2])
  one(g, "leaves", coin, "Raw", agg, "Normalised", g, 1, TRUE)
# the indicators of a sub-index in one analysis: get_PCA with by_groups =
# FALSE takes every indicator whatever iCodes says, so these two are
# stats::prcomp's, as get_PCA calls it (complete cases, centred, scaled)
# on get_data's columns
for (g in c("Conn", "Sust")) {
  pr <- function(cn, ds) {
    x <- get_data(cn, dset = ds, iCodes = g, Level = 1)
    x <- x[stats::complete.cases(x), names(x) != "uCode"]
    stats::prcomp(x, center = TRUE, scale. = TRUE)
  }
  p <- pr(coin, "Raw")
  ev <- p$sdev^2
  eig[[length(eig) + 1]] <- data.frame(by = g, set = "leaves", used = nrow(p$x),
                                       component = seq_along(ev), eigenvalue = ev)
  r <- p$rotation
  lds[[length(lds) + 1]] <- data.frame(by = g, set = "leaves",
    code = rep(rownames(r), ncol(r)), component = rep(seq_len(ncol(r)), each = nrow(r)),
    loading = as.vector(r))
  r <- pr(agg, "Normalised")$rotation
  wts[[length(wts) + 1]] <- data.frame(by = g, set = "leaves", code = rownames(r),
                                       weight = r[, 1])
}
one("*", "leaves", coin, "Raw", agg, "Normalised", NULL, 1, FALSE)
for (g in c("Conn", "Sust"))
  one(g, "children", agg, "Aggregated", agg, "Aggregated", g, 2, TRUE)
one("Index", "children", agg, "Aggregated", agg, "Aggregated", "Index", 3, TRUE)
write.csv(f17(do.call(rbind, eig)), "pca-eigen.csv", row.names = FALSE, quote = FALSE)
write.csv(f17(do.call(rbind, lds)), "pca-loadings.csv", row.names = FALSE, quote = FALSE)
write.csv(f17(do.call(rbind, wts)), "pca-weights.csv", row.names = FALSE, quote = FALSE)

# optimised weights: the share of child i in the children's correlations
# with the weighted mean, r_i / sum(r), against the target's share
A <- agg$Data$Aggregated
share <- function(X, w) {
  p <- as.vector(X %*% (w / sum(w)))
  r <- apply(X, 2, function(x) stats::cor(x, p))
  r / sum(r)
}
opt <- list()
for (t in list(c(1, 1), c(1, 2))) {
  X <- as.matrix(A[, c("Conn", "Sust")])
  f <- function(w) share(X, c(w, 1 - w))[1] - t[1] / sum(t)
  w <- uniroot(f, c(1e-9, 1 - 1e-9), tol = 1e-15)$root
  opt[[length(opt) + 1]] <- data.frame(by = "Index", targets = paste(t, collapse = ";"),
    code = c("Conn", "Sust"), weight = c(w, 1 - w), source = "uniroot")
}
X <- as.matrix(A[, c("Environ", "Social", "SusEcFin")])
F <- function(u) sum((share(X, exp(c(u, 0))) - 1 / 3)^2)
o <- optim(c(0, 0), F, method = "BFGS", control = list(reltol = 1e-20, maxit = 10000))
w <- exp(c(o$par, 0)); w <- w / sum(w)
opt[[length(opt) + 1]] <- data.frame(by = "Sust", targets = "1;1;1",
  code = c("Environ", "Social", "SusEcFin"), weight = w, source = "BFGS")
for (t in list(c(1, 1), c(1, 2))) {
  l <- get_opt_weights(agg, itarg = if (t[1] == t[2]) "equal" else t, dset = "Aggregated",
                       Level = 3, out2 = "list", toler = 0.01)
  w <- l$WeightsOpt
  w <- w$Weight[match(c("Conn", "Sust"), w$iCode)]
  opt[[length(opt) + 1]] <- data.frame(by = "Index", targets = paste(t, collapse = ";"),
    code = c("Conn", "Sust"), weight = w / sum(w), source = "get_opt_weights")
}
write.csv(f17(do.call(rbind, opt)), "opt-weights.csv", row.names = FALSE, quote = FALSE)
