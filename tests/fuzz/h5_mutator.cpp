// h5_mutator.cpp -- HDF5 file <-> flat tree through the C API, and the tree edits.
#include "tests/fuzz/h5_mutator.h"

#include "tests/fuzz/fuzz_support.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tesa::fuzz {

size_t H5Item::count() const {
    size_t n = 1;
    for (hsize_t d : dims) n *= static_cast<size_t>(d);
    return n;
}

namespace {

hid_t memory_type(const H5Item& it) {
    if (it.cls == H5T_FLOAT) return it.elem == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    switch (it.elem) {
        case 1: return it.is_signed ? H5T_NATIVE_INT8 : H5T_NATIVE_UINT8;
        case 2: return it.is_signed ? H5T_NATIVE_INT16 : H5T_NATIVE_UINT16;
        case 4: return it.is_signed ? H5T_NATIVE_INT32 : H5T_NATIVE_UINT32;
        default: return it.is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
    }
}

// Fills type, shape and bytes of `it` from an attribute or dataset of file type `type`.
template <class ReadFn>
bool describe(H5Item& it, hid_t type, hid_t space, ReadFn read) {
    it.cls = H5Tget_class(type);
    const int rank = H5Sget_simple_extent_ndims(space);
    it.dims.assign(static_cast<size_t>(std::max(rank, 0)), 0);
    if (rank > 0) H5Sget_simple_extent_dims(space, it.dims.data(), nullptr);
    if (it.cls == H5T_STRING) {
        if (rank > 0) return false;  // tesa's strings are scalars
        if (H5Tis_variable_str(type) > 0) {
            char* s = nullptr;
            hid_t vt = H5Tcopy(H5T_C_S1);
            H5Tset_size(vt, H5T_VARIABLE);
            read(vt, &s);
            it.bytes = s ? s : "";
            H5free_memory(s);
            H5Tclose(vt);
        } else {
            it.bytes.assign(H5Tget_size(type), '\0');
            hid_t ft = H5Tcopy(type);
            read(ft, it.bytes.data());
            H5Tclose(ft);
        }
        it.elem = std::max<size_t>(1, it.bytes.size());
        return true;
    }
    if (it.cls != H5T_INTEGER && it.cls != H5T_FLOAT) return false;
    it.elem = H5Tget_size(type);
    if (it.cls == H5T_FLOAT && it.elem != 4) it.elem = 8;
    if (it.cls == H5T_INTEGER) {
        it.is_signed = H5Tget_sign(type) == H5T_SGN_2;
        if (it.elem != 1 && it.elem != 2 && it.elem != 4) it.elem = 8;
    }
    it.bytes.assign(it.count() * it.elem, '\0');
    if (!it.bytes.empty()) read(memory_type(it), it.bytes.data());
    return true;
}

struct Loader {
    H5Tree tree;
    std::vector<H5Item> attrs;
};

herr_t on_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
    auto* l = static_cast<Loader*>(data);
    char owner[1024];
    H5Iget_name(obj, owner, sizeof owner);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    H5Item it;
    it.owner = owner;
    it.path = name;
    if (describe(it, t, s, [&](hid_t mt, void* buf) { H5Aread(a, mt, buf); })) l->attrs.push_back(std::move(it));
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
    return 0;
}

herr_t on_object(hid_t root, const char* name, const H5O_info_t* info, void* data) {
    auto* l = static_cast<Loader*>(data);
    const std::string path = std::string(name) == "." ? "/" : "/" + std::string(name);
    hid_t o = H5Oopen(root, name, H5P_DEFAULT);
    if (info->type == H5O_TYPE_GROUP) {
        if (path != "/") l->tree.groups.push_back(path);
    } else if (info->type == H5O_TYPE_DATASET) {
        hid_t t = H5Dget_type(o), s = H5Dget_space(o);
        H5Item it;
        it.path = path;
        if (describe(it, t, s, [&](hid_t mt, void* buf) { H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); }))
            l->tree.items.push_back(std::move(it));
        H5Sclose(s);
        H5Tclose(t);
    }
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, on_attribute, l);
    H5Oclose(o);
    return 0;
}

// The bytes as a cursor of small numbers; reads past the end give zeros.
struct Input {
    const uint8_t* d;
    size_t n, at = 0;
    bool more() const { return at < n; }
    uint8_t byte() { return at < n ? d[at++] : 0; }
    uint16_t u16() { return static_cast<uint16_t>(byte() | byte() << 8); }
};

template <class T>
void put_value(H5Item& it, size_t e, T v) {
    std::memcpy(&it.bytes[e * it.elem], &v, sizeof v);
}

void special_value(H5Item& it, size_t e, uint8_t which) {
    if (it.cls == H5T_FLOAT) {
        static const double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(), INFINITY, -INFINITY, -1.0, 0.0, 1e300, -1e300, 1e-310, 0.5, 65536.0};
        const double v = kSpecial[which % (sizeof kSpecial / sizeof kSpecial[0])];
        if (it.elem == 4) put_value(it, e, static_cast<float>(v));
        else put_value(it, e, v);
        return;
    }
    static const int64_t kSpecial[] = {0, -1, 1, 2, 255, 256, 65535, 65536, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, 1LL << 32};
    const int64_t v = kSpecial[which % (sizeof kSpecial / sizeof kSpecial[0])];
    std::memcpy(&it.bytes[e * it.elem], &v, it.elem);  // little-endian: the low bytes
}

void convert_type(H5Item& it) {
    if (it.cls == H5T_STRING) return;
    const size_t n = it.count();
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) {
        if (it.cls == H5T_FLOAT) {
            if (it.elem == 4) {
                float f;
                std::memcpy(&f, &it.bytes[i * 4], 4);
                v[i] = f;
            } else {
                std::memcpy(&v[i], &it.bytes[i * 8], 8);
            }
        } else {
            int64_t x = 0;
            std::memcpy(&x, &it.bytes[i * it.elem], it.elem);
            v[i] = static_cast<double>(x);
        }
    }
    it.cls = it.cls == H5T_FLOAT ? H5T_INTEGER : H5T_FLOAT;
    it.elem = it.cls == H5T_FLOAT ? 8 : 4;
    it.is_signed = true;
    it.bytes.assign(n * it.elem, '\0');
    for (size_t i = 0; i < n; ++i) {
        if (it.cls == H5T_FLOAT) put_value(it, i, v[i]);
        else put_value(it, i, static_cast<int32_t>(std::isfinite(v[i]) && std::fabs(v[i]) < 2e9 ? v[i] : 0));
    }
}

}  // namespace

H5Tree load_h5_tree(const std::string& file) {
    H5::Exception::dontPrint();
    hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) fail(file + ": cannot open the fuzz seed");
    Loader l;
    H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, on_object, &l);
    H5Fclose(f);
    l.tree.items.insert(l.tree.items.end(), l.attrs.begin(), l.attrs.end());
    return l.tree;
}

void write_h5_tree(const H5Tree& t, const std::string& file) {
    H5::Exception::dontPrint();
    hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) fail(file + ": cannot create the fuzz file");
    for (const std::string& g : t.groups) {
        hid_t id = H5Gcreate2(f, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (id >= 0) H5Gclose(id);
    }
    for (const H5Item& it : t.items) {
        hid_t space = it.dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(it.dims.size()), it.dims.data(), nullptr);
        hid_t type = it.cls == H5T_STRING ? H5Tcopy(H5T_C_S1) : H5Tcopy(memory_type(it));
        if (it.cls == H5T_STRING) H5Tset_size(type, std::max<size_t>(1, it.bytes.size()));
        const std::string padded = it.cls == H5T_STRING && it.bytes.empty() ? std::string(1, '\0') : it.bytes;
        if (it.attribute()) {
            hid_t owner = H5Oopen(f, it.owner.c_str(), H5P_DEFAULT);
            if (owner >= 0) {
                hid_t a = H5Acreate2(owner, it.path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
                if (a >= 0) {
                    if (!padded.empty()) H5Awrite(a, type, padded.data());
                    H5Aclose(a);
                }
                H5Oclose(owner);
            }
        } else {
            hid_t d = H5Dcreate2(f, it.path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (d >= 0) {
                if (!padded.empty()) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data());
                H5Dclose(d);
            }
        }
        H5Tclose(type);
        H5Sclose(space);
    }
    H5Fclose(f);
}

void mutate_h5_tree(H5Tree& t, const uint8_t* data, size_t size) {
    Input in{data, size};
    for (int edits = 0; in.more() && edits < 32 && !t.items.empty(); ++edits) {
        const uint8_t op = in.byte() % 8;
        H5Item& it = t.items[in.u16() % t.items.size()];
        const size_t n = it.cls == H5T_STRING ? 1 : it.count();
        switch (op) {
            case 0:  // delete
                t.items.erase(t.items.begin() + (&it - t.items.data()));
                break;
            case 1:  // overwrite one element with raw bytes
                if (it.cls != H5T_STRING && n)
                    for (size_t e = in.u16() % n, b = 0; b < it.elem; ++b) it.bytes[e * it.elem + b] = static_cast<char>(in.byte());
                break;
            case 2:  // a special value in one element
            case 3: {
                if (it.cls == H5T_STRING || !n) break;
                const size_t e = op == 2 ? in.u16() % n : (in.byte() & 1 ? 0 : n - 1);
                special_value(it, e, in.byte());
                break;
            }
            case 4: {  // resize to a 1-D extent (new elements from the input)
                if (it.cls == H5T_STRING) break;
                const size_t m = in.u16() % 70000;
                std::string b = it.bytes.substr(0, std::min(it.bytes.size(), m * it.elem));
                while (b.size() < m * it.elem) b.push_back(static_cast<char>(in.byte()));
                it.bytes = b;
                it.dims = {static_cast<hsize_t>(m)};
                break;
            }
            case 5:  // reshape: scalar <-> 1-D <-> 2-D of the same count
                if (it.cls == H5T_STRING) break;
                if (it.dims.empty()) it.dims = {1};
                else if (it.dims.size() == 1 && n % 2 == 0 && n) it.dims = {2, static_cast<hsize_t>(n / 2)};
                else if (n == 1) it.dims.clear();
                else it.dims = {static_cast<hsize_t>(n)};
                break;
            case 6:  // integer <-> float
                convert_type(it);
                break;
            case 7:  // a string replaced by input bytes (or a number turned into a string)
                if (it.cls != H5T_STRING) {
                    it.cls = H5T_STRING;
                    it.dims.clear();
                }
                it.bytes.clear();
                for (size_t k = in.byte() % 24; k > 0; --k) it.bytes.push_back(static_cast<char>(in.byte()));
                it.elem = std::max<size_t>(1, it.bytes.size());
                break;
        }
    }
}

std::string write_mutated(const H5Tree& seed, const uint8_t* data, size_t size) {
    H5Tree tree = seed;
    mutate_h5_tree(tree, data, size);
    const std::string file = scratch_path(".h5");
    write_h5_tree(tree, file);
    return file;
}

}  // namespace tesa::fuzz
