// sweep.cpp -- sweep plans, job state, the local and Slurm executors, and the collected results
// (sweep.h).
#include "experiments/sweep.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/text_format.h"
#include "timing/error_tables.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

extern char** environ;

namespace tesa {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPlanMagic = "tesa sweep plan 1";

std::string escape(const std::string& s) {
    std::string r;
    for (char c : s) {
        if (c == '\\') r += "\\\\";
        else if (c == '\t') r += "\\t";
        else if (c == '\n') r += "\\n";
        else r += c;
    }
    return r;
}

std::string unescape(const std::string& s, const std::string& where) {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            r += s[i];
            continue;
        }
        if (++i == s.size()) fail(where + ": a field ends in a lone backslash");
        if (s[i] == '\\') r += '\\';
        else if (s[i] == 't') r += '\t';
        else if (s[i] == 'n') r += '\n';
        else fail(where + ": unknown escape \\" + std::string(1, s[i]));
    }
    return r;
}

std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> f;
    size_t start = 0;
    for (;;) {
        const size_t tab = line.find('\t', start);
        f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return f;
        start = tab + 1;
    }
}

std::string join_fields(const std::vector<std::string>& f) {
    std::string s;
    for (size_t i = 0; i < f.size(); ++i) s += (i ? "\t" : "") + escape(f[i]);
    return s;
}

// A field for a CSV file (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& v) {
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// The records of CSV text (RFC 4180 quoting).
std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& file) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true, any = true;
        } else if (c == ',') {
            row.push_back(field), field.clear(), any = true;
        } else if (c == '\n') {
            if (any || !field.empty()) row.push_back(field);
            if (!row.empty()) rows.push_back(row);
            row.clear(), field.clear(), any = false;
        } else if (c != '\r') {
            field += c, any = true;
        }
    }
    if (quoted) fail(file + ": a quoted CSV field is not closed");
    if (any || !field.empty()) row.push_back(field);
    if (!row.empty()) rows.push_back(row);
    return rows;
}

std::string tidy_name(const std::string& option) {
    std::string s = option;
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
}

// A word for a POSIX shell: single-quoted, a quote inside as '\''.
std::string shell_word(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string duration_text(double s) {
    if (s < 90) return fmt("%.0f s", s);
    if (s < 5400) return fmt("%.0f min", s / 60);
    return fmt("%.1f h", s / 3600);
}

std::string point_text(const SweepJob& j) {
    if (j.kind == SweepJob::Kind::Tables) return "tables " + fs::path(j.tables_file).filename().string();
    std::string s = j.label.empty() ? std::string() : j.label + ":";
    for (const auto& [k, v] : j.params) s += (s.empty() || s.back() == ':' ? "" : " ") + k + "=" + v;
    return s;
}

}  // namespace

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
    std::set<std::string> base;
    for (const auto& [k, v] : spec.fixed)
        if (!base.insert(k).second) fail("sweep: option '" + k + "' is fixed twice");
    for (const auto& [k, values] : spec.grid) {
        if (values.empty()) fail("sweep: grid axis '" + k + "' has no values");
        if (!base.insert(k).second) fail("sweep: option '" + k + "' is both fixed and a grid axis, or two axes");
    }
    std::vector<SweepPoint> grid(1);
    for (const auto& [k, values] : spec.grid) {
        std::vector<SweepPoint> next;
        for (const SweepPoint& p : grid)
            for (const std::string& v : values) {
                SweepPoint q = p;
                q.options.emplace_back(k, v);
                next.push_back(q);
            }
        grid = std::move(next);
    }
    std::vector<SweepPoint> points;
    const std::vector<std::pair<std::string, OptionList>> list =
        spec.list.empty() ? std::vector<std::pair<std::string, OptionList>>{{"", {}}} : spec.list;
    for (const SweepPoint& g : grid)
        for (const auto& [label, opts] : list) {
            SweepPoint p;
            p.label = label;
            p.options = spec.fixed;
            p.options.insert(p.options.end(), g.options.begin(), g.options.end());
            std::set<std::string> seen = base;
            for (const auto& [k, v] : opts) {
                if (!seen.insert(k).second) fail("sweep: point '" + label + "' sets option '" + k + "' that is already set (fixed, grid or twice)");
                p.options.emplace_back(k, v);
            }
            points.push_back(std::move(p));
        }
    return points;
}

std::string sweep_job_id(char prefix, const std::vector<std::string>& args) {
    std::string all;
    for (const std::string& a : args) all += a + '\0';
    return std::string(1, prefix) + bytes_hash(all).substr(0, 12);
}

const SweepJob& SweepPlan::job(const std::string& id) const {
    for (const SweepJob& j : jobs)
        if (j.id == id) return j;
    fail("sweep " + name + ": no job '" + id + "' in the plan");
}

void write_plan(const SweepPlan& plan, const fs::path& dir) {
    std::ostringstream s;
    s << kPlanMagic << "\n" << join_fields({"name", plan.name}) << "\n" << join_fields({"command", plan.command}) << "\n"
      << join_fields({"out", plan.out.string()}) << "\n";
    std::vector<std::string> p{"params"};
    p.insert(p.end(), plan.params.begin(), plan.params.end());
    s << join_fields(p) << "\n";
    for (const SweepJob& j : plan.jobs) {
        std::vector<std::string> f{"job", j.kind == SweepJob::Kind::Tables ? "tables" : "point", j.id, j.label, j.tables_file};
        f.push_back(std::to_string(j.depends.size()));
        f.insert(f.end(), j.depends.begin(), j.depends.end());
        f.push_back(std::to_string(j.args.size()));
        f.insert(f.end(), j.args.begin(), j.args.end());
        f.push_back(std::to_string(j.params.size()));
        for (const auto& [k, v] : j.params) f.push_back(k), f.push_back(v);
        s << join_fields(f) << "\n";
    }
    fs::create_directories(dir);
    write_file_atomic(dir / "plan.tsv", s.str());
}

SweepPlan read_plan(const fs::path& dir) {
    const fs::path file = dir / "plan.tsv";
    if (!fs::exists(file)) fail(file.string() + ": no sweep plan here (run `tesa sweep --config FILE` first)");
    std::istringstream in(read_file(file));
    std::string line;
    if (!std::getline(in, line) || line != kPlanMagic) fail(file.string() + ": not a tesa sweep plan (first line '" + kPlanMagic + "' expected)");
    SweepPlan plan;
    int n = 1;
    while (std::getline(in, line)) {
        ++n;
        const std::string where = file.string() + ":" + std::to_string(n);
        std::vector<std::string> f = split_fields(line);
        for (std::string& x : f) x = unescape(x, where);
        auto count = [&](size_t i) -> size_t {
            if (i >= f.size()) fail(where + ": the line ends early");
            char* end = nullptr;
            const unsigned long v = std::strtoul(f[i].c_str(), &end, 10);
            if (f[i].empty() || *end || v > f.size()) fail(where + ": bad count '" + f[i] + "'");
            return v;
        };
        if (f[0] == "name" && f.size() == 2) plan.name = f[1];
        else if (f[0] == "command" && f.size() == 2) plan.command = f[1];
        else if (f[0] == "out" && f.size() == 2) plan.out = f[1];
        else if (f[0] == "params") plan.params.assign(f.begin() + 1, f.end());
        else if (f[0] == "job" && f.size() >= 6) {
            SweepJob j;
            if (f[1] != "tables" && f[1] != "point") fail(where + ": unknown job kind '" + f[1] + "'");
            j.kind = f[1] == "tables" ? SweepJob::Kind::Tables : SweepJob::Kind::Point;
            j.id = f[2], j.label = f[3], j.tables_file = f[4];
            size_t i = 5;
            const size_t nd = count(i++);
            if (i + nd > f.size()) fail(where + ": the line ends early");
            j.depends.assign(f.begin() + static_cast<std::ptrdiff_t>(i), f.begin() + static_cast<std::ptrdiff_t>(i + nd));
            i += nd;
            const size_t na = count(i++);
            if (i + na > f.size()) fail(where + ": the line ends early");
            j.args.assign(f.begin() + static_cast<std::ptrdiff_t>(i), f.begin() + static_cast<std::ptrdiff_t>(i + na));
            i += na;
            const size_t np = count(i++);
            if (i + 2 * np != f.size()) fail(where + ": the parameters do not match their count");
            for (size_t k = 0; k < np; ++k) j.params.emplace_back(f[i + 2 * k], f[i + 2 * k + 1]);
            if (j.args.empty()) fail(where + ": a job without a command line");
            plan.jobs.push_back(std::move(j));
        } else {
            fail(where + ": unexpected line");
        }
    }
    if (plan.command.empty() || plan.out.empty()) fail(file.string() + ": the plan names no command or out directory");
    return plan;
}

fs::path job_dir(const fs::path& dir, const std::string& id) { return dir / "jobs" / id; }
fs::path job_log(const fs::path& dir, const std::string& id) { return dir / "logs" / (id + ".log"); }

JobState job_state(const fs::path& dir, const std::string& id) {
    if (fs::exists(dir / "jobs" / (id + ".done"))) return JobState::Done;
    if (fs::exists(dir / "jobs" / (id + ".failed"))) return JobState::Failed;
    return JobState::Pending;
}

JobRecord read_job_record(const fs::path& dir, const std::string& id) {
    const fs::path f = dir / "jobs" / (id + ".done");
    std::istringstream in(read_file(f));
    JobRecord r;
    std::string seconds;
    if (!std::getline(in, r.result) || !std::getline(in, seconds)) fail(f.string() + ": damaged job record");
    r.seconds = std::atof(seconds.c_str());
    return r;
}

void mark_job_done(const fs::path& dir, const std::string& id, const JobRecord& r) {
    std::error_code ec;
    fs::remove(dir / "jobs" / (id + ".failed"), ec);
    write_file_atomic(dir / "jobs" / (id + ".done"), r.result + "\n" + fmt("%.3f", r.seconds) + "\n");
}

void mark_job_failed(const fs::path& dir, const std::string& id, int status) {
    write_file_atomic(dir / "jobs" / (id + ".failed"), std::to_string(status) + "\n");
}

SweepProgress sweep_state(const SweepPlan& plan, const fs::path& dir) {
    SweepProgress p;
    p.total = plan.jobs.size();
    for (const SweepJob& j : plan.jobs) {
        const JobState s = job_state(dir, j.id);
        if (s == JobState::Done) ++p.done;
        if (s == JobState::Failed) ++p.failed, p.failed_ids.push_back(j.id);
    }
    return p;
}

namespace {

pid_t spawn_worker(const std::vector<std::string>& argv, const fs::path& log) {
    fs::create_directories(log.parent_path());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> av;
    for (const std::string& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, av[0], &fa, nullptr, av.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) fail("sweep: cannot start the worker " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

}  // namespace

SweepProgress run_local(const SweepPlan& plan, const fs::path& dir, const std::vector<std::string>& worker, int workers, Console& console) {
    using Clock = std::chrono::steady_clock;
    workers = std::max(1, workers);
    SweepProgress p;
    p.total = plan.jobs.size();
    std::map<std::string, JobState> state;
    std::vector<const SweepJob*> pending;
    for (const SweepJob& j : plan.jobs) {
        state[j.id] = job_state(dir, j.id);
        if (state[j.id] == JobState::Done) ++p.done;
        else pending.push_back(&j);
    }
    const size_t before = p.done;
    console.err << "sweep " << plan.name << ": " << plan.jobs.size() << " jobs, " << p.done << " done before, " << pending.size() << " to run on "
                << workers << " worker process(es)" << std::endl;
    struct Running {
        const SweepJob* job;
        Clock::time_point start;
    };
    std::map<pid_t, Running> running;
    double point_seconds = 0;
    size_t points_finished = 0;
    size_t points_left = 0;
    for (const SweepJob* j : pending) points_left += j->kind == SweepJob::Kind::Point;
    const auto status_line = [&]() {
        std::string s = fmt("[%.0f/", static_cast<double>(p.done)) + std::to_string(p.total) + " done";
        if (p.failed) s += ", " + std::to_string(p.failed) + " failed";
        if (p.skipped) s += ", " + std::to_string(p.skipped) + " skipped";
        s += ", " + std::to_string(running.size()) + " running]";
        if (points_finished && points_left)
            s += " ETA " + duration_text(point_seconds / static_cast<double>(points_finished) * static_cast<double>(points_left) /
                                         static_cast<double>(std::min<size_t>(static_cast<size_t>(workers), points_left)));
        return s;
    };
    while (!pending.empty() || !running.empty()) {
        // Start every job whose dependencies are done; a failed dependency skips it.
        for (auto it = pending.begin(); it != pending.end() && running.size() < static_cast<size_t>(workers);) {
            const SweepJob& j = **it;
            bool ready = true, blocked = false;
            for (const std::string& d : j.depends) {
                const JobState s = state.count(d) ? state[d] : JobState::Failed;
                ready = ready && s == JobState::Done;
                blocked = blocked || s == JobState::Failed;
            }
            if (blocked) {
                ++p.skipped;
                state[j.id] = JobState::Failed;
                points_left -= j.kind == SweepJob::Kind::Point;
                console.err << "sweep: " << j.id << " skipped: a job it needs failed" << std::endl;
                it = pending.erase(it);
                continue;
            }
            if (!ready) {
                ++it;
                continue;
            }
            std::error_code ec;
            fs::remove(dir / "jobs" / (j.id + ".failed"), ec);
            std::vector<std::string> argv = worker;
            argv.insert(argv.end(), {"--dir", dir.string(), "--id", j.id});
            const pid_t pid = spawn_worker(argv, job_log(dir, j.id));
            running[pid] = {&j, Clock::now()};
            console.err << "sweep: " << j.id << " started (" << point_text(j) << ")" << std::endl;
            it = pending.erase(it);
        }
        if (running.empty()) break;  // nothing can start (only skipped jobs left)
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            fail(std::string("sweep: waiting for the workers: ") + std::strerror(errno));
        }
        const auto r = running.find(pid);
        if (r == running.end()) continue;  // not one of ours
        const SweepJob& j = *r->second.job;
        const double secs = std::chrono::duration<double>(Clock::now() - r->second.start).count();
        running.erase(r);
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && job_state(dir, j.id) == JobState::Done;
        if (j.kind == SweepJob::Kind::Point) {
            --points_left;
            if (ok) point_seconds += secs, ++points_finished;
        }
        if (ok) {
            ++p.done;
            state[j.id] = JobState::Done;
            console.err << "sweep: " << j.id << " done in " << duration_text(secs) << " " << status_line() << std::endl;
        } else {
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (job_state(dir, j.id) != JobState::Failed) mark_job_failed(dir, j.id, code);
            ++p.failed;
            p.failed_ids.push_back(j.id);
            state[j.id] = JobState::Failed;
            console.err << "sweep: " << j.id << " FAILED (exit " << code << "; " << job_log(dir, j.id).string() << ") " << status_line() << std::endl;
            std::error_code ec;
            if (fs::exists(job_log(dir, j.id), ec)) {  // its last lines: the error, usually
                std::vector<std::string> tail = split_list(read_file(job_log(dir, j.id)), '\n');
                for (size_t i = tail.size() > 3 ? tail.size() - 3 : 0; i < tail.size(); ++i) console.err << "  | " << tail[i].substr(0, 400) << std::endl;
            }
        }
    }
    console.err << "sweep " << plan.name << ": " << p.done - before << " jobs run now, " << p.done << " of " << p.total << " done"
                << (p.failed ? ", " + std::to_string(p.failed) + " failed" : std::string())
                << (p.skipped ? ", " + std::to_string(p.skipped) + " skipped" : std::string()) << std::endl;
    return p;
}

std::string job_of_task(const fs::path& list, long index) {
    std::istringstream in(read_file(list));
    std::string id;
    for (long i = 0; std::getline(in, id); ++i)
        if (i == index) return id;
    fail(list.string() + ": no task " + std::to_string(index));
}

namespace {

void check_slurm_word(const std::string& what, const std::string& v, const std::string& allowed) {
    for (char c : v)
        if (!std::isalnum(static_cast<unsigned char>(c)) && allowed.find(c) == std::string::npos)
            fail("sweep: " + what + " '" + v + "' has a character Slurm does not take here ('" + std::string(1, c) + "')");
}

// sbatch's reply to --parsable: "JOBID" or "JOBID;CLUSTER".
std::string parse_job_id(const std::string& out, const std::string& script) {
    std::string id = out.substr(0, out.find_first_of(";\n"));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        fail("sweep: sbatch " + script + " did not answer with a job id: " + out.substr(0, 500));
    return id;
}

}  // namespace

std::vector<std::string> submit_slurm(const SweepPlan& plan, const fs::path& dir, const std::vector<std::string>& worker,
                                                 const SlurmOptions& o, Console& console) {
    if (!o.partition.empty()) check_slurm_word("partition", o.partition, "_-.,");
    if (!o.time_limit.empty()) check_slurm_word("time limit", o.time_limit, ":-");
    const fs::path sdir = dir / "slurm";
    fs::create_directories(sdir);
    fs::create_directories(dir / "logs");
    std::string name = "tesa-" + plan.name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    const std::string stamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    // Waves by dependency depth among the pending jobs (table shards, their merges, the points),
    // each an array that starts after the one before.
    std::map<std::string, int> depth;
    int waves = 0;
    for (const SweepJob& j : plan.jobs) {  // a job comes after those it depends on
        if (job_state(dir, j.id) == JobState::Done) continue;
        int d = 0;
        for (const std::string& dep : j.depends)
            if (depth.count(dep)) d = std::max(d, depth[dep] + 1);
        depth[j.id] = d;
        waves = std::max(waves, d + 1);
    }
    auto submit = [&](int wave, const std::string& depends_on) -> std::string {
        std::vector<std::string> ids;
        bool points = false;
        for (const SweepJob& j : plan.jobs)
            if (depth.count(j.id) && depth[j.id] == wave) ids.push_back(j.id), points = points || j.kind == SweepJob::Kind::Point;
        if (ids.empty()) return depends_on;
        const std::string what = (points ? "points" : "tables") + std::to_string(wave);
        const fs::path list = sdir / (stamp + "-" + what + ".list");
        std::string text;
        for (const std::string& id : ids) text += id + "\n";
        write_file_atomic(list, text);
        std::string cmd = "exec";
        for (const std::string& w : worker) cmd += " " + shell_word(w);
        cmd += " --dir " + shell_word(dir.string()) + " --list " + shell_word(list.string()) + " --index \"$SLURM_ARRAY_TASK_ID\"";
        const fs::path script = sdir / (stamp + "-" + what + ".sbatch");
        write_file_atomic(script, "#!/bin/bash\n# tesa sweep " + plan.name + ": one task per job of " + list.filename().string() + "\n" + cmd + "\n");
        std::vector<std::string> argv{o.sbatch, "--parsable", "--job-name=" + name + "-" + what,
                                      "--array=0-" + std::to_string(ids.size() - 1) + (o.max_parallel > 0 ? "%" + std::to_string(o.max_parallel) : ""),
                                      "--output=" + (dir / "logs" / ("slurm-" + what + "-%A_%a.log")).string(),
                                      "--cpus-per-task=" + std::to_string(std::max(1, o.cpus_per_task)), "--chdir=" + dir.string()};
        if (!o.partition.empty()) argv.push_back("--partition=" + o.partition);
        if (!o.time_limit.empty()) argv.push_back("--time=" + o.time_limit);
        if (!depends_on.empty()) argv.push_back("--dependency=afterok:" + depends_on);
        argv.push_back(script.string());
        const ProcessResult r = run_process(argv);
        if (r.exit_code != 0) fail("sweep: sbatch failed (exit " + std::to_string(r.exit_code) + "): " + r.output.substr(0, 2000));
        const std::string id = parse_job_id(r.output, script.string());
        console.err << "sweep: submitted " << ids.size() << " job(s) of level " << wave << " (" << (points ? "points" : "tables")
                    << ") as Slurm array " << id
                    << (depends_on.empty() ? std::string() : " (after " + depends_on + ")") << std::endl;
        std::ofstream(sdir / "submitted", std::ios::app) << id << "\t" << what << "\t" << list.string() << "\n";
        return id;
    };
    std::vector<std::string> arrays;
    std::string last;
    for (int w = 0; w < waves; ++w) arrays.push_back(last = submit(w, last));
    if (arrays.empty()) console.err << "sweep " << plan.name << ": every job is done; nothing submitted" << std::endl;
    return arrays;
}

namespace {

struct CollectedRow {
    const SweepJob* job;
    std::map<std::string, std::string> cells;
};

double cell_number(const CollectedRow& r, const std::string& col) {
    const auto it = r.cells.find(col);
    if (it == r.cells.end() || it->second.empty()) return std::numeric_limits<double>::quiet_NaN();
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    return *end ? std::numeric_limits<double>::quiet_NaN() : v;
}

// Rows on the Pareto front of (lower x, higher accuracy).
std::vector<bool> pareto(const std::vector<CollectedRow>& rows, const std::string& x) {
    std::vector<size_t> order;
    for (size_t i = 0; i < rows.size(); ++i)
        if (!std::isnan(cell_number(rows[i], x)) && !std::isnan(cell_number(rows[i], "accuracy"))) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double xa = cell_number(rows[a], x), xb = cell_number(rows[b], x);
        return xa != xb ? xa < xb : cell_number(rows[a], "accuracy") > cell_number(rows[b], "accuracy");
    });
    std::vector<bool> on(rows.size(), false);
    double best = -1;
    for (size_t i : order) {
        const double acc = cell_number(rows[i], "accuracy");
        if (acc > best) on[i] = true, best = acc;
    }
    return on;
}

bool has_values(const std::vector<CollectedRow>& rows, const std::string& col, size_t distinct) {
    std::set<double> seen;
    for (const CollectedRow& r : rows) {
        const double v = cell_number(r, col);
        if (!std::isnan(v)) seen.insert(v);
    }
    return seen.size() >= distinct;
}

// Columns of a point's results that measure the machine that ran it, not the design point.
bool wall_clock_column(const std::string& c) { return c == "wall_seconds" || c == "images_per_second" || c == "seconds"; }

}  // namespace

fs::path collect_sweep(const SweepPlan& plan, const fs::path& dir, const std::vector<std::string>& plot_command, Console& console) {
    std::vector<CollectedRow> rows;
    std::vector<std::string> result_cols;  // the points' own columns, first seen first
    std::vector<std::string> missing;
    std::map<std::string, std::pair<std::string, std::string>> table_point;  // tables file -> (clock ps, supply V)
    std::map<std::string, double> seconds;
    for (const SweepJob& j : plan.jobs) {
        if (job_state(dir, j.id) == JobState::Done) seconds[j.id] = read_job_record(dir, j.id).seconds;
        if (j.kind != SweepJob::Kind::Point) continue;
        if (job_state(dir, j.id) != JobState::Done) {
            missing.push_back(j.id);
            continue;
        }
        const fs::path csv = job_dir(dir, j.id) / read_job_record(dir, j.id).result;
        const auto records = parse_csv(read_file(csv), csv.string());
        if (records.empty()) fail(csv.string() + ": no header");
        const std::vector<std::string>& head = records[0];
        for (const std::string& c : head)
            if (!wall_clock_column(c) && std::find(result_cols.begin(), result_cols.end(), c) == result_cols.end()) result_cols.push_back(c);
        if (!j.tables_file.empty() && !table_point.count(j.tables_file)) {
            const ErrorTables t = ErrorTables::read_attributes(j.tables_file);
            table_point[j.tables_file] = {fmt("%.3f", t.clock_ps), t.voltage > 0 ? fmt("%.4f", t.voltage) : std::string()};
        }
        for (size_t i = 1; i < records.size(); ++i) {
            if (records[i].size() != head.size())
                fail(csv.string() + ":" + std::to_string(i + 1) + ": " + std::to_string(records[i].size()) + " fields, the header has " +
                     std::to_string(head.size()));
            CollectedRow r{&j, {}};
            for (size_t c = 0; c < head.size(); ++c) r.cells[head[c]] = records[i][c];
            if (!j.tables_file.empty()) {
                r.cells["tables_clock_ps"] = table_point[j.tables_file].first;
                r.cells["tables_supply_v"] = table_point[j.tables_file].second;
            }
            rows.push_back(std::move(r));
        }
    }
    if (rows.empty()) fail("sweep " + plan.name + ": no point is done yet (" + std::to_string(missing.size()) + " pending); nothing to collect");
    // Parameters the results already name are not repeated.
    std::vector<std::string> params;
    for (const std::string& p : plan.params)
        if (std::find(result_cols.begin(), result_cols.end(), tidy_name(p)) == result_cols.end()) params.push_back(p);
    const bool any_label = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const SweepJob& j) { return !j.label.empty(); });
    std::vector<std::string> cols{"point"};
    if (any_label) cols.push_back("label");
    for (const std::string& p : params) cols.push_back(tidy_name(p));
    cols.insert(cols.end(), {"tables_clock_ps", "tables_supply_v"});
    cols.insert(cols.end(), result_cols.begin(), result_cols.end());
    std::ostringstream csv;
    for (size_t c = 0; c < cols.size(); ++c) csv << (c ? "," : "") << cols[c];
    csv << "\n";
    for (const CollectedRow& r : rows) {
        std::map<std::string, std::string> cells = r.cells;
        cells["point"] = r.job->id;
        cells["label"] = r.job->label;
        for (const auto& [k, v] : r.job->params) cells.emplace(tidy_name(k), v);
        for (size_t c = 0; c < cols.size(); ++c) csv << (c ? "," : "") << csv_field(cells.count(cols[c]) ? cells[cols[c]] : std::string());
        csv << "\n";
    }

    // The Markdown summary: parameters, the headline metrics, the Pareto points.
    const bool energy = has_values(rows, "total_uj_per_image", 1);
    const std::string front_x = energy ? "total_uj_per_image" : "cycles_per_image";
    const std::vector<bool> front = pareto(rows, front_x);
    std::ostringstream md;
    md << "# Sweep " << plan.name << "\n\n`tesa " << plan.command << "` over " << plan.jobs.size() << " jobs ("
       << std::count_if(plan.jobs.begin(), plan.jobs.end(), [](const SweepJob& j) { return j.kind == SweepJob::Kind::Point; }) << " points); "
       << rows.size() << " result rows. Pareto: the rows no other row beats on both accuracy and "
       << (energy ? "energy per inference" : "cycles per image") << ".\n\n| point |";
    if (any_label) md << " label |";
    for (const std::string& p : plan.params) md << " " << p << " |";
    const std::vector<std::string> extra = [&] {
        std::vector<std::string> e;
        for (const char* c : {"variant", "dataflow", "method", "regulation"})
            if (std::find(result_cols.begin(), result_cols.end(), c) != result_cols.end() &&
                std::none_of(plan.params.begin(), plan.params.end(), [&](const std::string& p) { return tidy_name(p) == c; }))
                e.push_back(c);
        return e;
    }();
    for (const std::string& e : extra) md << " " << e << " |";
    md << " accuracy % | cycles per image |" << (energy ? " energy per inference (uJ) |" : "") << " Pareto | job wall time |\n|---|";
    const size_t ncol = (any_label ? 1 : 0) + plan.params.size() + extra.size() + 4 + (energy ? 1 : 0);
    for (size_t c = 0; c < ncol; ++c) md << "---|";
    md << "\n";
    for (size_t i = 0; i < rows.size(); ++i) {
        const CollectedRow& r = rows[i];
        md << "| " << r.job->id << " |";
        if (any_label) md << " " << r.job->label << " |";
        for (const std::string& p : plan.params) {  // the row's own value where its results name it (one of a list)
            std::string v;
            for (const auto& [k, val] : r.job->params)
                if (k == p) v = val;
            const auto own = r.cells.find(tidy_name(p));
            md << " " << (own != r.cells.end() ? own->second : v) << " |";
        }
        for (const std::string& e : extra) md << " " << r.cells.at(e) << " |";
        const double acc = cell_number(r, "accuracy"), cyc = cell_number(r, "cycles_per_image"), uj = cell_number(r, "total_uj_per_image");
        md << " " << (std::isnan(acc) ? std::string("-") : fmt("%.2f", 100 * acc)) << " | " << (std::isnan(cyc) ? std::string("-") : fmt("%.0f", cyc))
           << " |";
        if (energy) md << " " << (std::isnan(uj) ? std::string("-") : fmt("%.3f", uj)) << " |";
        md << " " << (front[i] ? "yes" : "") << " | " << duration_text(seconds[r.job->id]) << " |\n";
    }
    if (!missing.empty()) {
        md << "\nNot done (" << missing.size() << "):";
        for (const std::string& m : missing) md << " " << m;
        md << "\n";
        console.err << "sweep " << plan.name << ": " << missing.size() << " point(s) not done yet, collected without them" << std::endl;
    }

    OutputSet outputs;
    const fs::path csv_file = dir / "results.csv";
    const fs::path staged_csv = outputs.stage(csv_file);
    write_file_atomic(staged_csv, csv.str());
    std::vector<std::string> plots;
    if (!plot_command.empty()) {
        struct Axis {
            const char* column;
            const char* label;
            const char* file;
            size_t distinct;
        };
        const Axis axes[] = {{"total_uj_per_image", "energy per inference (uJ)", "energy", 1},
                             {"cycles_per_image", "accelerator cycles per image", "cycles", 1},
                             {"tables_clock_ps", "clock period T_clk (ps)", "clock", 2},
                             {"tables_supply_v", "supply voltage (V)", "voltage", 2}};
        for (const Axis& a : axes) {
            if (!has_values(rows, a.column, a.distinct) || !has_values(rows, "accuracy", 1)) continue;
            const fs::path png = dir / (std::string("results_") + a.file + ".png");
            std::vector<std::string> argv = plot_command;
            argv.insert(argv.end(), {staged_csv.string(), a.column, a.label, outputs.stage(png).string(), "sweep " + plan.name + " (tesa " + plan.command + ")"});
            const ProcessResult pr = run_process(argv);
            if (pr.exit_code != 0) fail("sweep: the plot failed (" + plot_command.back() + ", exit " + std::to_string(pr.exit_code) + "): " + pr.output.substr(0, 2000));
            plots.push_back(png.filename().string());
        }
    }
    if (!plots.empty()) {
        md << "\nPlots:";
        for (const std::string& p : plots) md << " `" << p << "`";
        md << "\n";
    }
    outputs.write(dir / "results.md", md.str());
    outputs.commit();
    console.out << md.str() << "\nresults: " << csv_file.string() << " (and results.md" << (plots.empty() ? "" : ", the plots") << ")\n";
    return csv_file;
}

}  // namespace tesa
