// main.cpp -- the `tesa-core` executable: tesa without the accelerator model (the build runs it
// to generate the timed models that the accelerator links); hands argv to tesa::cli::run.
#include "apps/tesa/cli.h"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return tesa::cli::run(args, std::cout, std::cerr);
}
