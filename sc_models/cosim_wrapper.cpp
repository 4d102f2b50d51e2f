// cosim_wrapper.cpp -- compiled at run time, not by the build (sc_models/cosim_library.h): the C
// interface of one Verilated timed multiplier "model" (64 lanes, ports of the bit-sliced unrolled
// models), linked with it and the Verilator runtime into a shared library that tesa dlopens.
// TESA_WIDTH is the operand width. Port words are 32 bits: bit i of lane l is bit i*64 + l.
#include "Vmodel.h"
#include "verilated.h"

#include <cstdint>

namespace {

struct Instance {
    VerilatedContext context;
    Vmodel model{&context};
};

}  // namespace

extern "C" {

int tesa_cosim_abi() { return 1; }
int tesa_cosim_width() { return TESA_WIDTH; }
void* tesa_cosim_new() { return new Instance; }
void tesa_cosim_delete(void* instance) { delete static_cast<Instance*>(instance); }

void tesa_cosim_eval(void* instance, const uint32_t* a_prev, const uint32_t* b_prev, const uint32_t* a, const uint32_t* b,
                     uint32_t* p) {
    Vmodel& m = static_cast<Instance*>(instance)->model;
    for (int k = 0; k < 2 * TESA_WIDTH; ++k) {
        m.a_prev[k] = a_prev[k];
        m.b_prev[k] = b_prev[k];
        m.a[k] = a[k];
        m.b[k] = b[k];
    }
    m.eval();
    for (int k = 0; k < 4 * TESA_WIDTH; ++k) p[k] = m.p[k];
}

}  // extern "C"
