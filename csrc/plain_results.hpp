// The fast reader of results files: results of the shape nearly every file has
// (see PlainResult) are read with simdjson's On-Demand API straight from the
// input text, with no DOM and no copy of a mask. Everything else is declined and
// goes through the general reader (json_ingest.cpp), which also reports errors,
// so what is read and every message stay those of one path.
#pragma once

#include <memory>
#include <string_view>

#include "json_text.hpp"
#include "store_builder.hpp"

namespace ytvis {

class PlainResultReader {
 public:
  explicit PlainResultReader(const JsonText& text);
  PlainResultReader(const PlainResultReader&) = delete;
  PlainResultReader& operator=(const PlainResultReader&) = delete;
  ~PlainResultReader();

  /// Reads the element `raw`, a slice of the text, into `out`. Returns false, for
  /// the general reader, on other fields, polygons, uncompressed counts, boxes, a
  /// repeated key, another type, escapes other than a doubled backslash, or
  /// invalid JSON.
  bool read(std::string_view raw, PlainResult& out);

 private:
  struct Parser;
  const JsonText& text_;
  std::unique_ptr<Parser> parser_;
};

}  // namespace ytvis
