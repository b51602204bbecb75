# bench/coinr_ua.R - COINr's uncertainty analysis timed, for bench/coinr.sh.
# usage: Rscript coinr_ua.R CASEDIR N
# The coin is built as time_coinr.R builds it (new_coin + Normalise onto
# [0,100] + Aggregate, arithmetic means) from CASEDIR's iData.csv and
# iMeta.csv; then get_sensitivity(SA_type = "UA") regenerates it N times
# with every weight of levels 1 to 3 times U(0.75, 1.25)
# (get_noisy_weights, NoiseFactor 0.25).  Writes CASEDIR/coinr_ua.csv
# (uCode, Nominal, Mean, Median, Q5, Q95 of the index's ranks) and prints
# the seconds.
suppressMessages(library(COINr, lib.loc = Sys.getenv("COINR_LIB", unset = file.path(Sys.getenv("HOME"), ".local/lib/R-coinr"))))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; N <- as.integer(args[2])
iData <- read.csv(file.path(dir, "iData.csv"), na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
iMeta <- read.csv(file.path(dir, "iMeta.csv"), na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
coin <- new_coin(iData, iMeta, quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
nlev <- max(iMeta$Level, na.rm = TRUE)
w <- coin$Meta$Weights$Original
set.seed(1)
noisy <- get_noisy_weights(w = w, noise_specs = data.frame(Level = 1:(nlev - 1), NoiseFactor = 0.25), Nrep = N)
specs <- list(Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"))
t <- system.time(ua <- get_sensitivity(coin, SA_specs = specs, N = N, SA_type = "UA", dset = "Aggregated", iCode = "Index", quietly = TRUE, Nboot = NULL))
r <- ua$RankStats
out <- data.frame(uCode = r$uCode, Nominal = r$Nominal, Mean = r$Mean, Median = r$Median, Q5 = r$Q5, Q95 = r$Q95)
write.csv(out, file.path(dir, "coinr_ua.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%.4f\n", t[["elapsed"]]))
