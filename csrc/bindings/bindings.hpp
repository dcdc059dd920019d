// The one header every binding file includes first: pybind11 and the
// registration functions that module.cpp assembles.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <vector>

namespace py = pybind11;

namespace ytvis::bindings {

/// Read-only 1-D numpy view of `values`; `owner` keeps the memory alive.
template <class T>
py::array_t<T> readonly_view(const std::vector<T>& values, py::handle owner) {
  py::array_t<T> array({static_cast<py::ssize_t>(values.size())}, {static_cast<py::ssize_t>(sizeof(T))},
                       values.data(), owner);
  py::detail::array_proxy(array.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return array;
}

/// Writable C-ordered numpy view of `values` with `shape`; `owner` keeps the memory alive.
template <class T>
py::array_t<T> writable_view(std::vector<T>& values, const std::vector<std::size_t>& shape,
                             py::handle owner) {
  std::vector<py::ssize_t> dims(shape.begin(), shape.end());
  return py::array_t<T>(dims, values.data(), owner);
}

/// numpy array of `shape` taking over `values` without a copy.
template <class T>
py::array_t<T> adopt(std::vector<T>&& values, const std::vector<py::ssize_t>& shape) {
  auto heap = std::make_unique<std::vector<T>>(std::move(values));
  const T* data = heap->data();
  py::capsule owner(heap.get(), [](void* p) { delete static_cast<std::vector<T>*>(p); });
  heap.release();  // the capsule owns it now
  return py::array_t<T>(shape, data, owner);
}

void register_rle(py::module_& m);
void register_store(py::module_& m);
void register_eval(py::module_& m);
void register_ingest(py::module_& m);
void register_stream(py::module_& m);
void register_metrics(py::module_& m);

}  // namespace ytvis::bindings
