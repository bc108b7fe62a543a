// Little-endian integers in byte buffers: the one byte-order codec behind every
// on-disk format (journal records and segment headers, snapshots, the market
// serialization inside a snapshot). The formats are little-endian on every host,
// so a file written on one machine reads on any other.
//
// It lives in platform/, the lowest layer, because the market serialization (core/)
// uses it as well as persistence/: includes only point down.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace swlab {

// On a little-endian host the memcpy is one unaligned load or store; the loop is
// the portable definition (and what a big-endian host runs).
template <class T>
inline void put_le(uint8_t* p, T v) {
  static_assert(std::is_unsigned_v<T>);
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, sizeof v);
  } else {
    for (std::size_t i = 0; i < sizeof v; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
}

template <class T>
inline T get_le(const uint8_t* p) {
  static_assert(std::is_unsigned_v<T>);
  if constexpr (std::endian::native == std::endian::little) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    T v = 0;
    for (std::size_t i = 0; i < sizeof v; ++i) v |= static_cast<T>(T{p[i]} << (8 * i));
    return v;
  }
}

inline void put_u8(uint8_t* p, uint8_t v) { *p = v; }
inline void put_u32(uint8_t* p, uint32_t v) { put_le(p, v); }
inline void put_u64(uint8_t* p, uint64_t v) { put_le(p, v); }
inline void put_i64(uint8_t* p, int64_t v) { put_le(p, static_cast<uint64_t>(v)); }

inline uint32_t get_u32(const uint8_t* p) { return get_le<uint32_t>(p); }
inline uint64_t get_u64(const uint8_t* p) { return get_le<uint64_t>(p); }
inline int64_t get_i64(const uint8_t* p) { return static_cast<int64_t>(get_le<uint64_t>(p)); }

// Appending forms, for encoders that grow a std::string.
inline void append_u64(std::string* out, uint64_t v) {
  uint8_t b[8];
  put_u64(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof b);
}
inline void append_i64(std::string* out, int64_t v) { append_u64(out, static_cast<uint64_t>(v)); }

// Reads little-endian fields from [p, end) without ever reading past end: a read
// that does not fit sets ok to false and returns 0, so a decoder checks once at the
// end of a group of reads instead of before each one.
struct ByteReader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  std::size_t left() const { return static_cast<std::size_t>(end - p); }
  uint64_t u64() {
    if (left() < 8) {
      ok = false;
      p = end;
      return 0;
    }
    uint64_t v = get_u64(p);
    p += 8;
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
};

}  // namespace swlab
