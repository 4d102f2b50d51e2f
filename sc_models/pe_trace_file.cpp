// pe_trace_file.cpp -- HDF5 column datasets for PeCycleRecord, attributes for PeTraceInfo.
#include "sc_models/pe_trace_file.h"

#include "common/error.h"
#include "common/validate.h"
#include "common/file_util.h"
#include "common/h5_io.h"

#include <unistd.h>

#include <cmath>


namespace tesa {

namespace {

constexpr const char* kFormat = "tesa pe trace 1";

using h5::attr;
using h5::read_num;
using h5::read_str;

template <class T, class F>
void column(H5::Group& g, const std::string& name, const std::vector<PeCycleRecord>& rs, F get) {
    std::vector<T> v(rs.size());
    for (size_t i = 0; i < rs.size(); ++i) v[i] = static_cast<T>(get(rs[i]));
    hsize_t n = v.size();
    H5::DataSpace space(1, &n);
    H5::DataSet ds = g.createDataSet(name, h5::type<T>(), space);
    if (n) ds.write(v.data(), h5::type<T>());
}

template <class T>
std::vector<T> read_column(const H5::Group& g, const std::string& name, size_t expect, const std::string& file) {
    H5::DataSet ds = g.openDataSet(name);
    const hssize_t n = ds.getSpace().getSimpleExtentNpoints();
    if (static_cast<size_t>(n) != expect) fail(file + ": column " + name + " has " + std::to_string(n) + " rows, expected " + std::to_string(expect));
    std::vector<T> v(static_cast<size_t>(n));
    if (n) ds.read(v.data(), h5::type<T>());
    return v;
}

}  // namespace

void write_pe_trace(const std::filesystem::path& file, const std::vector<PeCycleRecord>& rs, const PeTraceInfo& info) {
    OutputSet out;  // removes the temporary file unless the whole file was written
    const std::filesystem::path tmp = out.stage(file);
    try {
        H5::Exception::dontPrint();
        H5::H5File f(tmp.string(), H5F_ACC_TRUNC);
        H5::Group root = f.openGroup("/");
        attr(root, "format", std::string(kFormat));
        attr(root, "rows", info.rows);
        attr(root, "cols", info.cols);
        attr(root, "M", info.shape.m);
        attr(root, "N", info.shape.n);
        attr(root, "K", info.shape.k);
        attr(root, "dataflow", info.dataflow);
        attr(root, "weight_port", info.weight_port);
        attr(root, "backend", info.backend);
        attr(root, "clock_scale", info.clock_scale);
        attr(root, "clock_ps", info.clock_ps);
        attr(root, "regulation", info.regulation);
        attr(root, "seed", std::to_string(info.seed));  // a string: seeds may exceed 2^53
        attr(root, "first_cycle", static_cast<double>(info.first_cycle));
        attr(root, "last_cycle", static_cast<double>(info.last_cycle));
        attr(root, "records", static_cast<double>(rs.size()));
        H5::Group g = f.createGroup("/pe_cycles");
        column<uint64_t>(g, "cycle", rs, [](const PeCycleRecord& r) { return r.cycle; });
        column<uint16_t>(g, "row", rs, [](const PeCycleRecord& r) { return r.row; });
        column<uint16_t>(g, "col", rs, [](const PeCycleRecord& r) { return r.col; });
        column<int8_t>(g, "a_prev", rs, [](const PeCycleRecord& r) { return static_cast<int8_t>(r.previous & 0xff); });
        column<int8_t>(g, "b_prev", rs, [](const PeCycleRecord& r) { return static_cast<int8_t>(r.previous >> 8); });
        column<int8_t>(g, "a", rs, [](const PeCycleRecord& r) { return static_cast<int8_t>(r.current & 0xff); });
        column<int8_t>(g, "b", rs, [](const PeCycleRecord& r) { return static_cast<int8_t>(r.current >> 8); });
        column<int32_t>(g, "exact", rs, [](const PeCycleRecord& r) { return r.exact; });
        column<int32_t>(g, "product", rs, [](const PeCycleRecord& r) { return r.product; });
        column<uint8_t>(g, "slow", rs, [](const PeCycleRecord& r) { return r.slow; });
        column<int32_t>(g, "m", rs, [](const PeCycleRecord& r) { return r.m; });
        column<int32_t>(g, "n", rs, [](const PeCycleRecord& r) { return r.n; });
    } catch (const H5::Exception& e) {
        fail(file.string() + ": cannot write the PE trace: " + e.getDetailMsg());
    }
    out.commit();
}

std::vector<PeCycleRecord> read_pe_trace(const std::filesystem::path& file, PeTraceInfo* info) {
    if (!std::filesystem::exists(file)) fail(file.string() + ": no such file");
    const std::string name = file.string();
    std::vector<PeCycleRecord> rs;
    try {
        H5::Exception::dontPrint();
        H5::H5File f(name, H5F_ACC_RDONLY);
        H5::Group root = f.openGroup("/");
        if (!root.attrExists("format") || read_str(root, "format") != kFormat) fail(name + ": not a tesa PE trace (attribute 'format')");
        // Counts checked before they become integers (a NaN or 1e300 would not fit).
        auto count = [&](const char* attr, double hi) {
            const double v = require_in(name + ": attribute '" + attr + "'", read_num(root, attr), Range::closed(0, hi));
            if (v != std::floor(v)) fail(name + ": attribute '" + std::string(attr) + "' is not a whole number");
            return v;
        };
        if (info) {
            info->rows = static_cast<int>(count("rows", 65536));
            info->cols = static_cast<int>(count("cols", 65536));
            info->shape = {static_cast<int>(count("M", 1 << 30)), static_cast<int>(count("N", 1 << 30)), static_cast<int>(count("K", 1 << 30))};
            info->dataflow = read_str(root, "dataflow");
            info->weight_port = read_str(root, "weight_port");
            info->backend = read_str(root, "backend");
            info->clock_scale = read_num(root, "clock_scale");
            info->clock_ps = read_num(root, "clock_ps");
            info->regulation = read_num(root, "regulation");
            info->seed = parse_uint64(read_str(root, "seed"), name + ": attribute 'seed'");
            info->first_cycle = static_cast<uint64_t>(count("first_cycle", 9e15));
            info->last_cycle = static_cast<uint64_t>(count("last_cycle", 9e15));
        }
        const size_t n = static_cast<size_t>(count("records", 1u << 31));
        H5::Group g = f.openGroup("/pe_cycles");
        const auto cycle = read_column<uint64_t>(g, "cycle", n, name);
        const auto row = read_column<uint16_t>(g, "row", n, name), col = read_column<uint16_t>(g, "col", n, name);
        const auto ap = read_column<int8_t>(g, "a_prev", n, name), bp = read_column<int8_t>(g, "b_prev", n, name);
        const auto a = read_column<int8_t>(g, "a", n, name), b = read_column<int8_t>(g, "b", n, name);
        const auto exact = read_column<int32_t>(g, "exact", n, name), product = read_column<int32_t>(g, "product", n, name);
        const auto slow = read_column<uint8_t>(g, "slow", n, name);
        const auto m = read_column<int32_t>(g, "m", n, name), nn = read_column<int32_t>(g, "n", n, name);
        rs.resize(n);
        auto pair = [](int8_t x, int8_t y) { return static_cast<uint16_t>(static_cast<uint8_t>(x) | static_cast<uint8_t>(y) << 8); };
        for (size_t i = 0; i < n; ++i)
            rs[i] = {cycle[i], row[i], col[i], pair(ap[i], bp[i]), pair(a[i], b[i]), exact[i], product[i], m[i], nn[i], slow[i] != 0};
    } catch (const H5::Exception& e) {
        fail(name + ": cannot read the PE trace: " + e.getDetailMsg());
    }
    return rs;
}

}  // namespace tesa
