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
        uint64_t ap[8] = {}, bp[8] = {}, a[8] = {}, b[8] = {};
        for (int l = 0; l < n; ++l) {
            const uint64_t bit = 1ull << l;
            for (int i = 0; i < 8; ++i) {
                if ((t[l].previous >> i) & 1u) ap[i] |= bit;
                if ((t[l].previous >> (8 + i)) & 1u) bp[i] |= bit;
                if ((t[l].current >> i) & 1u) a[i] |= bit;
                if ((t[l].current >> (8 + i)) & 1u) b[i] |= bit;
            }
        }
        for (int i = 0; i < 8; ++i) {
            set(model_->a_prev, i, ap[i]);
            set(model_->b_prev, i, bp[i]);
            set(model_->a, i, a[i]);
            set(model_->b, i, b[i]);
        }
        model_->eval();
        uint64_t p[16];
        for (int j = 0; j < 16; ++j) p[j] = static_cast<uint64_t>(model_->p[2 * j]) | (static_cast<uint64_t>(model_->p[2 * j + 1]) << 32);
        for (int l = 0; l < n; ++l) {
            uint16_t out = 0;
            for (int j = 0; j < 16; ++j) out = static_cast<uint16_t>(out | (((p[j] >> l) & 1u) << j));
            captured[l] = out;
        }
    }

private:
    template <class Port>
    static void set(Port& port, int bit, uint64_t lanes) {
        port[2 * bit] = static_cast<uint32_t>(lanes);
        port[2 * bit + 1] = static_cast<uint32_t>(lanes >> 32);
    }
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
