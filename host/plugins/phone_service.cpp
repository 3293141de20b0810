#include "plugins/phone_service.h"

#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace crmhost::plugins {
namespace {

namespace pn = i18n::phonenumbers;

int32_t TypeOf(pn::PhoneNumberUtil::PhoneNumberType t) {
  using T = pn::PhoneNumberUtil;
  switch (t) {
    case T::FIXED_LINE:
      return CRMH_PHONE_TYPE_FIXED_LINE;
    case T::MOBILE:
      return CRMH_PHONE_TYPE_MOBILE;
    case T::FIXED_LINE_OR_MOBILE:
      return CRMH_PHONE_TYPE_FIXED_LINE_OR_MOBILE;
    case T::TOLL_FREE:
      return CRMH_PHONE_TYPE_TOLL_FREE;
    case T::PREMIUM_RATE:
      return CRMH_PHONE_TYPE_PREMIUM_RATE;
    case T::SHARED_COST:
      return CRMH_PHONE_TYPE_SHARED_COST;
    case T::VOIP:
      return CRMH_PHONE_TYPE_VOIP;
    case T::PERSONAL_NUMBER:
      return CRMH_PHONE_TYPE_PERSONAL_NUMBER;
    case T::PAGER:
      return CRMH_PHONE_TYPE_PAGER;
    case T::UAN:
      return CRMH_PHONE_TYPE_UAN;
    case T::VOICEMAIL:
      return CRMH_PHONE_TYPE_VOICEMAIL;
    default:
      return CRMH_PHONE_TYPE_UNKNOWN;
  }
}

// Numbers longer than any phone number are refused before libphonenumber's regular
// expressions see them (its own cap is 250 characters; ours keeps a hostile query cheap).
constexpr size_t kMaxPhoneText = 64;

// A reading depends only on the text, the region, the options and the metadata compiled into
// libphonenumber, and costs ~20-45 us (its regular expressions run on ICU), while the same
// numbers come back again and again (a call rings, is answered, is logged; the same customers
// call). So readings are remembered: 16 shards of at most 256 entries, a shard emptied when
// full (bounded at ~1 MB, no LRU bookkeeping on the hit path).
class ReadingCache {
 public:
  static constexpr size_t kShards = 16;
  static constexpr size_t kPerShard = 256;

  bool Find(const std::string& key, PhoneReading* out) {
    Shard& s = ShardOf(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    *out = it->second;
    return true;
  }
  void Put(const std::string& key, const PhoneReading& r) {
    Shard& s = ShardOf(key);
    std::lock_guard lock(s.mu);
    if (s.map.size() >= kPerShard) s.map.clear();
    s.map.emplace(key, r);
  }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, PhoneReading> map;
  };
  Shard& ShardOf(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % kShards];
  }
  std::array<Shard, kShards> shards_;
};

ReadingCache& Cache() {
  static ReadingCache cache;
  return cache;
}

PhoneReading ReadUncached(std::string_view text, std::string_view default_region, uint32_t options);

}  // namespace

PhoneReading ReadPhone(std::string_view text, std::string_view default_region, uint32_t options) {
  if (text.empty() || text.size() > kMaxPhoneText || default_region.size() > 3) return {};
  std::string key;
  key.reserve(text.size() + default_region.size() + 3);
  key.push_back(char('0' + (options & 3)));
  key.append(default_region).push_back('|');
  key.append(text);
  PhoneReading r;
  if (Cache().Find(key, &r)) return r;
  r = ReadUncached(text, default_region, options);
  Cache().Put(key, r);
  return r;
}

namespace {

PhoneReading ReadUncached(std::string_view text, std::string_view default_region,
                          uint32_t options) {
  PhoneReading r;
  const pn::PhoneNumberUtil& util = *pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber number;
  const std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  if (util.Parse(std::string(text), region, &number) != pn::PhoneNumberUtil::NO_PARSING_ERROR)
    return r;
  r.parsed = true;
  r.country_code = number.country_code();
  util.GetNationalSignificantNumber(number, &r.significant);
  util.Format(number, pn::PhoneNumberUtil::E164, &r.e164);
  // isValid is "the region that has this number accepts it": asking for the region first and
  // then validating for it is what IsValidNumber does inside, without doing it twice.
  util.GetRegionCodeForNumber(number, &r.region);
  if (r.region == "ZZ") r.region.clear();
  if (!r.region.empty() && util.IsValidNumberForRegion(number, r.region))
    r.flags |= CRMH_PHONE_VALID;
  if (util.IsPossibleNumber(number)) r.flags |= CRMH_PHONE_POSSIBLE;
  if (options & CRMH_PHONE_WANT_TYPE) r.type = TypeOf(util.GetNumberType(number));
  if (options & CRMH_PHONE_WANT_FORMATS) {
    util.Format(number, pn::PhoneNumberUtil::INTERNATIONAL, &r.international);
    util.Format(number, pn::PhoneNumberUtil::NATIONAL, &r.national);
  }
  return r;
}

}  // namespace

void WarmUpPhoneNumbers() {
  (void)ReadPhone("+14155551234", "", CRMH_PHONE_WANT_FORMATS | CRMH_PHONE_WANT_TYPE);
}

}  // namespace crmhost::plugins
