// Helpers shared by the binding files of the one extension module mothello_data._core.
// Output arrays are allocated as numpy arrays and filled in place with the GIL released, so
// nothing is copied on the way back to Python. Argument checks that protect memory (shapes,
// lengths, thread counts) live here, in the bindings, and nowhere else.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace mothello_py {

namespace py = pybind11;

// A C-contiguous array of T; other dtypes are converted on the way in.
template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// A C-contiguous array of T; only safe casts on the way in (int64 -> uint8 is a TypeError).
template <class T>
using exact_array = py::array_t<T, py::array::c_style>;

// Allocates a numpy array of `shape`, stores it as result[name] and returns its buffer.
template <class T>
T* new_output(py::dict& result, const char* name, std::vector<py::ssize_t> shape) {
    py::array_t<T> array(shape);
    result[name] = array;
    return array.mutable_data();
}

inline void check_threads(int threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
}

void bind_engine(py::module_& m);
void bind_tokens(py::module_& m);
void bind_probing(py::module_& m);
void bind_world(py::module_& m);
void bind_transpositions(py::module_& m);

}  // namespace mothello_py
