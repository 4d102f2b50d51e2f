// liberty_library.cpp -- extracts cells, pins and functions from the parsed Liberty tree.
#include "rtl/liberty_library.h"

#include "common/error.h"
#include "common/validate.h"
#include "common/file_util.h"

#include <cstdlib>

namespace tesa {

const char* to_string(PinDirection d) {
    switch (d) {
        case PinDirection::Input: return "input";
        case PinDirection::Output: return "output";
        case PinDirection::Inout: return "inout";
        case PinDirection::Internal: return "internal";
    }
    return "?";
}

const LibertyPin* LibertyCell::find_pin(const std::string& pin) const {
    for (const auto& p : pins)
        if (p.name == pin) return &p;
    return nullptr;
}

namespace {

double to_number(const LibertyAttribute& a, const std::string& file, const Range& r) {
    if (a.values.empty()) fail_at(file, a.line, "attribute '" + a.name + "' has no value");
    return parse_real(a.values.front(), located(file, a.line, "attribute '" + a.name + "'"), r);
}

PinDirection to_direction(const LibertyAttribute& a, const std::string& file) {
    const std::string& v = a.values.front();
    if (v == "input") return PinDirection::Input;
    if (v == "output") return PinDirection::Output;
    if (v == "inout") return PinDirection::Inout;
    if (v == "internal") return PinDirection::Internal;
    fail_at(file, a.line, "unknown pin direction '" + v + "'");
}

LibertyCell make_cell(const LibertyGroup& g, const std::string& file) {
    if (g.args.size() != 1 || g.args[0].empty()) fail_at(file, g.line, "cell group without a name");
    LibertyCell cell;
    cell.name = g.args[0];
    cell.line = g.line;
    cell.file = file;
    if (const LibertyAttribute* a = g.find_attribute("area")) cell.area = to_number(*a, file, Range::closed(0, 1e9));
    for (const auto& sub : g.groups) {
        if (sub.type == "ff" || sub.type == "latch" || sub.type == "statetable") cell.sequential = true;
        if (sub.type == "ff") {
            if (sub.args.size() != 2) fail_at(file, sub.line, "ff group of cell '" + cell.name + "' needs (state, inverted state)");
            LibertyFlipFlop ff;
            ff.state = sub.args[0];
            ff.state_inv = sub.args[1];
            ff.next_state = sub.attribute_or("next_state", "");
            ff.clocked_on = sub.attribute_or("clocked_on", "");
            ff.clear = sub.attribute_or("clear", "");
            ff.preset = sub.attribute_or("preset", "");
            ff.line = sub.line;
            cell.flip_flops.push_back(ff);
        }
        if (sub.type != "pin") continue;
        const LibertyAttribute* dir = sub.find_attribute("direction");
        if (!dir) fail_at(file, sub.line, "pin of cell '" + cell.name + "' has no direction");
        // `pin (A, B)` declares several pins with the same attributes.
        for (const auto& pin_name : sub.args) {
            if (pin_name.empty()) fail_at(file, sub.line, "pin of cell '" + cell.name + "' without a name");
            LibertyPin pin;
            pin.name = pin_name;
            pin.direction = to_direction(*dir, file);
            pin.function = sub.attribute_or("function", "");
            pin.line = sub.line;
            cell.pins.push_back(pin);
        }
    }
    return cell;
}

}  // namespace

LibertyLibrary LibertyLibrary::parse(const std::string& text, const std::string& file) {
    LibertyLibrary lib;
    lib.file_ = file;
    lib.root_ = parse_liberty(text, file);
    lib.name_ = lib.root_.args.empty() ? std::string() : lib.root_.args[0];
    if (const LibertyAttribute* a = lib.root_.find_attribute("nom_voltage"))
        lib.nom_voltage_ = to_number(*a, file, Range::open_closed(0, 100));
    if (const LibertyAttribute* a = lib.root_.find_attribute("nom_temperature"))
        lib.nom_temperature_ = to_number(*a, file, Range::closed(-273.15, 1000));
    lib.time_unit_ = lib.root_.attribute_or("time_unit", "");
    for (const auto& g : lib.root_.groups) {
        if (g.type != "cell") continue;
        LibertyCell cell = make_cell(g, file);
        std::string name = cell.name;
        if (!lib.cells_.emplace(name, std::move(cell)).second)
            fail_at(file, g.line, "cell '" + name + "' defined twice");
    }
    if (lib.cells_.empty()) fail_at(file, lib.root_.line, "library '" + lib.name_ + "' has no cells");
    return lib;
}

LibertyLibrary LibertyLibrary::read(const std::filesystem::path& path) {
    return parse(read_file(path), path.string());
}

const LibertyCell* LibertyLibrary::find_cell(const std::string& cell) const {
    auto it = cells_.find(cell);
    return it == cells_.end() ? nullptr : &it->second;
}

}  // namespace tesa
