# (-Wnull-dereference is left out: at -O2 it reports dozens of false positives inside
# Boost and libstdc++.)
# One INTERFACE target carries the project's warning and sanitizer flags, so every
# target opts in with one line and nobody passes flag variables around.
add_library(crmhost_warnings INTERFACE)
add_library(crmhost::warnings ALIAS crmhost_warnings)
target_compile_options(crmhost_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused
  -Wimplicit-fallthrough
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>
  $<$<BOOL:${CRMHOST_WERROR}>:-Werror>)

if(CRMHOST_SANITIZE)
  # Applied globally so plugins, host and tests share one ASan runtime.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
