// Files only the daemon's account may read, on this platform (POSIX modes here; the Windows
// DACLs run under Wine in tests/windows/).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crmhost/private_files.h"
#include "support/daemon_process.h"

using crmhost::testing::TempDir;

TEST_CASE(
    "private files: created 0400 with their content, never over an existing file, and "
    "a readable one is named",
    "[common]") {
  TempDir dir;
  const std::string path = dir / "secret.key";
  REQUIRE(crmhost::CreatePrivateFile(path, "abc\n").ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0400);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == "abc\n");
  CHECK_FALSE(crmhost::PrivateFileProblem(path));

  auto again = crmhost::CreatePrivateFile(path, "other");
  CHECK(again.code() == crmhost::Status::Code::kIOError);
  CHECK_THAT(again.message(), Catch::Contains("File exists"));

  ::chmod(path.c_str(), 0644);
  auto problem = crmhost::PrivateFileProblem(path);
  REQUIRE(problem);
  CHECK(*problem == "readable by group or others (mode 0644; chmod 0400 it)");

  const std::string sub = dir / "data";
  std::filesystem::create_directory(sub);
  ::chmod(sub.c_str(), 0755);
  REQUIRE(crmhost::MakeDirectoryPrivate(sub).ok());
  REQUIRE(::stat(sub.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(crmhost::CreatePrivateFile(dir / "missing/dir/file", "x").code() ==
        crmhost::Status::Code::kIOError);
}
