// Helpers shared by the binding files of the one extension module mothello_data._core.
// Output arrays are allocated as numpy arrays and filled in place with the GIL released, so
// nothing is copied on the way back to Python. Argument checks that protect memory (shapes,
// lengths, thread counts) live here, in the bindings, and nowhere else.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "engine.hpp"

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

// The rules of a call: one id for every game, or a uint8 array of one id per game (kept alive by
// the caller's `holder`).
inline mothello::GameRules game_rules(int rule, const py::object& per_game, bool pass_token, py::ssize_t n,
                     exact_array<std::uint8_t>& holder) {
    mothello::GameRules rules{rule, nullptr, pass_token};
    if (!per_game.is_none()) {
        holder = per_game.cast<exact_array<std::uint8_t>>();
        if (holder.ndim() != 1 || holder.shape(0) != n)
            throw py::value_error("rules must be a 1-D uint8 array with one rule id per game");
        rules.per_game = holder.data();
    }
    mothello::check_rules(rules, n);  // std::invalid_argument: ValueError
    return rules;
}

// Checks move rows (n, W) with 1 <= W <= 255 and lengths (n,) <= W for the label functions; returns W.
template <class Moves, class Lengths>
int check_move_rows(const std::string& fn, const Moves& moves, const Lengths& lengths) {
    if (moves.ndim() != 2 || moves.shape(1) < 1 || moves.shape(1) > mothello::kMaxWidth || lengths.ndim() != 1 ||
        lengths.shape(0) != moves.shape(0))
        throw py::value_error(fn + ": moves must be (n, W) with W in 1..255 and lengths (n,)");
    const int width = static_cast<int>(moves.shape(1));
    for (py::ssize_t g = 0; g < lengths.shape(0); ++g)
        if (lengths.data()[g] > width)
            throw py::value_error("game " + std::to_string(g) + ": length exceeds the row width " + std::to_string(width));
    return width;
}

void bind_engine(py::module_& m);
void bind_tokens(py::module_& m);
void bind_probing(py::module_& m);
void bind_world(py::module_& m);
void bind_transpositions(py::module_& m);
void bind_rows(py::module_& m);
void bind_pad(py::module_& m);

}  // namespace mothello_py
