// `tesa run`: LeNet-5 end to end on the SoC from the command line and from an INI file; without
// errors its accuracy is the INT8 engine's; with errors (synthetic tables written as a table file)
// the results do not depend on how many worker processes share the images; the dumped firmware
// decodes; memory energy comes from the counted traffic and, with --energy, the array's too; bad
// variants, tables, arrays and energy prices are refused with clear errors.
#include "apps/tesa/commands.h"
#include "cli_test_util.h"
#include "test_util.h"

#include "common/file_util.h"
#include "held_transitions.h"
#include "networks/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using namespace tesa::test;

namespace {

CliRun run(std::vector<std::string> args) {
    args.insert(args.begin(), "run");
    return run_tesa(args, &tesa::cli::accelerator_commands());
}

using tesa::test::TempDir;

// The CSV's value in column `name` of row `row` (1: the first data row); empty fields count.
std::string field(const std::string& csv, int row, const std::string& name) {
    std::vector<std::vector<std::string>> rows;
    for (const std::string& line : tesa::split_list(csv, '\n')) {
        std::vector<std::string> cells;
        std::stringstream in(line + ",");
        for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
        rows.push_back(cells);
    }
    for (size_t c = 0; c < rows.at(0).size(); ++c)
        if (rows[0][c] == name) return rows.at(static_cast<size_t>(row)).at(c);
    return "?";
}


TEST(RunCli, WithoutErrorsTheSystemHasTheEnginesAccuracy) {
    TempDir t;
    CliRun r = run({"--regulation", "0", "--images", "40", "--dataflow", "ws", "--array", "8x8", "--calibration-images", "300", "--out",
                    t.path.string(), "--dump-firmware", (t.path / "lenet").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string csv = tesa::read_file(t.path / "run" / "lenet5-mnist_8x8_exact_0.csv");
    const tesa::Model m = tesa::Model::read(tesa::model_path("lenet5-mnist"));
    tesa::QuantOptions qo;
    qo.calibration_images = 300;
    const tesa::QuantizedModel q =
        tesa::QuantizedModel::quantize(m, tesa::load_dataset("mnist", "train", tesa::default_data_dir()).head(300), qo);
    const tesa::EvalResult e = tesa::evaluate_int8(q, tesa::load_dataset("mnist", "test", tesa::default_data_dir()).head(40), 1);
    EXPECT_EQ(field(csv, 1, "correct"), std::to_string(e.correct)) << csv;
    EXPECT_EQ(field(csv, 1, "macs"), "416520");
    EXPECT_EQ(field(csv, 1, "wrong_products_per_image"), "0.000");
    EXPECT_TRUE(contains(r.out, "| 4 | fc | 1 x 120 x 400 |")) << r.out;
    EXPECT_TRUE(fs::exists(t.path / "run" / "lenet5-mnist_8x8_exact_0_layers.csv"));
    // Memory energy from the counted traffic; the array's only with --energy.
    EXPECT_GT(std::stod(field(csv, 1, "sram_uj_per_image")), 0) << csv;
    EXPECT_GT(std::stod(field(csv, 1, "dram_uj_per_image")), std::stod(field(csv, 1, "sram_uj_per_image"))) << csv;
    EXPECT_EQ(field(csv, 1, "array_uj_per_image"), "") << csv;
    EXPECT_TRUE(contains(r.out, "Energy per inference (DRAM 1950 pJ")) << r.out;
    const std::string layers = tesa::read_file(t.path / "run" / "lenet5-mnist_8x8_exact_0_layers.csv");
    EXPECT_EQ(field(layers, 1, "dram_read_bytes_per_image"), "19822") << "conv1: im2col 784 x 25, weights 150, parameters 72";
    EXPECT_GT(std::stod(field(layers, 1, "sram_pj_per_image")), 0) << layers;
    CliRun d = run_tesa({"fw", "dump", (t.path / "lenet.baseline.ws.fw").string()});
    ASSERT_EQ(d.code, 0) << d.err;
    EXPECT_TRUE(contains(d.out, "gemm       ws M=784 N=6 K=25")) << d.out;
    EXPECT_TRUE(contains(d.out, "post       maxpool")) << d.out;
    const std::string image = tesa::read_file(t.path / "lenet.baseline.ws.dram");
    const std::string fw = tesa::read_file(t.path / "lenet.baseline.ws.fw");
    ASSERT_GT(image.size(), fw.size());
    EXPECT_EQ(image.substr(image.size() - fw.size()), fw) << "the DRAM image ends with the firmware";
}

// --energy: the array's PEs priced on the SoC's own busy and idle PE-cycles, next to the memories;
// the per-layer figures add up to the per-inference ones.
TEST(RunCli, EnergyPerInferenceOfTheArrayAndTheMemories) {
    TempDir t;
    CliRun r = run({"--regulation", "0", "--images", "3", "--array", "8x8", "--calibration-images", "300", "--energy", "--sample-pes", "1",
                    "--clock-scale", "1.0", "--out", t.path.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string csv = tesa::read_file(t.path / "run" / "lenet5-mnist_8x8_exact_0.csv");
    const std::string layers = tesa::read_file(t.path / "run" / "lenet5-mnist_8x8_exact_0_layers.csv");
    const double array = std::stod(field(csv, 1, "array_uj_per_image")), sram = std::stod(field(csv, 1, "sram_uj_per_image")),
                 dram = std::stod(field(csv, 1, "dram_uj_per_image")), total = std::stod(field(csv, 1, "total_uj_per_image"));
    EXPECT_GT(array, 0);
    EXPECT_NEAR(total, array + sram + dram, 2e-4);
    EXPECT_NEAR(std::stod(field(csv, 1, "pj_per_mac")), total * 1e6 / 416520, 0.01);
    double layer_array = 0, layer_memory = 0;
    for (int row = 1; row <= 7; ++row) {
        const std::string a = field(layers, row, "array_pj_per_image");
        EXPECT_EQ(a.empty(), row == 2 || row == 4) << "no array energy for the pooling layers, row " << row;
        if (!a.empty()) layer_array += std::stod(a);
        layer_memory += std::stod(field(layers, row, "sram_pj_per_image")) + std::stod(field(layers, row, "dram_pj_per_image"));
    }
    EXPECT_NEAR(layer_array / 1e6, array, 1e-3);
    EXPECT_LT(layer_memory / 1e6, sram + dram) << "the stream's firmware fetch is no layer's";
    EXPECT_GT(layer_memory / 1e6, 0.9 * (sram + dram));
    EXPECT_TRUE(contains(r.out, "array PEs at 1.100 V")) << r.out;
}

TEST(RunCli, ResultsDoNotDependOnTheWorkerCountAndConfigFilesWork) {
    TempDir t;
    const fs::path tf = write_synthetic_tables(t.path / "tables.h5");
    const fs::path cfg = t.path / "run.cfg";
    tesa::write_file_atomic(cfg, "network = lenet5-mnist\nvariant = baseline,wd+eaq\narray = 8x8\ndataflow = ws\nregulation = 0.5\n"
                                 "images = 12\ncalibration-images = 300\ntables = " + tf.string() + "\n");
    std::vector<std::string> csvs;
    for (const char* jobs : {"1", "3"}) {
        const fs::path out = t.path / (std::string("j") + jobs);
        CliRun r = run({"--config", cfg.string(), "--jobs", jobs, "--out", out.string()});
        ASSERT_EQ(r.code, 0) << r.err;
        csvs.push_back(tesa::read_file(out / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv"));
    }
    for (int row : {1, 2})
        for (const char* col : {"correct", "wrong_products_per_image", "slow_per_image", "cycles_per_image", "macs_issued"})
            EXPECT_EQ(field(csvs[0], row, col), field(csvs[1], row, col)) << col;
    EXPECT_NE(field(csvs[0], 1, "wrong_products_per_image"), "0.000") << csvs[0];
    EXPECT_EQ(field(csvs[0], 2, "variant"), "wd+eaq");
    EXPECT_GT(std::stoull(field(csvs[0], 2, "macs")), 416520u) << "WD adds MACs";
}

TEST(RunCli, AnInterruptedRunResumesToTheSameResult) {
    TempDir t;
    const fs::path tf = write_synthetic_tables(t.path / "tables.h5");
    const std::vector<std::string> args = {"--tables", tf.string(), "--regulation", "0.5", "--images", "10", "--array", "8x8",
                                           "--calibration-images", "300", "--variant", "baseline,eaq", "--jobs", "2"};
    auto with = [&](std::vector<std::string> extra, const fs::path& out) {
        std::vector<std::string> a = args;
        a.insert(a.end(), extra.begin(), extra.end());
        a.push_back("--out");
        a.push_back(out.string());
        return run(a);
    };
    CliRun whole = with({}, t.path / "whole");
    ASSERT_EQ(whole.code, 0) << whole.err;
    CliRun first = with({"--budget-images", "13"}, t.path / "pieces");
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_TRUE(contains(first.out, "partial run: 13 of 20 image runs done")) << first.out;
    EXPECT_FALSE(fs::exists(t.path / "pieces" / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv"));
    // A kill in the middle of a record leaves it cut short: the resume drops it and simulates that image again.
    bool cut = false;
    for (const auto& e : fs::recursive_directory_iterator(t.path / "pieces" / "run" / "journal"))
        if (!cut && e.is_regular_file() && fs::file_size(e.path()) > 0) {
            std::FILE* f = std::fopen(e.path().c_str(), "ab");
            const uint64_t id = 9;
            std::fwrite(&id, sizeof id, 1, f);
            std::fwrite("TRUN", 1, 4, f);
            std::fclose(f);
            cut = true;
        }
    ASSERT_TRUE(cut);
    CliRun rest = with({}, t.path / "pieces");
    ASSERT_EQ(rest.code, 0) << rest.err;
    EXPECT_TRUE(contains(rest.err, "bad record framing; dropping its last 12 bytes")) << rest.err;
    EXPECT_TRUE(contains(rest.err, "resuming, 10 images done before")) << rest.err;
    EXPECT_TRUE(contains(rest.err, "resuming, 3 images done before")) << rest.err;
    const std::string a = tesa::read_file(t.path / "whole" / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv");
    const std::string b = tesa::read_file(t.path / "pieces" / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv");
    for (int row : {1, 2})
        for (const char* col : {"images", "correct", "wrong_products_per_image", "slow_per_image", "cycles_per_image", "accelerator_us_per_image",
                                "dma_bytes_per_image"})
            EXPECT_EQ(field(a, row, col), field(b, row, col)) << col;
    EXPECT_FALSE(fs::exists(t.path / "pieces" / "run" / "journal" / "lenet5-mnist_baseline_ws")) << "journals go once the results are written";
    EXPECT_TRUE(fs::is_empty(t.path / "pieces" / "run" / "journal"));
}

TEST(RunCli, BadInputsAreRefused) {
    TempDir t;
    CliRun r = run({"--variant", "fancy", "--images", "2", "--out", t.path.string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "unknown variant 'fancy'")) << r.err;
    r = run({"--variant", "eaq", "--images", "2", "--tables", (t.path / "none.h5").string(), "--out", t.path.string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "none.h5")) << r.err;
    r = run({"--array", "0x4", "--regulation", "0", "--images", "2", "--out", t.path.string()});
    EXPECT_NE(r.code, 0);
    r = run({"--regulation", "0", "--images", "2", "--activation-kib", "0", "--out", t.path.string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "--activation-kib: 0 is out of range (valid: [1, 65536])")) << r.err;
    // once a shorter DRAM time than the default (sc_time overflow), and a bad_alloc
    r = run({"--regulation", "0", "--images", "2", "--dram-latency-ns", "1e30", "--out", t.path.string()});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.err, "--dram-latency-ns: 1e+30 is out of range")) << r.err;
    r = run({"--regulation", "0", "--images", "2", "--weight-kib", "99999999", "--out", t.path.string()});
    EXPECT_EQ(r.code, 2);
    r = run({"--regulation", "0", "--images", "2", "--array", "100000x100000", "--out", t.path.string()});
    EXPECT_TRUE(contains(r.err, "--array '100000x100000': rows: 100000 is out of range")) << r.err;
    r = run({"--regulation", "0", "--images", "-1", "--out", t.path.string()});
    EXPECT_TRUE(contains(r.err, "--images: -1 is out of range")) << r.err;
    r = run({"--regulation", "0", "--images", "2", "--sram-pj-per-access", "1,2", "--out", t.path.string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "--sram-pj-per-access: '1,2'")) << r.err;
    r = run({"--regulation", "0", "--images", "2", "--dram-pj-per-access", "-5", "--out", t.path.string()});
    EXPECT_TRUE(contains(r.err, "--dram-pj-per-access: -5 is out of range")) << r.err;
}

}  // namespace
