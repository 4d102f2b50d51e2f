#include "common/worker_processes.h"

#include "common/error.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>

namespace tesa {

namespace {

// A worker's reply: all of it, until the worker closes its end.
std::string read_all(int fd) {
    std::string s;
    char b[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, b, sizeof b);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        s.append(b, static_cast<size_t>(n));
    }
    return s;
}

void write_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone; it reports the missing reply
        done += static_cast<size_t>(n);
    }
}

}  // namespace

std::vector<std::string> run_in_worker_processes(int n, const std::function<std::string(int)>& work, const std::string& who) {
    if (n <= 1) return {work(0)};
    struct Child {
        pid_t pid;
        int in;
    };
    std::vector<Child> children;
    for (int j = 0; j < n; ++j) {
        int fds[2];
        if (::pipe(fds) != 0) fail(who + ": cannot create a pipe for worker processes");
        std::fflush(nullptr);  // a child must not inherit (and print again) unwritten output
        std::cout.flush();
        std::cerr.flush();
        const pid_t pid = ::fork();
        if (pid < 0) fail(who + ": cannot fork worker processes");
        if (pid == 0) {
            ::close(fds[0]);
            int code = 0;
            std::string reply;
            try {
                reply = "\1" + work(j);  // status byte, then the result or the error text
            } catch (const std::exception& e) {
                reply = std::string(1, '\0') + e.what();
                code = 1;
            }
            write_all(fds[1], reply);
            ::close(fds[1]);
            std::fflush(nullptr);
            _exit(code);
        }
        ::close(fds[1]);
        children.push_back({pid, fds[0]});
    }
    std::vector<std::string> replies;
    std::string error;
    for (const Child& c : children) {
        std::string reply = read_all(c.in);
        ::close(c.in);
        int status = 0;
        ::waitpid(c.pid, &status, 0);
        if (!error.empty()) continue;
        if (reply.empty())
            error = who + ": a worker process died" + (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : std::string());
        else if (reply[0] != '\1')
            error = reply.substr(1, 2000);
        else
            replies.push_back(reply.substr(1));
    }
    if (!error.empty()) fail(error);
    return replies;
}

}  // namespace tesa
