// Builds an InstanceStore from parsed JSON (a Python list of annotation dicts)
// in one native walk, and exposes the store's columns as numpy arrays.
#include "bindings.hpp"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "polygon.hpp"
#include "store.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

struct VideoInfo {
  std::int64_t height = 0, width = 0, length = -1;
};

/// Where we are in the input, for error messages.
struct Place {
  const std::string& label;
  std::size_t index;
  std::optional<std::size_t> frame;

  std::string str() const {
    std::string s = label + " " + std::to_string(index);
    if (frame) s += ", frame " + std::to_string(*frame);
    return s;
  }
};

[[noreturn]] void fail(const Place& place, const std::string& what) {
  throw py::value_error(place.str() + ": " + what);
}

std::string type_name(py::handle obj) {
  return py::str(py::type::handle_of(obj).attr("__name__"));
}

py::handle get(py::handle dict, const char* key) {
  // Borrowed reference or null; never raises.
  return py::handle(PyDict_GetItemString(dict.ptr(), key));
}

std::int64_t to_int(py::handle obj, const Place& place, const char* field) {
  if (!obj) fail(place, std::string("missing '") + field + "'");
  if (PyFloat_Check(obj.ptr()) || PyUnicode_Check(obj.ptr())) {
    fail(place, std::string("'") + field + "' must be an integer, got " + type_name(obj));
  }
  PyObject* index = PyNumber_Index(obj.ptr());
  if (!index) {
    PyErr_Clear();
    fail(place, std::string("'") + field + "' must be an integer, got " + type_name(obj));
  }
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(index, &overflow);
  Py_DECREF(index);
  if (overflow) fail(place, std::string("'") + field + "' is out of range");
  return value;
}

double to_double(py::handle obj, const Place& place, const char* field) {
  if (!obj) fail(place, std::string("missing '") + field + "'");
  if (PyUnicode_Check(obj.ptr()) || obj.is_none()) {
    fail(place, std::string("'") + field + "' must be a number, got " + type_name(obj));
  }
  const double value = PyFloat_AsDouble(obj.ptr());
  if (value == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    fail(place, std::string("'") + field + "' must be a number, got " + type_name(obj));
  }
  return value;
}

bool truthy(py::handle obj) {
  const int result = PyObject_IsTrue(obj.ptr());
  if (result < 0) throw py::error_already_set();
  return result != 0;
}

std::uint32_t checked_side(std::int64_t value, const Place& place) {
  try {
    check_size(value, value);
  } catch (const RleError& error) {
    fail(place, error.what());
  }
  return static_cast<std::uint32_t>(value);
}

class StoreBuilder {
 public:
  StoreBuilder(std::unordered_map<std::int64_t, VideoInfo> videos, bool results, bool strict)
      : videos_(std::move(videos)),
        results_(results),
        strict_(strict),
        label_(results ? "result" : "annotation") {
    store_->set_label(label_);
  }

  void add(py::handle ann, std::size_t index) {
    Place place{label_, index, std::nullopt};
    if (!PyDict_Check(ann.ptr())) fail(place, "expected an object, got " + type_name(ann));
    const std::int64_t video_id = to_int(get(ann, "video_id"), place, "video_id");
    const std::int64_t category_id = to_int(get(ann, "category_id"), place, "category_id");
    const auto video = videos_.find(video_id);
    if (results_ && video == videos_.end()) {
      fail(place, "video_id " + std::to_string(video_id) + " is not a video of the ground truth");
    }
    std::int64_t id = static_cast<std::int64_t>(index) + 1;  // loadRes numbers results from 1
    double score = 0.0, iscrowd = 0.0;
    if (results_) {
      score = to_double(get(ann, "score"), place, "score");
      if (strict_ && !std::isfinite(score)) fail(place, "'score' must be finite");
    } else {
      id = to_int(get(ann, "id"), place, "id");
      if (py::handle crowd = get(ann, "iscrowd")) iscrowd = to_double(crowd, place, "iscrowd");
    }
    store_->begin_instance(id, video_id, category_id, score, iscrowd);

    const VideoInfo* info = video == videos_.end() ? nullptr : &video->second;
    if (strict_ && !info) {
      fail(place, "video_id " + std::to_string(video_id) + " is not in the ground truth's 'videos'");
    }
    py::handle segs = get(ann, "segmentations");
    py::handle boxes = get(ann, "bboxes");
    if (!segs && boxes && PyList_Check(boxes.ptr())) {
      // Box-only predictions (for iouType="bbox"): every frame's mask is absent.
      const std::size_t frames = static_cast<std::size_t>(PyList_GET_SIZE(boxes.ptr()));
      for (std::size_t f = 0; f < frames; ++f) store_->add_absent_frame();
      add_boxes(boxes, frames, index);
      return;
    }
    if (!segs) fail(place, "missing 'segmentations'");
    if (!PyList_Check(segs.ptr())) {
      fail(place, "'segmentations' must be a list, got " + type_name(segs));
    }
    const std::size_t frames = static_cast<std::size_t>(PyList_GET_SIZE(segs.ptr()));
    if (strict_ && info && info->length >= 0 && static_cast<std::int64_t>(frames) != info->length) {
      fail(place, "video " + std::to_string(video_id) + " has " + std::to_string(info->length) +
                      " frames but 'segmentations' has " + std::to_string(frames));
    }
    for (std::size_t f = 0; f < frames; ++f) {
      add_frame(PyList_GET_ITEM(segs.ptr(), static_cast<Py_ssize_t>(f)), info, video_id,
                Place{label_, index, f});
    }

    if (!results_) {
      if (py::handle areas = get(ann, "areas"); areas && PyList_Check(areas.ptr())) {
        std::vector<double> kept;
        for (py::handle a : py::reinterpret_borrow<py::list>(areas)) {
          if (truthy(a)) kept.push_back(to_double(a, place, "areas"));
        }
        store_->set_avg_area(kept.empty() ? 0.0 : numpy_mean(kept));
      }
    }
    if (boxes && PyList_Check(boxes.ptr())) add_boxes(boxes, frames, index);
  }

  std::shared_ptr<InstanceStore> finish(unsigned threads) {
    {
      py::gil_scoped_release release;
      store_->finalize(threads);
    }
    return std::move(store_);
  }

 private:
  /// Boxes given in the `bboxes` field (kept by loadRes where present).
  void add_boxes(py::handle boxes, std::size_t frames, std::size_t index) {
    const std::size_t n =
        std::min<std::size_t>(frames, static_cast<std::size_t>(PyList_GET_SIZE(boxes.ptr())));
    for (std::size_t f = 0; f < n; ++f) {
      py::handle box = PyList_GET_ITEM(boxes.ptr(), static_cast<Py_ssize_t>(f));
      if (!truthy(box)) continue;
      Place at{label_, index, f};
      if (!PySequence_Check(box.ptr()) || PySequence_Size(box.ptr()) != 4)
        fail(at, "a box must be [x, y, w, h]");
      py::sequence seq = py::reinterpret_borrow<py::sequence>(box);
      store_->set_given_box(f, Box{to_double(seq[0], at, "bboxes"), to_double(seq[1], at, "bboxes"),
                                   to_double(seq[2], at, "bboxes"), to_double(seq[3], at, "bboxes")});
    }
  }

  void add_frame(py::handle seg, const VideoInfo* info, std::int64_t video_id, const Place& place) {
    if (!truthy(seg)) {
      store_->add_absent_frame();
      return;
    }
    if (PyDict_Check(seg.ptr())) {
      py::handle size = get(seg, "size");
      py::handle counts = get(seg, "counts");
      if (!size) fail(place, "RLE without 'size'");
      if (!counts) fail(place, "RLE without 'counts'");
      if (!PySequence_Check(size.ptr()) || PySequence_Size(size.ptr()) != 2) {
        fail(place, "RLE 'size' must be [height, width]");
      }
      py::sequence hw = py::reinterpret_borrow<py::sequence>(size);
      const std::uint32_t height = checked_side(to_int(hw[0], place, "size"), place);
      const std::uint32_t width = checked_side(to_int(hw[1], place, "size"), place);
      if (strict_ && info && (height != info->height || width != info->width)) {
        fail(place, "mask is " + std::to_string(height) + "x" + std::to_string(width) + " but video " +
                        std::to_string(video_id) + " is " + std::to_string(info->height) + "x" +
                        std::to_string(info->width));
      }
      if (PyUnicode_Check(counts.ptr())) {
        Py_ssize_t length = 0;
        const char* text = PyUnicode_AsUTF8AndSize(counts.ptr(), &length);
        if (!text) throw py::error_already_set();
        store_->add_compressed_frame(std::string_view(text, static_cast<std::size_t>(length)), height, width);
      } else if (PyBytes_Check(counts.ptr())) {
        store_->add_compressed_frame(
            std::string_view(PyBytes_AS_STRING(counts.ptr()),
                             static_cast<std::size_t>(PyBytes_GET_SIZE(counts.ptr()))),
            height, width);
      } else if (PyList_Check(counts.ptr())) {
        const Py_ssize_t n = PyList_GET_SIZE(counts.ptr());
        values_.resize(static_cast<std::size_t>(n));
        for (Py_ssize_t i = 0; i < n; ++i) {
          values_[static_cast<std::size_t>(i)] = to_int(PyList_GET_ITEM(counts.ptr(), i), place, "counts");
        }
        try {
          from_uncompressed(values_.data(), values_.size(), height, width, scratch_);
        } catch (const RleError& error) {
          fail(place, error.what());
        }
        store_->add_decoded_frame(scratch_, height, width);
      } else {
        fail(place, "RLE 'counts' must be a string or a list of integers, got " + type_name(counts));
      }
      return;
    }
    if (PyList_Check(seg.ptr())) {
      if (!info)
        fail(place, "polygons need the video's size, but video " + std::to_string(video_id) + " is unknown");
      const std::uint32_t height = checked_side(info->height, place);
      const std::uint32_t width = checked_side(info->width, place);
      std::vector<std::vector<double>> polygons;
      for (py::handle poly : py::reinterpret_borrow<py::list>(seg)) {
        if (!PyList_Check(poly.ptr()) && !PyTuple_Check(poly.ptr())) {
          fail(place, "a polygon must be a list of coordinates, got " + type_name(poly));
        }
        std::vector<double>& coords = polygons.emplace_back();
        for (py::handle c : py::reinterpret_borrow<py::sequence>(poly))
          coords.push_back(to_double(c, place, "polygon"));
      }
      try {
        rasterize_polygons(polygons, height, width, scratch_);
      } catch (const RleError& error) {
        fail(place, error.what());
      }
      store_->add_decoded_frame(scratch_, height, width);
      return;
    }
    fail(place, "unsupported segmentation of type " + type_name(seg));
  }

  std::unordered_map<std::int64_t, VideoInfo> videos_;
  bool results_, strict_;
  std::string label_;
  std::shared_ptr<InstanceStore> store_ = std::make_shared<InstanceStore>();
  std::vector<std::int64_t> values_;
  Counts scratch_;
};

}  // namespace

void register_store(py::module_& m) {
  py::class_<InstanceStore, std::shared_ptr<InstanceStore>>(
      m, "InstanceStore",
      "Columnar ground truth or predictions: per instance ids, score, crowd flag, mean area; per frame its "
      "mask.")
      .def("__len__", &InstanceStore::size)
      .def_property_readonly(
          "ids", [](py::object self) { return readonly_view(self.cast<InstanceStore&>().ids(), self); })
      .def_property_readonly(
          "video_ids",
          [](py::object self) { return readonly_view(self.cast<InstanceStore&>().video_ids(), self); })
      .def_property_readonly(
          "category_ids",
          [](py::object self) { return readonly_view(self.cast<InstanceStore&>().category_ids(), self); })
      .def_property_readonly(
          "scores", [](py::object self) { return readonly_view(self.cast<InstanceStore&>().scores(), self); })
      .def_property_readonly(
          "iscrowd",
          [](py::object self) { return readonly_view(self.cast<InstanceStore&>().iscrowd(), self); })
      .def_property_readonly(
          "avg_areas",
          [](py::object self) { return readonly_view(self.cast<InstanceStore&>().avg_areas(), self); })
      .def_property_readonly(
          "frame_offsets",
          [](py::object self) { return readonly_view(self.cast<InstanceStore&>().frame_offsets(), self); })
      .def_property_readonly(
          "frame_areas",
          [](const InstanceStore& s) {
            py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(s.frames().size()));
            auto* data = out.mutable_data();
            for (std::size_t i = 0; i < s.frames().size(); ++i) data[i] = s.frames()[i].area;
            return out;
          },
          "Mask area of every frame (0 where absent).")
      .def_property_readonly(
          "frame_present",
          [](const InstanceStore& s) {
            py::array_t<bool> out(static_cast<py::ssize_t>(s.frames().size()));
            auto* data = out.mutable_data();
            for (std::size_t i = 0; i < s.frames().size(); ++i)
              data[i] = s.frames()[i].kind != FrameKind::absent;
            return out;
          },
          "Whether each frame has a mask.")
      .def_property_readonly(
          "frame_boxes",
          [](const InstanceStore& s) {
            const std::size_t n = s.frames().size();
            py::array_t<double> out({static_cast<py::ssize_t>(n), py::ssize_t{4}});
            auto* data = out.mutable_data();
            for (std::size_t i = 0; i < n; ++i) {
              const FrameRecord& r = s.frames()[i];
              const double nan = std::nan("");
              data[4 * i + 0] = r.box_present ? r.box.x : nan;
              data[4 * i + 1] = r.box_present ? r.box.y : nan;
              data[4 * i + 2] = r.box_present ? r.box.w : nan;
              data[4 * i + 3] = r.box_present ? r.box.h : nan;
            }
            return out;
          },
          "[x, y, w, h] of every frame, NaN where there is no box.")
      .def(
          "frame_rle",
          [](const InstanceStore& s, std::size_t instance, std::size_t frame) -> py::object {
            if (instance >= s.size() || frame >= s.frame_count(instance))
              throw py::index_error("no such frame");
            const FrameRecord& r = s.frame(instance, frame);
            if (r.kind == FrameKind::absent) return py::none();
            py::dict rle;
            py::list size;
            size.append(r.height);
            size.append(r.width);
            rle["size"] = size;
            if (r.kind == FrameKind::compressed) {
              rle["counts"] = py::str(std::string(s.text(r)));
            } else {
              Counts scratch;
              const RleView view = s.view(r, scratch);
              rle["counts"] = py::str(encode_compressed(view.counts, view.size));
            }
            return std::move(rle);
          },
          py::arg("instance"), py::arg("frame"),
          "Compressed RLE dict of one frame, or None where the instance is absent.");

  m.def(
      "build_store",
      [](py::list annotations, py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> video_ids,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> heights,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> widths,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> lengths, bool results,
         bool strict, int threads) {
        const auto n = video_ids.size();
        if (heights.size() != n || widths.size() != n || lengths.size() != n) {
          throw py::value_error("video tables must have one entry per video");
        }
        std::unordered_map<std::int64_t, VideoInfo> videos;
        for (py::ssize_t i = 0; i < n; ++i) {
          videos[video_ids.data()[i]] = VideoInfo{heights.data()[i], widths.data()[i], lengths.data()[i]};
        }
        StoreBuilder builder(std::move(videos), results, strict);
        std::size_t index = 0;
        for (py::handle ann : annotations) builder.add(ann, index++);
        try {
          return builder.finish(resolve_threads(threads));
        } catch (const RleError& error) {
          throw py::value_error(error.what());
        }
      },
      py::arg("annotations"), py::arg("video_ids"), py::arg("heights"), py::arg("widths"), py::arg("lengths"),
      py::arg("results"), py::arg("strict"), py::arg("threads") = 0,
      "Walks a list of annotation (or result) dicts into an InstanceStore; the video table gives each "
      "video's height, width and length (-1 if unknown). Raises ValueError naming the place of bad input.");
}

}  // namespace ytvis::bindings
