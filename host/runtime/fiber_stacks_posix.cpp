// POSIX: stacks are mmap'ed with a PROT_NONE guard page; a SIGSEGV/SIGBUS in a guard is
// reported on an alternate signal stack (the fiber's own stack is the one that overflowed).
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>

#include "runtime/fiber_stacks.h"

namespace crmhost::fiber_internal {

size_t PageSize() {
  static const size_t page = size_t(::sysconf(_SC_PAGESIZE));
  return page;
}

size_t GuardBytes() {
  return PageSize();
}

void* MapStack(size_t bytes) {
  // MAP_NORESERVE: a stack costs the pages it touches, not its size.
  void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  if (::mprotect(base, GuardBytes(), PROT_NONE) != 0) {
    ::munmap(base, bytes);
    return nullptr;
  }
  return base;
}

void UnmapStack(void* base, size_t bytes) {
  ::munmap(base, bytes);
}

namespace {

struct sigaction previous_segv;
struct sigaction previous_bus;

void WriteAll(std::string_view s) {
  while (!s.empty()) {
    ssize_t w = ::write(STDERR_FILENO, s.data(), s.size());
    if (w <= 0) return;
    s.remove_prefix(size_t(w));
  }
}

// Async-signal-safe: reads the faulting thread's own fiber and calls write(2).
void OnFault(int sig, siginfo_t* info, void* uctx) {
  OverflowInfo overflow;
  if (GuardFault(info->si_addr, overflow)) {
    WriteOverflowReport(overflow, WriteAll);
    ::signal(sig, SIG_DFL);  // returning re-runs the access, which now kills the process
    return;
  }
  const struct sigaction& prev = sig == SIGBUS ? previous_bus : previous_segv;
  if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction) {
    prev.sa_sigaction(sig, info, uctx);
    return;
  }
  if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler) {
    prev.sa_handler(sig);
    return;
  }
  ::signal(sig, SIG_DFL);
}

}  // namespace

// Installed by every pool that starts: whoever replaced the handler since (a test framework, a
// sanitizer) becomes the previous handler that non-guard faults are passed to.
void InstallOverflowReporter() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  for (auto [sig, previous] : {std::pair{SIGSEGV, &previous_segv}, {SIGBUS, &previous_bus}}) {
    struct sigaction current {};
    ::sigaction(sig, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == &OnFault) continue;
    struct sigaction sa {};
    sa.sa_sigaction = &OnFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, previous);
  }
}

void PrepareThreadForOverflowReport() {
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
  static constexpr size_t kAltStack = 64 * 1024;
  stack_t ss{};
  ss.ss_sp = ::mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                    0);  // lives as long as the thread (the pool's threads live until exit)
  if (ss.ss_sp == MAP_FAILED) return;
  ss.ss_size = kAltStack;
  ::sigaltstack(&ss, nullptr);
}

}  // namespace crmhost::fiber_internal
