// sweep.h -- exploration sweeps: one tesa sub-command (run, array-study, study) over many design
// points, each point a job that writes its own results; the error tables the points need are jobs
// of their own, built once into the table cache and shared. A sweep lives in one directory:
//
//   plan.tsv          the jobs (written by the planner, apps/tesa/sweep_command.cpp; read by every worker)
//   jobs/<id>/        a job's results (--results of the sub-command; run's journal resumes there)
//   jobs/<id>.done    written once the job succeeded: its result file and wall time
//   jobs/<id>.failed  its exit status, when it failed (removed when it runs again)
//   logs/<id>.log     its output
//   results.csv/.md   the collected table; results_*.png the plots (collect_sweep)
//
// Job ids are hashes of the job's command line, so a point whose options did not change keeps its
// results when the grid grows or the sweep runs again: done jobs are skipped, an interrupted one
// starts again (and a run point continues from its own journal). The executors -- worker
// processes here (run_local) or Slurm job arrays (submit_slurm) -- start the same worker command
// for each job, so their results are the same bits.
#pragma once

#include "common/console.h"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tesa {

using OptionList = std::vector<std::pair<std::string, std::string>>;  // (long option name, value)

// What a sweep file says (apps/tesa/sweep_command.cpp reads it): the sub-command, the options of
// every point, the grid axes (cartesian product, the first axis varying slowest) and an explicit
// list of points (label, options), each combined with every grid point.
struct SweepSpec {
    std::string name;
    std::string command;
    OptionList fixed;
    std::vector<std::pair<std::string, std::vector<std::string>>> grid;
    std::vector<std::pair<std::string, OptionList>> list;
};

struct SweepPoint {
    std::string label;   // the list entry's label ("" without a list)
    OptionList options;  // fixed, then grid, then list options, in file order
};

// The points of `spec`, in order. Error when an option is given twice for one point (fixed and
// grid, twice in the grid, or a list entry repeating either) or an axis has no values.
std::vector<SweepPoint> expand_points(const SweepSpec& spec);

struct SweepJob {
    enum class Kind { Tables, Point };
    Kind kind = Kind::Point;
    std::string id;                    // "t..." / "p...": a hash of args
    std::string label;                 // point: the list label
    std::vector<std::string> args;     // the tesa command line, sub-command first, without --out / --results
    std::vector<std::string> depends;  // ids of the jobs that must be done first
    OptionList params;                 // point: its options as the sweep set them
    std::string tables_file;           // the error tables it makes (Tables) or reads (Point; "" if none)
};

struct SweepPlan {
    std::string name, command;
    std::filesystem::path out;           // the --out root every job shares (table cache, synthesis)
    std::vector<std::string> params;     // the swept and fixed option names, in order
    std::vector<SweepJob> jobs;          // table jobs first
    const SweepJob& job(const std::string& id) const;  // Error naming the id when absent
};

// A job id: prefix and the first 12 hex digits of the FNV-1a hash of its arguments.
std::string sweep_job_id(char prefix, const std::vector<std::string>& args);

// plan.tsv: a versioned text file, one job per line, fields tab-separated and escaped (\\, \t, \n),
// so that option values never pass through a shell. write_plan replaces the file atomically.
void write_plan(const SweepPlan& plan, const std::filesystem::path& dir);
SweepPlan read_plan(const std::filesystem::path& dir);  // Error naming the file and line

// The state of one job on disk.
enum class JobState { Pending, Done, Failed };
JobState job_state(const std::filesystem::path& dir, const std::string& id);
std::filesystem::path job_dir(const std::filesystem::path& dir, const std::string& id);
std::filesystem::path job_log(const std::filesystem::path& dir, const std::string& id);
// A done job's record: what it wrote (for a point, the result CSV) and how long it took.
struct JobRecord {
    std::string result;
    double seconds = 0;
};
JobRecord read_job_record(const std::filesystem::path& dir, const std::string& id);
void mark_job_done(const std::filesystem::path& dir, const std::string& id, const JobRecord& r);
void mark_job_failed(const std::filesystem::path& dir, const std::string& id, int status);

struct SweepProgress {
    size_t done = 0, failed = 0, skipped = 0, total = 0;  // skipped: a job it depends on failed
    std::vector<std::string> failed_ids;
};

// Runs every pending job of `plan` with up to `workers` worker processes, each started as
// `worker + {"--dir", dir, "--id", id}` with its output in logs/<id>.log; a job starts once the jobs
// it depends on are done. Progress and ETA on console.err, one line per start and finish.
SweepProgress run_local(const SweepPlan& plan, const std::filesystem::path& dir, const std::vector<std::string>& worker, int workers,
                        Console& console);

// Submits the pending jobs of `plan` as sbatch job arrays, one per dependency level -- the table
// jobs (or their shards, then their merges), then the points -- each after the one before
// (--dependency=afterok), each task running `worker + {"--dir", dir, "--list", LIST, "--index",
// $SLURM_ARRAY_TASK_ID}`; LIST (under slurm/) holds the job ids in task order, so the batch scripts
// hold only paths (quoted) and numbers, and no option value passes through a shell. Returns the
// Slurm job ids of the arrays, in order, and records them in slurm/submitted.
struct SlurmOptions {
    std::string sbatch = "sbatch";
    std::string partition;   // "" : the cluster's default
    std::string time_limit;  // "" : the partition's default (sbatch --time)
    int cpus_per_task = 1;
    int max_parallel = 0;    // tasks of an array at a time (0: no limit)
};
std::vector<std::string> submit_slurm(const SweepPlan& plan, const std::filesystem::path& dir, const std::vector<std::string>& worker,
                                                 const SlurmOptions& o, Console& console);
// The job id of task `index` of the list file `list` (written by submit_slurm).
std::string job_of_task(const std::filesystem::path& list, long index);

// Counts of done / failed / pending jobs, and the pending and failed ids.
SweepProgress sweep_state(const SweepPlan& plan, const std::filesystem::path& dir);

// Collects the done points into results.csv (a row per row of each point's results: the point id,
// its label, the parameters that its own results do not already name, the clock (ps) and supply
// (V) of its tables, then its results without the wall-clock columns, so that the file is the
// same bits whatever ran it), results.md (the table with the Pareto points of accuracy against
// energy, or cycles, marked, and each job's wall time) and, when `plot_command` is given, the
// plots (results_*.png). All of them or none; returns the CSV path. Missing points are listed
// on console.err (and in the Markdown), not an error unless none is done. A plot is drawn by
// `plot_command + {CSV, X_COLUMN, X_LABEL, PNG, TITLE}` (scripts/plot_sweep.py) for each of energy
// per inference, cycles per image, clock and supply that has values (the last two: two or more).
std::filesystem::path collect_sweep(const SweepPlan& plan, const std::filesystem::path& dir, const std::vector<std::string>& plot_command,
                                    Console& console);

}  // namespace tesa
