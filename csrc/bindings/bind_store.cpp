#include "bindings.hpp"
namespace ytvis::bindings {
void register_store(py::module_&) {}
}  // namespace ytvis::bindings
