// The .dll check Windows runs before LoadLibrary, on hand-made PE images (and on the real .dlls
// of the Windows build when that tree exists).
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plugins/pe_check.h"

namespace {

void Put16(std::string& b, size_t at, uint16_t v) {
  b[at] = char(v & 0xff);
  b[at + 1] = char(v >> 8);
}
void Put32(std::string& b, size_t at, uint32_t v) {
  Put16(b, at, uint16_t(v & 0xffff));
  Put16(b, at + 2, uint16_t(v >> 16));
}

// A minimal x64 DLL image: DOS header, PE header at 0x80, a 240-byte optional header, one
// section ".text" whose raw data is 0x200 bytes at 0x200.
std::string MinimalDll() {
  std::string b(0x400, '\0');
  b[0] = 'M';
  b[1] = 'Z';
  Put32(b, 0x3c, 0x80);
  std::memcpy(b.data() + 0x80, "PE\0\0", 4);
  const size_t fh = 0x84;
  Put16(b, fh, 0x8664);       // machine: x64
  Put16(b, fh + 2, 1);        // one section
  Put16(b, fh + 16, 240);     // optional header size
  Put16(b, fh + 18, 0x2022);  // executable image, large address aware, DLL
  Put16(b, fh + 20, 0x20b);   // PE32+
  const size_t section = fh + 20 + 240;
  std::memcpy(b.data() + section, ".text\0\0\0", 8);
  Put32(b, section + 16, 0x200);  // raw size
  Put32(b, section + 20, 0x200);  // raw offset
  return b;
}

std::string Why(const std::string& bytes) {
  return crmhost::plugins::CheckPeDll(bytes).message();
}

}  // namespace

TEST_CASE("pe check: a complete x64 DLL passes and every broken variant says what is wrong",
          "[plugins][windows]") {
  const std::string dll = MinimalDll();
  CHECK(crmhost::plugins::CheckPeDll(dll).ok());

  CHECK(Why("") == "not a loadable DLL: no MZ header");
  CHECK(Why("\x7f"
            "ELF" +
            std::string(100, '\0')) == "not a loadable DLL: no MZ header");
  CHECK(Why(dll.substr(0, 0x300)) ==
        "not a loadable DLL: truncated: section .text ends past the end of the file");
  CHECK(Why(dll.substr(0, 0x90)) == "not a loadable DLL: truncated: the PE header is past the end");
  CHECK(Why(dll.substr(0, 0x100)) ==
        "not a loadable DLL: truncated: the optional header is past the end");

  std::string exe = dll;
  Put16(exe, 0x84 + 18, 0x0022);
  CHECK(Why(exe) == "not a loadable DLL: an executable, not a DLL");
  std::string arm = dll;
  Put16(arm, 0x84, 0xaa64);
  CHECK(Why(arm) == "not a loadable DLL: built for another machine (not x64)");
  std::string pe32 = dll;
  Put16(pe32, 0x84 + 20, 0x10b);
  CHECK(Why(pe32) == "not a loadable DLL: not a 64-bit (PE32+) image");
  std::string far = dll;
  Put32(far, 0x3c, 0xfffffff0);  // e_lfanew pointing far past the end: no overflow, a refusal
  CHECK(Why(far) == "not a loadable DLL: truncated: the PE header is past the end");
  std::string sig = dll;
  sig[0x80] = 'X';
  CHECK(Why(sig) == "not a loadable DLL: no PE signature");
}

TEST_CASE("pe check: the Windows build's plugin .dlls pass and their truncated copies do not",
          "[plugins][windows]") {
  const std::filesystem::path dir = CRMHOST_WINDOWS_BUILD_DIR "/plugins-out";
  std::error_code ec;
  size_t checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".dll") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    INFO(e.path());
    CHECK(crmhost::plugins::CheckPeDll(bytes).ok());
    CHECK_FALSE(crmhost::plugins::CheckPeDll(bytes.substr(0, bytes.size() / 2)).ok());
    ++checked;
  }
  // Without a Windows build there is nothing to read; the hand-made images above still ran.
  CHECK((checked > 0 || !std::filesystem::exists(dir)));
}
