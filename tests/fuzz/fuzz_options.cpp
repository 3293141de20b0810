// Linked into every fuzz target: an UndefinedBehaviorSanitizer report stops the run like a crash
// (the project is compiled with recoverable UBSan, which would otherwise only print and go on),
// so libFuzzer keeps the input. UBSAN_OPTIONS in the environment still overrides these.
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}
