// memory_estimate.cpp -- the memory energy options and the compiler-side estimate of `tesa study`.
#include "apps/tesa/commands.h"

#include "common/validate.h"

#include <sstream>

namespace tesa::cli {

void add_memory_energy_options(po::options_description& d) {
    d.add_options()("dram-pj-per-access", bounded<double>("dram-pj-per-access", Range::closed(0, 1e6))->default_value(kDefaultDramPjPerAccess)->value_name("E"),
                    "DRAM energy per access (pJ; default: Horowitz ISSCC 2014, 1.3-2.6 nJ per 64 bits, the midpoint)")
        ("sram-pj-per-access", po::value<std::string>()->default_value(kDefaultSramPrices)->value_name("horowitz|E|E,E,E,E"),
         "scratchpad energy per access (pJ): horowitz (by capacity through 10/20/100 pJ at 8 KB/32 KB/1 MB per 64 bits), one figure, "
         "or weights,activations,outputs,parameters")
        ("memory-access-bytes", bounded<double>("memory-access-bytes", Range::closed(1, 4096))->default_value(kDefaultAccessBytes)->value_name("B"),
         "bytes per memory access the prices refer to");
}

MemoryEnergyModel memory_energy_options(const po::variables_map& vm, const std::array<uint64_t, 4>& capacity) {
    return memory_energy_model(capacity, vm["sram-pj-per-access"].as<std::string>(), vm["dram-pj-per-access"].as<double>(),
                               vm["memory-access-bytes"].as<double>());
}

std::string memory_energy_estimate(const std::vector<std::pair<std::string, const QuantizedModel*>>& variants, const MappingOptions& o,
                                   const MemoryEnergyModel& prices) {
    std::ostringstream md;
    md << "Memory energy per inference, from the compiler's mapping onto a " << o.rows << "x" << o.cols << " " << dataflow_name(o.dataflow)
       << " accelerator (scratchpads " << (o.weight_bytes >> 10) << "/" << (o.activation_bytes >> 10) << "/" << (o.output_bytes >> 10) << "/"
       << (o.parameter_bytes >> 10) << " KiB; " << describe(prices) << "):\n\n"
       << "| variant | MACs issued | SRAM bytes | DRAM bytes | SRAM uJ | DRAM uJ | memories pJ per MAC |\n|---|---|---|---|---|---|---|\n";
    for (const auto& [name, q] : variants) {
        const NetworkProgram p = compile_network(*q, o);
        const MemoryTraffic t = p.traffic();
        const MemoryEnergy e = memory_energy(t, prices);
        md << "| " << name << " | " << p.macs_issued() << " | " << t.spad_bytes() << " | " << t.dram_bytes() << " | " << fmt("%.3f", e.sram_pj() / 1e6)
           << " | " << fmt("%.3f", e.dram_pj / 1e6) << " | " << fmt("%.2f", e.total_pj() / static_cast<double>(p.macs())) << " |\n";
    }
    return md.str();
}

}  // namespace tesa::cli
