// log_secret_scan: the end-of-run check that no secret reached a log. Reads every secret the
// tests noted (secrets-*.txt, one hex-encoded value per line, see support/secret_ledger.h) and
// every daemon log archived in the same directory, and fails naming the secret's first
// characters, the log and the line when one appears.
//
// Usage: log_secret_scan <archive-dir>        (exit 0 clean, 1 found, 2 nothing to scan)
//        log_secret_scan --clear <archive-dir> (empties the directory before a run)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr size_t kWindow = 8;  // the ledger keeps no secret shorter than this

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint64_t Prefix(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, kWindow);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--clear") {
    std::error_code ec;
    fs::remove_all(argv[2], ec);
    fs::create_directories(argv[2]);
    std::cout << "cleared " << argv[2] << "\n";
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: log_secret_scan [--clear] <archive-dir>\n";
    return 2;
  }
  std::set<std::string> secrets;
  std::vector<fs::path> logs;
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(argv[1], ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("secrets-", 0) == 0) {
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);)
        if (line.size() >= 2 * kWindow) secrets.insert(Unhex(line));
    } else if (entry.path().extension() == ".log") {
      logs.push_back(entry.path());
    }
  }
  if (secrets.empty() || logs.empty()) {
    // Only when this check runs without the tests that feed it (ctest -R on it alone).
    std::cout << "nothing to scan in " << argv[1] << ": " << secrets.size() << " secrets, "
              << logs.size() << " logs (run it after the integration tests)\n";
    return 2;
  }
  // One pass per log: an 8-byte window looked up among the secrets' first 8 bytes.
  std::unordered_multimap<uint64_t, const std::string*> by_prefix;
  for (auto& s : secrets)
    by_prefix.emplace(Prefix(s.data()), &s);
  size_t found = 0, bytes = 0;
  for (auto& path : logs) {
    const std::string text = ReadAll(path);
    bytes += text.size();
    for (size_t i = 0; i + kWindow <= text.size(); ++i) {
      auto [lo, hi] = by_prefix.equal_range(Prefix(text.data() + i));
      for (auto it = lo; it != hi; ++it) {
        const std::string& s = *it->second;
        if (text.compare(i, s.size(), s) != 0) continue;
        // The line, with the secret itself blanked out of our own output.
        const size_t newline = text.rfind('\n', i);
        const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
        std::string line = text.substr(line_start, text.find('\n', i) - line_start);
        line.replace(i - line_start, s.size(), "<SECRET>");
        std::cout << "SECRET FOUND: \"" << s.substr(0, 3) << "...\" (" << s.size() << " chars) in "
                  << path.filename().string() << ": " << line.substr(0, 300) << "\n";
        ++found;
      }
    }
  }
  std::cout << "scanned " << logs.size() << " daemon logs (" << bytes << " bytes) for "
            << secrets.size() << " secrets used in the run: " << found << " found\n";
  return found == 0 ? 0 : 1;
}
