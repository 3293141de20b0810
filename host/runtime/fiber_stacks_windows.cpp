// Windows: stacks come from VirtualAlloc. The guard is two pages: the upper one PAGE_GUARD, the
// lower one PAGE_NOACCESS. Touching the PAGE_GUARD page raises STATUS_GUARD_PAGE_VIOLATION and
// leaves that page usable, so the exception dispatcher and the vectored handler below have
// about 4 KiB of stack to report in (Windows dispatches exceptions on the faulting stack; there
// is no alternate stack as with sigaltstack). The page under it still stops anything deeper.
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

size_t GuardBytes() {
  return 2 * PageSize();
}

void* MapStack(size_t bytes) {
  // Committed up front: Windows charges commit, not RAM, until a page is touched.
  void* base = ::VirtualAlloc(nullptr, bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (!base) return nullptr;
  DWORD old = 0;
  char* low = static_cast<char*>(base);
  if (!::VirtualProtect(low, PageSize(), PAGE_NOACCESS, &old) ||
      !::VirtualProtect(low + PageSize(), PageSize(), PAGE_READWRITE | PAGE_GUARD, &old)) {
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
