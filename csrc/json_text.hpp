// The text of a JSON input with the padding simdjson reads past the end: a file
// mapped into memory (no copy), or a padded copy of bytes held in memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ytvis {

class JsonText {
 public:
  /// Maps the file at `path` read-only; throws InputError naming the path.
  static JsonText from_file(const std::string& path);
  /// Copies in-memory JSON into a padded buffer.
  static JsonText from_bytes(std::string_view bytes);

  JsonText(JsonText&& other) noexcept;
  JsonText& operator=(JsonText&& other) noexcept;
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;
  ~JsonText();

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  /// Bytes readable from data(): at least size() + simdjson's padding.
  std::size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data_, size_}; }

  /// Hints that the bytes in [begin, end) will not be read again soon: a mapped
  /// file gives back the whole pages inside the range, which keeps resident
  /// memory near one copy of the input plus the store. Reading them later is
  /// still correct (the file is paged in again); in-memory text ignores this.
  void release(const char* begin, const char* end) const;

 private:
  JsonText() = default;
  void reset() noexcept;

  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  void* mapping_ = nullptr;  ///< the mapped region, owned; null for in-memory text
  std::size_t mapping_size_ = 0;
  std::string copy_;  ///< owned in-memory text
};

}  // namespace ytvis
