// version_command.cpp -- `tesa version`: tesa's version and the external tools it would run.
#include "apps/tesa/commands.h"

#include "common/process.h"

#include <ostream>

namespace tesa::cli {

Command make_version_command() {
    Command c;
    c.name = "version";
    c.summary = "print tesa's version and the versions of the EDA tools it drives";
    c.description = "Runs each external tool's own version query; a tool that is missing is reported as such.";
    c.add_options = [](po::options_description&) {};
    c.run = [](const po::variables_map&, Context& ctx) {
        ctx.out << "tesa " << TESA_VERSION << "\n";
        const std::vector<std::vector<std::string>> tools = {
            {"yosys", "-V"}, {"sta", "-version"}, {"verilator", "--version"}, {"iverilog", "-V"}};
        int missing = 0;
        for (const auto& t : tools) {
            ctx.out << "  " << t[0] << ": ";
            if (find_program(t[0]).empty()) {
                ctx.out << "NOT FOUND on PATH\n";
                ++missing;
                continue;
            }
            std::string o = run_process(t).output;
            ctx.out << o.substr(0, o.find('\n')) << "\n";
        }
        return missing == 0 ? 0 : 1;
    };
    return c;
}

}  // namespace tesa::cli
