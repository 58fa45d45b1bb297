#!/usr/bin/env bash
# Data-parallel scaling on this machine: 1 process, then 2 and 4 MPI ranks (oversubscribed past the core count),
# with the settings `deepen train --workers` uses. Prints one line per run (see Program.cs).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release 2>&1 | grep -E " error |Elapsed" || true
dll=bin/Release/net10.0/DistributedBench.dll
root=""; [ "$(id -u)" = 0 ] && root="--allow-run-as-root"
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo TERM=dumb
for round in 1 2 3; do
  dotnet "$dll" "$@"                       # one process, LibTorch's default threads
  OMP_NUM_THREADS=1 dotnet "$dll" "$@"     # one process, one thread: the per-rank setting of 2 ranks on 2 cores
  for n in 2 4; do mpirun $root --oversubscribe --bind-to none -np "$n" dotnet "$dll" "$@"; done
done
