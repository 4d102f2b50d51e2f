// sc_gtest_main.cpp -- entry point of test programs that link SystemC: libsystemc owns main() and
// calls sc_main, which runs the GoogleTest suites.
#include <gtest/gtest.h>

#include "sc_models/simulation_context.h"

#include <systemc>

#include <cstdlib>

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    const int code = sc_core::sc_elab_and_sim(argc, argv);
    tesa::sanitizer_on_main_stack();
    return code;
}
