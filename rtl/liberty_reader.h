// liberty_reader.h -- generic parser of the Liberty (.lib) format into a tree of groups.
//
// Liberty is a nest of groups `type (args) { ... }` holding simple attributes `name : value ;` and
// complex attributes `name (args) ;`. The reader keeps that tree as it is, every node with its
// source line, and leaves meaning (cells, pins, functions, tables) to LibertyLibrary and later
// stages. Syntax errors name file and line.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace tesa {

struct LibertyAttribute {
    std::string name;
    std::vector<std::string> values;  // one for a simple attribute, the argument list for a complex one
    bool complex = false;
    int line = 0;
};

struct LibertyGroup {
    std::string type;               // "library", "cell", "pin", "timing", ...
    std::vector<std::string> args;  // the group's names: cell (AOI21_X1) -> {"AOI21_X1"}
    std::vector<LibertyAttribute> attributes;
    std::vector<LibertyGroup> groups;
    int line = 0;

    // First simple attribute called `name`, or nullptr.
    const LibertyAttribute* find_attribute(const std::string& name) const;
    // The value of simple attribute `name`, or `fallback` when absent.
    std::string attribute_or(const std::string& name, const std::string& fallback) const;
};

// Parses Liberty text; `file` is used in diagnostics only.
LibertyGroup parse_liberty(const std::string& text, const std::string& file);

}  // namespace tesa
