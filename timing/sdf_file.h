// sdf_file.h -- Standard Delay Format (IEEE 1497) delays as OpenSTA and other STA tools write
// them: CELL / INSTANCE / DELAY ABSOLUTE with IOPATH (optionally under COND) and INTERCONNECT,
// TIMINGCHECK SETUP / HOLD / SETUPHOLD / WIDTH / PERIOD / RECOVERY / REMOVAL.
//
// All delays are converted to picoseconds at read time using the file's TIMESCALE. Constructs
// outside this subset (INCREMENT, PATHPULSE, PORT, DEVICE, NETDELAY, wildcard instances, ...) are
// rejected with file and line, never silently skipped.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tesa {

enum class SdfEdge { Any, Posedge, Negedge };

// (min:typ:max); any part may be empty, as OpenSTA's "(0.0313::0.0313)".
struct SdfTriple {
    std::optional<double> min, typ, max;

    bool empty() const { return !min && !typ && !max; }
    // The requested value, falling back typ -> max -> min when it is absent.
    double pick_max() const;
    double pick_min() const;
};

// rvalue list of a delay: rise (0->1) and fall (1->0) transitions.
struct SdfDelay {
    SdfTriple rise, fall;
};

struct SdfIopath {
    std::string cond;  // COND expression text; empty when unconditional
    std::string in_port;
    SdfEdge in_edge = SdfEdge::Any;
    std::string out_port;
    SdfDelay delay;
    int line = 0;
};

struct SdfInterconnect {
    std::string from, to;  // "inst/PIN" or a top-level port name
    SdfDelay delay;
    int line = 0;
};

struct SdfTimingCheck {
    std::string kind;  // SETUP, HOLD, SETUPHOLD, WIDTH, PERIOD, RECOVERY, REMOVAL
    std::string data_port;
    SdfEdge data_edge = SdfEdge::Any;
    std::string ref_port;
    SdfEdge ref_edge = SdfEdge::Any;
    SdfTriple value;   // first limit (setup for SETUPHOLD)
    SdfTriple value2;  // second limit (hold for SETUPHOLD)
    int line = 0;
};

struct SdfCell {
    std::string celltype;
    std::string instance;  // hierarchical path with '/' as divider; empty for the design itself
    std::vector<SdfIopath> iopaths;
    std::vector<SdfInterconnect> interconnects;
    std::vector<SdfTimingCheck> checks;
    int line = 0;
};

class SdfFile {
public:
    static SdfFile read(const std::filesystem::path& path);
    static SdfFile parse(const std::string& text, const std::string& file);

    const std::string& file() const { return file_; }
    const std::string& design() const { return design_; }
    const std::string& version() const { return version_; }
    const std::string& program() const { return program_; }
    double timescale_ps() const { return timescale_ps_; }  // the file's unit, in ps
    const std::vector<SdfCell>& cells() const { return cells_; }
    const SdfCell* find_instance(const std::string& path) const;

private:
    std::string file_, design_, version_, program_;
    double timescale_ps_ = 1000.0;  // SDF default unit is 1 ns
    std::vector<SdfCell> cells_;
};

}  // namespace tesa
