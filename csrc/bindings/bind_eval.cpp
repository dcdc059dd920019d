#include "bindings.hpp"
namespace ytvis::bindings {
void register_eval(py::module_&) {}
}  // namespace ytvis::bindings
