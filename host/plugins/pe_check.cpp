#include "plugins/pe_check.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace crmhost::plugins {
namespace {

Status Bad(const std::string& why) {
  return Status::InvalidArgument("not a loadable DLL: " + why);
}

// Little-endian reads at an offset the caller has checked.
uint16_t U16(std::string_view b, size_t at) {
  return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8);
}
uint32_t U32(std::string_view b, size_t at) {
  return uint32_t(U16(b, at)) | uint32_t(U16(b, at + 2)) << 16;
}

bool Inside(uint64_t offset, uint64_t len, uint64_t size) {
  return offset <= size && len <= size - offset;
}

constexpr uint16_t kMachineAmd64 = 0x8664;
constexpr uint16_t kFileDll = 0x2000;          // IMAGE_FILE_DLL
constexpr uint16_t kOptionalPe32Plus = 0x20b;  // PE32+ (64-bit)
constexpr size_t kFileHeader = 20;             // IMAGE_FILE_HEADER
constexpr size_t kSectionHeader = 40;          // IMAGE_SECTION_HEADER

}  // namespace

Status CheckPeDll(std::string_view b) {
  const uint64_t size = b.size();
  if (size < 64 || b[0] != 'M' || b[1] != 'Z') return Bad("no MZ header");
  const uint32_t pe = U32(b, 0x3c);  // e_lfanew
  if (!Inside(pe, 4 + kFileHeader, size)) return Bad("truncated: the PE header is past the end");
  if (std::memcmp(b.data() + pe, "PE\0\0", 4) != 0) return Bad("no PE signature");
  const size_t fh = pe + 4;
  if (U16(b, fh) != kMachineAmd64) return Bad("built for another machine (not x64)");
  const uint16_t sections = U16(b, fh + 2);
  const uint16_t optional_size = U16(b, fh + 16);
  if (!(U16(b, fh + 18) & kFileDll)) return Bad("an executable, not a DLL");
  const size_t opt = fh + kFileHeader;
  if (optional_size < 2 || !Inside(opt, optional_size, size))
    return Bad("truncated: the optional header is past the end");
  if (U16(b, opt) != kOptionalPe32Plus) return Bad("not a 64-bit (PE32+) image");
  const size_t table = opt + optional_size;
  if (!Inside(table, uint64_t(sections) * kSectionHeader, size))
    return Bad("truncated: the section table is past the end");
  for (uint16_t i = 0; i < sections; ++i) {
    const size_t s = table + size_t(i) * kSectionHeader;
    const uint32_t raw_size = U32(b, s + 16);
    const uint32_t raw_offset = U32(b, s + 20);
    if (raw_size && !Inside(raw_offset, raw_size, size))
      return Bad("truncated: section " +
                 std::string(b.substr(s, 8).data(), strnlen(b.data() + s, 8)) +
                 " ends past the end of the file");
  }
  return Status::OK();
}

}  // namespace crmhost::plugins
