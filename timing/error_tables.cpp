// error_tables.cpp -- derivation of Table III and the summary from Table II, HDF5 I/O (C++ API).
#include "timing/error_tables.h"

#include "timing/semantics.h"

#include "common/error.h"
#include "common/validate.h"
#include "common/h5_io.h"
#include "common/file_util.h"

#include <H5Cpp.h>

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace tesa {

void require_same_semantics(const std::vector<std::string>& files, const std::vector<const ErrorTables*>& tables) {
    for (size_t i = 1; i < tables.size(); ++i)
        if (tables[i]->semantics != tables[0]->semantics)
            fail(files[i] + " was made in the " + tables[i]->semantics + " semantics but " + files[0] + " in " +
                 tables[0]->semantics + ": tables of different semantics are not compared side by side");
}

std::string file_hash(const std::filesystem::path& file) { return bytes_hash(read_file(file)); }

std::string bytes_hash(const std::string& bytes) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

uint32_t ErrorTables::exact(uint32_t a, uint32_t b) const {
    const int n = width;
    const int32_t sa = static_cast<int32_t>(a << (32 - n)) >> (32 - n);
    const int32_t sb = static_cast<int32_t>(b << (32 - n)) >> (32 - n);
    return static_cast<uint32_t>(sa * sb) & ((1u << (2 * n)) - 1);
}

void ErrorTables::derive() {
    const uint32_t ops = 1u << width, cur_pairs = ops * ops, prev_pairs = cur_pairs;
    p_weight_a.assign(ops, 0.0);
    p_weight_b.assign(ops, 0.0);
    magnitude_hist.assign(static_cast<size_t>(2 * width + 2), 0);
    failing_bits.assign(static_cast<size_t>(2 * width), 0);
    pairs = static_cast<uint64_t>(cur_pairs) * prev_pairs;
    wrong_pairs = 0;
    const int sh = 32 - 2 * width;
    for (uint32_t c = 0; c < cur_pairs; ++c) {
        const uint32_t a = c & (ops - 1), b = c >> width, ex = exact(a, b);
        uint64_t wrong = 0;
        for (uint32_t k = offsets[c]; k < offsets[c + 1]; ++k) {
            const uint32_t out = outputs[k];
            const uint64_t n = counts[k];
            if (out == ex) {
                magnitude_hist[0] += n;
                continue;
            }
            wrong += n;
            const int32_t d = (static_cast<int32_t>(out << sh) >> sh) - (static_cast<int32_t>(ex << sh) >> sh);
            const uint32_t mag = static_cast<uint32_t>(std::abs(d));
            magnitude_hist[static_cast<size_t>(32 - __builtin_clz(mag))] += n;
            for (int j = 0; j < 2 * width; ++j)
                if (((out ^ ex) >> j) & 1u) failing_bits[static_cast<size_t>(j)] += n;
        }
        wrong_pairs += wrong;
        const double p = static_cast<double>(wrong) / prev_pairs;
        p_weight_a[a] += p / ops;
        p_weight_b[b] += p / ops;
    }
}

namespace {

using h5::attr;
using h5::read_num;
using h5::read_str;
using h5::read_vector;

template <class T>
void write_vector(H5::Group& g, const std::string& name, const std::vector<T>& v, std::vector<hsize_t> dims = {}) {
    if (dims.empty()) dims = {static_cast<hsize_t>(v.size())};
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DSetCreatPropList props;
    H5Pset_obj_track_times(props.getId(), false);  // no time stamps: the same tables, the same bytes
    if (v.size() > 4096) {
        // 16 planes of a 3-D table, 64 Ki elements of a list: few chunks, each deflated alone.
        std::vector<hsize_t> chunk(dims);
        chunk[0] = std::min<hsize_t>(chunk[0], dims.size() > 1 ? 16 : 65536);
        props.setChunk(static_cast<int>(chunk.size()), chunk.data());
        props.setDeflate(4);
    }
    H5::DataSet ds = g.createDataSet(name, h5::type<T>(), space, props);
    if (!v.empty()) ds.write(v.data(), h5::type<T>());
}

// A group without time stamps in its header (as every object tesa writes: same tables, same bytes).
H5::Group untimed_group(H5::H5File& f, const char* name) {
    // Plain C ids, closed here: the C++ wrappers' id constructors take a reference of their own.
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, false);
    const hid_t id = H5Gcreate2(f.getId(), name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (id < 0) throw H5::GroupIException("untimed_group", std::string("cannot create ") + name);
    H5Gclose(id);
    return f.openGroup(name);
}

// The root group of a tesa error-table file; throws Error naming the file if it is another kind.
H5::Group tables_root(const H5::H5File& f, const std::filesystem::path& file) {
    H5::Group root = f.openGroup("/");
    if (!root.attrExists("format") || read_str(root, "format") != "tesa error tables 1")
        fail(file.string() + ": not a tesa error-table file (attribute 'format' missing or different)");
    return root;
}

}  // namespace

void ErrorTables::write(const std::filesystem::path& file) const {
    OutputSet out;  // removes the temporary file unless the whole file was written
    const std::filesystem::path tmp = out.stage(file);
    try {
        H5::Exception::dontPrint();
        H5::FileCreatPropList fcpl;
        H5Pset_obj_track_times(fcpl.getId(), false);  // the root group's header too
        H5::H5File f(tmp.string(), H5F_ACC_TRUNC, fcpl);
        H5::Group root = f.openGroup("/");
        attr(root, "format", std::string("tesa error tables 1"));
        attr(root, "width", static_cast<double>(width));
        attr(root, "clock_ps", clock_ps);
        attr(root, "clock_scale", clock_scale);
        attr(root, "time_step_ps", time_step_ps);
        attr(root, "corner", corner);
        attr(root, "model", model);
        attr(root, "semantics", semantics);
        attr(root, "netlist_hash", netlist_hash);
        attr(root, "sdf_hash", sdf_hash);
        attr(root, "tesa_version", tesa_version);
        attr(root, "pairs", static_cast<double>(pairs));
        attr(root, "wrong_pairs", static_cast<double>(wrong_pairs));
        attr(root, "voltage", voltage);
        attr(root, "delay_scale", delay_scale);
        attr(root, "sigma", sigma);
        attr(root, "die_seed", std::to_string(die_seed));  // a string: every uint64 exactly
        attr(root, "key", key);
        H5::Group t2 = untimed_group(f, "/table2");
        write_vector(t2, "offsets", offsets);
        write_vector(t2, "outputs", outputs);
        write_vector(t2, "counts", counts);
        H5::Group wp = untimed_group(f, "/weight_error_probability");
        write_vector(wp, "port_a", p_weight_a);
        write_vector(wp, "port_b", p_weight_b);
        H5::Group st = untimed_group(f, "/stationary");
        const hsize_t o = 1u << width;
        write_vector(st, "a_held", a_held, {o, o, o});
        write_vector(st, "b_held", b_held, {o, o, o});
        H5::Group sm = untimed_group(f, "/summary");
        write_vector(sm, "error_magnitude_histogram", magnitude_hist);
        write_vector(sm, "failing_bits", failing_bits);
        if (!transitions.empty()) {
            H5::Group tr = untimed_group(f, "/transitions");
            write_vector(tr, "offsets", transitions.offsets);
            write_vector(tr, "previous", transitions.previous);
            write_vector(tr, "outputs", transitions.outputs);
        }
    } catch (const H5::Exception& e) {
        fail(file.string() + ": cannot write HDF5: " + e.getDetailMsg());
    }
    out.commit();
}

namespace {

// The attributes on / (clock, corner, hashes, counts) into t, each checked: a width the schema
// allows, a positive finite clock, scale and step, counts that are whole numbers of pairs.
void read_root_attributes(const H5::Group& root, ErrorTables& t, const std::string& file) {
    auto number = [&](const char* name, const Range& r) { return require_in(file + ": attribute '" + name + "'", read_num(root, name), r); };
    const double width = number("width", Range::closed(2, 8));
    if (width != std::floor(width)) fail(file + ": attribute 'width' is not an integer");
    t.width = static_cast<int>(width);
    t.clock_ps = number("clock_ps", Range::open_closed(0, 1e9));
    t.clock_scale = number("clock_scale", Range::closed(0, 100));  // 0: not recorded
    t.time_step_ps = number("time_step_ps", Range::closed(0, 1e6));
    t.corner = read_str(root, "corner");
    t.model = read_str(root, "model");
    t.semantics = root.attrExists("semantics") ? read_str(root, "semantics") : "delay-line";
    parse_semantics(t.semantics, file + ": attribute 'semantics'");
    t.netlist_hash = read_str(root, "netlist_hash");
    t.sdf_hash = read_str(root, "sdf_hash");
    t.tesa_version = read_str(root, "tesa_version");
    const double all = std::ldexp(1.0, 4 * t.width);
    t.pairs = static_cast<uint64_t>(number("pairs", Range::closed(0, all)));
    t.wrong_pairs = static_cast<uint64_t>(number("wrong_pairs", Range::closed(0, static_cast<double>(t.pairs))));
    if (root.attrExists("voltage")) t.voltage = number("voltage", Range::closed(0, 10));
    if (root.attrExists("delay_scale")) t.delay_scale = number("delay_scale", Range::open_closed(0, 100));
    if (root.attrExists("sigma")) t.sigma = number("sigma", Range::closed(0, 0.5));
    if (root.attrExists("die_seed")) t.die_seed = parse_uint64(read_str(root, "die_seed"), file + ": attribute 'die_seed'");
    if (root.attrExists("key")) t.key = read_str(root, "key");
}

// Opens a table file, reads its attributes into t, then `datasets(file, t)`; HDF5 failures become
// one error naming the file.
template <class Fn>
ErrorTables read_file(const std::filesystem::path& file, Fn datasets) {
    if (!std::filesystem::exists(file)) fail(file.string() + ": no such file");
    ErrorTables t;
    try {
        H5::Exception::dontPrint();
        H5::H5File f(file.string(), H5F_ACC_RDONLY);
        read_root_attributes(tables_root(f, file), t, file.string());
        datasets(f, t);
    } catch (const H5::Exception& e) {
        fail(file.string() + ": cannot read tesa error tables: " + e.getDetailMsg());
    }
    return t;
}

}  // namespace

ErrorTables ErrorTables::read_attributes(const std::filesystem::path& file) {
    return read_file(file, [](const H5::H5File&, ErrorTables&) {});
}

ErrorTables ErrorTables::read(const std::filesystem::path& file, const std::string& netlist_hash,
                              const std::string& sdf_hash, double clock_ps) {
    ErrorTables t = read_file(file, [](const H5::H5File& f, ErrorTables& t) {
        H5::Group t2 = f.openGroup("/table2");
        t.offsets = read_vector<uint32_t>(t2, "offsets");
        t.outputs = read_vector<uint16_t>(t2, "outputs");
        t.counts = read_vector<uint32_t>(t2, "counts");
        H5::Group wp = f.openGroup("/weight_error_probability");
        t.p_weight_a = read_vector<double>(wp, "port_a");
        t.p_weight_b = read_vector<double>(wp, "port_b");
        H5::Group st = f.openGroup("/stationary");
        t.a_held = read_vector<uint16_t>(st, "a_held");
        t.b_held = read_vector<uint16_t>(st, "b_held");
        H5::Group sm = f.openGroup("/summary");
        t.magnitude_hist = read_vector<uint64_t>(sm, "error_magnitude_histogram");
        t.failing_bits = read_vector<uint64_t>(sm, "failing_bits");
    });
    t.validate(file.string());
    if (!netlist_hash.empty() && netlist_hash != t.netlist_hash)
        fail(file.string() + ": made from another netlist (hash " + t.netlist_hash + ", expected " + netlist_hash + ")");
    if (!sdf_hash.empty() && sdf_hash != t.sdf_hash)
        fail(file.string() + ": made from another SDF (hash " + t.sdf_hash + ", expected " + sdf_hash + ")");
    if (clock_ps > 0 && std::fabs(clock_ps - t.clock_ps) > 1e-6)
        fail(file.string() + ": made for T_clk " + std::to_string(t.clock_ps) + " ps, expected " + std::to_string(clock_ps));
    return t;
}

void ErrorTables::validate(const std::string& file) const {
    auto bad = [&file](const std::string& what) { fail(file + ": " + what + " (corrupt file?)"); };
    if (width < 2 || width > 8) bad("width " + std::to_string(width) + " is not 2 .. 8");
    const uint64_t ops = 1ull << width, cur_pairs = ops * ops;
    if (offsets.size() != cur_pairs + 1 || outputs.size() != counts.size() || offsets.front() != 0 || offsets.back() != outputs.size())
        bad("inconsistent table sizes");
    if (a_held.size() != ops * ops * ops || b_held.size() != ops * ops * ops) bad("stationary tables of the wrong size");
    if (p_weight_a.size() != ops || p_weight_b.size() != ops) bad("weight error probabilities of the wrong size");
    if (magnitude_hist.size() != static_cast<size_t>(2 * width + 2) || failing_bits.size() != static_cast<size_t>(2 * width))
        bad("summary of the wrong size");
    const uint32_t out_limit = 1u << (2 * width);
    for (uint64_t c = 0; c < cur_pairs; ++c) {
        if (offsets[c] > offsets[c + 1] || offsets[c + 1] > outputs.size()) bad("Table II offsets out of order at current pair " + std::to_string(c));
        uint64_t total = 0;
        for (uint32_t k = offsets[c]; k < offsets[c + 1]; ++k) {
            if (outputs[k] >= out_limit) bad("Table II output " + std::to_string(outputs[k]) + " does not fit " + std::to_string(2 * width) + " bits");
            if (k > offsets[c] && outputs[k - 1] >= outputs[k]) bad("Table II outputs of current pair " + std::to_string(c) + " are not ascending");
            total += counts[k];
        }
        if (total != cur_pairs) bad("Table II counts of current pair " + std::to_string(c) + " add up to " + std::to_string(total) + ", not " + std::to_string(cur_pairs));
    }
    for (uint16_t v : a_held)
        if (v >= out_limit) bad("stationary output " + std::to_string(v) + " does not fit " + std::to_string(2 * width) + " bits");
    for (uint16_t v : b_held)
        if (v >= out_limit) bad("stationary output " + std::to_string(v) + " does not fit " + std::to_string(2 * width) + " bits");
    for (const std::vector<double>* p : {&p_weight_a, &p_weight_b})
        for (double v : *p)
            if (!(v >= 0 && v <= 1)) bad("weight error probability " + std::to_string(v) + " is not in [0, 1]");
}

TransitionTable read_transition_table(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) fail(file.string() + ": no such file");
    TransitionTable t;
    try {
        H5::Exception::dontPrint();
        H5::H5File f(file.string(), H5F_ACC_RDONLY);
        H5::Group root = tables_root(f, file);
        ErrorTables attrs;
        read_root_attributes(root, attrs, file.string());
        t.width = attrs.width;
        t.clock_ps = attrs.clock_ps;
        t.clock_scale = attrs.clock_scale;
        t.netlist_hash = attrs.netlist_hash;
        if (!f.nameExists("/transitions"))
            fail(file.string() + ": holds no full transition table (characterized before tesa stored them); "
                                 "re-run `tesa characterize` to add it");
        H5::Group tr = f.openGroup("/transitions");
        t.offsets = read_vector<uint64_t>(tr, "offsets");
        t.previous = read_vector<uint16_t>(tr, "previous");
        t.outputs = read_vector<uint16_t>(tr, "outputs");
    } catch (const H5::Exception& e) {
        fail(file.string() + ": cannot read the transition table: " + e.getDetailMsg());
    }
    const uint64_t pairs = 1ull << (2 * t.width);
    bool ok = t.offsets.size() == pairs + 1 && t.offsets.front() == 0 && t.offsets.back() == t.previous.size() &&
              t.outputs.size() == t.previous.size();
    for (uint64_t c = 0; ok && c < pairs; ++c) {
        ok = t.offsets[c] <= t.offsets[c + 1] && t.offsets[c + 1] <= t.previous.size();
        for (uint64_t k = t.offsets[c]; ok && k < t.offsets[c + 1]; ++k)
            ok = t.previous[k] < pairs && t.outputs[k] < pairs && (k == t.offsets[c] || t.previous[k - 1] < t.previous[k]);
    }
    if (!ok) fail(file.string() + ": inconsistent transition table (corrupt file?)");
    return t;
}

}  // namespace tesa
