// Native JSON ingest for Python: a path or bytes in, columnar stores out, with
// the GIL released for the whole parse.
#include "bindings.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json_ingest.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

/// The text of `source`: the file at a path (str / os.PathLike), mapped, or a
/// padded copy of bytes.
JsonText text_of(py::handle source, std::string& name) {
  if (py::isinstance<py::bytes>(source)) {
    name = "<bytes>";
    return JsonText::from_bytes(std::string_view(py::reinterpret_borrow<py::bytes>(source)));
  }
  name = py::str(py::module_::import("os").attr("fspath")(source));
  py::gil_scoped_release release;
  return JsonText::from_file(name);
}

std::vector<std::string> paths_of(const std::vector<py::object>& sources) {
  std::vector<std::string> names;
  const py::object fspath = py::module_::import("os").attr("fspath");
  for (const py::object& source : sources) names.push_back(py::str(fspath(source)));
  return names;
}

std::vector<VideoInfo> video_table(const std::vector<std::int64_t>& ids,
                                   const std::vector<std::int64_t>& heights,
                                   const std::vector<std::int64_t>& widths,
                                   const std::vector<std::int64_t>& lengths) {
  if (heights.size() != ids.size() || widths.size() != ids.size() || lengths.size() != ids.size()) {
    throw py::value_error("video tables must have one entry per video");
  }
  std::vector<VideoInfo> videos(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    videos[i] = VideoInfo{ids[i], heights[i], widths[i], lengths[i]};
  return videos;
}

/// One field of every video, as a list: numpy stays unimported for evaluations
/// that never need it.
template <class F>
std::vector<std::int64_t> column_of(const std::vector<VideoInfo>& videos, F field) {
  std::vector<std::int64_t> out(videos.size());
  for (std::size_t i = 0; i < videos.size(); ++i) out[i] = field(videos[i]);
  return out;
}

}  // namespace

void register_ingest(py::module_& m) {
  py::class_<GroundTruthFile>(m, "GroundTruthFile",
                              "Videos, categories and annotations of a ground-truth file.")
      .def_property_readonly("video_ids",
                             [](const GroundTruthFile& g) {
                               return column_of(g.videos, [](const VideoInfo& v) { return v.id; });
                             })
      .def_property_readonly("video_heights",
                             [](const GroundTruthFile& g) {
                               return column_of(g.videos, [](const VideoInfo& v) { return v.height; });
                             })
      .def_property_readonly("video_widths",
                             [](const GroundTruthFile& g) {
                               return column_of(g.videos, [](const VideoInfo& v) { return v.width; });
                             })
      .def_property_readonly("video_lengths",
                             [](const GroundTruthFile& g) {
                               return column_of(g.videos, [](const VideoInfo& v) { return v.length; });
                             })
      .def_property_readonly("category_ids",
                             [](const GroundTruthFile& g) {
                               std::vector<std::int64_t> ids;
                               for (const auto& c : g.categories) ids.push_back(c.id);
                               return ids;
                             })
      .def_property_readonly("category_names",
                             [](const GroundTruthFile& g) {
                               std::vector<std::string> names;
                               for (const auto& c : g.categories) names.push_back(c.name);
                               return names;
                             })
      .def_readonly("annotations", &GroundTruthFile::annotations);

  m.def(
      "read_ground_truth",
      [](py::object source, bool strict, int threads) {
        std::string name;
        JsonText text = text_of(source, name);
        py::gil_scoped_release release;
        return read_ground_truth(std::move(text), name, strict, resolve_threads(threads));
      },
      py::arg("source"), py::arg("strict") = false, py::arg("threads") = 0,
      "Parses a ground-truth JSON file (path) or document (bytes) natively.");

  m.def(
      "read_ground_truth_walking_results",
      [](py::object source, const std::vector<py::object>& results, bool strict, int threads) {
        std::string name;
        std::optional<JsonText> bytes;  // a path is mapped beside the walk
        if (py::isinstance<py::bytes>(source)) {
          bytes = text_of(source, name);
        } else {
          name = paths_of({source}).front();
        }
        SplitResults split(paths_of(results));
        std::optional<GroundTruthFile> gt;
        py::gil_scoped_release release;
        const unsigned workers = resolve_threads(threads);
        split.walk_beside(workers, [&] {
          gt =
              read_ground_truth(bytes ? std::move(*bytes) : JsonText::from_file(name), name, strict, workers);
        });
        return std::make_pair(std::move(*gt), std::move(split));
      },
      py::arg("source"), py::arg("results"), py::arg("strict") = false, py::arg("threads") = 0,
      "read_ground_truth() while the results files are walked beside it, as split_results() does; "
      "the reading thread then checks the results' masks until the walk is over. Returns the ground "
      "truth and the split results.");

  m.def(
      "read_results",
      [](py::object source, std::vector<std::int64_t> video_ids, std::vector<std::int64_t> heights,
         std::vector<std::int64_t> widths, std::vector<std::int64_t> lengths, bool strict, int threads) {
        const std::vector<VideoInfo> videos = video_table(video_ids, heights, widths, lengths);
        std::string name;
        JsonText text = text_of(source, name);
        py::gil_scoped_release release;
        return read_results(std::move(text), name, videos, strict, resolve_threads(threads));
      },
      py::arg("source"), py::arg("video_ids"), py::arg("heights"), py::arg("widths"), py::arg("lengths"),
      py::arg("strict") = false, py::arg("threads") = 0,
      "Parses a results JSON file (path) or document (bytes) natively against the videos' table.");

  py::class_<SplitResults>(m, "SplitResults",
                           "Results files walked once, their elements found but not yet parsed "
                           "(see split_results).");

  m.def(
      "split_results",
      [](const std::vector<py::object>& sources, int threads) {
        SplitResults split(paths_of(sources));
        py::gil_scoped_release release;
        split.walk(resolve_threads(threads));
        return split;
      },
      py::arg("sources"), py::arg("threads") = 0,
      "Maps and walks results files (the serial part of reading them) without the videos' table, so "
      "that it can run while the ground truth is read, its other threads decoding the masks the walk "
      "has read; build_results() parses them.");

  m.def(
      "build_results",
      [](SplitResults& split, std::vector<std::int64_t> video_ids, std::vector<std::int64_t> heights,
         std::vector<std::int64_t> widths, std::vector<std::int64_t> lengths, bool strict, int threads,
         bool borrow) {
        const std::vector<VideoInfo> videos = video_table(video_ids, heights, widths, lengths);
        py::gil_scoped_release release;
        return split.build(videos, strict, resolve_threads(threads), borrow);
      },
      py::arg("split"), py::arg("video_ids"), py::arg("heights"), py::arg("widths"), py::arg("lengths"),
      py::arg("strict") = false, py::arg("threads") = 0, py::arg("borrow") = false,
      "Parses split results files into one store against the videos' table; returns the store and the "
      "position of each file's first result. The split is empty afterwards. With `borrow`, the store "
      "reads its masks from the files, kept mapped while it lives, instead of copying them: only for a "
      "store that does not outlive the files' contents.");

  m.def(
      "read_results_files",
      [](const std::vector<py::object>& sources, std::vector<std::int64_t> video_ids,
         std::vector<std::int64_t> heights, std::vector<std::int64_t> widths,
         std::vector<std::int64_t> lengths, bool strict, int threads) {
        const std::vector<VideoInfo> videos = video_table(video_ids, heights, widths, lengths);
        SplitResults files(paths_of(sources));
        py::gil_scoped_release release;
        // Each file is walked just before it is parsed: one mapped at a time.
        return files.build(videos, strict, resolve_threads(threads));
      },
      py::arg("sources"), py::arg("video_ids"), py::arg("heights"), py::arg("widths"), py::arg("lengths"),
      py::arg("strict") = false, py::arg("threads") = 0,
      "Parses several results files natively into one store, as if they were one list in the given order; "
      "returns the store and the position of each file's first result.");
}

}  // namespace ytvis::bindings
