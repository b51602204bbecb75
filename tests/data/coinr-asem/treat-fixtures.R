# tests/data/coinr-asem/treat-fixtures.R - writes what COINr 1.1.14's
# Treat() makes of the ASEM example's screened data (the input of the
# Treat step of build_example_coin(), as in steps-fixtures.R) with other
# settings than the defaults, for the tests of dti's outlier treatment:
#
#   Rscript tests/data/coinr-asem/treat-fixtures.R [LIBDIR]
#
# The runs (global_specs, and indiv_specs for "indiv"):
#
#   boxcox   winmax 1, then f2 = "boxcox" with lambda 0.5
#   logplus  winmax 1, skew limit 1.5 (of both winsorise and the check),
#            then f2 = "log_CT_plus" (FemLab's negative skew takes
#            -log(max + a - x))
#   logorig  winmax 1, then f2 = "log_CT_orig"
#   indiv    the defaults, and per indicator: Bord and Gas "none" (left
#            as they are); NGOs winmax 2 (then log_CT); Flights winmax 3
#            with force_win; Services winmax 1 then boxcox with lambda
#            0.25; Forest skew limit 3 (it passes as it is).  Each entry
#            is given whole (COINr drops the defaults' parameters of an
#            entry that does not name its functions).
#
# Writes beside this script:
#   treat-<run>.csv      uCode, then the treated indicators (17 significant
#                        digits: every double read back exactly);
#   treat-details.csv    one row per run and indicator, key RUN:iCode:
#                        step (-1 left out by "none", 0 passed as it was,
#                        1 winsorised, 2 the second function), nwin, skew
#                        and kurtosis before, after (after the step
#                        applied; empty when none), pass (1 or 0;
#                        empty when left out);
#   treat-points.csv     key RUN:iCode:uCode for every point winsorised by
#                        a run whose final step is winsorising: 1 at the
#                        high end, -1 at the low end;
#   iMeta-treat.csv      iMeta.csv with a Treat column saying in dti's
#                        words what indiv_specs says (the framework of the
#                        "indiv" run).
# LIBDIR is where COINr is installed (default ~/.local/lib/R-coinr).
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
# a whole specification list, as Treat.data.frame's defaults
spec <- function(winmax = 5, skew = 2, kurt = 3.5, force = FALSE,
                 f2 = "log_CT", f2_para = list(na.rm = TRUE)) {
  list(f1 = "winsorise",
       f1_para = list(na.rm = TRUE, winmax = winmax, skew_thresh = skew,
                      kurt_thresh = kurt, force_win = force),
       f2 = f2, f2_para = f2_para,
       f_pass = "check_SkewKurt",
       f_pass_para = list(na.rm = TRUE, skew_thresh = skew,
                          kurt_thresh = kurt))
}
runs <- list(
  boxcox = list(global = spec(winmax = 1, f2 = "boxcox",
                              f2_para = list(na.rm = TRUE, lambda = 0.5)),
                indiv = NULL),
  logplus = list(global = spec(winmax = 1, skew = 1.5, f2 = "log_CT_plus"),
                 indiv = NULL),
  logorig = list(global = spec(winmax = 1, f2 = "log_CT_orig"),
                 indiv = NULL),
  indiv = list(global = spec(),
               indiv = list(Bord = "none", Gas = "none",
                            NGOs = spec(winmax = 2),
                            Flights = spec(winmax = 3, force = TRUE),
                            Services = spec(winmax = 1, f2 = "boxcox",
                                            f2_para = list(na.rm = TRUE,
                                                           lambda = 0.25)),
                            Forest = spec(skew = 3))))
# the same in the Treat column of a dti framework
treat_col <- c(Bord = "no", Gas = "no", NGOs = "winmax=2",
               Flights = "winmax=3 force",
               Services = "winmax=1 fallback=boxcox:0.25",
               Forest = "skew=3")

num <- function(v) if (is.null(v)) NA_real_ else as.numeric(v)
details <- NULL
points <- NULL
for (run in names(runs)) {
  r <- runs[[run]]
  l <- Treat(coin, dset = "Screened", global_specs = r$global,
             indiv_specs = r$indiv, out2 = "list")
  x <- l$x_treat
  x <- x[order(x$uCode), , drop = FALSE]
  write.csv(fmt(x), file.path(here, paste0("treat-", run, ".csv")),
            row.names = FALSE, quote = FALSE, na = "")
  dt <- l$Dets_Table
  tp <- l$Treated_Points
  codes <- setdiff(names(l$x_treat), "uCode")
  for (ic in codes) {
    i <- match(ic, dt$iCode)
    if (is.na(i)) {
      # left out by "none": no row in the table
      details <- rbind(details, data.frame(key = paste0(run, ":", ic),
                                           step = -1, nwin = 0,
                                           skew0 = NA, kurt0 = NA,
                                           skew1 = NA, kurt1 = NA,
                                           pass = NA))
      next
    }
    d <- dt[i, , drop = FALSE]
    get <- function(col) if (col %in% names(d)) num(d[[col]]) else NA
    p0 <- get("check_SkewKurt0.Pass")
    p1 <- get("check_SkewKurt1.Pass")
    p2 <- get("check_SkewKurt2.Pass")
    step <- if (p0 == 1) 0 else if (is.na(p2)) 1 else 2
    after <- if (step == 2) "2" else "1"
    nwin <- get("winsorise.nwin")
    details <- rbind(details, data.frame(
      key = paste0(run, ":", ic), step = step,
      nwin = if (step == 1) nwin else 0,
      skew0 = get("check_SkewKurt0.Skew"), kurt0 = get("check_SkewKurt0.Kurt"),
      skew1 = if (step) get(paste0("check_SkewKurt", after, ".Skew")) else NA,
      kurt1 = if (step) get(paste0("check_SkewKurt", after, ".Kurt")) else NA,
      pass = if (step == 2) p2 else if (step == 1) p1 else 1))
    if (step == 1) {
      marks <- tp[[ic]]
      for (u in which(grepl("win", marks)))
        points <- rbind(points, data.frame(
          key = paste0(run, ":", ic, ":", l$x_treat$uCode[u]),
          mark = if (grepl("winhi", marks[u])) 1 else -1))
    }
  }
}
write.csv(fmt(details), file.path(here, "treat-details.csv"),
          row.names = FALSE, quote = FALSE, na = "")
write.csv(fmt(points), file.path(here, "treat-points.csv"),
          row.names = FALSE, quote = FALSE, na = "")

# iMeta.csv with the Treat column, written as iMeta.csv is (README.md)
meta <- read.csv(file.path(here, "iMeta.csv"), check.names = FALSE,
                 colClasses = "character", na.strings = NULL)
meta$Treat <- ifelse(meta$iCode %in% names(treat_col),
                     treat_col[meta$iCode], "")
q <- function(v) ifelse(grepl("[,\"]", v),
                        paste0("\"", gsub("\"", "\"\"", v), "\""), v)
lines <- c(paste(names(meta), collapse = ","),
           apply(meta, 1, function(r) paste(q(r), collapse = ",")))
writeLines(lines, file.path(here, "iMeta-treat.csv"))
