// A plugin whose findContact recurses without end: it runs off its fiber's stack. The daemon must
// name the plugin, the operation and the request before it dies (a guard page and a SIGSEGV
// handler on an alternate stack), never corrupt memory silently. Login works without a CRM.
#include <crmhost/plugin.hpp>

namespace {

// Far deeper than any stack: read through a volatile so the compiler sees a bound it cannot
// use, and keeps the recursion.
volatile int g_bottom = 1 << 30;

// Each frame keeps a buffer alive across the recursive call, so the compiler cannot turn the
// recursion into a loop; the sum makes the result depend on every frame.
int Descend(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth >= g_bottom) return frame[0];
  return Descend(depth + 1) + frame[0];
}

}  // namespace

class StackHog {
 public:
  static constexpr const char* kName = "stackhog";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr const char* kManifest = nullptr;
  explicit StackHog(crmhost::sdk::Call&) {}
  boost::json::value getAuthType(crmhost::sdk::Call&, const boost::json::object&) {
    return "apiKey";
  }
  boost::json::value getBasicAuth(crmhost::sdk::Call&, const boost::json::object&) {
    return "c3RhY2s6";
  }
  boost::json::value getUserInfo(crmhost::sdk::Call&, const boost::json::object&) {
    return boost::json::object{
        {"successful", true},
        {"platformUserInfo", boost::json::object{{"id", "hog-1"}, {"name", "Stack Hog"}}}};
  }
  boost::json::value findContact(crmhost::sdk::Call&, const boost::json::object&) {
    return Descend(0);
  }
  boost::json::value createCallLog(crmhost::sdk::Call&, const boost::json::object&) {
    return nullptr;
  }
  boost::json::value updateCallLog(crmhost::sdk::Call&, const boost::json::object&) {
    return nullptr;
  }
  static constexpr auto operations() {
    using Op = crmhost::sdk::Operation<StackHog>;
    return std::array{Op{"getAuthType", &StackHog::getAuthType},
                      Op{"getBasicAuth", &StackHog::getBasicAuth},
                      Op{"getUserInfo", &StackHog::getUserInfo},
                      Op{"findContact", &StackHog::findContact},
                      Op{"createCallLog", &StackHog::createCallLog},
                      Op{"updateCallLog", &StackHog::updateCallLog}};
  }
};

CRMHOST_PLUGIN(StackHog)
