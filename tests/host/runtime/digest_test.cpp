// SHA-256 of bytes and of files: the file form reads in blocks and must agree with the other,
// across block boundaries and for an empty file.
#include <catch2/catch.hpp>

#include <fstream>

#include "runtime/digest.h"
#include "support/daemon_process.h"

namespace crmhost {

TEST_CASE("digest: a file's SHA-256 equals that of its bytes, across read blocks", "[digest]") {
  testing::TempDir dir;
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  for (size_t size :
       {size_t(0), size_t(3), size_t(1) << 20, (size_t(1) << 20) + 7, size_t(3) * (1 << 20) + 1}) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i)
      bytes[i] = char((i * 131 + 7) & 0xff);
    const std::string path = dir / ("f" + std::to_string(size));
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    INFO(size);
    CHECK(Sha256HexOfFile(path) == Sha256Hex(bytes));
  }
  CHECK_FALSE(Sha256HexOfFile(dir / "missing").has_value());
}

}  // namespace crmhost
