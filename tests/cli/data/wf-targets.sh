#!/bin/sh
# tests/cli/data/wf-targets.sh - the store of wf-views.sh (dti-2021,
# dti-2022 and dti-2023 published over the 63 provinces, dti-2024 open)
# with the targets of the cases of 'dti target' (860-879):
#
#   1  Tuyên Quang (08), by its editor ed-tq: rank 15 or better by 2024,
#      from dti-2021, note 'Nghị quyết 03-NQ/TU'
#   2  Tuyên Quang: the index at 0.7 or more by 2024 (ed-tq)
#   3  Tuyên Quang: the figure of soc_activity at 0.5 or more by 2024
#      (ed-tq)
#   4  Tuyên Quang: the figure of econ_activity at 0.6 or more by 2024
#      (ed-tq)
#   5  Hà Nội (01), by the owner olga: rank 1 by 2024, from dti-2022
#   6  Hà Nội: the index at 0.75 or more by 2023 (olga)
#   7  Tuyên Quang: rank 20 or better by 2022 (olga)
#
#   sh tests/cli/data/wf-targets.sh [STAGE]   (from the source root;
#                                              STAGE of wf-views.sh, 4)
#
# Needs $DTI and $TMP; the store is $TMP/dti.db, the clock fixed
# ($DTI_NOW, default 2026-01-15T09:00:00Z).
set -eu
: "${DTI_NOW:=2026-01-15T09:00:00Z}"
export DTI_NOW
sh tests/cli/data/wf-views.sh "${1:-4}"
DTI_DB=$TMP/dti.db
export DTI_DB
as() {
	u=$1
	shift
	"$DTI" "$@" --user "$u" >/dev/null
}
as ed-tq target add 'Tuyên Quang' --rank 15 --by 2024 --baseline dti-2021 \
	--note 'Nghị quyết 03-NQ/TU'
as ed-tq target add 08 --value 0.7 --by 2024
as ed-tq target add 08 --indicator soc_activity --at-least 0.5 --by 2024
as ed-tq target add 08 --indicator econ_activity --at-least 0.6 --by 2024
as olga target add 'Hà Nội' --rank 1 --by 2024 --baseline dti-2022
as olga target add 'Hà Nội' --value 0.75 --by dti-2023
as olga target add 'Tuyên Quang' --rank 20 --by 2022
