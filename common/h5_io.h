// h5_io.h -- the small HDF5 vocabulary tesa's file formats share (error tables, PE traces):
// element types, scalar string / number attributes on the root, whole 1-D datasets read back.
// Header-only; users add ${HDF5_INCLUDE_DIRS} and link ${HDF5_LIBRARIES}.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace tesa::h5 {

template <class T>
const H5::PredType& type() {
    if constexpr (std::is_same_v<T, int8_t>) return H5::PredType::NATIVE_INT8;
    else if constexpr (std::is_same_v<T, uint8_t>) return H5::PredType::NATIVE_UINT8;
    else if constexpr (std::is_same_v<T, uint16_t>) return H5::PredType::NATIVE_UINT16;
    else if constexpr (std::is_same_v<T, int32_t>) return H5::PredType::NATIVE_INT32;
    else if constexpr (std::is_same_v<T, uint32_t>) return H5::PredType::NATIVE_UINT32;
    else if constexpr (std::is_same_v<T, uint64_t>) return H5::PredType::NATIVE_UINT64;
    else {
        static_assert(std::is_same_v<T, double>, "no HDF5 type for this element");
        return H5::PredType::NATIVE_DOUBLE;
    }
}

// An empty string is stored as " " (HDF5 has no zero-length fixed strings) and read back empty.
inline void attr(H5::H5Object& o, const std::string& name, const std::string& value) {
    H5::StrType t(H5::PredType::C_S1, value.size() ? value.size() : 1);
    o.createAttribute(name, t, H5::DataSpace(H5S_SCALAR)).write(t, value.size() ? value.c_str() : " ");
}

inline void attr(H5::H5Object& o, const std::string& name, double value) {
    o.createAttribute(name, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(H5S_SCALAR)).write(H5::PredType::NATIVE_DOUBLE, &value);
}

// A scalar string attribute; throws H5::Exception (the caller names the file) when it is missing,
// not a string or not a single value.
inline std::string read_str(const H5::H5Object& o, const std::string& name) {
    H5::Attribute a = o.openAttribute(name);
    if (a.getTypeClass() != H5T_STRING || a.getSpace().getSimpleExtentNpoints() != 1)
        throw H5::AttributeIException("read_str", "attribute '" + name + "' is not a single string");
    std::string s;
    a.read(a.getStrType(), s);
    return s == " " ? std::string() : s;
}

// A scalar numeric attribute as a double; one value only (a longer attribute would overrun it).
inline double read_num(const H5::H5Object& o, const std::string& name) {
    H5::Attribute a = o.openAttribute(name);
    const H5T_class_t c = a.getTypeClass();
    if ((c != H5T_INTEGER && c != H5T_FLOAT) || a.getSpace().getSimpleExtentNpoints() != 1)
        throw H5::AttributeIException("read_num", "attribute '" + name + "' is not a single number");
    double v = 0;
    a.read(H5::PredType::NATIVE_DOUBLE, &v);
    return v;
}

// A whole dataset of numbers, any rank, as a flat vector (the caller checks the length).
template <class T>
std::vector<T> read_vector(const H5::Group& g, const std::string& name) {
    H5::DataSet ds = g.openDataSet(name);
    const H5T_class_t c = ds.getTypeClass();
    if (c != H5T_INTEGER && c != H5T_FLOAT) throw H5::DataSetIException("read_vector", "dataset '" + name + "' is not numeric");
    const hssize_t n = ds.getSpace().getSimpleExtentNpoints();
    std::vector<T> v(static_cast<size_t>(n));
    if (n > 0) ds.read(v.data(), type<T>());
    return v;
}

}  // namespace tesa::h5
