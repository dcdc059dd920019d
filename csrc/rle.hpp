// COCO run-length encoding: pycocotools' compressed string format, validation,
// area, bounding box, intersection without decoding, dense mask conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ytvis {

/// An RLE or polygon that cannot be trusted; the message says what is wrong,
/// callers prefix where (file, video, annotation, frame).
class RleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Count = std::uint32_t;
using Counts = std::vector<Count>;

/// Non-owning view of a mask: column-major run lengths, starting with a run of
/// zeros, alternating zeros/ones; the counts sum to height * width.
struct RleView {
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  const Count* counts = nullptr;
  std::size_t size = 0;
};

/// Pixels [first, last) in column-major order outside which a mask has no
/// foreground: its leading and trailing runs of zeros cut off. Two masks whose
/// spans do not meet share no pixel, so their intersection need not be walked.
struct ForegroundSpan {
  std::uint64_t first = 0, last = 0;

  ForegroundSpan() = default;
  explicit ForegroundSpan(const RleView& mask) {
    if (mask.size < 2) return;  // no run of ones
    const std::uint64_t trailing_zeros = mask.size % 2 == 1 ? mask.counts[mask.size - 1] : 0;
    first = mask.counts[0];
    last = std::uint64_t{mask.height} * mask.width - trailing_zeros;
  }

  bool meets(const ForegroundSpan& other) const { return first < other.last && other.first < last; }
};

/// Box as [x, y, w, h], like pycocotools' toBbox.
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

/// Largest height or width accepted anywhere; bigger sizes are rejected before
/// any allocation.
inline constexpr std::uint64_t kMaxSide = 1u << 16;

/// Throws RleError unless 0 <= height, width <= kMaxSide.
void check_size(std::int64_t height, std::int64_t width);

/// Decodes pycocotools' compressed string into `out` (replaced). Validates the
/// alphabet, termination, overflow, non-negative counts and sum == h * w.
void decode_compressed(std::string_view text, std::uint32_t height, std::uint32_t width, Counts& out);

/// As decode_compressed, but appends the runs to `out`; on error `out` may hold
/// part of them.
void append_decoded(std::string_view text, std::uint32_t height, std::uint32_t width, Counts& out);

/// Foreground area of a compressed mask in one validating pass, no runs stored.
std::uint64_t compressed_area(std::string_view text, std::uint32_t height, std::uint32_t width);

/// Encodes counts as pycocotools' compressed string.
std::string encode_compressed(const Count* counts, std::size_t size);
/// As encode_compressed, appending to `out`.
void append_compressed(const Count* counts, std::size_t size, std::string& out);

/// Validates uncompressed counts (each >= 0, sum == h * w) into `out` (replaced).
void from_uncompressed(const std::int64_t* values, std::size_t size, std::uint32_t height,
                       std::uint32_t width, Counts& out);

/// Number of foreground pixels.
std::uint64_t area(const RleView& rle);

/// Bounding box with pycocotools' toBbox semantics (quirks included).
Box bbox(const RleView& rle);

/// Foreground pixels common to both masks, walking the runs (no decoding).
/// Both masks must have the same height and width.
std::uint64_t intersection_area(const RleView& a, const RleView& b);

/// Union of several masks of the same size (pycocotools' merge, intersect=0).
void merge_union(const std::vector<RleView>& masks, Counts& out);

/// Encodes a dense mask (any non-zero byte is foreground). Strides are in bytes
/// between rows and between columns, so C- and Fortran-ordered arrays both work.
void encode_mask(const std::uint8_t* pixels, std::uint32_t height, std::uint32_t width,
                 std::ptrdiff_t row_stride, std::ptrdiff_t col_stride, Counts& out);

/// Decodes into a dense column-major (Fortran-order) buffer of height * width bytes.
void decode_mask(const RleView& rle, std::uint8_t* out);

}  // namespace ytvis
