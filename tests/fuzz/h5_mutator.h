// h5_mutator.h -- structure-aware fuzzing of tesa's HDF5 readers (error tables, models).
//
// Raw byte mutations of an HDF5 file mostly exercise libhdf5's own decoder, which is not tesa's
// to fix; what tesa must survive is a well-formed HDF5 file with hostile contents. So a seed file
// is read into a flat tree (groups, datasets, attributes with their types, shapes and raw bytes),
// the fuzzer's bytes drive edits of that tree (delete, overwrite elements, special values such as
// NaN / inf / -1 / huge, resize, reshape, change the type, change strings), and the tree is
// written back as a fresh HDF5 file for the reader under test.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tesa::fuzz {

struct H5Item {
    std::string owner;  // path of the group or dataset that holds an attribute; "" for a dataset
    std::string path;   // dataset path ("/table2/offsets") or attribute name
    H5T_class_t cls = H5T_INTEGER;  // H5T_INTEGER, H5T_FLOAT or H5T_STRING
    size_t elem = 1;                // bytes per element (string: its length)
    bool is_signed = false;
    std::vector<hsize_t> dims;      // empty: scalar
    std::string bytes;              // the data, native layout
    bool attribute() const { return !owner.empty(); }
    size_t count() const;
};

struct H5Tree {
    std::vector<std::string> groups;  // "/table2", ... (parents before children)
    std::vector<H5Item> items;        // datasets before attributes
};

H5Tree load_h5_tree(const std::string& file);
void write_h5_tree(const H5Tree& tree, const std::string& file);
// Applies the edits the bytes describe (a few bytes each) to `tree`.
void mutate_h5_tree(H5Tree& tree, const uint8_t* data, size_t size);
// A copy of `seed` with the bytes' edits, written to this process's scratch HDF5 file; its path.
std::string write_mutated(const H5Tree& seed, const uint8_t* data, size_t size);

}  // namespace tesa::fuzz
