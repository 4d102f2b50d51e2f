// tesa_main.cpp -- the `tesa` executable: every command, the accelerator's (SystemC) included.
// main() silences SystemC's banner (it would land in tesa's stdout; the library reads the setting
// before sc_main) and enters through sc_elab_and_sim, which calls sc_main, which runs the CLI.
#include "apps/tesa/cli.h"
#include "sc_models/simulation_context.h"

#include <systemc>

#include <cstdlib>
#include <iostream>

int sc_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return tesa::cli::run(args, tesa::cli::accelerator_commands(), std::cout, std::cerr);
}

int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    const int code = sc_core::sc_elab_and_sim(argc, argv);
    tesa::sanitizer_on_main_stack();
    return code;
}
