// cli.cpp -- dispatch, help, and the INI config layer on top of Boost.Program_options.
#include "apps/tesa/cli.h"

#include "apps/tesa/config_file.h"
#include "common/error.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#ifndef TESA_SOURCE_DIR
#error "TESA_SOURCE_DIR must be defined by the build"
#endif
#ifndef TESA_VERSION
#define TESA_VERSION "unknown"
#endif

namespace tesa::cli {

std::string source_dir() { return TESA_SOURCE_DIR; }

std::string default_pdk_dir() {
    if (const char* env = std::getenv("TESA_PDK_DIR"); env && *env) return env;
    return (std::filesystem::path(TESA_SOURCE_DIR) / ".." / "shared" / "pdk" / "nangate45")
        .lexically_normal()
        .string();
}

namespace {

const Command* find_command(const std::vector<Command>& commands, const std::string& name) {
    for (const auto& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

po::options_description command_options(const Command& c) {
    po::options_description desc("Options of 'tesa " + c.name + "'");
    const std::string config_help =
        c.config_is_input ? "the command's input file (see above)"
                          : "read options from an INI file (keys = long option names; top level or [" + c.name + "] section)";
    desc.add_options()
        ("help,h", "print this help and exit")
        ("config", po::value<std::string>()->value_name("FILE"), config_help.c_str());
    c.add_options(desc);
    return desc;
}

bool parse_bool(const std::string& v, bool& out) {
    if (v == "true" || v == "1" || v == "yes" || v == "on") return out = true, true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return out = false, true;
    return false;
}

// Checks every entry of the file and stores those meant for `cmd` into vm.
}  // namespace

void apply_config_entries(const std::vector<ConfigEntry>& entries, const std::string& file, const std::vector<Command>& commands,
                          const Command& cmd, po::variables_map& vm) {
    std::vector<std::string> args;
    std::vector<const ConfigEntry*> arg_entry;
    for (const auto& e : entries) {
        const std::string where = located(file, e.line, "");
        const Command* target = e.section.empty() ? &cmd : find_command(commands, e.section);
        if (!target) fail(where + "unknown section [" + e.section + "]: not a tesa sub-command");
        po::options_description desc = command_options(*target);
        const po::option_description* od = desc.find_nothrow(e.key, false);
        if (!od || e.key == "config" || e.key == "help")
            fail(where + "unknown key '" + e.key + "'" +
                 (e.section.empty() ? " for 'tesa " + cmd.name + "'" : " in section [" + e.section + "]"));
        if (target != &cmd) continue;
        if (od->semantic()->max_tokens() == 0) {
            bool on = false;
            if (!parse_bool(e.value, on))
                fail(where + "key '" + e.key + "' takes true or false, not " + quoted_excerpt(e.value));
            if (on) {
                args.push_back("--" + e.key);
                arg_entry.push_back(&e);
            }
        } else {
            args.push_back("--" + e.key + "=" + e.value);
            arg_entry.push_back(&e);
        }
    }
    po::options_description desc = command_options(cmd);
    // One option at a time, so that a bad value is reported at its own line.
    for (size_t i = 0; i < args.size(); ++i) {
        try {
            po::store(po::command_line_parser(std::vector<std::string>{args[i]}).options(desc).run(), vm);
        } catch (const po::error& err) {
            std::string what = option_error_text(err, arg_entry[i]->value);
            if (what.size() > 200) what = "the value " + quoted_excerpt(arg_entry[i]->value) + " is invalid";
            fail(located(file, arg_entry[i]->line, std::string("key '") + arg_entry[i]->key + "': " + what));
        }
    }
}

namespace {

void apply_config(const std::string& file, const std::vector<Command>& commands, const Command& cmd, po::variables_map& vm) {
    apply_config_entries(read_config(file), file, commands, cmd, vm);
}

void print_top_help(const std::vector<Command>& commands, std::ostream& out) {
    out << "tesa " << TESA_VERSION
        << " -- DNN accelerators under timing errors: Booth multiplier, timing, error tables, networks\n\n"
        << "usage: tesa <command> [options]      tesa <command> --help\n\ncommands:\n";
    for (const auto& c : commands) {
        out << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\nEvery option can also come from an INI file: --config FILE (see configs/).\n";
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) { return run(args, all_commands(), out, err); }

bool option_is_switch(const std::vector<Command>& commands, const std::string& command, const std::string& key) {
    const Command* cmd = find_command(commands, command);
    if (!cmd) fail("unknown command '" + command + "'");
    const po::options_description desc = command_options(*cmd);
    const po::option_description* od = desc.find_nothrow(key, false);
    if (!od) fail("unknown option '" + key + "' of 'tesa " + command + "'");
    return od->semantic()->max_tokens() == 0;
}

po::variables_map parse_command_line(const std::vector<std::string>& args, const std::vector<Command>& commands) {
    if (args.empty()) fail("no sub-command given");
    const Command* cmd = find_command(commands, args[0]);
    if (!cmd) fail("unknown command '" + args[0] + "'");
    po::options_description desc = command_options(*cmd);
    po::variables_map vm;
    std::string all_args;
    for (const auto& a : args) all_args += a + " ";
    try {
        po::positional_options_description pos;
        for (const auto& p : cmd->positional) pos.add(p.c_str(), 1);
        po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end())).options(desc).positional(pos).run(), vm);
        if (vm.count("config") && !cmd->config_is_input) apply_config(vm["config"].as<std::string>(), commands, *cmd, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        fail("tesa " + cmd->name + ": " + option_error_text(e, all_args));
    } catch (const Error& e) {
        fail("tesa " + cmd->name + ": " + e.what());
    }
    return vm;
}

int run(const std::vector<std::string>& args, const std::vector<Command>& commands, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_top_help(commands, out);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        out << "tesa " << TESA_VERSION << "\n";
        return 0;
    }
    const Command* cmd = find_command(commands, args[0]);
    if (!cmd) {
        err << "tesa: error: unknown command '" << args[0] << "' (tesa --help lists them)\n";
        return 2;
    }
    po::options_description desc = command_options(*cmd);
    po::variables_map vm;
    std::string all_args;
    for (const auto& a : args) all_args += a + " ";
    try {
        std::vector<std::string> rest(args.begin() + 1, args.end());
        po::positional_options_description pos;
        for (const auto& p : cmd->positional) pos.add(p.c_str(), 1);
        po::store(po::command_line_parser(rest).options(desc).positional(pos).run(), vm);
    } catch (const po::error& e) {
        err << "tesa " << cmd->name << ": error: " << option_error_text(e, all_args) << "\n";
        return 2;
    }
    if (vm.count("help")) {
        out << "tesa " << cmd->name << " -- " << cmd->summary << "\n\n" << cmd->description << "\n\n" << desc;
        return 0;
    }
    Context ctx{out, err};
    try {
        if (vm.count("config") && !cmd->config_is_input) apply_config(vm["config"].as<std::string>(), commands, *cmd, vm);
        try {
            po::notify(vm);
        } catch (const Error& e) {  // a bounded() option out of range: usage, not a failed run
            err << "tesa " << cmd->name << ": error: " << e.what() << "\n";
            return 2;
        }
        return cmd->run(vm, ctx);
    } catch (const po::error& e) {
        err << "tesa " << cmd->name << ": error: " << option_error_text(e, all_args) << "\n";
        return 2;
    } catch (const Error& e) {
        err << "tesa " << cmd->name << ": error: " << e.what() << "\n";
        return 1;
    } catch (const std::filesystem::filesystem_error& e) {
        err << "tesa " << cmd->name << ": error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace tesa::cli
