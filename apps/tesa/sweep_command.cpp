// sweep_command.cpp -- `tesa sweep`: the sweep file read into experiments/sweep.h's spec, each
// point's command line checked by parsing it as its sub-command would, the error tables each point
// needs resolved into the table cache (a table job where missing), then the plan run on worker
// processes, submitted to Slurm, followed or collected. `tesa sweep job` is the worker both
// executors start: it runs one job of the plan in-process.
#include "apps/tesa/accelerator_commands.h"

#include "apps/tesa/config_file.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "compiler/injection.h"
#include "experiments/network_runs.h"
#include "experiments/sweep.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace tesa::cli {

namespace {

// Options the sweep sets itself for every job.
const std::set<std::string> kReserved{"out", "results", "config", "help"};
const std::set<std::string> kSweepable{"run", "array-study", "study"};

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

SweepSpec read_sweep_file(const std::string& file) {
    SweepSpec spec;
    spec.name = std::filesystem::path(file).stem().string();
    for (const ConfigEntry& e : read_config(file)) {
        const std::string where = file + ":" + std::to_string(e.line) + ": ";
        if (e.section.empty()) {
            if (e.key == "command") spec.command = e.value;
            else if (e.key == "name") spec.name = e.value;
            else fail(where + "unknown key '" + e.key + "' (top level: command, name; then [fixed], [grid], [points])");
        } else if (e.section == "fixed" || e.section == "grid" || e.section == "points") {
            if (kReserved.count(e.key)) fail(where + "'" + e.key + "' is set by the sweep for every job");
            if (e.section == "fixed") {
                spec.fixed.emplace_back(e.key, e.value);
            } else if (e.section == "grid") {
                const std::vector<std::string> v = words(e.value);
                if (v.empty()) fail(where + "grid axis '" + e.key + "' has no values (separate them by spaces)");
                spec.grid.emplace_back(e.key, v);
            } else {
                OptionList opts;
                for (const std::string& w : words(e.value)) {
                    const size_t eq = w.find('=');
                    if (eq == std::string::npos || eq == 0) fail(where + "point '" + e.key + "': '" + w + "' is not option=value");
                    if (kReserved.count(w.substr(0, eq))) fail(where + "'" + w.substr(0, eq) + "' is set by the sweep for every job");
                    opts.emplace_back(w.substr(0, eq), w.substr(eq + 1));
                }
                spec.list.emplace_back(e.key, opts);
            }
        } else {
            fail(where + "unknown section [" + e.section + "] (expected [fixed], [grid] or [points])");
        }
    }
    if (spec.command.empty()) fail(file + ": no 'command' (run, array-study or study)");
    if (!kSweepable.count(spec.command)) fail(file + ": command '" + spec.command + "' cannot be swept (run, array-study or study)");
    for (char c : spec.name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') fail(file + ": name '" + spec.name + "': letters, digits, - _ . only");
    return spec;
}

// The command-line words of option `key` = `value` for `command`: a switch takes true or false.
std::vector<std::string> option_words(const std::string& command, const std::string& key, const std::string& value) {
    if (option_is_switch(accelerator_commands(), command, key)) {
        if (value == "true" || value == "yes" || value == "on" || value == "1") return {"--" + key};
        if (value == "false" || value == "no" || value == "off" || value == "0") return {};
        fail("option '" + key + "' is a switch: true or false, not '" + value + "'");
    }
    return {"--" + key + "=" + value};
}

// The values the commands check only once they run (array shape, dataflow, port, variant,
// regulation), checked at plan time so that a typo fails the sweep before any job.
void check_point_values(const po::variables_map& vm) {
    int rows = 0, cols = 0;
    if (vm.count("array")) parse_array(vm["array"].as<std::string>(), rows, cols);
    if (vm.count("dataflow"))
        for (const std::string& d : split_list(vm["dataflow"].as<std::string>())) parse_dataflow(d);
    if (vm.count("weight-port"))
        for (const std::string& p : split_list(vm["weight-port"].as<std::string>())) parse_weight_port(p);
    if (vm.count("variant")) check_variants(split_list(vm["variant"].as<std::string>()));
    if (vm.count("regulation"))
        for (const std::string& r : split_list(vm["regulation"].as<std::string>())) parse_regulation(r);
}

bool point_needs_tables(const std::string& command, const po::variables_map& vm) {
    if (vm.count("tables")) return false;  // given
    if (command == "run") return network_runs_need_tables(split_list(vm["variant"].as<std::string>()), vm["regulation"].as<std::string>());
    return true;  // array-study, study
}

struct Planner {
    std::filesystem::path out;
    int table_threads = 2;
    int table_shards = 1;  // >1: each table job is that many `characterize --shard` jobs and a --merge
    Context& ctx;
    std::map<std::string, PointTiming> timed;  // characterize options -> the point
    std::map<std::string, size_t> table_jobs;  // tables file -> index in plan.jobs

    SweepPlan plan(const SweepSpec& spec, const std::string& file) {
        SweepPlan p;
        p.name = spec.name;
        p.command = spec.command;
        p.out = std::filesystem::absolute(out).lexically_normal();
        for (const auto& [k, v] : spec.fixed) p.params.push_back(k);
        for (const auto& [k, v] : spec.grid) p.params.push_back(k);
        for (const auto& [label, opts] : spec.list)
            for (const auto& [k, v] : opts)
                if (std::find(p.params.begin(), p.params.end(), k) == p.params.end()) p.params.push_back(k);
        std::vector<SweepJob> points;
        const std::vector<SweepPoint> pts = expand_points(spec);
        for (size_t i = 0; i < pts.size(); ++i) {
            const SweepPoint& pt = pts[i];
            SweepJob j;
            j.label = pt.label;
            j.params = pt.options;
            j.args = {spec.command};
            std::string where = file + ": point " + std::to_string(i + 1);
            for (const auto& [k, v] : pt.options) where += " " + k + "=" + v;
            try {
                for (const auto& [k, v] : pt.options)
                    for (const std::string& w : option_words(spec.command, k, v)) j.args.push_back(w);
                std::vector<std::string> check = j.args;
                check.push_back("--out=" + p.out.string());
                const po::variables_map vm = parse_command_line(check, accelerator_commands());
                check_point_values(vm);
                if (vm.count("tables")) {
                    j.tables_file = std::filesystem::absolute(vm["tables"].as<std::string>()).string();
                    if (!std::filesystem::exists(j.tables_file)) fail("tables " + j.tables_file + ": no such file");
                }
                if (point_needs_tables(spec.command, vm)) {
                    const PointTiming& t = timing_of(spec.command, vm, pt.options);
                    j.tables_file = t.file.string();
                    j.args.push_back("--tables=" + j.tables_file);
                    if (!std::filesystem::exists(t.file)) j.depends.push_back(table_job(p, t, pt.options).id);
                }
            } catch (const Error& e) {
                fail(where + ": " + e.what());
            }
            j.id = sweep_job_id('p', j.args);
            for (const SweepJob& other : points)
                if (other.id == j.id) fail(where + ": the same command line as another point");
            points.push_back(std::move(j));
        }
        p.jobs.insert(p.jobs.end(), points.begin(), points.end());
        return p;
    }

    const PointTiming& timing_of(const std::string& command, const po::variables_map& vm, const OptionList& options) {
        const std::string corner = check_corner(vm["corner"].as<std::string>());
        std::optional<double> scale;
        if (command == "study" && !vm.count("clock-ps") && !vm.count("frequency-mhz")) {
            const std::vector<std::string> s = split_list(vm["clock-scale"].as<std::string>());
            if (s.size() != 1) fail("one clock per point: make clock-scale a grid axis");
            scale = parse_real(s[0], "--clock-scale", Range::closed(0.1, 4.0));
        }
        const OperatingPointSpec spec = operating_point_spec(vm, corner, scale);
        std::string key = corner;
        for (const auto& [k, v] : options)
            if (k == "pdk-dir" || k == "liberty") key += "|" + k + "=" + v;
        OperatingPoint op;
        op.spec = spec;
        key += "|" + op.characterize_options();
        auto it = timed.find(key);
        if (it == timed.end()) {
            ctx.err << "sweep: timing " << key.substr(key.rfind('|') + 1) << std::endl;
            it = timed.emplace(key, resolve_point(vm, accelerator_timing_options(vm, corner), spec)).first;
        }
        return it->second;
    }

    const SweepJob& table_job(SweepPlan& p, const PointTiming& t, const OptionList& options) {
        const std::string file = t.file.string();
        if (auto it = table_jobs.find(file); it != table_jobs.end()) return p.jobs[it->second];
        SweepJob j;
        j.kind = SweepJob::Kind::Tables;
        j.tables_file = file;
        j.args = {"characterize"};
        for (const std::string& w : words(t.point.characterize_options())) j.args.push_back(w);
        for (const auto& [k, v] : options)
            if (k == "pdk-dir" || k == "liberty") j.args.push_back("--" + k + "=" + v);
        j.args.push_back("--threads=" + std::to_string(table_threads));
        if (table_shards > 1) {
            SweepJob merge = j;
            merge.args.push_back("--merge");
            merge.id = sweep_job_id('t', merge.args);
            for (int i = 0; i < table_shards; ++i) {
                SweepJob shard = j;
                shard.args.push_back("--shard=" + std::to_string(i) + "/" + std::to_string(table_shards));
                shard.id = sweep_job_id('t', shard.args);
                shard.tables_file.clear();  // a shard writes chunks (the last one perhaps the tables)
                merge.depends.push_back(shard.id);
                p.jobs.push_back(shard);
            }
            j = merge;
        }
        j.id = sweep_job_id('t', j.args);
        table_jobs[file] = p.jobs.size();
        p.jobs.push_back(j);
        return p.jobs.back();
    }
};

std::string self_executable() {
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) fail("sweep: cannot find this executable (/proc/self/exe): " + ec.message() + "; give --tesa FILE");
    return p.string();
}

std::vector<std::string> worker_command(const po::variables_map& vm) {
    const std::string exe = vm.count("tesa") ? std::filesystem::absolute(vm["tesa"].as<std::string>()).string() : self_executable();
    return {exe, "sweep", "job"};
}

std::vector<std::string> plot_command() {
    return {plot_python(), source_dir() + "/scripts/plot_sweep.py"};
}

// The sweep directory of --dir, or of the sweep file's name under --out.
std::filesystem::path sweep_dir(const po::variables_map& vm) {
    if (vm.count("dir")) return std::filesystem::absolute(vm["dir"].as<std::string>()).lexically_normal();
    if (!vm.count("config")) fail("sweep: give the sweep file (--config FILE) or its directory (--dir DIR)");
    const SweepSpec spec = read_sweep_file(vm["config"].as<std::string>());
    return std::filesystem::absolute(std::filesystem::path(vm["out"].as<std::string>()) / "sweep" / spec.name).lexically_normal();
}

// One job of the plan, in this process.
int run_job(const po::variables_map& vm, Context& ctx) {
    const std::filesystem::path dir = sweep_dir(vm);
    const SweepPlan plan = read_plan(dir);
    std::string id;
    if (vm.count("id")) id = vm["id"].as<std::string>();
    else if (vm.count("list") && vm.count("index")) id = job_of_task(vm["list"].as<std::string>(), vm["index"].as<long>());
    else fail("sweep job: give --id ID, or --list FILE and --index I");
    const SweepJob& j = plan.job(id);
    for (const std::string& d : j.depends)
        if (job_state(dir, d) != JobState::Done) fail("sweep job " + id + ": the job it needs, " + d + ", is not done");
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> args = j.args;
    args.push_back("--out=" + plan.out.string());
    const std::filesystem::path jd = job_dir(dir, id);
    if (j.kind == SweepJob::Kind::Point) args.push_back("--results=" + jd.string());
    ctx.err << "sweep job " << id << ": tesa";
    for (const std::string& a : args) ctx.err << " " << a;
    ctx.err << std::endl;
    JobRecord rec;
    if (j.kind == SweepJob::Kind::Tables && !j.tables_file.empty() && std::filesystem::exists(j.tables_file)) {
        ctx.err << "sweep job " << id << ": " << j.tables_file << " is cached" << std::endl;
    } else {
        const int rc = run(args, accelerator_commands(), ctx.out, ctx.err);
        if (rc != 0) {
            mark_job_failed(dir, id, rc);
            return rc;
        }
    }
    if (j.kind == SweepJob::Kind::Tables) {
        if (!j.tables_file.empty() && !std::filesystem::exists(j.tables_file)) {
            mark_job_failed(dir, id, 1);
            fail("sweep job " + id + ": characterize did not write " + j.tables_file + " (another multiplier or Liberty than the plan's?)");
        }
        rec.result = j.tables_file;
    } else {
        std::vector<std::string> csvs;
        for (const auto& e : std::filesystem::directory_iterator(jd)) {
            const std::string n = e.path().filename().string();
            if (e.is_regular_file() && e.path().extension() == ".csv" && n.find("_layers.csv") == std::string::npos) csvs.push_back(n);
        }
        if (csvs.size() != 1) {
            mark_job_failed(dir, id, 1);
            fail("sweep job " + id + ": expected one result CSV in " + jd.string() + ", found " + std::to_string(csvs.size()));
        }
        rec.result = csvs[0];
    }
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    mark_job_done(dir, id, rec);
    return 0;
}

int run_sweep(const po::variables_map& vm, Context& ctx) {
    const std::string action = vm["action"].as<std::string>();
    if (action == "job") return run_job(vm, ctx);
    if (action == "status" || action == "collect") {
        const std::filesystem::path dir = sweep_dir(vm);
        const SweepPlan plan = read_plan(dir);
        if (action == "collect") {
            collect_sweep(plan, dir, vm["plot"].as<bool>() ? plot_command() : std::vector<std::string>{}, ctx);
            return 0;
        }
        const SweepProgress p = sweep_state(plan, dir);
        ctx.out << "sweep " << plan.name << " (" << dir.string() << "): " << p.done << " of " << p.total << " jobs done, " << p.failed << " failed, "
                << p.total - p.done - p.failed << " pending\n";
        for (const std::string& id : p.failed_ids) ctx.out << "  failed: " << id << " (" << job_log(dir, id).string() << ")\n";
        const std::filesystem::path submitted = dir / "slurm" / "submitted";
        if (std::filesystem::exists(submitted) && !find_program("squeue").empty()) {
            std::vector<std::string> ids;
            std::istringstream in(read_file(submitted));
            for (std::string line; std::getline(in, line);)
                if (!line.empty()) ids.push_back(line.substr(0, line.find('\t')));
            std::string list;
            for (const std::string& i : ids) list += (list.empty() ? "" : ",") + i;
            const ProcessResult r = run_process({"squeue", "--noheader", "--array", "--jobs=" + list, "--format=%i %j %T %r"});
            ctx.out << "Slurm (squeue):\n" << (r.output.empty() ? std::string("  no job of this sweep is queued or running\n") : r.output);
        }
        return p.total == p.done ? 0 : 3;
    }
    if (action != "run" && action != "plan") fail("sweep: unknown action '" + action + "' (expected run, plan, status, collect or job)");
    if (!vm.count("config")) fail("sweep: give the sweep file, --config FILE");
    const std::string file = vm["config"].as<std::string>();
    const SweepSpec spec = read_sweep_file(file);
    Planner planner{vm["out"].as<std::string>(), vm["table-threads"].as<int>(), vm["table-shards"].as<int>(), ctx, {}, {}};
    const SweepPlan plan = planner.plan(spec, file);
    const std::filesystem::path dir = sweep_dir(vm);
    write_plan(plan, dir);
    const size_t points = static_cast<size_t>(std::count_if(plan.jobs.begin(), plan.jobs.end(), [](const SweepJob& j) { return j.kind == SweepJob::Kind::Point; }));
    ctx.err << "sweep " << plan.name << ": " << points << " points of tesa " << plan.command << ", " << plan.jobs.size() - points
            << " table job(s); plan " << (dir / "plan.tsv").string() << std::endl;
    if (action == "plan") {
        for (const SweepJob& j : plan.jobs) {
            ctx.out << j.id << (job_state(dir, j.id) == JobState::Done ? " done   " : " pending") << " tesa";
            for (const std::string& a : j.args) ctx.out << " " << a;
            if (!j.depends.empty()) {
                ctx.out << "  (after";
                for (const std::string& d : j.depends) ctx.out << " " << d;
                ctx.out << ")";
            }
            ctx.out << "\n";
        }
        return 0;
    }
    const std::string executor = vm["executor"].as<std::string>();
    if (executor == "slurm") {
        SlurmOptions o;
        o.sbatch = vm["sbatch"].as<std::string>();
        if (vm.count("partition")) o.partition = vm["partition"].as<std::string>();
        if (vm.count("time")) o.time_limit = vm["time"].as<std::string>();
        o.max_parallel = vm["max-parallel"].as<int>();
        o.cpus_per_task = vm["cpus-per-task"].as<int>();
        submit_slurm(plan, dir, worker_command(vm), o, ctx);
        ctx.out << "submitted; follow with `tesa sweep status --dir " << dir.string() << "`, gather with `tesa sweep collect --dir " << dir.string()
                << "`\n";
        return 0;
    }
    if (executor != "local") fail("sweep: --executor '" + executor + "': expected local or slurm");
    const SweepProgress p = run_local(plan, dir, worker_command(vm), vm["workers"].as<int>(), ctx);
    const bool any_point = std::any_of(plan.jobs.begin(), plan.jobs.end(), [&](const SweepJob& j) {
        return j.kind == SweepJob::Kind::Point && job_state(dir, j.id) == JobState::Done;
    });
    if (any_point) collect_sweep(plan, dir, vm["plot"].as<bool>() ? plot_command() : std::vector<std::string>{}, ctx);
    if (p.failed || p.skipped) fail("sweep " + plan.name + ": " + std::to_string(p.failed) + " job(s) failed, " + std::to_string(p.skipped) +
                                    " skipped (their logs are under " + (dir / "logs").string() + "); the same command runs them again");
    return 0;
}

}  // namespace

Command make_sweep_command() {
    Command c;
    c.name = "sweep";
    c.summary = "many design points of run / array-study / study: a grid or a list, resumable, on local workers or Slurm";
    c.description =
        "Reads a sweep file (--config FILE, INI): top-level 'command' (run, array-study or study) and 'name'\n"
        "(default: the file's stem); [fixed] options of every point; [grid] axes, values separated by spaces\n"
        "(the cartesian product, first axis slowest; a value may be a comma list the command itself runs);\n"
        "[points] explicit points, 'label = option=value option=value', each combined with every grid point.\n"
        "Each point's command line is checked as its command would parse it; the error tables a point needs\n"
        "come from the cache under --out (a table job characterizes the missing ones, once). Jobs run as\n"
        "worker processes (--executor local) or Slurm job arrays (--executor slurm: tables first, points\n"
        "after them); done jobs are skipped, so the same command resumes. Results under\n"
        "<out>/sweep/<name>/: results.csv (a row per result row of each point, parameters and metrics in\n"
        "named columns), results.md (Pareto points marked) and results_*.png (matplotlib: accuracy against\n"
        "energy per inference, cycles per image, clock and supply, Pareto front).\n"
        "Actions: run (default), plan (write and list the jobs, run none), status (per-job state and Slurm's\n"
        "queue; exit 0 once every job is done, 3 before), collect (gather the results),\n"
        "job (the worker: one job of the plan, --id or --list/--index). Example: configs/sweep_lenet5.ini.";
    c.positional = {"action"};
    c.config_is_input = true;
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->default_value("run")->value_name("run|plan|status|collect|job"), "what to do")
            ("executor", po::value<std::string>()->default_value("local")->value_name("local|slurm"), "where the jobs run")
            ("workers", bounded<int>("workers", Range::closed(1, kMaxThreads))->default_value(2)->value_name("N"), "local: worker processes")
            ("table-threads", bounded<int>("table-threads", Range::closed(1, kMaxThreads))->default_value(2)->value_name("N"), "threads of a table job")
            ("table-shards", bounded<int>("table-shards", Range::closed(1, 4096))->default_value(1)->value_name("N"),
             "split each table job into N `characterize --shard` jobs and a --merge (Slurm: over the cluster)")
            ("sbatch", po::value<std::string>()->default_value("sbatch")->value_name("PROGRAM"), "slurm: the sbatch to call")
            ("partition", po::value<std::string>()->value_name("NAME"), "slurm: partition (default: the cluster's)")
            ("time", po::value<std::string>()->value_name("LIMIT"), "slurm: time limit per task (sbatch --time)")
            ("max-parallel", bounded<int>("max-parallel", Range::closed(0, 1000000))->default_value(0)->value_name("N"), "slurm: tasks of an array at a time (0: any)")
            ("cpus-per-task", bounded<int>("cpus-per-task", Range::closed(1, kMaxThreads))->default_value(1)->value_name("N"), "slurm: CPUs per task")
            ("tesa", po::value<std::string>()->value_name("FILE"), "the tesa executable the workers run (default: this one)")
            ("plot", po::value<bool>()->default_value(true)->value_name("BOOL"), "draw the plots when collecting")
            ("dir", po::value<std::string>()->value_name("DIR"), "the sweep's directory (status, collect, job), instead of --config")
            ("id", po::value<std::string>()->value_name("ID"), "job: the job's id")
            ("list", po::value<std::string>()->value_name("FILE"), "job: a Slurm task list (with --index)")
            ("index", po::value<long>()->value_name("I"), "job: the task's index in --list")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results (and the shared table cache)");
    };
    c.run = run_sweep;
    return c;
}

}  // namespace tesa::cli
