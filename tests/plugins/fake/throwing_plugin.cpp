// A C++ plugin whose constructor (its init) throws: the SDK must turn that into a refusal with
// the exception's text, and nothing may escape into the host.
#include <crmhost/plugin.hpp>
#include <stdexcept>

class Throwing {
 public:
  static constexpr const char* kName = "throwing";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr const char* kManifest = nullptr;
  explicit Throwing(crmhost::sdk::Call&) {
    throw std::runtime_error("cannot reach the license server");
  }
  boost::json::value getAuthType(crmhost::sdk::Call&, const boost::json::object&) {
    return "apiKey";
  }
  boost::json::value createCallLog(crmhost::sdk::Call&, const boost::json::object&) {
    return nullptr;
  }
  boost::json::value updateCallLog(crmhost::sdk::Call&, const boost::json::object&) {
    return nullptr;
  }
  static constexpr auto operations() {
    using Op = crmhost::sdk::Operation<Throwing>;
    return std::array{Op{"getAuthType", &Throwing::getAuthType},
                      Op{"createCallLog", &Throwing::createCallLog},
                      Op{"updateCallLog", &Throwing::updateCallLog}};
  }
};

CRMHOST_PLUGIN(Throwing)
