// Windows: stacks come from VirtualAlloc. The guard is, from the top down: one PAGE_GUARD page,
// kSparePages ordinary pages, one PAGE_NOACCESS page. Windows dispatches an exception on the
// stack that faulted (there is no alternate stack as with sigaltstack), and the CPU state it
// saves there alone can take 3.7 KiB with AVX-512: touching the PAGE_GUARD page raises
// STATUS_GUARD_PAGE_VIOLATION and leaves that page usable, and the spare pages under it give the
// dispatcher and the vectored handler below room to report. The bottom page still stops
// anything deeper. Run as a service, stderr is the log file (main.cpp points it there).
#include <windows.h>

#include <atomic>

#include "runtime/fiber_stacks.h"

namespace crmhost::fiber_internal {

size_t PageSize() {
  static const size_t page = [] {
    SYSTEM_INFO info{};
    ::GetSystemInfo(&info);
    return size_t(info.dwPageSize);
  }();
  return page;
}

constexpr size_t kSparePages = 3;

size_t GuardBytes() {
  return (2 + kSparePages) * PageSize();
}

void* MapStack(size_t bytes) {
  // Committed up front: Windows charges commit, not RAM, until a page is touched.
  void* base = ::VirtualAlloc(nullptr, bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (!base) return nullptr;
  DWORD old = 0;
  char* low = static_cast<char*>(base);
  char* guard_page = low + GuardBytes() - PageSize();
  if (!::VirtualProtect(low, PageSize(), PAGE_NOACCESS, &old) ||
      !::VirtualProtect(guard_page, PageSize(), PAGE_READWRITE | PAGE_GUARD, &old)) {
    ::VirtualFree(base, 0, MEM_RELEASE);
    return nullptr;
  }
  return base;
}

void UnmapStack(void* base, size_t) {
  ::VirtualFree(base, 0, MEM_RELEASE);
}

namespace {

void WriteAll(std::string_view s) {
  HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);
  DWORD written = 0;
  if (err && err != INVALID_HANDLE_VALUE)
    ::WriteFile(err, s.data(), DWORD(s.size()), &written, nullptr);
}

LONG CALLBACK OnException(EXCEPTION_POINTERS* e) {
  const EXCEPTION_RECORD* r = e->ExceptionRecord;
  const bool memory =
      r->ExceptionCode == EXCEPTION_GUARD_PAGE || r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION;
  OverflowInfo overflow;
  if (memory && r->NumberParameters >= 2 &&
      GuardFault(reinterpret_cast<const void*>(r->ExceptionInformation[1]), overflow)) {
    WriteOverflowReport(overflow, WriteAll);
    ::TerminateProcess(::GetCurrentProcess(), 3);
  }
  return EXCEPTION_CONTINUE_SEARCH;  // not ours: the usual handling (a crash) goes on
}

}  // namespace

void InstallOverflowReporter() {
  static std::atomic<bool> installed{false};
  if (!installed.exchange(true)) ::AddVectoredExceptionHandler(1, &OnException);
}

void PrepareThreadForOverflowReport() {}  // the report runs on the guard page itself

}  // namespace crmhost::fiber_internal
