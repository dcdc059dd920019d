#include "json_ingest.hpp"

#include <simdjson.h>

#include <array>
#include <atomic>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "plain_elements.hpp"
#include "thread_pool.hpp"

namespace ytvis {

namespace {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;

/// StoreBuilder's view of one element parsed by simdjson's DOM parser. Type
/// names are Python's, so error messages read the same whichever path parsed
/// the input.
struct SimdJson {
  struct Node {
    dom::element value;
    bool valid = false;
  };

  static bool present(const Node& node) { return node.valid; }
  static bool is_object(const Node& node) { return node.value.is_object(); }
  static bool is_array(const Node& node) { return node.value.is_array(); }

  /// The last field of that name, as json.load keeps (at_key would give the first).
  static Node get(const Node& object, std::string_view key) {
    Node found;
    for (dom::key_value_pair field : dom::object(object.value)) {
      if (field.key == key) found = Node{field.value, true};
    }
    return found;
  }

  static std::size_t size(const Node& array) { return dom::array(array.value).size(); }

  template <class F>
  static void each(const Node& array, F&& f) {
    std::size_t index = 0;
    for (dom::element item : dom::array(array.value)) f(index++, Node{item, true});
  }

  /// Python truthiness of the value json.load would give.
  static bool truthy(const Node& node) {
    const dom::element& v = node.value;
    switch (v.type()) {
      case dom::element_type::NULL_VALUE:
        return false;
      case dom::element_type::BOOL:
        return bool(v);
      case dom::element_type::INT64:
        return int64_t(v) != 0;
      case dom::element_type::UINT64:
        return uint64_t(v) != 0;
      case dom::element_type::DOUBLE:
        return double(v) != 0.0;
      case dom::element_type::STRING:
        return !std::string_view(v).empty();
      case dom::element_type::ARRAY:
        return dom::array(v).size() != 0;
      case dom::element_type::OBJECT:
        return dom::object(v).size() != 0;
    }
    return false;
  }

  static std::optional<std::int64_t> as_int(const Node& node) {
    const dom::element& v = node.value;
    if (v.is_int64()) return int64_t(v);
    if (v.is_bool()) return bool(v) ? 1 : 0;
    return std::nullopt;  // doubles, and integers past int64
  }

  /// The hot loop of ground-truth files (uncompressed RLE counts): simdjson's
  /// accessors are `inline` but not forced, so ask GCC/Clang to inline them here.
#if defined(__GNUC__)
  __attribute__((flatten))
#endif
  static bool int_array(const Node& array, std::vector<std::int64_t>& out) {
    out.reserve(out.size() + dom::array(array.value).size());
    for (dom::element item : dom::array(array.value)) {
      std::int64_t value = 0;
      if (item.get_int64().get(value) != simdjson::SUCCESS) return false;
      out.push_back(value);
    }
    return true;
  }

  static std::optional<double> as_number(const Node& node) {
    const dom::element& v = node.value;
    switch (v.type()) {
      case dom::element_type::INT64:
        return static_cast<double>(int64_t(v));
      case dom::element_type::UINT64:
        return static_cast<double>(uint64_t(v));
      case dom::element_type::DOUBLE:
        return double(v);
      case dom::element_type::BOOL:
        return bool(v) ? 1.0 : 0.0;
      default:
        return std::nullopt;
    }
  }

  static std::optional<std::string_view> as_text(const Node& node) {
    if (!node.value.is_string()) return std::nullopt;
    return std::string_view(node.value);
  }

  static std::string type_name(const Node& node) {
    switch (node.value.type()) {
      case dom::element_type::NULL_VALUE:
        return "NoneType";
      case dom::element_type::BOOL:
        return "bool";
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
        return "int";
      case dom::element_type::DOUBLE:
        return "float";
      case dom::element_type::STRING:
        return "str";
      case dom::element_type::ARRAY:
        return "list";
      case dom::element_type::OBJECT:
        return "dict";
    }
    return "unknown";
  }
};

/// Line and column of a byte offset, for error messages.
std::string location(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// Python's json module writes NaN and Infinity for non-finite floats (a NaN
/// score, say), which JSON does not allow: say so rather than only "bad JSON".
std::string non_finite_hint(std::string_view raw) {
  for (const std::string_view token : {"NaN", "Infinity"}) {
    if (raw.find(token) != std::string_view::npos) {
      return " (it contains " + std::string(token) +
             ", which JSON does not allow: scores and other numbers "
             "must be finite)";
    }
  }
  return "";
}

/// The input with simdjson's padding; the whole document is walked once by the
/// On-Demand parser, which yields the raw text of each top-level element. Each
/// element is then parsed on its own by the DOM parser, so memory holds the
/// input plus one element's DOM, never a DOM of the whole file.
class Splitter {
 public:
  Splitter(JsonText text, std::string source)
      : source_(std::move(source)), text_(std::make_shared<const JsonText>(std::move(text))) {}

  /// Starts the walk. A failure here (an empty file, an unclosed string) leaves
  /// no document to ask for a location, so the message has none.
  ondemand::document& open() {
    const std::string_view text = text_->view();
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      throw InputError(source_ + ": not valid JSON: the document is empty");
    }
    const auto error =
        parser_.iterate(simdjson::padded_string_view(text_->data(), text_->size(), text_->capacity()))
            .get(document_);
    if (error) throw InputError(source_ + ": not valid JSON: " + simdjson::error_message(error));
    opened_ = true;
    return document_;
  }

  /// The root's type. On-Demand judges a scalar root by its first character
  /// ("this is not json" looks like `true`), so a scalar root is validated whole
  /// first: bad JSON is then called bad JSON rather than the wrong type.
  ondemand::json_type root_type() {
    ondemand::json_type type = ondemand::json_type::null;
    check(document_.type().get(type));
    if (type != ondemand::json_type::array && type != ondemand::json_type::object) {
      dom::element ignored;
      const auto error = element_parser_.parse(text_->data(), text_->size(), false).get(ignored);
      if (error) throw InputError(source_ + ": not valid JSON: " + simdjson::error_message(error));
    }
    return type;
  }

  /// Raw JSON of every element of an array value.
  template <class F>
  void elements(ondemand::value array, F&& f) {
    std::size_t index = 0;
    for (auto item : array.get_array()) f(index++, raw_element(item));
  }

  template <class F>
  void elements(ondemand::array array, F&& f) {
    std::size_t index = 0;
    for (auto item : array) f(index++, raw_element(item));
  }

  /// Calls f(index, item) for the elements of an array, in order, while it
  /// returns true: the raw text of each, or the value itself to read in place.
  template <class F>
  void each_element(ondemand::array array, F&& f) {
    std::size_t index = 0;
    for (auto item : array) {
      if (!f(index++, item)) return;
    }
  }

  std::string_view raw_element(simdjson::simdjson_result<ondemand::value> item) {
    std::string_view raw;
    check(item.raw_json().get(raw));
    return raw;
  }

  /// Throws unless the walk has read the whole document: text after the root
  /// value is not JSON, as json.load says ("Extra data").
  void check_end() {
    if (document_.at_end()) return;
    throw InputError(source_ + ": not valid JSON" + where_the_walk_is() +
                     ": more after the end of the document");
  }

  /// Frees the On-Demand parser's index of the whole document once every element
  /// has been found (it takes about four bytes per structural character).
  void finish_splitting() {
    opened_ = false;
    document_ = ondemand::document();
    parser_ = ondemand::parser();
  }

  /// Parses one element's text with `parser`; valid until its next parse.
  /// Thread-safe: only reads the document.
  SimdJson::Node parse(dom::parser& parser, std::string_view raw, const std::string& what) const {
    dom::element element;
    // The element lies inside the padded input, so the parser reads it in place.
    const auto error = parser.parse(raw.data(), raw.size(), false).get(element);
    if (error) {
      throw InputError(source_ + ": " + what + ": not valid JSON at " +
                       location(text_->view(), static_cast<std::size_t>(raw.data() - text_->data())) + ": " +
                       simdjson::error_message(error) + non_finite_hint(raw));
    }
    return SimdJson::Node{element, true};
  }

  /// Parses one element's text; valid until the next call.
  SimdJson::Node parse(std::string_view raw, const std::string& what) {
    return parse(element_parser_, raw, what);
  }

  void check(simdjson::error_code error) {
    if (!error) return;
    throw InputError(source_ + ": not valid JSON" + where_the_walk_is() + ": " +
                     simdjson::error_message(error));
  }

  const std::string& source() const { return source_; }
  const JsonText& text() const { return *text_; }
  /// The input, for stores that borrow their masks from it.
  const std::shared_ptr<const JsonText>& shared_text() const { return text_; }

 private:
  /// " at line L, column C" of the walk's position, or "" where it has none.
  std::string where_the_walk_is() {
    const char* at = nullptr;
    if (!opened_ || document_.current_location().get(at) != simdjson::SUCCESS || at < text_->data())
      return "";
    return " at " + location(text_->view(), static_cast<std::size_t>(at - text_->data()));
  }

  std::string source_;
  std::shared_ptr<const JsonText> text_;
  bool opened_ = false;  ///< document_ refers to the text (for error locations)
  ondemand::parser parser_;
  ondemand::document document_;
  dom::parser element_parser_;
};

std::int64_t int_field(const SimdJson::Node& object, const char* key, const std::string& where, bool required,
                       std::int64_t fallback) {
  const SimdJson::Node value = SimdJson::get(object, key);
  if (!value.valid || value.value.is_null()) {
    if (required) throw InputError(where + ": missing '" + key + "'");
    return fallback;
  }
  const auto number = SimdJson::as_int(value);
  if (!number) {
    throw InputError(where + ": '" + key + "' must be an integer, got " + SimdJson::type_name(value));
  }
  return *number;
}

VideoInfo read_video(const SimdJson::Node& video, const std::string& where) {
  if (!SimdJson::is_object(video)) throw InputError(where + ": expected an object");
  VideoInfo info;
  info.id = int_field(video, "id", where, true, 0);
  info.height = int_field(video, "height", where, false, 0);
  info.width = int_field(video, "width", where, false, 0);
  info.length = int_field(video, "length", where, false, -1);
  if (info.length < 0) {
    const SimdJson::Node names = SimdJson::get(video, "file_names");
    if (names.valid && SimdJson::is_array(names))
      info.length = static_cast<std::int64_t>(SimdJson::size(names));
  }
  return info;
}

CategoryInfo read_category(const SimdJson::Node& category, const std::string& where) {
  if (!SimdJson::is_object(category)) throw InputError(where + ": expected an object");
  CategoryInfo info;
  info.id = int_field(category, "id", where, true, 0);
  const SimdJson::Node name = SimdJson::get(category, "name");
  if (name.valid) {
    if (const auto text = SimdJson::as_text(name)) info.name = std::string(*text);
  }
  return info;
}

std::string ondemand_type(ondemand::json_type type) {
  switch (type) {
    case ondemand::json_type::array:
      return "list";
    case ondemand::json_type::object:
      return "dict";
    case ondemand::json_type::number:
      return "number";
    case ondemand::json_type::string:
      return "str";
    case ondemand::json_type::boolean:
      return "bool";
    case ondemand::json_type::null:
      return "NoneType";
    default:
      return "unknown";
  }
}

/// Contiguous ranges of elements of roughly equal weight (bytes), about four per
/// thread so that uneven elements still keep every thread busy.
template <class Weight>
std::vector<std::size_t> chunk_bounds(std::size_t count, unsigned threads, Weight&& weight) {
  std::vector<std::size_t> bounds{0};
  if (threads > 1 && count > 1) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += weight(i);
    const std::size_t target = total / (std::size_t{threads} * 4) + 1;
    std::size_t filled = 0;
    for (std::size_t i = 0; i + 1 < count; ++i) {
      filled += weight(i);
      if (filled >= target) {
        bounds.push_back(i + 1);
        filled = 0;
      }
    }
  }
  bounds.push_back(count);
  return bounds;
}

/// How the elements of one input are read into stores.
struct ElementRules {
  const std::vector<VideoInfo>& videos;
  bool results = false;
  bool strict = false;
  std::int64_t first_result_id = 1;  ///< id of the input's first result
  bool borrow = false;               ///< results' masks stay in the input (else each part copies them)
};

/// Builds the `count` elements at `elements`, the first being element `first` of
/// the input, into a partial store. Elements of the usual shape are read by the
/// fast readers (plain_elements.hpp), the rest parsed one small DOM each.
/// Thread-safe: reads only the input.
std::shared_ptr<InstanceStore> build_chunk(const Splitter& splitter, const std::string_view* elements,
                                           std::size_t count, std::size_t first, const ElementRules& rules) {
  const std::string label = rules.results ? "result " : "annotation ";
  dom::parser parser;
  StoreBuilder<SimdJson> builder(rules.videos, rules.results, rules.strict, rules.first_result_id);
  std::optional<PlainResultReader> plain_results;
  std::optional<PlainAnnotationReader> plain_annotations;
  PlainResult result;
  PlainAnnotation annotation;
  if (rules.results) {
    plain_results.emplace(splitter.text());
    builder.store().borrow_text(splitter.text().view(), splitter.shared_text());
  } else {
    plain_annotations.emplace(splitter.text());
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < count; ++i) bytes += elements[i].size();
    builder.store().reserve_text(bytes);
  }
  const std::string_view text = splitter.text().view();
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t index = first + i;
    if (plain_results && plain_results->read(elements[i], result) && builder.add_plain(result, index, text))
      continue;
    if (plain_annotations && plain_annotations->read(elements[i], annotation) &&
        builder.add_plain(annotation, text)) {
      continue;
    }
    const std::size_t added = builder.store().size();
    try {
      builder.add(splitter.parse(parser, elements[i], label + std::to_string(index)), index);
    } catch (const InputError&) {
      builder.check_masks(added, first);  // an earlier mask that does not decode comes first
      throw;
    }
  }
  std::shared_ptr<InstanceStore> part = builder.finish(1, first);
  if (rules.borrow || count == 0) return part;  // a borrowing store reads its masks from the input
  part->own_text();
  splitter.text().release(elements[0].data(), elements[count - 1].data() + elements[count - 1].size());
  return part;
}

/// The parts' instances, in order, in one store.
std::shared_ptr<InstanceStore> join(std::vector<std::shared_ptr<InstanceStore>>& parts) {
  if (parts.size() == 1) return parts.front();
  auto store = std::make_shared<InstanceStore>();
  std::size_t instances = 0, frames = 0;
  for (const auto& part : parts) {
    instances += part->size();
    frames += part->frames().size();
  }
  store->set_label(parts.front()->label());
  store->reserve(instances, frames);
  for (auto& part : parts) {
    store->append(std::move(*part));
    part.reset();
  }
  return store;
}

/// Rethrows an InputError with the input's name in front, if not there yet.
[[noreturn]] void rethrow_naming(const Splitter& splitter, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const InputError& input_error) {
    const std::string message = input_error.what();
    if (message.rfind(splitter.source() + ": ", 0) == 0) throw;
    throw InputError(splitter.source() + ": " + message);
  }
}

/// Walks the raw element texts into a store. Each chunk of elements is built by
/// one task into a partial store; the parts are joined in input order, so the
/// store and the first error reported are the same whatever the number of threads.
std::shared_ptr<InstanceStore> build(const Splitter& splitter, const std::vector<std::string_view>& elements,
                                     const ElementRules& rules, unsigned threads) {
  try {
    const std::vector<std::size_t> bounds =
        chunk_bounds(elements.size(), threads, [&](std::size_t i) { return elements[i].size(); });
    std::vector<std::shared_ptr<InstanceStore>> parts(bounds.size() - 1);
    parallel_for(parts.size(), threads, [&](std::size_t c) {
      parts[c] =
          build_chunk(splitter, elements.data() + bounds[c], bounds[c + 1] - bounds[c], bounds[c], rules);
    });
    return join(parts);
  } catch (const InputError&) {
    rethrow_naming(splitter, std::current_exception());
  }
}

/// build() for results all read by the walk itself (read_plain_result): no
/// element is parsed again. Returns null, having kept nothing, where add_plain()
/// declines a result or a mask does not decode: the caller then reads the file
/// the general way, which reports the error as it always has.
std::shared_ptr<InstanceStore> build_plain(const Splitter& splitter, std::vector<PlainResult>& results,
                                           const ElementRules& rules, unsigned threads) {
  const auto weight = [&](std::size_t i) {
    std::size_t bytes = 1;
    for (const PlainResult::Frame& frame : results[i].frames) bytes += frame.end - frame.begin;
    return bytes;
  };
  const auto frames_of = [&](std::size_t first, std::size_t last) {
    std::size_t frames = 0;
    for (std::size_t i = first; i < last; ++i) frames += results[i].frames.size();
    return frames;
  };
  if (rules.borrow) {
    // Nothing of the masks is copied and the walk's checks found their areas:
    // one builder in input order costs less than parts and their join.
    StoreBuilder<SimdJson> builder(rules.videos, true, rules.strict, rules.first_result_id);
    builder.store().borrow_text(splitter.text().view(), splitter.shared_text());
    builder.store().reserve(results.size(), frames_of(0, results.size()));
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!builder.add_plain(results[i], i, splitter.text().view())) return nullptr;
    }
    try {
      return builder.finish(threads);
    } catch (const InputError&) {
      return nullptr;
    }
  }
  const std::vector<std::size_t> bounds = chunk_bounds(results.size(), threads, weight);
  std::vector<std::shared_ptr<InstanceStore>> parts(bounds.size() - 1);
  std::atomic<bool> declined{false};
  try {
    parallel_for(parts.size(), threads, [&](std::size_t c) {
      StoreBuilder<SimdJson> builder(rules.videos, true, rules.strict, rules.first_result_id);
      builder.store().borrow_text(splitter.text().view(), splitter.shared_text());
      builder.store().reserve(bounds[c + 1] - bounds[c], frames_of(bounds[c], bounds[c + 1]));
      for (std::size_t i = bounds[c]; i < bounds[c + 1]; ++i) {
        if (declined.load(std::memory_order_relaxed) ||
            !builder.add_plain(results[i], i, splitter.text().view())) {
          declined = true;
          return;
        }
      }
      std::shared_ptr<InstanceStore> part = builder.finish(1, bounds[c]);
      if (!rules.borrow) {
        part->own_text();
        // Up to where the next chunk starts: those pages are this chunk's alone.
        const std::size_t end =
            bounds[c + 1] < results.size() ? results[bounds[c + 1]].begin : splitter.text().size();
        splitter.text().release(splitter.text().data() + results[bounds[c]].begin,
                                splitter.text().data() + end);
      }
      parts[c] = std::move(part);
    });
  } catch (const InputError&) {
    return nullptr;
  }
  if (declined) return nullptr;
  return parts.empty() ? std::make_shared<InstanceStore>() : join(parts);
}

/// Elements found by a walk and handed to a builder while the walk goes on.
struct StreamedChunk {
  std::size_t first = 0;  ///< input position of the first element
  std::vector<std::string_view> elements;
  std::shared_ptr<InstanceStore> part;
  std::exception_ptr error;  ///< building failed: kept for after the walk
};

/// Walks the elements of `array` and builds them as they are found: chunks of
/// about an eighth of the input per thread go to the other threads while this
/// one walks on, then it builds what is left. Errors of the walk are thrown; those
/// of building stay in their chunks, so that the caller can first finish the walk
/// and report what reading in turn would have found first.
std::vector<StreamedChunk> walk_and_build(Splitter& splitter, ondemand::value array,
                                          const ElementRules& rules, unsigned threads) {
  const std::size_t target = splitter.text().size() / (std::size_t{threads} * 8) + 1;
  // Every chunk but the last holds at least `target` bytes of the input: the
  // slots never move while tasks read them.
  std::vector<StreamedChunk> chunks(splitter.text().size() / target + 2);
  std::size_t emitted = 0;
  pipeline(
      threads,
      [&](auto&& emit) {
        std::size_t bytes = 0;
        splitter.elements(array, [&](std::size_t index, std::string_view raw) {
          StreamedChunk& chunk = chunks[emitted];
          if (chunk.elements.empty()) chunk.first = index;
          chunk.elements.push_back(raw);
          bytes += raw.size();
          if (bytes >= target) {
            ++emitted;
            bytes = 0;
            emit();
          }
        });
        if (!chunks[emitted].elements.empty()) {
          ++emitted;
          emit();
        }
      },
      [&](std::size_t k) {
        StreamedChunk& chunk = chunks[k];
        try {
          chunk.part =
              build_chunk(splitter, chunk.elements.data(), chunk.elements.size(), chunk.first, rules);
        } catch (...) {
          chunk.error = std::current_exception();
        }
      });
  chunks.resize(emitted);
  return chunks;
}

/// The videos of the raw elements; throws InputError naming the place.
std::vector<VideoInfo> read_videos(Splitter& splitter, const std::vector<std::string_view>& raws) {
  std::vector<VideoInfo> videos;
  for (std::size_t i = 0; i < raws.size(); ++i) {
    const std::string where = splitter.source() + ": video " + std::to_string(i);
    videos.push_back(read_video(splitter.parse(raws[i], "video " + std::to_string(i)), where));
  }
  return videos;
}

}  // namespace

GroundTruthFile read_ground_truth(JsonText text, const std::string& source, bool strict, unsigned threads) {
  Splitter splitter(std::move(text), source);
  ondemand::document& doc = splitter.open();
  const ondemand::json_type root_type = splitter.root_type();
  if (root_type != ondemand::json_type::object) {
    throw InputError(source +
                     ": ground truth must be a JSON object with 'videos', 'categories' and "
                     "'annotations', got " +
                     ondemand_type(root_type));
  }
  ondemand::object root;
  splitter.check(doc.get_object().get(root));
  // Fields may come in any order (the last of a repeated one counts): collect the
  // raw elements, then read videos first. When the videos come first, as files
  // are written, the annotations are built while the walk goes on.
  std::vector<std::string_view> videos, categories, annotations;
  bool has_annotations = false;
  std::optional<std::vector<VideoInfo>> early_videos;  ///< the videos, when known and valid
  std::vector<StreamedChunk> streamed;                 ///< the annotations, built during the walk
  bool use_streamed = false;
  // The error of each of the three whose last occurrence so far is not a list;
  // a later field of the same name may still replace it, as in json.load.
  std::array<std::optional<std::string>, 3> not_a_list;
  for (auto field : root) {
    std::string_view key;
    splitter.check(field.unescaped_key().get(key));
    std::vector<std::string_view>* target = nullptr;
    if (key == "videos") {
      target = &videos;
    } else if (key == "categories") {
      target = &categories;
    } else if (key == "annotations") {
      target = &annotations;
      has_annotations = true;
    }
    ondemand::value value;
    splitter.check(field.value().get(value));
    if (!target) {
      // Unknown fields are skipped, but only valid JSON is, as json.load would.
      std::string_view raw;
      splitter.check(value.raw_json().get(raw));
      splitter.parse(raw, "'" + std::string(key) + "'");
      continue;
    }
    ondemand::json_type type = ondemand::json_type::null;
    splitter.check(value.type().get(type));
    std::optional<std::string>& error = not_a_list[target == &videos ? 0 : target == &categories ? 1 : 2];
    error.reset();
    if (type != ondemand::json_type::array) {
      error = source + ": '" + std::string(key) + "' must be a list, got " + ondemand_type(type);
      continue;
    }
    target->clear();
    if (target == &annotations && early_videos && threads > 1) {
      streamed = walk_and_build(splitter, value, ElementRules{*early_videos, false, strict}, threads);
      use_streamed = true;
      continue;
    }
    splitter.elements(value, [&](std::size_t, std::string_view raw) { target->push_back(raw); });
    if (target == &videos) {
      // Videos that do not read here are read again below, where their error
      // comes in its turn; annotations built with other videos no longer count.
      use_streamed = false;
      early_videos.reset();
      try {
        early_videos = read_videos(splitter, videos);
        for (std::size_t i = 0; i < early_videos->size(); ++i) check_video((*early_videos)[i], i);
      } catch (const InputError&) {
        early_videos.reset();
      }
    }
  }
  splitter.check_end();
  splitter.finish_splitting();
  for (const std::optional<std::string>& error : not_a_list) {
    if (error) throw InputError(*error);
  }
  GroundTruthFile gt;
  gt.videos = read_videos(splitter, videos);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string where = source + ": category " + std::to_string(i);
    gt.categories.push_back(
        read_category(splitter.parse(categories[i], "category " + std::to_string(i)), where));
  }
  const ElementRules rules{gt.videos, false, strict};
  if (use_streamed) {
    std::vector<std::shared_ptr<InstanceStore>> parts;
    for (StreamedChunk& chunk : streamed) {
      if (chunk.error) rethrow_naming(splitter, chunk.error);
      parts.push_back(std::move(chunk.part));
    }
    gt.annotations = parts.empty() ? std::make_shared<InstanceStore>() : join(parts);
  } else {
    if (!streamed.empty()) {  // built with videos that a later field replaced: build again
      for (const StreamedChunk& chunk : streamed) {
        annotations.insert(annotations.end(), chunk.elements.begin(), chunk.elements.end());
      }
    }
    gt.annotations =
        has_annotations ? build(splitter, annotations, rules, threads) : std::make_shared<InstanceStore>();
  }
  return gt;
}

/// A results file: its path, and once walked its results, read by the walk when
/// every one has the usual shape, else its elements (found, not yet parsed).
struct SplitResultsFile {
  std::string path;
  std::unique_ptr<Splitter> splitter;  ///< null until walked
  std::vector<std::string_view> elements;
  std::optional<std::vector<PlainResult>> plain;
  /// Results read in place by the walk, in chunks of about an eighth of the input
  /// per thread, each checked by check_chunk() once the walk has announced it;
  /// gather() makes them `plain`.
  std::vector<std::vector<PlainResult>> chunks;
  bool all_in_place = false;  ///< the walk read every result in place

  /// Walks the file, calling emit() as each chunk of results read in place is
  /// complete (chunk k at the k-th call).
  template <class Emit>
  void walk(JsonText text, unsigned threads, Emit&& emit) {
    splitter = std::make_unique<Splitter>(std::move(text), path);
    ondemand::document& doc = splitter->open();
    const ondemand::json_type root_type = splitter->root_type();
    if (root_type != ondemand::json_type::array) {
      throw InputError(path + ": results must be a JSON array of objects, got " + ondemand_type(root_type));
    }
    ondemand::array root;
    splitter->check(doc.get_array().get(root));
    // Files are of one shape from end to end, so the first element decides: of
    // the usual shape, every element is read where the walk finds it, with no
    // second pass; else elements are found for the general reader. A later
    // element of another shape sends the whole file the general way. Every
    // chunk but the last spans at least `target` bytes: the slots never move.
    const std::size_t size = splitter->text().size();
    const std::size_t target = size / (std::size_t{threads} * 8) + 1;
    chunks.assign(size / target + 2, {});
    std::size_t emitted = 0, chunk_begin = 0;
    bool read_in_place = false, failed = false;
    splitter->each_element(root, [&](std::size_t index, auto item) {
      if (index == 0) {
        const std::string_view raw = splitter->raw_element(item);
        read_in_place = PlainResultReader(splitter->text()).read(raw, chunks[0].emplace_back());
        if (!read_in_place) elements.push_back(raw);
        return true;
      }
      if (!read_in_place) {
        elements.push_back(splitter->raw_element(item));
        return true;
      }
      ondemand::value element;
      PlainResult result;
      failed = item.get(element) || !read_plain_result(element, splitter->text(), result);
      if (failed) return false;
      if (result.begin - chunk_begin >= target) {
        ++emitted;
        emit();  // the chunk before this result is complete
        chunk_begin = result.begin;
      }
      chunks[emitted].push_back(std::move(result));
      return true;
    });
    if (read_in_place && !failed) emit();
    all_in_place = read_in_place && !failed && doc.at_end();
    if (read_in_place && !all_in_place) {
      walk_elements(splitter->open());  // a fresh walk: the one that stopped may be unusable
    } else if (!read_in_place) {
      splitter->check_end();
    }
    splitter->finish_splitting();
  }

  /// The part of reading chunk k's results that needs no videos' table.
  void check_chunk(std::size_t k) {
    const std::string_view text = splitter->text().view();
    std::string scratch;
    for (PlainResult& result : chunks[k]) {
      for (PlainResult::Frame& frame : result.frames) check_result_frame(frame, text, scratch);
    }
  }

  /// Once the walk and the checks are done: the chunks as one list, `plain`, when
  /// the walk read every result in place.
  void gather() {
    if (all_in_place) {
      std::vector<PlainResult> results;
      std::size_t count = 0;
      for (const auto& chunk : chunks) count += chunk.size();
      results.reserve(count);
      for (auto& chunk : chunks) std::move(chunk.begin(), chunk.end(), std::back_inserter(results));
      plain = std::move(results);
    }
    chunks.clear();
  }

  /// Walks the file with its checks on up to `threads` threads.
  void walk(JsonText text, unsigned threads) {
    pipeline(
        threads, [&](auto&& emit) { walk(std::move(text), threads, emit); },
        [&](std::size_t k) { check_chunk(k); });
    gather();
  }

  /// Back to unwalked, after a walk that failed.
  void forget() {
    splitter.reset();
    elements.clear();
    plain.reset();
    chunks.clear();
    all_in_place = false;
  }

  /// Finds the raw elements, as the general reader parses them one by one.
  void walk_elements(ondemand::document& doc) {
    ondemand::array root;
    splitter->check(doc.get_array().get(root));
    elements.clear();
    splitter->elements(root, [&](std::size_t, std::string_view raw) { elements.push_back(raw); });
    splitter->check_end();
  }

  std::shared_ptr<InstanceStore> build(const ElementRules& rules, unsigned threads) {
    if (plain) {
      if (auto store = build_plain(*splitter, *plain, rules, threads)) return store;
      // A result to report: walk the file again for its elements.
      plain.reset();
      walk_elements(splitter->open());
      splitter->finish_splitting();
    }
    return ytvis::build(*splitter, elements, rules, threads);
  }
};

SplitResults::SplitResults(std::vector<std::string> paths) {
  for (std::string& path : paths) files_.push_back(SplitResultsFile{std::move(path), nullptr, {}, {}});
}

SplitResults::SplitResults(JsonText text, std::string source, unsigned threads) {
  files_.push_back(SplitResultsFile{std::move(source), nullptr, {}, {}});
  files_.back().walk(std::move(text), threads);
}

SplitResults::SplitResults(SplitResults&&) noexcept = default;
SplitResults& SplitResults::operator=(SplitResults&&) noexcept = default;
SplitResults::~SplitResults() = default;

void SplitResults::walk(unsigned threads) {
  for (SplitResultsFile& file : files_) {
    if (file.splitter) continue;
    try {
      file.walk(JsonText::from_file(file.path), threads);
    } catch (const InputError&) {
      // Left unwalked: build() walks it again after parsing the files before it,
      // and reports the error then, as reading the files in turn would.
      file.forget();
      return;
    }
  }
}

void SplitResults::walk_beside(unsigned threads, const std::function<void()>& beside) {
  if (files_.empty() || files_.front().splitter) {
    beside();
    walk(threads);
    return;
  }
  SplitResultsFile& first = files_.front();
  bool walked = false;
  pipeline_beside(
      [&](auto&& emit) {
        try {
          first.walk(JsonText::from_file(first.path), threads, emit);
          walked = true;
        } catch (const InputError&) {
          // Reported by build(), as in walk().
        }
      },
      [&](std::size_t k) { first.check_chunk(k); }, beside);
  if (!walked) {
    first.forget();
    return;
  }
  first.gather();
  walk(threads);
}

std::pair<std::shared_ptr<InstanceStore>, std::vector<std::size_t>> SplitResults::build(
    const std::vector<VideoInfo>& videos, bool strict, unsigned threads, bool borrow) {
  auto store = std::make_shared<InstanceStore>();
  store->set_label("result");
  std::vector<std::size_t> starts;
  for (SplitResultsFile& file : files_) {
    if (!file.splitter) file.walk(JsonText::from_file(file.path), threads);
    starts.push_back(store->size());
    const auto first_id = static_cast<std::int64_t>(store->size()) + 1;
    auto part = file.build(ElementRules{videos, true, strict, first_id, borrow}, threads);
    // Each file's mapping goes as soon as its results are in the store.
    file = SplitResultsFile{};
    if (files_.size() == 1) return {part, starts};
    store->append(std::move(*part));
  }
  files_.clear();
  return {store, starts};
}

std::shared_ptr<InstanceStore> read_results(JsonText text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads) {
  return SplitResults(std::move(text), source, threads).build(videos, strict, threads).first;
}

}  // namespace ytvis
