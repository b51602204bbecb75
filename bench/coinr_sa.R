# bench/coinr_sa.R - COINr's sensitivity analysis timed, for bench/coinr.sh.
# usage: Rscript coinr_sa.R CASEDIR N
# The coin of coinr_ua.R (new_coin + Normalise onto [0,100] + Aggregate);
# two inputs: the weights of levels 1 to 3 times U(0.75, 1.25)
# (get_noisy_weights, NoiseFactor 0.25), and one indicator excluded or none
# (new_coin's exclude: NULL or each indicator, as likely).  Output: the
# mean absolute rank shift of the index (get_sensitivity's default).
# Writes CASEDIR/coinr_sa.csv (input, first, first_5, first_95, total,
# total_5, total_95) and prints the seconds.
suppressMessages(library(COINr, lib.loc = Sys.getenv("COINR_LIB", unset = file.path(Sys.getenv("HOME"), ".local/lib/R-coinr"))))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; N <- as.integer(args[2])
iData <- read.csv(file.path(dir, "iData.csv"), na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
iMeta <- read.csv(file.path(dir, "iMeta.csv"), na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
coin <- new_coin(iData, iMeta, quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
nlev <- max(iMeta$Level, na.rm = TRUE)
set.seed(1)
noisy <- get_noisy_weights(w = coin$Meta$Weights$Original, noise_specs = data.frame(Level = 1:(nlev - 1), NoiseFactor = 0.25), Nrep = 1000)
inds <- iMeta$iCode[!is.na(iMeta$Level) & iMeta$Level == 1]
excl <- c(list(NULL), as.list(inds))
specs <- list(
  Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
  Exclude = list(Address = "$Log$new_coin$exclude", Distribution = excl, Type = "discrete"))
t <- system.time(sa <- get_sensitivity(coin, SA_specs = specs, N = N, SA_type = "SA", dset = "Aggregated", iCode = "Index", Nboot = 200, quietly = TRUE))
s <- sa$Sensitivity
out <- data.frame(input = s$Variable, first = s$Si, first_5 = s$Si_q5, first_95 = s$Si_q95, total = s$STi, total_5 = s$STi_q5, total_95 = s$STi_q95)
write.csv(out, file.path(dir, "coinr_sa.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%.4f\n", t[["elapsed"]]))
