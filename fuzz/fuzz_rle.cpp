// Fuzz target: the RLE codec on arbitrary bytes. Two bytes pick the mask size,
// the rest is a compressed string (or, with the flag bit, uncompressed counts).
// Whatever decodes must agree with itself: the one-pass area equals that of the
// decoded runs, re-encoding decodes to the same runs, the box of a non-empty
// mask lies inside it, and the dense mask encodes back to a mask of the same area.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "rle.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();  // a disagreement is a finding, like a crash
}

ytvis::RleView view_of(const ytvis::Counts& counts, std::uint32_t height, std::uint32_t width) {
  return ytvis::RleView{height, width, counts.data(), counts.size()};
}

void check_decoded(const ytvis::Counts& counts, std::uint32_t height, std::uint32_t width) {
  const ytvis::RleView rle = view_of(counts, height, width);
  const std::uint64_t area = ytvis::area(rle);
  require(ytvis::intersection_area(rle, rle) == area);

  const std::string text = ytvis::encode_compressed(counts.data(), counts.size());
  ytvis::Counts again;
  ytvis::decode_compressed(text, height, width, again);
  require(again == counts);
  require(ytvis::compressed_area(text, height, width) == area);
  const ytvis::Box box = ytvis::bbox(rle);
  // (Without foreground, pycocotools' unsigned arithmetic gives an odd box, kept on purpose.)
  if (area > 0) require(box.w >= 1 && box.h >= 1 && box.x + box.w <= width && box.y + box.h <= height);

  std::vector<std::uint8_t> dense(static_cast<std::size_t>(height) * width);
  ytvis::decode_mask(rle, dense.data());
  ytvis::Counts encoded;
  // Column-major buffer: one byte between rows, `height` bytes between columns.
  ytvis::encode_mask(dense.data(), height, width, 1, static_cast<std::ptrdiff_t>(height), encoded);
  require(ytvis::area(view_of(encoded, height, width)) == area);

  ytvis::Counts merged;
  ytvis::merge_union({rle, view_of(encoded, height, width)}, merged);
  require(ytvis::area(view_of(merged, height, width)) == area);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint32_t height = data[0] % 48, width = data[1] % 48;
  const bool uncompressed = data[2] & 1;
  data += 3;
  size -= 3;
  ytvis::Counts counts;
  try {
    if (uncompressed) {
      std::vector<std::int64_t> values;
      for (std::size_t i = 0; i + 1 < size; i += 2) {
        values.push_back(static_cast<std::int16_t>(data[i] | (data[i + 1] << 8)));
      }
      ytvis::from_uncompressed(values.data(), values.size(), height, width, counts);
    } else {
      const std::string_view text(reinterpret_cast<const char*>(data), size);
      ytvis::decode_compressed(text, height, width, counts);
      require(ytvis::compressed_area(text, height, width) == ytvis::area(view_of(counts, height, width)));
    }
  } catch (const ytvis::RleError&) {
    return -1;  // rejected with a message, as it should be; not worth mutating further
  }
  check_decoded(counts, height, width);
  return 0;
}
