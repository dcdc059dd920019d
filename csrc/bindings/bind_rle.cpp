#include "bindings.hpp"
namespace ytvis::bindings {
void register_rle(py::module_&) {}
}  // namespace ytvis::bindings
