/**
 * Data-parallel training over several processes: {@link dev.gatun.distributed.MpiCollectives}
 * (Open MPI, CPU processes on one host or many) and {@link dev.gatun.distributed.NcclCollectives}
 * (NCCL, one process per GPU, bootstrapped over MPI) implement train's
 * {@link dev.gatun.train.parallel.Collectives}; {@link dev.gatun.distributed.DistributedTraining}
 * runs a config as one rank of an {@code mpirun} job. A module of its own so that train, and
 * everything built on it, needs no native library.
 */
module dev.gatun.distributed {
    requires transitive dev.gatun.train;
    requires dev.gatun.bindings;

    exports dev.gatun.distributed;
}
