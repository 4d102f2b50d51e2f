// cli.h -- the `tesa` command line: sub-commands that describe themselves, options from the
// command line and from INI files (`--config FILE`), one entry point that tests call in-process.
//
// Each sub-command registers its options (Boost.Program_options) and a run function in
// all_commands(); `tesa --help` and `tesa SUB --help` are generated from those descriptions.
// Config files: top-level keys and keys under `[SUB]` apply to sub-command SUB; keys of other
// sections are checked against their sub-command but not used; command-line values win.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace tesa::cli {

namespace po = boost::program_options;

struct Context {
    std::ostream& out;
    std::ostream& err;
};

struct Command {
    std::string name;
    std::string summary;      // one line, for `tesa --help`
    std::string description;  // paragraph(s), for `tesa NAME --help`
    std::function<void(po::options_description&)> add_options;
    std::vector<std::string> positional;  // options that take the bare words, in order (e.g. "action", "file")
    std::function<int(const po::variables_map&, Context&)> run;
};

// The sub-commands of the stages before the accelerator model (what `tesa-core` runs; the build
// uses it to generate the timed models the accelerator links), in the order `tesa --help` lists them.
const std::vector<Command>& all_commands();
// all_commands() and the accelerator's commands (apps/tesa/accelerator_commands.cpp).
const std::vector<Command>& accelerator_commands();

// Runs `tesa args...` (args excludes the program name). Returns the exit status: 0 success,
// 1 failed run (bad input, tool failure), 2 usage error.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);  // all_commands()
int run(const std::vector<std::string>& args, const std::vector<Command>& commands, std::ostream& out, std::ostream& err);

// Path helpers shared by the sub-commands.
std::string source_dir();      // the tesa source tree (rtl/, configs/ ...)
std::string default_pdk_dir(); // $TESA_PDK_DIR, else <source>/../shared/pdk/nangate45

}  // namespace tesa::cli
