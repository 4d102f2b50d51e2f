// process.cpp -- fork/exec with the output captured through a temporary file.
#include "common/process.h"

#include "common/error.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace tesa {

std::string find_program(const std::string& program) {
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        std::string candidate = dir + "/" + program;
        struct stat st;
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& extra_env,
                          const std::filesystem::path& workdir) {
    if (argv.empty()) fail("run_process: empty command");
    std::string exe = find_program(argv[0]);
    if (exe.empty())
        fail(argv[0] + ": program not found on PATH (run scripts/setup.sh to install it)");

    char log_template[] = "/tmp/tesa-proc-XXXXXX";
    int log_fd = ::mkstemp(log_template);
    if (log_fd < 0) fail(std::string("cannot create a temporary log file: ") + std::strerror(errno));
    ::unlink(log_template);

    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        fail(argv[0] + ": cannot start: " + std::strerror(errno));
    }
    if (pid == 0) {
        // A tool outlives a killed tesa otherwise, and a resumed run would race it for the same
        // files (a characterization worker writing the chunk the rerun computes again).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) _exit(125);  // the parent died before prctl took effect
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        for (const auto& [k, v] : extra_env) ::setenv(k.c_str(), v.c_str(), 1);
        if (!workdir.empty() && ::chdir(workdir.c_str()) != 0) _exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(exe.c_str(), args.data());
        _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::lseek(log_fd, 0, SEEK_SET);
    char buf[1 << 15];
    ssize_t n;
    while ((n = ::read(log_fd, buf, sizeof buf)) > 0) result.output.append(buf, static_cast<size_t>(n));
    ::close(log_fd);
    return result;
}

std::string output_section(const std::string& text, const std::string& begin, const std::string& end) {
    size_t b = text.find(begin);
    if (b == std::string::npos) return {};
    b += begin.size();
    const size_t e = text.find(end, b);
    if (e == std::string::npos) return {};
    return text.substr(b, e - b);
}

}  // namespace tesa
