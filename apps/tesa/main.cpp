// main.cpp -- the `tesa` executable: hands argv to tesa::cli::run.
#include "apps/tesa/cli.h"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return tesa::cli::run(args, std::cout, std::cerr);
}
