// cosim_library.cpp -- on-demand co-simulation models: Verilator or the lane compiler, cached.
#include "sc_models/cosim_library.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "timing/error_tables.h"
#include "timing/lane_compiler.h"
#include "timing/timed_lane_model.h"
#include "timing/unrolled_model.h"

#include <dlfcn.h>

#include <sstream>

namespace tesa {

// The loaded shared library of one Verilated model (sc_models/cosim_wrapper.cpp's interface).
class VerilatedCosimLibrary {
public:
    static std::shared_ptr<const VerilatedCosimLibrary> open(const std::filesystem::path& so) {
        std::shared_ptr<VerilatedCosimLibrary> lib(new VerilatedCosimLibrary());
        // Never unloaded: the Verilator runtime's statics stay reachable (no leak reports at exit).
        lib->handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!lib->handle_) fail("cosim: cannot load " + so.string() + ": " + dlerror());
        auto abi = reinterpret_cast<int (*)()>(dlsym(lib->handle_, "tesa_cosim_abi"));
        auto width = reinterpret_cast<int (*)()>(dlsym(lib->handle_, "tesa_cosim_width"));
        lib->create = reinterpret_cast<void* (*)()>(dlsym(lib->handle_, "tesa_cosim_new"));
        lib->destroy = reinterpret_cast<void (*)(void*)>(dlsym(lib->handle_, "tesa_cosim_delete"));
        lib->eval = reinterpret_cast<Eval>(dlsym(lib->handle_, "tesa_cosim_eval"));
        if (!abi || !width || !lib->create || !lib->destroy || !lib->eval || abi() != 1 || width() != 8)
            fail("cosim: " + so.string() + " is not an 8-bit tesa co-simulation library of this version (remove it)");
        return lib;
    }
    ~VerilatedCosimLibrary() {
        if (handle_) dlclose(handle_);
    }
    using Eval = void (*)(void*, const uint32_t*, const uint32_t*, const uint32_t*, const uint32_t*, uint32_t*);
    void* (*create)() = nullptr;
    void (*destroy)(void*) = nullptr;
    Eval eval = nullptr;

private:
    VerilatedCosimLibrary() = default;
    void* handle_ = nullptr;
};

namespace {

// The build log's tail in an error: what failed, and where the whole log is.
[[noreturn]] void build_failed(const std::string& what, const std::filesystem::path& log, const std::string& output) {
    fail(what + " failed (see " + log.string() + "):\n" + output.substr(output.size() > 2000 ? output.size() - 2000 : 0));
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

std::shared_ptr<const VerilatedCosimLibrary> build_verilated(const std::string& verilog, const CosimBuildOptions& o) {
    namespace fs = std::filesystem;
    const FileLock lock(o.dir / "lock");
    const fs::path so = o.dir / "libcosim.so", stamp_file = o.dir / "stamp", obj = o.dir / "obj", log = o.dir / "build.log";
    const std::string stamp = bytes_hash(verilog + read_file(o.wrapper) + o.cflags + TESA_VERILATOR_BIN + TESA_VERILATOR_ROOT);
    std::error_code ec;
    if (fs::exists(so) && fs::exists(stamp_file) && read_file(stamp_file) == stamp) return VerilatedCosimLibrary::open(so);
    fs::create_directories(o.dir);
    fs::remove(stamp_file, ec);  // a build killed half way leaves no stamp: start clean
    fs::remove_all(obj, ec);
    fs::create_directories(obj);
    write_file_atomic(o.dir / "model.v", verilog);
    if (o.progress)
        o.progress("cosim: Verilating the timed model of this operating point (a minute or two; cached in " + o.dir.string() + ")");
    ProcessResult v = run_process({TESA_VERILATOR_BIN, "--cc", (o.dir / "model.v").string(), "--top-module", "model", "--prefix",
                                   "Vmodel", "--Mdir", obj.string(), "--build", "-j", std::to_string(o.jobs), "-Wno-fatal",
                                   "-CFLAGS", o.cflags + " -fPIC -std=c++17"});
    write_file_atomic(log, v.output);
    if (v.exit_code != 0 || !fs::exists(obj / "Vmodel__ALL.a")) build_failed("Verilating the co-simulation model", log, v.output);
    const std::string inc = std::string(TESA_VERILATOR_ROOT) + "/include";
    const fs::path tmp = o.dir / "libcosim.so.tmp";
    std::vector<std::string> cc = {"c++"};
    for (const std::string& f : words(o.cflags)) cc.push_back(f);
    for (const std::string& a : {std::string("-shared"), std::string("-fPIC"), std::string("-std=c++17"), std::string("-DTESA_WIDTH=8"),
                                 "-I" + obj.string(), "-I" + inc, "-I" + inc + "/vltstd", std::string("-Wl,-Bsymbolic"),
                                 std::string("-pthread"), std::string("-o"), tmp.string(), fs::absolute(o.wrapper).string(),
                                 (obj / "Vmodel__ALL.a").string(), inc + "/verilated.cpp", inc + "/verilated_threads.cpp"})
        cc.push_back(a);
    ProcessResult c = run_process(cc);
    write_file_atomic(log, v.output + c.output);
    if (c.exit_code != 0) build_failed("compiling the co-simulation library", log, c.output);
    fs::rename(tmp, so);
    write_file_atomic(stamp_file, stamp);
    return VerilatedCosimLibrary::open(so);
}

class VerilatedModel final : public CosimModel {
public:
    explicit VerilatedModel(std::shared_ptr<const VerilatedCosimLibrary> lib) : lib_(std::move(lib)), instance_(lib_->create()) {}
    ~VerilatedModel() override { lib_->destroy(instance_); }
    VerilatedModel(const VerilatedModel&) = delete;
    VerilatedModel& operator=(const VerilatedModel&) = delete;
    void evaluate64(const MulTransition* t, int n, uint16_t* captured) override {
        ports_.pack(t, n);
        lib_->eval(instance_, ports_.a_prev, ports_.b_prev, ports_.a, ports_.b, ports_.p);
        ports_.unpack(n, captured);
    }

private:
    std::shared_ptr<const VerilatedCosimLibrary> lib_;
    void* instance_;
    LanePorts ports_;
};

// The sdf-sim program, compiled or interpreted, on lanes 0..63 of its 256-lane words.
class LaneProgramModel final : public CosimModel {
public:
    LaneProgramModel(std::shared_ptr<const CompiledLaneProgram> p, std::shared_ptr<const LaneCode> code, int inputs)
        : program_(std::move(p)), code_(std::move(code)), inputs_(inputs) {
        in_.resize(static_cast<size_t>(inputs_));
        out_.resize(16);
        slots_.resize(program_ ? program_->slots() : code_->slots);
        for (int i = 0; i < inputs_; ++i) in_[static_cast<size_t>(i)] = LaneWord256{0, 0, 0, 0};
    }
    void evaluate64(const MulTransition* t, int n, uint16_t* captured) override {
        // Inputs: a_prev bits, b_prev bits, a bits, b bits (timing/lane_program.h), lanes 0..63 of
        // the port words LanePorts packs in two 32-bit halves.
        ports_.pack(t, n);
        const uint32_t* port[4] = {ports_.a_prev, ports_.b_prev, ports_.a, ports_.b};
        uint64_t w[32];
        for (int p = 0; p < 4; ++p)
            for (int i = 0; i < 8; ++i) w[8 * p + i] = port[p][2 * i] | static_cast<uint64_t>(port[p][2 * i + 1]) << 32;
        for (int i = 0; i < 32; ++i) in_[static_cast<size_t>(i)][0] = w[i];
        if (program_) program_->run(in_.data(), out_.data(), slots_.data());
        else run_lane_code(*code_, in_.data(), out_.data(), slots_.data());
        for (int l = 0; l < n; ++l) {
            uint16_t v = 0;
            for (int j = 0; j < 16; ++j) v = static_cast<uint16_t>(v | (((out_[static_cast<size_t>(j)][0] >> l) & 1u) << j));
            captured[l] = v;
        }
    }

private:
    std::shared_ptr<const CompiledLaneProgram> program_;
    std::shared_ptr<const LaneCode> code_;
    int inputs_;
    LanePorts ports_;
    LaneBuffer in_, out_, slots_;
};

}  // namespace

CosimModels CosimModels::build(const TimedNetlist& timed, const GateNetlist& netlist, Semantics semantics, const CosimBuildOptions& o) {
    if (timed.width() != 8) fail("cosim: the accelerator's multiplier has 8-bit operands, not " + std::to_string(timed.width()));
    if (timed.conditions().cond != cond_mode_of(semantics))
        fail(std::string("cosim: the timed netlist is not built for the ") + semantics_name(semantics) + " semantics");
    CosimModels m;
    switch (semantics) {
    case Semantics::DelayLine: {
        const UnrolledModel u = UnrolledModel::build(timed, netlist);
        m.verilated_ = build_verilated(u.verilog("model", 64), o);
        m.description_ = "Verilated 64-lane delay-line model (" + std::to_string(u.gate_nodes()) + " gate instants)";
        break;
    }
    case Semantics::SdfSim:
    case Semantics::Transport: {
        const LaneProgram p = build_lane_program(timed, semantics);
        if (o.compile_lanes) m.lanes_ = CompiledLaneProgram::build(p, o.lane_dir, o.jobs, o.progress);
        else m.code_ = std::make_shared<const LaneCode>(p.code());
        m.lane_inputs_ = p.inputs();
        m.description_ = std::string(o.compile_lanes ? "compiled " : "interpreted ") + semantics_name(semantics) + " lane program (" +
                         std::to_string(p.logic_ops()) + " ops)";
        break;
    }
    }
    return m;
}

std::unique_ptr<CosimModel> CosimModels::make() const {
    if (verilated_) return std::make_unique<VerilatedModel>(verilated_);
    if (lanes_ || code_) return std::make_unique<LaneProgramModel>(lanes_, code_, lane_inputs_);
    fail("cosim: no model built");
}

}  // namespace tesa
