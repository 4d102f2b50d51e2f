// config_file.cpp -- INI syntax through Boost, lines and duplicates through one scan of the text.
#include "apps/tesa/config_file.h"

#include "common/error.h"
#include "common/file_util.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <map>
#include <sstream>

namespace tesa::cli {

namespace po = boost::program_options;

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r");
    size_t e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::string option_error_text(const po::error& e, const std::string& input) {
    if (input.find('%') == std::string::npos) return e.what();
    if (const auto* n = dynamic_cast<const po::error_with_option_name*>(&e))
        return "the value of option '" + n->get_option_name() + "' is invalid";
    return "an option value is invalid";
}

std::string quoted_excerpt(const std::string& v) {
    constexpr size_t kShown = 60;
    if (v.size() <= kShown) return "'" + v + "'";
    return "'" + v.substr(0, kShown) + "...' (" + std::to_string(v.size()) + " characters)";
}

std::vector<ConfigEntry> parse_config(const std::string& text, const std::string& file) {
    if (text.find('\0') != std::string::npos) fail(file + ": not a text file (holds NUL bytes)");
    po::parsed_options parsed(nullptr);
    try {
        std::istringstream in(text);
        parsed = po::parse_config_file(in, po::options_description(), true);
    } catch (const po::error& e) {
        std::string what = text.find('%') == std::string::npos ? std::string(e.what()) : "not an INI file (a line is neither a section nor key = value)";
        if (what.size() > 200) what = what.substr(0, 200) + "...";
        fail(file + ": " + what);
    }
    // The line of each key, in file order, as Boost sees them: sections, '#' comments, key = value.
    std::vector<std::pair<std::string, int>> key_lines;
    {
        std::istringstream again(text);
        std::string line_text, section;
        for (int line = 1; std::getline(again, line_text); ++line) {
            const auto hash = line_text.find('#');
            std::string t = trim(hash == std::string::npos ? line_text : line_text.substr(0, hash));
            if (t.empty()) continue;
            if (t.front() == '[' && t.back() == ']') {
                section = trim(t.substr(1, t.size() - 2));
                continue;
            }
            auto eq = t.find('=');
            if (eq == std::string::npos) continue;
            std::string key = trim(t.substr(0, eq));
            key_lines.emplace_back(section.empty() ? key : section + "." + key, line);
        }
    }
    std::vector<ConfigEntry> entries;
    std::map<std::string, int> first_line;
    size_t next_line = 0;
    for (const auto& o : parsed.options) {
        ConfigEntry e;
        auto dot = o.string_key.rfind('.');
        if (dot != std::string::npos) {
            e.section = o.string_key.substr(0, dot);
            e.key = o.string_key.substr(dot + 1);
        } else {
            e.key = o.string_key;
        }
        e.value = o.value.empty() ? std::string() : o.value.front();
        // Boost reports the options in file order; find this key's line from where the last one was.
        for (size_t k = next_line; k < key_lines.size(); ++k)
            if (key_lines[k].first == o.string_key) {
                e.line = key_lines[k].second;
                next_line = k + 1;
                break;
            }
        const auto [it, fresh] = first_line.emplace(o.string_key, e.line);
        if (!fresh)
            fail(located(file, e.line, "key '" + e.key + "' given twice" +
                                           (e.section.empty() ? "" : " in section [" + e.section + "]") + " (first at line " +
                                           std::to_string(it->second) + ")"));
        entries.push_back(e);
    }
    return entries;
}

std::vector<ConfigEntry> read_config(const std::string& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) fail(file + ": cannot open config file (no such file)");
    if (!std::filesystem::is_regular_file(file, ec)) fail(file + ": not a regular file, expected an INI config file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec || size > kMaxConfigBytes)
        fail(file + ": config file of " + std::to_string(size) + " bytes (at most " + std::to_string(kMaxConfigBytes) + ")");
    return parse_config(read_file(file), file);
}

}  // namespace tesa::cli
