// The one header every binding file includes first: pybind11 and the
// registration functions that module.cpp assembles.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace ytvis::bindings {

void register_rle(py::module_& m);
void register_store(py::module_& m);
void register_eval(py::module_& m);

}  // namespace ytvis::bindings
