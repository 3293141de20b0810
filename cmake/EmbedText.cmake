cmake_policy(SET CMP0053 NEW)
# Run as a script (cmake -P) at build time: writes OUTPUT, a C++ source defining
#   std::string_view <FUNCTION>()
# in namespace NAMESPACE, returning the text of INPUT with @VERSION@ replaced by VERSION. Bytes,
# not a string literal: -Wpedantic limits literals to 4,095 characters, and a document can hold
# any delimiter.
file(READ "${INPUT}" text)
string(REPLACE "@VERSION@" "${VERSION}" text "${text}")
file(WRITE "${OUTPUT}.txt" "${text}")
file(READ "${OUTPUT}.txt" hex HEX)
file(REMOVE "${OUTPUT}.txt")
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "// Generated at build time by cmake/EmbedText.cmake from ${INPUT}.\n"
  "#include <string_view>\n\nnamespace ${NAMESPACE} {\n\n"
  "std::string_view ${FUNCTION}() {\n  static constexpr char kText[${size}] = {\n${bytes}};\n"
  "  return {kText, sizeof kText};\n}\n\n}  // namespace ${NAMESPACE}\n")
