#include "stream.hpp"

#include <limits>
#include <string>
#include <unordered_set>

#include "mask_encode.hpp"
#include "store_builder.hpp"
#include "thread_pool.hpp"

namespace ytvis {

std::unique_ptr<InstanceStore> encode_predictions(const DenseMasks& masks, std::int64_t video_id,
                                                  const std::vector<std::int64_t>& category_ids,
                                                  const std::vector<double>& scores, unsigned threads) {
  if (category_ids.size() != masks.instances || scores.size() != masks.instances) {
    throw InputError("encode_predictions(): one category and one score per instance are required");
  }
  check_size(masks.height, masks.width);
  const std::size_t frame_count = masks.instances * masks.frames;
  std::vector<std::string> encoded(frame_count);
  parallel_for(frame_count, threads, [&](std::size_t i) {
    const std::size_t instance = i / masks.frames, frame = i % masks.frames;
    const std::uint8_t* pixels = masks.data + static_cast<std::ptrdiff_t>(instance) * masks.instance_stride +
                                 static_cast<std::ptrdiff_t>(frame) * masks.frame_stride;
    Counts counts;
    if (masks.column_stride == 1) {
      RowEncodeScratch scratch;
      encode_mask_rows(pixels, masks.height, masks.width, masks.row_stride, scratch, counts);
    } else {
      encode_mask(pixels, masks.height, masks.width, masks.row_stride, masks.column_stride, counts);
    }
    encoded[i] = encode_compressed(counts.data(), counts.size());
  });
  auto store = std::make_unique<InstanceStore>();
  store->set_label("prediction");
  std::size_t text_bytes = 0;
  for (const std::string& text : encoded) text_bytes += text.size();
  store->reserve(masks.instances, frame_count);
  store->reserve_text(text_bytes);
  for (std::size_t instance = 0; instance < masks.instances; ++instance) {
    store->begin_instance(static_cast<std::int64_t>(instance) + 1, video_id, category_ids[instance],
                          scores[instance], 0.0);
    for (std::size_t frame = 0; frame < masks.frames; ++frame) {
      store->add_compressed_frame(encoded[instance * masks.frames + frame], masks.height, masks.width);
    }
  }
  store->finalize(threads);
  return store;
}

PredictionIous prediction_ious(const InstanceStore& gt, const InstanceStore& dt,
                               const std::vector<std::int64_t>& category_ids, IouType type,
                               unsigned threads) {
  std::vector<std::int64_t> video_ids;
  std::unordered_set<std::int64_t> seen;
  for (std::int64_t video : dt.video_ids()) {
    if (seen.insert(video).second) video_ids.push_back(video);
  }
  // No maxDets cut: the cut happens when the whole bucket is known.
  const BucketLayout buckets =
      make_buckets(gt, dt, video_ids, category_ids, true, std::numeric_limits<std::size_t>::max());
  const BucketIous ious = compute_ious(gt, dt, buckets, type, threads);

  std::vector<std::uint64_t> row_length(dt.size(), 0);
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    for (std::uint64_t d = buckets.dt_offsets[b]; d < buckets.dt_offsets[b + 1]; ++d) {
      row_length[buckets.dt_index[d]] = buckets.gt_count(b);
    }
  }
  PredictionIous out;
  out.row_offsets.reserve(dt.size() + 1);
  for (std::uint64_t length : row_length) out.row_offsets.push_back(out.row_offsets.back() + length);
  out.values.assign(out.row_offsets.back(), 0.0);
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const std::size_t gts = buckets.gt_count(b);
    const double* matrix = ious.matrix(b);
    for (std::size_t d = 0; d < buckets.dt_count(b); ++d) {
      const std::uint32_t instance = buckets.dt_index[buckets.dt_offsets[b] + d];
      std::copy(matrix + d * gts, matrix + (d + 1) * gts, out.values.begin() + out.row_offsets[instance]);
    }
  }
  return out;
}

std::unique_ptr<InstanceStore> attribute_store(const std::vector<std::int64_t>& video_ids,
                                               const std::vector<std::int64_t>& category_ids,
                                               const std::vector<double>& scores,
                                               const std::vector<double>& avg_areas) {
  const std::size_t n = video_ids.size();
  if (category_ids.size() != n || scores.size() != n || avg_areas.size() != n) {
    throw InputError("prediction attributes must all have one entry per prediction");
  }
  auto store = std::make_unique<InstanceStore>();
  store->set_label("prediction");
  store->reserve(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    store->begin_instance(static_cast<std::int64_t>(i) + 1, video_ids[i], category_ids[i], scores[i], 0.0);
    store->set_avg_area(avg_areas[i]);
  }
  return store;
}

BucketIous bucket_ious_from_rows(const BucketLayout& buckets, const std::vector<std::uint64_t>& row_offsets,
                                 const std::vector<double>& values) {
  if (row_offsets.empty() || row_offsets.back() != values.size()) {
    throw InputError("IoU row offsets must end at the number of IoU values");
  }
  const std::size_t predictions = row_offsets.size() - 1;
  BucketIous out;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    out.offsets.push_back(out.offsets.back() + buckets.gt_count(b) * buckets.dt_count(b));
  }
  out.values.assign(out.offsets.back(), 0.0);
  out.zero_union_pairs.assign(buckets.size(), 0);
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const std::size_t gts = buckets.gt_count(b);
    double* matrix = out.values.data() + out.offsets[b];
    for (std::size_t d = 0; d < buckets.dt_count(b); ++d) {
      const std::uint32_t instance = buckets.dt_index[buckets.dt_offsets[b] + d];
      if (instance >= predictions) throw InputError("bucket names a prediction without an IoU row");
      const std::uint64_t begin = row_offsets[instance], end = row_offsets[instance + 1];
      if (end < begin || end - begin != gts) {
        throw InputError("prediction " + std::to_string(instance) + " has " + std::to_string(end - begin) +
                         " IoU values but its (video, category) has " + std::to_string(gts) +
                         " ground-truth instances: the state was computed against other ground truth");
      }
      std::copy(values.begin() + static_cast<std::ptrdiff_t>(begin),
                values.begin() + static_cast<std::ptrdiff_t>(end), matrix + d * gts);
    }
  }
  return out;
}

}  // namespace ytvis
