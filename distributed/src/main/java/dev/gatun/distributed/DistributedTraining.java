package dev.gatun.distributed;

import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.parallel.Collectives;
import dev.gatun.train.parallel.DataParallel;
import dev.gatun.train.parallel.RunRefusedException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a config, or resumes a checkpoint, as this process's rank of an {@code mpirun} job: over
 * MPI for the CPU backends, over NCCL (bootstrapped over MPI, GPU = the rank on its host) for
 * {@code backend: cuda}. Rank 0 prints, writes the run folder and checkpoints; see
 * {@link ExperimentRunner#runDistributed}.
 *
 * <p>Faults: a rank whose run throws prints one line naming itself and the error, then calls
 * {@code MPI_Abort}, which makes mpirun stop every rank at once; a rank that dies makes mpirun do
 * the same; a rank that waits for a collective longer than {@code GATUN_COLLECTIVE_TIMEOUT_S}
 * (600 s) ends itself ({@link CollectiveWatchdog}). Checkpoints are written atomically, so the
 * last complete one survives any of these. A run every rank refuses alike before training
 * (disagreeing configs or data) ends cleanly, rank 0 saying why.
 */
public final class DistributedTraining {
    private DistributedTraining() {}

    /**
     * How this rank's part ended.
     *
     * @param status the process's exit status: 0, or 1 when the run was refused
     * @param resultOrNull rank 0's result (null on the other ranks, and when refused)
     * @param refusalOrNull why every rank refused the run, for rank 0 to print (null otherwise)
     */
    public record Outcome(int status, ExperimentResult resultOrNull, String refusalOrNull) {}

    /**
     * Trains {@code config} (with each rank's batch) or resumes {@code resumeOrNull}.
     *
     * @param config the experiment, or null to resume
     * @param resumeOrNull a checkpoint or run folder to continue, or null
     * @param epochs with a resume, the last epoch (0: the config's)
     * @param runs where rank 0 creates the run folder
     * @param out where rank 0 prints progress
     * @param observers rank 0's extra callbacks (Studio's live view)
     * @param env the environment ({@code System.getenv()})
     * @return how it ended; a failure of this rank does not return (MPI_Abort)
     * @throws IllegalStateException saying how to launch, when mpirun did not start this process
     */
    public static Outcome run(ExperimentConfig config, Path resumeOrNull, int epochs, Path runs, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers, Map<String, String> env) {
        MpiLaunch launch = MpiLaunch.require(env);
        MpiCollectives mpi = MpiCollectives.init(env);
        Collectives collectives = mpi;
        try {
            if (config != null && config.backend().equals("cuda")) {
                collectives = NcclCollectives.init(mpi, launch.localRank());
            }
        } catch (Throwable t) {
            mpi.abort(failure(mpi, t), 1);
        }
        Outcome o = run(config, resumeOrNull, epochs, runs, out, observers, collectives);
        collectives.close();
        return o;
    }

    /**
     * Like {@link #run(ExperimentConfig, Path, int, Path, PrintStream, Function, Map)} over ranks
     * that are already joined, which stay open for more runs.
     *
     * @param config the experiment, or null to resume
     * @param resumeOrNull a checkpoint or run folder to continue, or null
     * @param epochs with a resume, the last epoch (0: the config's)
     * @param runs where rank 0 creates the run folder
     * @param out where rank 0 prints progress
     * @param observers rank 0's extra callbacks (Studio's live view)
     * @param collectives the ranks
     * @return how it ended; a failure of this rank does not return (it aborts the job)
     */
    public static Outcome run(ExperimentConfig config, Path resumeOrNull, int epochs, Path runs, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers, Collectives collectives) {
        try {
            DataParallel parallel = new DataParallel(collectives, DataParallel.DEFAULT_BUCKET_BYTES);
            ExperimentResult r = resumeOrNull != null
                    ? ExperimentRunner.resumeDistributed(resumeOrNull, epochs, out, parallel)
                    : ExperimentRunner.runDistributed(config, runs, out, observers, parallel);
            // Rank 0 still writes its report and weights: the others wait here, not in MPI_Finalize.
            collectives.barrier();
            return new Outcome(0, collectives.isRoot() ? r : null, null);
        } catch (RunRefusedException e) {
            return new Outcome(1, null, collectives.isRoot() ? e.getMessage() : null);
        } catch (Throwable t) {
            collectives.abort(failure(collectives, t), 1);
            throw new AssertionError("abort returned", t);
        }
    }

    /** "gatun: rank 1 of 3 (MPI rank 1 of 3 on host) failed: IllegalStateException: ..." */
    static String failure(Collectives c, Throwable t) {
        String what = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        return "gatun: rank " + c.rank() + " of " + c.size() + " (" + c.describe() + ") failed, stopping every rank: "
                + what;
    }
}
