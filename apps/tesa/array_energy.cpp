// array_energy.cpp -- the energy options and measurements shared by `tesa explore` and `tesa run`.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/validate.h"
#include "networks/datasets.h"
#include "rtl/pe_design.h"

#include <cstdio>
#include <ostream>

namespace tesa::cli {

NetworkEnergy measure_array_energy(const po::variables_map& vm, const ArrayEnergySpec& s, const QuantizedModel& base, Context& ctx) {
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    const std::filesystem::path out = vm["out"].as<std::string>();
    const std::filesystem::path pdk = vm["pdk-dir"].as<std::string>();
    const TimingSetupOptions setup = accelerator_timing_options(vm, check_corner(vm["corner"].as<std::string>()));
    const ImageSet energy_set = load_dataset(base.model->dataset, "test", data).head(static_cast<size_t>(s.energy_image) + 1);
    if (energy_set.count() <= static_cast<size_t>(s.energy_image)) fail("--energy-image " + std::to_string(s.energy_image) + ": no such test image");
    PeDesign d;
    d.output_stationary = s.dataflow == Dataflow::OutputStationary;
    d.weight_on_b = s.port == WeightPort::B;
    const SynthResult pe = synthesize_pe_cached(d, source_dir(), pdk / "nangate45_typ.lib.gz", "typ", out);
    NetworkEnergyOptions eo;
    eo.pe.rows = s.rows, eo.pe.cols = s.cols, eo.pe.sample_pes = s.sample_pes, eo.pe.seed = s.power_seed;
    eo.pe.netlist = pe.netlist;
    eo.pe.sta.liberty = setup.liberty;
    eo.pe.sta.liberty_cache = out / "liberty";
    eo.pe.sta.clock_period_ps = s.clock_ps;
    eo.pe.voltage = VoltageScaling{s.volts, {{{"slow", pdk / "nangate45_slow.lib.gz"}, {"typ", pdk / "nangate45_typ.lib.gz"},
                                             {"fast", pdk / "nangate45_fast.lib.gz"}}}};
    char buf[600];
    std::snprintf(buf, sizeof buf, "%s_%s_%dx%d_T%.1f_image%d%s", s.network.c_str(), pe_dir_name(d).c_str(), s.rows, s.cols, s.clock_ps,
                  s.energy_image, s.glitches ? "_glitches" : "");
    if (s.glitches) eo.pe.glitches = glitch_source(setup);
    eo.pe.sta.work_dir = out / "power" / "network" / buf;
    eo.dataflow = s.dataflow;
    eo.weight_port = s.port;
    ctx.err << s.network << ": energy of the layers on the " << s.rows << "x" << s.cols << " " << dataflow_name(s.dataflow)
            << " array (PE netlist, OpenSTA at three corners" << (s.glitches ? "; the multiplier's glitches from its timed simulation" : "")
            << ")" << std::endl;
    return measure_network_energy(base, energy_set.image(static_cast<size_t>(s.energy_image)), eo);
}

GlitchSource glitch_source(const TimingSetupOptions& setup) {
    const TimingSetup t = prepare_timing(setup);
    return {t.netlist->file(), t.sta.sdf};
}

void add_array_energy_options(po::options_description& d) {
    d.add_options()("sample-pes", bounded<int>("sample-pes", Range::closed(1, 4096))->default_value(8)->value_name("P"), "PEs simulated at gate level per layer")
        ("power-seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "seed of the PE sample")
        ("energy-image", bounded<int>("energy-image", Range::closed(0, 9999))->default_value(0)->value_name("I"), "the test image whose streams are measured");
    add_glitches_option(d);
}

void add_glitches_option(po::options_description& d) {
    d.add_options()("glitches", po::bool_switch(), "add the multiplier's glitches: its timed (SDF) simulation on the sampled PEs' operands, priced by OpenSTA");
}

}  // namespace tesa::cli
