// The one extension module, mothello_data._core: flat function names, bound area by area.
#include "bindings_common.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "Native bitboard Othello engine of mothello-data (see mothello_data.engine and mothello_data.probing).";
    mothello_py::bind_engine(m);
    mothello_py::bind_tokens(m);
    mothello_py::bind_probing(m);
    mothello_py::bind_world(m);
    mothello_py::bind_transpositions(m);
    mothello_py::bind_rows(m);
    mothello_py::bind_pad(m);
}
