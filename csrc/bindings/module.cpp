#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "ytvis_fast native core: RLE codec, instance store, IoU, matching, accumulation";
  // Set by the build from pyproject.toml, so `import ytvis_fast` need not read
  // the installed metadata (importlib.metadata costs more than the whole core).
  m.attr("__version__") = YTVIS_FAST_VERSION;
  ytvis::bindings::register_rle(m);
  ytvis::bindings::register_store(m);
  ytvis::bindings::register_eval(m);
  ytvis::bindings::register_ingest(m);
  ytvis::bindings::register_stream(m);
  ytvis::bindings::register_metrics(m);
}
