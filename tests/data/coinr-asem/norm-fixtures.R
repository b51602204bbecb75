# tests/data/coinr-asem/norm-fixtures.R - writes what COINr 1.1.14's
# Normalise() makes of the ASEM example's raw data with the normalisations
# dti checks besides min-max: Borda scores, scaled, distance to a reference
# unit, and parameters read from iMeta columns (use_iMeta) for min-max,
# z-scores, scaled and goalposts:
#
#   Rscript tests/data/coinr-asem/norm-fixtures.R [LIBDIR]
#
# writes iMeta-params.csv (iMeta.csv with the parameter columns COINr
# reads: minmax_lower, minmax_upper, zscore_mean, zscore_sd, scaled_lower,
# scaled_upper, scale_factor, goalpost_lower, goalpost_upper,
# goalpost_scale, goalpost_trunc2posts; values made from each indicator's
# range) and norm-<method>.csv (uCode, then the normalised indicators,
# 17 significant digits) beside this script.
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else "~/.local/lib/R-coinr"
suppressMessages(library(COINr, lib.loc = lib))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                            value = TRUE)))
meta <- ASEM_iMeta  # the same as iMeta.csv and iData.csv (README.md)
data <- ASEM_iData
ind <- meta$Type == "Indicator"
lo <- hi <- rep(NA_real_, nrow(meta))
for (i in which(ind)) {
  x <- data[[meta$iCode[i]]]
  lo[i] <- min(x, na.rm = TRUE)
  hi[i] <- max(x, na.rm = TRUE)
}
span <- hi - lo
meta$minmax_lower <- ifelse(ind, 10, NA)
meta$minmax_upper <- ifelse(ind, 20, NA)
meta$zscore_mean <- ifelse(ind, 50, NA)
meta$zscore_sd <- ifelse(ind, 10, NA)
meta$scaled_lower <- ifelse(ind, lo - 0.1 * span, NA)
meta$scaled_upper <- ifelse(ind, hi + 0.1 * span, NA)
meta$scale_factor <- ifelse(ind, 10, NA)
meta$goalpost_lower <- ifelse(ind, lo + 0.1 * span, NA)
meta$goalpost_upper <- ifelse(ind, hi - 0.2 * span, NA)
meta$goalpost_scale <- ifelse(ind, 100, NA)
meta$goalpost_trunc2posts <- ifelse(ind, seq_len(nrow(meta)) %% 2 == 0, NA)
fmt <- function(df) {
  for (j in seq_along(df))
    if (is.numeric(df[[j]]))
      df[[j]] <- ifelse(is.na(df[[j]]), "", sprintf("%.17g", df[[j]]))
  df
}
out <- fmt(meta)
out$goalpost_trunc2posts <- ifelse(is.na(meta$goalpost_trunc2posts), "",
                                   ifelse(meta$goalpost_trunc2posts,
                                          "TRUE", "FALSE"))
write.csv(out, file.path(here, "iMeta-params.csv"), row.names = FALSE,
          na = "")
coin <- new_coin(data, meta, quietly = TRUE,
                 level_names = c("Indicator", "Pillar", "Sub-index",
                                 "Index"))
runs <- list(
  borda = list(f_n = "n_borda"),
  scaled = list(f_n = "n_scaled", f_n_para = list(npara = c(-5, 5))),
  dist2ref = list(f_n = "n_dist2ref",
                  f_n_para = list(iref = which(get_dset(coin, "Raw")$uCode
                                               == "DEU"))),
  meta_minmax = list(f_n = "n_minmax", f_n_para = "use_iMeta"),
  meta_zscore = list(f_n = "n_zscore", f_n_para = "use_iMeta"),
  meta_scaled = list(f_n = "n_scaled", f_n_para = "use_iMeta"),
  meta_goalposts = list(f_n = "n_goalposts", f_n_para = "use_iMeta"))
for (m in names(runs)) {
  x <- Normalise(coin, dset = "Raw", global_specs = runs[[m]],
                 out2 = "df")
  x <- x[order(x$uCode), , drop = FALSE]
  write.csv(fmt(x), file.path(here, paste0("norm-", m, ".csv")),
            row.names = FALSE, quote = FALSE, na = "")
}
