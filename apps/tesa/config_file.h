// config_file.h -- INI files for `--config FILE`: Boost.Program_options reads the syntax
// (sections, comments, key = value); this layer adds what a user needs from a config file: the
// line of every key for messages, a refusal of keys given twice, and limits on what it reads
// (a regular file of at most kMaxConfigBytes; /dev/zero or a directory is an error, not a hang).
#pragma once

#include <boost/program_options/errors.hpp>

#include <string>
#include <vector>

namespace tesa::cli {

constexpr size_t kMaxConfigBytes = 1 << 20;

struct ConfigEntry {
    std::string section;  // "" for top level
    std::string key;
    std::string value;
    int line = 0;
};

// Parses INI text; `file` names it in errors ("file:line: ...").
std::vector<ConfigEntry> parse_config(const std::string& text, const std::string& file);
// Reads and parses a config file.
std::vector<ConfigEntry> read_config(const std::string& file);

// Boost's message for `e`, where `input` (the values that were parsed) is safe to show: Boost
// 1.74's error_with_option_name::what() loops forever when a value holds one of its placeholders
// ("%value%": the substitution finds the token again in its own replacement), so an input with a
// '%' never reaches it (found by fuzzing the config reader) and gets a plainer message.
std::string option_error_text(const boost::program_options::error& e, const std::string& input);

// A value shortened for an error message (a config value can be a megabyte long).
std::string quoted_excerpt(const std::string& value);

}  // namespace tesa::cli
