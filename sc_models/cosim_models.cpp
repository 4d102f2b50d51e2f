// cosim_models.cpp -- the Verilated 64-lane timed multipliers compiled into tesa for
// co-simulation (cmake/TesaTimedModel.cmake builds them from the configure-time netlist, typical
// corner, 10 ps step). Each evaluation packs up to 64 PE transitions into the lanes: bit i of an
// operand port holds lanes [64 i, 64 i + 63] (two 32-bit words), product bit j likewise.
#include "sc_models/multiplier_backend.h"

#include "Vbooth_timed_w8_s80_l64.h"
#include "Vbooth_timed_w8_s90_l64.h"
#include "verilated.h"

namespace tesa {

namespace {

template <class VModel>
class VerilatedLanes final : public CosimModel {
public:
    VerilatedLanes() : ctx_(std::make_unique<VerilatedContext>()), model_(std::make_unique<VModel>(ctx_.get())) {}

    void evaluate64(const MulTransition* t, int n, uint16_t* captured) override {
        ports_.pack(t, n);
        for (int k = 0; k < 16; ++k) {
            model_->a_prev[k] = ports_.a_prev[k];
            model_->b_prev[k] = ports_.b_prev[k];
            model_->a[k] = ports_.a[k];
            model_->b[k] = ports_.b[k];
        }
        model_->eval();
        for (int k = 0; k < 32; ++k) ports_.p[k] = model_->p[k];
        ports_.unpack(n, captured);
    }

private:
    LanePorts ports_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<VModel> model_;
};

template <class VModel>
std::unique_ptr<CosimModel> make() {
    return std::make_unique<VerilatedLanes<VModel>>();
}

}  // namespace

const std::vector<CosimModelInfo>& cosim_models() {
    static const std::vector<CosimModelInfo> models = {
        {0.80, "booth_timed_w8_s80_l64", &make<Vbooth_timed_w8_s80_l64>},
        {0.90, "booth_timed_w8_s90_l64", &make<Vbooth_timed_w8_s90_l64>},
    };
    return models;
}

}  // namespace tesa
