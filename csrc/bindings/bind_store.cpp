// Builds an InstanceStore from parsed JSON (a Python list of annotation dicts)
// in one native walk, and exposes the store's columns as numpy arrays.
#include "bindings.hpp"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store.hpp"
#include "store_builder.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

/// StoreBuilder's view of parsed JSON held as Python objects (json.load output,
/// or lists and dicts built by the user). Borrowed references throughout: the
/// caller's objects outlive the walk.
struct PythonJson {
  using Node = PyObject*;

  static bool present(Node node) { return node != nullptr; }
  static bool is_object(Node node) { return PyDict_Check(node); }
  static bool is_array(Node node) { return PyList_Check(node) || PyTuple_Check(node); }
  static Node get(Node object, const char* key) { return PyDict_GetItemString(object, key); }
  static std::size_t size(Node array) { return static_cast<std::size_t>(PySequence_Fast_GET_SIZE(array)); }

  template <class F>
  static void each(Node array, F&& f) {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(array);
    PyObject** items = PySequence_Fast_ITEMS(array);  // lists and tuples only
    for (Py_ssize_t i = 0; i < n; ++i) f(static_cast<std::size_t>(i), items[i]);
  }

  static bool truthy(Node node) {
    const int result = PyObject_IsTrue(node);
    if (result < 0) throw py::error_already_set();
    return result != 0;
  }

  static std::optional<std::int64_t> as_int(Node node) {
    if (PyFloat_Check(node) || PyUnicode_Check(node)) return std::nullopt;
    PyObject* index = PyNumber_Index(node);
    if (!index) {
      PyErr_Clear();
      return std::nullopt;
    }
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (overflow) return std::nullopt;
    return value;
  }

  static bool int_array(Node array, std::vector<std::int64_t>& out) {
    bool ok = true;
    each(array, [&](std::size_t, Node item) {
      if (!ok || !PyLong_CheckExact(item)) {
        ok = false;
        return;
      }
      int overflow = 0;
      out.push_back(PyLong_AsLongLongAndOverflow(item, &overflow));
      ok = overflow == 0;
    });
    return ok;
  }

  static std::optional<double> as_number(Node node) {
    if (PyUnicode_Check(node) || node == Py_None || PyBytes_Check(node)) return std::nullopt;
    const double value = PyFloat_AsDouble(node);
    if (value == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      return std::nullopt;
    }
    return value;
  }

  static std::optional<std::string_view> as_text(Node node) {
    if (PyUnicode_Check(node)) {
      Py_ssize_t length = 0;
      const char* text = PyUnicode_AsUTF8AndSize(node, &length);
      if (!text) throw py::error_already_set();
      return std::string_view(text, static_cast<std::size_t>(length));
    }
    if (PyBytes_Check(node)) {
      return std::string_view(PyBytes_AS_STRING(node), static_cast<std::size_t>(PyBytes_GET_SIZE(node)));
    }
    return std::nullopt;
  }

  static std::string type_name(Node node) { return Py_TYPE(node)->tp_name; }
};

}  // namespace

void register_store(py::module_& m) {
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::class_<InstanceStore, std::shared_ptr<InstanceStore>>(
      m, "InstanceStore",
      "Columnar ground truth or predictions: per instance ids, score, crowd flag, mean area; per frame its "
      "mask.")
      .def("__len__", &InstanceStore::size)
      .def(
          "first_repeated_id",
          [](const InstanceStore& s) -> py::object {
            const auto repeated = first_repeated_id(s);
            if (!repeated) return py::none();
            return py::make_tuple(repeated->position, repeated->earlier, s.ids()[repeated->position]);
          },
          "(position, earlier position, id) of the first instance whose id an earlier one has, or None.")
      .def(
          "categories_outside",
          [](const InstanceStore& s, const std::vector<std::int64_t>& known) -> py::object {
            const auto outside = categories_outside(s, known);
            if (!outside) return py::none();
            return py::make_tuple(outside->first, outside->count, s.category_ids()[outside->first]);
          },
          py::arg("known"),
          "(first position, count, first category_id) of the instances whose category_id is not in "
          "`known`, or None.")
      .def("count_per_category", &count_per_category, py::arg("videos"), py::arg("categories"),
           py::arg("skip_crowd"),
           "Instances per category of `categories` (in order) within `videos`, without crowd ones if "
           "`skip_crowd`.")
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
          [](InstanceStore& s) {
            {
              py::gil_scoped_release release;
              s.compute_boxes(resolve_threads(0));
            }
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
            std::string unescaped;
            rle["counts"] = py::str(std::string(s.mask_text(r, unescaped)));
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
        std::vector<VideoInfo> videos(static_cast<std::size_t>(n));
        for (py::ssize_t i = 0; i < n; ++i) {
          videos[static_cast<std::size_t>(i)] =
              VideoInfo{video_ids.data()[i], heights.data()[i], widths.data()[i], lengths.data()[i]};
        }
        StoreBuilder<PythonJson> builder(videos, results, strict);
        PythonJson::each(annotations.ptr(), [&](std::size_t i, PyObject* ann) { builder.add(ann, i); });
        py::gil_scoped_release release;
        return builder.finish(resolve_threads(threads));
      },
      py::arg("annotations"), py::arg("video_ids"), py::arg("heights"), py::arg("widths"), py::arg("lengths"),
      py::arg("results"), py::arg("strict"), py::arg("threads") = 0,
      "Walks a list of annotation (or result) dicts into an InstanceStore; the video table gives each "
      "video's height, width and length (-1 if unknown). Raises ValueError naming the place of bad input.");
}

}  // namespace ytvis::bindings
