#include "plugins/elf_check.h"

#include <cstring>
#include <string>

#if defined(__linux__)
#include <elf.h>
#endif

#include "plugins/pe_check.h"

namespace crmhost::plugins {

#if defined(__linux__) && defined(__LP64__)
namespace {

Status Bad(const std::string& why) {
  return Status::InvalidArgument("not a loadable shared object: " + why);
}

// True if [offset, offset + len) lies inside a file of `size` bytes (no overflow).
bool Inside(uint64_t offset, uint64_t len, uint64_t size) {
  return offset <= size && len <= size - offset;
}

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
constexpr uint16_t kMachine = EM_NONE;
#endif

}  // namespace

Status CheckSharedObject(std::string_view bytes) {
  const uint64_t size = bytes.size();
  if (size < sizeof(Elf64_Ehdr)) return Bad("the file has only " + std::to_string(size) + " bytes");
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return Bad("it is not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return Bad("it is not a 64-bit ELF file");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return Bad("it is big-endian");
#endif
  if (eh.e_type != ET_DYN)
    return Bad("ELF type " + std::to_string(eh.e_type) + " is not a shared object");
  if (kMachine != EM_NONE && eh.e_machine != kMachine)
    return Bad("it was built for ELF machine " + std::to_string(eh.e_machine) + ", this host is " +
               std::to_string(kMachine));
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
      !Inside(eh.e_phoff, uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr), size))
    return Bad("truncated or corrupt program headers");
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, bytes.data() + eh.e_phoff + uint64_t(i) * sizeof ph, sizeof ph);
    if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) &&
        !Inside(ph.p_offset, ph.p_filesz, size))
      return Bad("truncated: segment " + std::to_string(i) + " ends at byte " +
                 std::to_string(ph.p_offset + ph.p_filesz) + " of a " + std::to_string(size) +
                 "-byte file");
  }
  if (eh.e_shoff != 0 && !Inside(eh.e_shoff, uint64_t(eh.e_shnum) * eh.e_shentsize, size))
    return Bad("truncated: section headers end past the end of the file");
  return Status::OK();
}

#elif defined(_WIN32)
Status CheckSharedObject(std::string_view bytes) {
  return CheckPeDll(bytes);
}
#else
Status CheckSharedObject(std::string_view) {
  return Status::OK();
}
#endif

}  // namespace crmhost::plugins
