package dev.gatun.distributed;

import java.util.Map;
import java.util.Optional;

/**
 * Whether this process was started by Open MPI's {@code mpirun}, from the environment it sets
 * ({@code OMPI_COMM_WORLD_RANK} and {@code OMPI_COMM_WORLD_SIZE}), before any library is loaded.
 *
 * @param rank this process's rank
 * @param size the number of ranks
 * @param localRank this process's rank among those on its host (picks its GPU for NCCL)
 */
public record MpiLaunch(int rank, int size, int localRank) {

    /** What to do when {@code --distributed} runs without {@code mpirun}. */
    public static final String HOW_TO_LAUNCH = "--distributed runs one process per rank, started by Open MPI's mpirun:"
            + " 'mpirun -np 2 bin/gatun train CONFIG --distributed' on this machine, 'mpirun -np 4 -H host1:2,host2:2"
            + " bin/gatun train CONFIG --distributed' across machines (add --allow-run-as-root as root); without"
            + " --distributed, bin/gatun train uses one process";

    /**
     * Reads the launch from an environment.
     *
     * @param env the environment ({@code System.getenv()})
     * @return the launch, or empty when mpirun did not start this process
     * @throws IllegalStateException when the variables are there but not numbers
     */
    public static Optional<MpiLaunch> from(Map<String, String> env) {
        String rank = env.get("OMPI_COMM_WORLD_RANK");
        String size = env.get("OMPI_COMM_WORLD_SIZE");
        if (rank == null || size == null) {
            return Optional.empty();
        }
        try {
            String local = env.getOrDefault("OMPI_COMM_WORLD_LOCAL_RANK", rank);
            return Optional.of(new MpiLaunch(Integer.parseInt(rank.strip()), Integer.parseInt(size.strip()),
                    Integer.parseInt(local.strip())));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("mpirun's OMPI_COMM_WORLD_RANK='" + rank + "' and OMPI_COMM_WORLD_SIZE='"
                    + size + "' are not numbers", e);
        }
    }

    /**
     * The launch, or an exception saying how to start a distributed run.
     *
     * @param env the environment
     * @return the launch
     * @throws IllegalStateException with {@link #HOW_TO_LAUNCH} when mpirun did not start this process
     */
    public static MpiLaunch require(Map<String, String> env) {
        return from(env).orElseThrow(() -> new IllegalStateException(HOW_TO_LAUNCH));
    }
}
