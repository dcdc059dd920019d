#include "json_ingest.hpp"

#include <yyjson.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

namespace ytvis {

namespace {

/// StoreBuilder's view of a yyjson document. Type names are Python's, so error
/// messages read the same whichever path parsed the input.
struct YyJson {
  using Node = yyjson_val*;

  static bool present(Node node) { return node != nullptr; }
  static bool is_object(Node node) { return yyjson_is_obj(node); }
  static bool is_array(Node node) { return yyjson_is_arr(node); }
  static Node get(Node object, const char* key) { return yyjson_obj_get(object, key); }
  static std::size_t size(Node array) { return yyjson_arr_size(array); }

  template <class F>
  static void each(Node array, F&& f) {
    std::size_t index = 0, count = 0;
    yyjson_val* item = nullptr;
    yyjson_arr_foreach(array, index, count, item) {
      f(index, item);
    }
  }

  /// Python truthiness of the value json.load would give.
  static bool truthy(Node node) {
    switch (yyjson_get_type(node)) {
      case YYJSON_TYPE_NULL:
        return false;
      case YYJSON_TYPE_BOOL:
        return yyjson_get_bool(node);
      case YYJSON_TYPE_NUM:
        return yyjson_get_num(node) != 0.0;
      case YYJSON_TYPE_STR:
        return yyjson_get_len(node) != 0;
      case YYJSON_TYPE_ARR:
        return yyjson_arr_size(node) != 0;
      case YYJSON_TYPE_OBJ:
        return yyjson_obj_size(node) != 0;
      default:
        return false;
    }
  }

  static std::optional<std::int64_t> as_int(Node node) {
    if (yyjson_is_sint(node)) return yyjson_get_sint(node);
    if (yyjson_is_uint(node)) {
      const std::uint64_t value = yyjson_get_uint(node);
      if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
      return static_cast<std::int64_t>(value);
    }
    if (yyjson_is_bool(node)) return yyjson_get_bool(node) ? 1 : 0;
    return std::nullopt;
  }

  static std::optional<double> as_number(Node node) {
    if (yyjson_is_num(node)) return yyjson_get_num(node);
    if (yyjson_is_bool(node)) return yyjson_get_bool(node) ? 1.0 : 0.0;
    return std::nullopt;
  }

  static std::optional<std::string_view> as_text(Node node) {
    if (!yyjson_is_str(node)) return std::nullopt;
    return std::string_view(yyjson_get_str(node), yyjson_get_len(node));
  }

  static std::string type_name(Node node) {
    switch (yyjson_get_type(node)) {
      case YYJSON_TYPE_NULL:
        return "NoneType";
      case YYJSON_TYPE_BOOL:
        return "bool";
      case YYJSON_TYPE_NUM:
        return yyjson_is_real(node) ? "float" : "int";
      case YYJSON_TYPE_STR:
        return "str";
      case YYJSON_TYPE_ARR:
        return "list";
      case YYJSON_TYPE_OBJ:
        return "dict";
      default:
        return "unknown";
    }
  }
};

struct DocumentDeleter {
  void operator()(yyjson_doc* doc) const { yyjson_doc_free(doc); }
};
using Document = std::unique_ptr<yyjson_doc, DocumentDeleter>;

/// Parses `text` in place inside a new store, which keeps the buffer: yyjson
/// unescapes strings where they are, so compressed masks need no copy.
Document parse_into(std::string text, const std::string& source, InstanceStore& store) {
  const std::size_t length = text.size();
  text.resize(length + YYJSON_PADDING_SIZE, '\0');
  char* data = store.adopt_text(std::move(text));
  yyjson_read_err error;
  // Python's json accepts NaN and Infinity; so do we.
  Document doc(
      yyjson_read_opts(data, length, YYJSON_READ_INSITU | YYJSON_READ_ALLOW_INF_AND_NAN, nullptr, &error));
  if (!doc) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < error.pos && i < length; ++i) {
      if (data[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw InputError(source + ": not valid JSON at line " + std::to_string(line) + ", column " +
                     std::to_string(column) + ": " + error.msg);
  }
  return doc;
}

std::int64_t int_field(yyjson_val* object, const char* key, const std::string& where, bool required,
                       std::int64_t fallback) {
  yyjson_val* value = yyjson_obj_get(object, key);
  if (!value || yyjson_is_null(value)) {
    if (required) throw InputError(where + ": missing '" + key + "'");
    return fallback;
  }
  const auto number = YyJson::as_int(value);
  if (!number) {
    throw InputError(where + ": '" + key + "' must be an integer, got " + YyJson::type_name(value));
  }
  return *number;
}

std::vector<VideoInfo> read_videos(yyjson_val* root, const std::string& source) {
  std::vector<VideoInfo> videos;
  yyjson_val* list = yyjson_obj_get(root, "videos");
  if (!list) return videos;
  if (!yyjson_is_arr(list)) {
    throw InputError(source + ": 'videos' must be a list, got " + YyJson::type_name(list));
  }
  YyJson::each(list, [&](std::size_t i, yyjson_val* video) {
    const std::string where = source + ": video " + std::to_string(i);
    if (!yyjson_is_obj(video)) throw InputError(where + ": expected an object");
    VideoInfo info;
    info.id = int_field(video, "id", where, true, 0);
    info.height = int_field(video, "height", where, false, 0);
    info.width = int_field(video, "width", where, false, 0);
    info.length = int_field(video, "length", where, false, -1);
    if (info.length < 0) {
      yyjson_val* names = yyjson_obj_get(video, "file_names");
      if (yyjson_is_arr(names)) info.length = static_cast<std::int64_t>(yyjson_arr_size(names));
    }
    videos.push_back(info);
  });
  return videos;
}

std::vector<CategoryInfo> read_categories(yyjson_val* root, const std::string& source) {
  std::vector<CategoryInfo> categories;
  yyjson_val* list = yyjson_obj_get(root, "categories");
  if (!list) return categories;
  if (!yyjson_is_arr(list)) {
    throw InputError(source + ": 'categories' must be a list, got " + YyJson::type_name(list));
  }
  YyJson::each(list, [&](std::size_t i, yyjson_val* category) {
    const std::string where = source + ": category " + std::to_string(i);
    if (!yyjson_is_obj(category)) throw InputError(where + ": expected an object");
    CategoryInfo info;
    info.id = int_field(category, "id", where, true, 0);
    if (auto name = YyJson::as_text(yyjson_obj_get(category, "name"))) info.name = std::string(*name);
    categories.push_back(std::move(info));
  });
  return categories;
}

std::shared_ptr<InstanceStore> build(yyjson_val* list, const std::string& source,
                                     const std::vector<VideoInfo>& videos, bool results, bool strict,
                                     unsigned threads, std::shared_ptr<InstanceStore> store) {
  try {
    StoreBuilder<YyJson> builder(videos, results, strict, std::move(store));
    YyJson::each(list, [&](std::size_t i, yyjson_val* ann) { builder.add(ann, i); });
    return builder.finish(threads);
  } catch (const InputError& error) {
    throw InputError(source + ": " + error.what());
  }
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw InputError(path + ": cannot open file: " + std::strerror(errno));
  const std::streamsize size = file.tellg();
  if (size < 0) throw InputError(path + ": cannot read file");
  std::string content(static_cast<std::size_t>(size), '\0');
  file.seekg(0);
  if (!file.read(content.data(), size)) throw InputError(path + ": read error");
  return content;
}

GroundTruthFile read_ground_truth(std::string text, const std::string& source, bool strict,
                                  unsigned threads) {
  auto store = std::make_shared<InstanceStore>();
  const Document doc = parse_into(std::move(text), source, *store);
  yyjson_val* root = yyjson_doc_get_root(doc.get());
  if (!yyjson_is_obj(root)) {
    throw InputError(source +
                     ": ground truth must be a JSON object with 'videos', 'categories' and "
                     "'annotations', got " +
                     YyJson::type_name(root));
  }
  GroundTruthFile gt;
  gt.videos = read_videos(root, source);
  gt.categories = read_categories(root, source);
  yyjson_val* annotations = yyjson_obj_get(root, "annotations");
  if (annotations && !yyjson_is_arr(annotations)) {
    throw InputError(source + ": 'annotations' must be a list, got " + YyJson::type_name(annotations));
  }
  if (annotations) {
    gt.annotations = build(annotations, source, gt.videos, false, strict, threads, std::move(store));
  } else {
    gt.annotations = std::make_shared<InstanceStore>();
  }
  return gt;
}

std::shared_ptr<InstanceStore> read_results(std::string text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads) {
  auto store = std::make_shared<InstanceStore>();
  const Document doc = parse_into(std::move(text), source, *store);
  yyjson_val* root = yyjson_doc_get_root(doc.get());
  if (!yyjson_is_arr(root)) {
    throw InputError(source + ": results must be a JSON array of objects, got " + YyJson::type_name(root));
  }
  return build(root, source, videos, true, strict, threads, std::move(store));
}

}  // namespace ytvis
