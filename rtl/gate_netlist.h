// gate_netlist.h -- a flat gate-level netlist (one module of Liberty cell instances), as written
// by Yosys `write_verilog -noattr -noexpr` after splitnets/insbuf, linked to a LibertyLibrary.
//
// Nets are single bits numbered from 0; nets 0 and 1 are the constants 0 and 1. Every instance
// pin refers to a net. Reading checks what later stages rely on: every cell exists in the Liberty,
// every pin exists on its cell, every input pin is connected, no net has two drivers.
#pragma once

#include "rtl/liberty_library.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tesa {

struct NetlistPort {
    std::string name;
    PinDirection direction = PinDirection::Input;
    std::vector<int> bits;  // net ids, index 0 = least significant bit
};

struct PinConnection {
    std::string pin;
    int net = -1;  // -1: left unconnected
};

struct NetlistInstance {
    std::string name;
    const LibertyCell* cell = nullptr;
    std::vector<PinConnection> pins;
    int line = 0;
};

class GateNetlist {
public:
    static constexpr int kConst0 = 0;
    static constexpr int kConst1 = 1;

    static GateNetlist read(const std::filesystem::path& path, const LibertyLibrary& lib);
    static GateNetlist parse(const std::string& text, const std::string& file, const LibertyLibrary& lib);

    const std::string& module_name() const { return module_; }
    const std::string& file() const { return file_; }
    const std::vector<NetlistPort>& ports() const { return ports_; }
    const NetlistPort* find_port(const std::string& name) const;
    const std::vector<NetlistInstance>& instances() const { return instances_; }
    int net_count() const { return static_cast<int>(net_names_.size()); }
    const std::string& net_name(int net) const { return net_names_[static_cast<size_t>(net)]; }

    // Instances per cell type, and total cell area from the Liberty.
    std::map<std::string, int> cell_usage() const;
    double area() const;

private:
    std::string module_;
    std::string file_;
    std::vector<NetlistPort> ports_;
    std::vector<NetlistInstance> instances_;
    std::vector<std::string> net_names_;
};

}  // namespace tesa
