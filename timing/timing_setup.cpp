// timing_setup.cpp -- synthesis on demand, then OpenSTA, then the readers.
#include "timing/timing_setup.h"

#include "common/file_util.h"
#include "rtl/synthesizer.h"

namespace tesa {

TimingSetup prepare_timing(const TimingSetupOptions& o) {
    // Synthesis and OpenSTA write their files under <out>: one process at a time.
    const FileLock lock(o.out / "timing.lock");
    std::filesystem::path netlist = o.netlist;
    if (netlist.empty()) {
        SynthOptions s;
        s.rtl = {o.rtl};
        s.script = o.script;
        s.top = o.top;
        s.width = o.width;
        s.liberty = o.synth_liberty;
        s.out_dir = o.out / "synth" / (o.top + "_w" + std::to_string(o.width) + "_typ");
        netlist = s.out_dir / "netlist.v";
        if (!std::filesystem::exists(netlist)) synthesize(s);
    }
    StaOptions so;
    so.netlist = netlist;
    so.liberty = o.liberty;
    so.top = o.top;
    so.path_count = o.path_count;
    so.out_dir = o.out / "timing" / (o.top + "_w" + std::to_string(o.width) + "_" + o.corner_name);
    so.liberty_cache = o.out / "liberty";
    TimingSetup t;
    t.sta = run_sta(so);
    t.liberty = std::make_unique<LibertyLibrary>(LibertyLibrary::read(o.liberty));
    t.netlist = std::make_unique<GateNetlist>(GateNetlist::read(netlist, *t.liberty));
    t.sdf = std::make_unique<SdfFile>(SdfFile::read(t.sta.sdf));
    return t;
}

}  // namespace tesa
