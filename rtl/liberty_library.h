// liberty_library.h -- the cells of a Liberty library as tesa needs them: area, pins, directions
// and Boolean `function` attributes, plus the library's nominal operating point.
//
// Built from the generic LibertyGroup tree (liberty_reader.h), which stays available for stages
// that need more (timing arcs, tables).
#pragma once

#include "rtl/liberty_reader.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tesa {

enum class PinDirection { Input, Output, Inout, Internal };

struct LibertyPin {
    std::string name;
    PinDirection direction = PinDirection::Input;
    std::string function;  // Boolean expression over input pins; empty if none
    int line = 0;
};

// An edge-triggered flip-flop's `ff (state, state_inv)` group: its outputs' functions name the
// state variables; next_state is a function of the input pins; clocked_on the clock ("CK": rising
// edge). clear / preset are empty when the cell has none.
struct LibertyFlipFlop {
    std::string state, state_inv, next_state, clocked_on, clear, preset;
    int line = 0;
};

struct LibertyCell {
    std::string name;
    double area = 0.0;
    bool sequential = false;  // has an ff, latch or statetable group
    std::vector<LibertyFlipFlop> flip_flops;
    std::vector<LibertyPin> pins;
    std::string file;  // the Liberty file, for messages about the cell's pins and functions
    int line = 0;

    const LibertyPin* find_pin(const std::string& pin) const;
};

class LibertyLibrary {
public:
    // Reads a .lib or .lib.gz file. Throws Error (file:line: problem) on a missing, truncated or
    // malformed file, and on a file without cells.
    static LibertyLibrary read(const std::filesystem::path& path);
    static LibertyLibrary parse(const std::string& text, const std::string& file);

    const std::string& name() const { return name_; }
    const std::string& file() const { return file_; }
    double nom_voltage() const { return nom_voltage_; }
    double nom_temperature() const { return nom_temperature_; }
    const std::string& time_unit() const { return time_unit_; }

    const LibertyCell* find_cell(const std::string& cell) const;
    const std::map<std::string, LibertyCell>& cells() const { return cells_; }
    const LibertyGroup& root() const { return root_; }

private:
    std::string name_;
    std::string file_;
    double nom_voltage_ = 0.0;
    double nom_temperature_ = 0.0;
    std::string time_unit_;
    std::map<std::string, LibertyCell> cells_;
    LibertyGroup root_;
};

const char* to_string(PinDirection d);

}  // namespace tesa
