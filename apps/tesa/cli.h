// cli.h -- the `tesa` command line: sub-commands that describe themselves, options from the
// command line and from INI files (`--config FILE`), one entry point that tests call in-process.
//
// Each sub-command registers its options (Boost.Program_options) and a run function in
// all_commands(); `tesa --help` and `tesa SUB --help` are generated from those descriptions.
// Config files: top-level keys and keys under `[SUB]` apply to sub-command SUB; keys of other
// sections are checked against their sub-command but not used; command-line values win.
#pragma once

#include "common/console.h"
#include "common/validate.h"

#include <boost/program_options.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace tesa::cli {

namespace po = boost::program_options;

using Context = Console;  // common/console.h

struct Command {
    std::string name;
    std::string summary;      // one line, for `tesa --help`
    std::string description;  // paragraph(s), for `tesa NAME --help`
    std::function<void(po::options_description&)> add_options;
    std::vector<std::string> positional;  // options that take the bare words, in order (e.g. "action", "file")
    std::function<int(const po::variables_map&, Context&)> run;
    // True: --config FILE is this command's own input (read by run), not options for it.
    bool config_is_input = false;
};

// The sub-commands of the stages before the accelerator model (what `tesa-core` runs; the build
// uses it to generate the timed models the accelerator links), in the order `tesa --help` lists them.
const std::vector<Command>& all_commands();
// all_commands() and the accelerator's commands (apps/tesa/accelerator_commands.cpp).
const std::vector<Command>& accelerator_commands();

struct ConfigEntry;
// Checks the entries of config file `file` against `commands` and stores those meant for `cmd`
// (top level and [cmd.name]) into vm; errors name the file and line. `--config` does this.
void apply_config_entries(const std::vector<ConfigEntry>& entries, const std::string& file, const std::vector<Command>& commands,
                          const Command& cmd, po::variables_map& vm);

// The options of `tesa args...` (args[0] the sub-command) as `run` would see them -- command line,
// then --config, then notifiers -- for a caller that checks or inspects a command line without
// running it (the sweep planner). Throws Error with the message `run` would print.
po::variables_map parse_command_line(const std::vector<std::string>& args, const std::vector<Command>& commands);

// Whether option `key` of sub-command `command` is a switch (takes no value); Error when the
// command or the option does not exist.
bool option_is_switch(const std::vector<Command>& commands, const std::string& command, const std::string& key);

// Runs `tesa args...` (args excludes the program name). Returns the exit status: 0 success,
// 1 failed run (bad input, tool failure), 2 usage error.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);  // all_commands()
int run(const std::vector<std::string>& args, const std::vector<Command>& commands, std::ostream& out, std::ostream& err);

// Limits shared by several commands' options: worker threads or processes; a GEMM's side; a
// scratchpad of the simulated accelerator (KiB).
constexpr double kMaxThreads = 256, kMaxGemmSide = 16384, kMaxScratchpadKib = 65536;
constexpr int64_t kMaxArraySide = 256;  // rows or columns of the systolic array

// A numeric option checked against `r` when the options are committed (after the command line and
// the config file are merged): a value out of range, NaN or infinite is a usage error (exit 2)
// naming the option and its valid range. `option` is the long name, as declared.
template <class T>
po::typed_value<T>* bounded(const char* option, const Range& r) {
    const std::string name = std::string("--") + option;
    return po::value<T>()->notifier([name, r](const T& v) { require_in(name, static_cast<double>(v), r); });
}

// Path helpers shared by the sub-commands.
std::string source_dir();      // the tesa source tree (rtl/, configs/ ...)
std::string default_pdk_dir(); // $TESA_PDK_DIR, else <source>/../shared/pdk/nangate45

}  // namespace tesa::cli
