// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the journal.
// Castagnoli rather than the zlib CRC because x86 computes it in hardware (SSE4.2
// `crc32`), and its error detection is at least as good for the record sizes we use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace swlab {

// CRC32C of data[0, n), continuing from crc, which is the CRC of whatever came
// before (0 for nothing): crc32c(b, nb, crc32c(a, na)) == crc32c(a + b, na + nb).
// Uses the SSE4.2 instruction when the CPU has it (checked once), else software.
// crc32c("123456789", 9) == 0xE3069283.
uint32_t crc32c(const void* data, std::size_t n, uint32_t crc = 0);

// The two implementations behind crc32c(), exposed so the tests can check that they
// agree. crc32c_hardware() must only be called when crc32c_hardware_available().
uint32_t crc32c_software(const void* data, std::size_t n, uint32_t crc = 0);
bool crc32c_hardware_available();
uint32_t crc32c_hardware(const void* data, std::size_t n, uint32_t crc = 0);

}  // namespace swlab
