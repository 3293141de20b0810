// File helpers the tests share: reading a whole file, and searching a directory tree for bytes
// that must never be written (secrets).
#ifndef CRMHOST_TESTS_FILES_H
#define CRMHOST_TESTS_FILES_H

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace crmhost::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// True if any regular file below `dir` contains `needle`.
inline bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && ReadFile(e.path().string()).find(needle) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FILES_H
