// Fuzz target: INI config files (syntax, lines, duplicates) applied to every sub-command's options.
#include "apps/tesa/cli.h"
#include "apps/tesa/config_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tesa::cli;
    tesa::fuzz::refuses_cleanly([&] {
        const std::vector<ConfigEntry> entries = parse_config(tesa::fuzz::text(data, size), "fuzz.cfg");
        const std::vector<Command>& commands = all_commands();
        const Command& cmd = commands[size % commands.size()];
        po::variables_map vm;
        try {
            apply_config_entries(entries, "fuzz.cfg", commands, cmd, vm);
            po::notify(vm);
        } catch (const po::error&) {  // a usage error, reported as such by tesa
        }
    });
    return 0;
}
