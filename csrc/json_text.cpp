#include "json_text.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "store_builder.hpp"  // InputError

#if defined(__unix__) || defined(__APPLE__)
#define YTVIS_HAVE_MMAP 1
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace ytvis {

namespace {

std::size_t padded(std::size_t size) {
  return size + simdjson::SIMDJSON_PADDING;
}

#if defined(MAP_POPULATE)
// The first pass reads the whole file: map its pages in one go rather than one
// fault at a time.
constexpr int kPopulate = MAP_POPULATE;
#else
constexpr int kPopulate = 0;
#endif

/// Closes a file descriptor when leaving scope.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
#ifdef YTVIS_HAVE_MMAP
    if (fd >= 0) ::close(fd);
#endif
  }
};

}  // namespace

JsonText JsonText::from_bytes(std::string_view bytes) {
  JsonText text;
  text.copy_.reserve(padded(bytes.size()));
  text.copy_.assign(bytes);
  text.copy_.resize(padded(bytes.size()), '\0');
  text.data_ = text.copy_.data();
  text.size_ = bytes.size();
  text.capacity_ = text.copy_.size();
  return text;
}

JsonText JsonText::from_file(const std::string& path) {
#ifdef YTVIS_HAVE_MMAP
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) throw InputError(path + ": cannot open file: " + std::strerror(errno));
  struct stat info{};
  if (::fstat(file.fd, &info) != 0) throw InputError(path + ": cannot read file: " + std::strerror(errno));
  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    const auto size = static_cast<std::size_t>(info.st_size);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t total = (padded(size) + page - 1) / page * page;
    // Zero pages for the whole span first, then the file over its start: the
    // padding past the file's end is readable zeros even when it crosses a page.
    void* region = ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region != MAP_FAILED) {
      JsonText text;
      text.mapping_ = region;
      text.mapping_size_ = total;
      if (::mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | kPopulate, file.fd, 0) == MAP_FAILED) {
        throw InputError(path + ": cannot map file: " + std::strerror(errno));
      }
      text.data_ = static_cast<const char*>(region);
      text.size_ = size;
      text.capacity_ = total;
      return text;
    }
  }
  // Not a regular file (a pipe, say) or empty: read what the descriptor gives.
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(path + ": read error: " + std::strerror(errno));
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  return from_bytes(content);
#else
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw InputError(path + ": cannot open file: " + std::strerror(errno));
  std::string content((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  if (stream.bad()) throw InputError(path + ": read error");
  return from_bytes(content);
#endif
}

JsonText::JsonText(JsonText&& other) noexcept {
  *this = std::move(other);
}

JsonText& JsonText::operator=(JsonText&& other) noexcept {
  if (this == &other) return *this;
  reset();
  copy_ = std::move(other.copy_);
  mapping_ = std::exchange(other.mapping_, nullptr);
  mapping_size_ = std::exchange(other.mapping_size_, 0);
  size_ = std::exchange(other.size_, 0);
  capacity_ = std::exchange(other.capacity_, 0);
  data_ = mapping_ ? static_cast<const char*>(mapping_) : copy_.data();
  other.data_ = nullptr;
  return *this;
}

JsonText::~JsonText() {
  reset();
}

void JsonText::reset() noexcept {
#ifdef YTVIS_HAVE_MMAP
  if (mapping_) ::munmap(mapping_, mapping_size_);
#endif
  mapping_ = nullptr;
  mapping_size_ = 0;
}

void JsonText::release(const char* begin, const char* end) const {
#ifdef YTVIS_HAVE_MMAP
  if (!mapping_ || end <= begin) return;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
  const auto last = reinterpret_cast<std::uintptr_t>(end) / page * page;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
#else
  (void)begin;
  (void)end;
#endif
}

}  // namespace ytvis
