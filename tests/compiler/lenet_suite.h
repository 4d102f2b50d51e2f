// lenet_suite.h -- a GoogleTest suite base with the trained LeNet-5/MNIST, INT8-quantized on the
// first 200 training images, the first `TestImages` test images and the synthetic error tables;
// built once per suite (reading and quantizing the network takes a while).
#pragma once

#include "networks/quantize.h"
#include "synthetic_tables.h"

#include <gtest/gtest.h>

#include <cstddef>

namespace tesa::test {

template <size_t TestImages>
class LeNetSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        model_ = new Model(Model::read(model_path("lenet5-mnist")));
        q_ = new QuantizedModel(QuantizedModel::quantize(*model_, load_dataset("mnist", "train", default_data_dir()).head(200), {}));
        test_ = new ImageSet(load_dataset("mnist", "test", default_data_dir()).head(TestImages));
        tables_ = new ErrorTables(synthetic_tables());
    }
    static void TearDownTestSuite() {
        delete model_;
        delete q_;
        delete test_;
        delete tables_;
    }
    static inline Model* model_ = nullptr;
    static inline QuantizedModel* q_ = nullptr;
    static inline ImageSet* test_ = nullptr;
    static inline ErrorTables* tables_ = nullptr;
};

}  // namespace tesa::test
