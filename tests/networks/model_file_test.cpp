// model_file_test.cpp -- MAC counts against the paper's, shape checks, corrupt model files, and the
// committed trained networks.
#include "networks/model_file.h"

#include "networks/engine.h"

#include "common/file_util.h"
#include "net_test_util.h"
#include "test_util.h"

namespace tesa {
namespace {

namespace fs = std::filesystem;

TEST(ModelFile, MacCountsEqualTheAnalyticCounts) {
    // The paper's 0.41M / 0.65M / 40.55M (LeNet-5 on 32x32 MNIST and CIFAR-10, ResNet-20 option A).
    EXPECT_EQ(test::lenet5(1).macs(), 416520u);
    EXPECT_EQ(test::lenet5(3).macs(), 651720u);
    const Model r = test::resnet20();
    EXPECT_EQ(r.macs(), 40551040u);
    EXPECT_EQ(r.layers.back().in.c, 64);
    EXPECT_EQ(r.layers[r.layers.size() - 3].out, (Shape{64, 8, 8}));
}

TEST(ModelFile, ShapeMismatchesNameTheFileAndTheLayer) {
    Model m = test::lenet5(1);
    m.layers[4].weight.pop_back();  // fc 400 -> 120 one weight short
    test::expect_error([&] { m.infer_shapes(); }, {"lenet5 (test)", "layer 4 (fc)", "do not fit"});
    Model r = test::resnet20();
    r.layers[r.layers.size() - 3].inputs[1] = 1;  // add a 16-channel tensor to a 64-channel one
    test::expect_error([&] { r.infer_shapes(); }, {"add", "shape mismatch"});
    Model f = test::lenet5(1);
    f.layers[2].inputs = {5};  // a later layer as input
    test::expect_error([&] { f.infer_shapes(); }, {"layer 2", "not an earlier layer"});
}

TEST(ModelFile, GeometryThatWouldDivideByZeroOrOverflowIsRefused) {
    Model m = test::lenet5(1);
    m.layers[0].stride = 0;  // once SIGFPE in the output-size division
    test::expect_error([&] { m.infer_shapes(); }, {"layer 0 (conv)", "stride 0 is out of range"});
    Model p = test::lenet5(1);
    p.layers[0].pad = -3;
    test::expect_error([&] { p.infer_shapes(); }, {"layer 0 (conv)", "pad -3 is out of range"});
    Model k = test::lenet5(1);
    k.layers[1].kernel = 0;  // the max-pool window
    test::expect_error([&] { k.infer_shapes(); }, {"layer 1", "kernel 0 is out of range"});
    Model in = test::lenet5(1);
    in.input = {1, 0, 28};
    test::expect_error([&] { in.infer_shapes(); }, {"input shape 1x0x28 is out of range"});
}

TEST(ModelFile, ImagesOfAnotherShapeThanTheInputAreRefused) {
    const Model m = test::lenet5(1);  // 1 x 32 x 32
    ImageSet cifar;
    cifar.name = "cifar10/test";
    cifar.channels = 3;
    cifar.height = cifar.width = 32;
    cifar.labels = {1};
    cifar.pixels.assign(cifar.image_size(), 0);
    // once an out-of-bounds read of every image
    test::expect_error([&] { evaluate_fp32(m, cifar, 1); }, {"takes 1x32x32 images", "'cifar10/test' has 3x32x32"});
    test::expect_error([&] { activation_ranges(m, cifar); }, {"takes 1x32x32 images"});
}

class CorruptModel : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("tesa_model_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(CorruptModel, MissingNotHdf5AndTruncatedFilesAreClearErrors) {
    test::expect_error([&] { Model::read(dir_ / "none.h5"); }, {"none.h5", "not found"});
    write_file_atomic(dir_ / "text.h5", "this is not HDF5");
    test::expect_error([&] { Model::read(dir_ / "text.h5"); }, {"text.h5", "not an HDF5 file"});
    const std::string good = read_file(model_path("lenet5-mnist"));
    write_file_atomic(dir_ / "cut.h5", good.substr(0, good.size() / 2));
    test::expect_error([&] { Model::read(dir_ / "cut.h5"); }, {"cut.h5"});
}

class TrainedModel : public ::testing::TestWithParam<const char*> {};

TEST_P(TrainedModel, ReadsWithSensitivitiesAndReferenceLogits) {
    const Model m = Model::read(model_path(GetParam()));
    EXPECT_EQ(m.network, GetParam());
    EXPECT_EQ(m.dataset, dataset_of(GetParam()));
    EXPECT_EQ(m.macs(), std::string(GetParam()) == "lenet5-mnist" ? 416520u : 651720u);
    EXPECT_EQ(m.classes(), 10);
    bool any = false;
    for (const auto& l : m.layers) {
        ASSERT_EQ(l.sensitivity.size(), l.weight.size());
        for (float s : l.sensitivity) {
            EXPECT_GE(s, 0.0f);
            any = any || s > 0;
        }
    }
    EXPECT_TRUE(any) << "all sensitivities are zero";
    EXPECT_GE(m.reference_indices.size(), 8u);
    EXPECT_FALSE(m.command.empty());
}

INSTANTIATE_TEST_SUITE_P(Networks, TrainedModel, ::testing::Values("lenet5-mnist", "lenet5-cifar10"));

}  // namespace
}  // namespace tesa
