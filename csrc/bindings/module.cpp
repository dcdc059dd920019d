#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "ytvis_fast native core: RLE codec, instance store, IoU, matching, accumulation";
  ytvis::bindings::register_rle(m);
  ytvis::bindings::register_store(m);
  ytvis::bindings::register_eval(m);
  ytvis::bindings::register_ingest(m);
  ytvis::bindings::register_stream(m);
}
