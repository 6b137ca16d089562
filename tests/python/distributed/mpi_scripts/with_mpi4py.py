"""mpi4py started MPI before nestkit: nestkit uses its MPI_COMM_WORLD, and both agree."""

import nestkit.nest as nest
from mpi4py import MPI

comm = MPI.COMM_WORLD
assert nest.Rank() == comm.Get_rank() and nest.NumProcesses() == comm.Get_size() == 2
n = nest.Create("iaf_psc_alpha", 4, params={"I_e": [376.0, 400.0, 450.0, 500.0]})
sr = nest.Create("spike_recorder")
nest.Connect(n, sr)
nest.Simulate(100.0)
# Every rank's view of the total (an allreduce through mpi4py), reported once by rank 0:
# mpirun may lose the last line of a process that exits at once.
totals = comm.allgather(comm.allreduce(sr.n_events))
if comm.Get_rank() == 0:
    print("TOTALS", *totals, flush=True)
comm.Barrier()
