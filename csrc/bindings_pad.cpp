// Binding of pad_lists.hpp: Arrow list offsets + values into rows of a padded numpy array, the GIL
// released while C++ copies.
#include <string>

#include "bindings_common.hpp"
#include "pad_lists.hpp"

namespace mothello_py {
namespace {

template <class Offset>
void pad_checked(const py::array& offsets, const py::array& values, py::array& out, py::ssize_t row, const py::array& fill) {
    const py::ssize_t n = offsets.shape(0) - 1, width = out.shape(1);
    const auto* off = static_cast<const Offset*>(offsets.data());
    const std::int64_t bad = mothello::check_list_offsets(off, n, values.shape(0), width);
    if (bad >= 0)
        throw py::value_error("pad_lists: row " + std::to_string(bad) + " has offsets that fall or leave the values, "
                              "or is longer than the width " + std::to_string(width));
    const void* src = values.data();
    const void* pad = fill.data();
    const int item = static_cast<int>(out.itemsize());
    void* dst = static_cast<char*>(out.mutable_data()) + row * width * out.itemsize();
    py::gil_scoped_release release;
    mothello::pad_lists(off, n, src, item, width, pad, dst);
}

void pad_lists_py(const py::array& offsets, const py::array& values, py::array out, py::ssize_t row, const py::array& fill) {
    const auto contiguous = py::array::c_style;
    if (offsets.ndim() != 1 || offsets.shape(0) < 1 || !(offsets.flags() & contiguous))
        throw py::value_error("pad_lists: offsets must be a contiguous 1-D int32 or int64 array of n + 1 entries");
    if (out.ndim() != 2 || !(out.flags() & contiguous) || !out.writeable())
        throw py::value_error("pad_lists: out must be a writeable C-contiguous (N, W) array");
    if (values.ndim() != 1 || !(values.flags() & contiguous) || !values.dtype().is(out.dtype()) || fill.ndim() != 0 ||
        !fill.dtype().is(out.dtype()))
        throw py::type_error("pad_lists: values (contiguous 1-D) and fill (0-d) must have out's dtype");
    const py::ssize_t item = out.itemsize();
    if (item != 1 && item != 2 && item != 4 && item != 8)
        throw py::type_error("pad_lists: elements must be 1, 2, 4 or 8 bytes");
    if (row < 0 || row + offsets.shape(0) - 1 > out.shape(0))
        throw py::value_error("pad_lists: rows row .. row + n must lie inside out");
    if (offsets.dtype().is(py::dtype::of<std::int32_t>()))
        pad_checked<std::int32_t>(offsets, values, out, row, fill);
    else if (offsets.dtype().is(py::dtype::of<std::int64_t>()))
        pad_checked<std::int64_t>(offsets, values, out, row, fill);
    else
        throw py::type_error("pad_lists: offsets must be int32 or int64");
}

}  // namespace

void bind_pad(py::module_& m) {
    m.def("pad_lists", &pad_lists_py, py::arg("offsets"), py::arg("values"), py::arg("out"), py::arg("row"), py::arg("fill"),
          R"doc(Writes the n rows of an Arrow list array (offsets: n + 1 int32 or int64, into values: 1-D) into
out[row : row + n] (a writeable C-contiguous (N, W) array of values' dtype, elements of 1, 2, 4 or 8
bytes), each row values[offsets[g] : offsets[g + 1]] followed by fill (a 0-d array of that dtype) up
to W (mothello_data.loader._pad). Raises ValueError for offsets that fall, leave values or give a row
longer than W, or rows outside out; TypeError for mismatched dtypes.)doc");
}

}  // namespace mothello_py
