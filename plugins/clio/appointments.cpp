// The Clio plugin's appointments (plugin.h): Clio calendar entries. Clio has no appointment
// status; cancelling deletes the entry.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include <algorithm>

#include "mapping.h"
#include "plugin.h"

namespace clio {
namespace sdk = crmhost::sdk;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

namespace {

// Fields asked for when writing and when reading one calendar entry (percent-encoded).
const std::string& EntryFields() {
  static const std::string fields = sdk::url_encode(
      "id,summary,description,start_at,end_at,attendees,external_properties,calendar_owner_id");
  return fields;
}
const std::string& EntryReadFields() {
  static const std::string fields = sdk::url_encode(
      "id,summary,description,start_at,end_at,attendees{id,name,type},"
      "external_properties,calendar_owner_id");
  return fields;
}

json::object Refusal(std::string message) {
  return json::object{{"successful", false},
                      {"returnMessage", return_message(std::move(message), "warning", 5000)}};
}

std::string EntryPath(const json::object& in) {
  return "calendar_entries/" + sdk::url_encode(text(in, "appointmentId"));
}

}  // namespace

// Every entry the user can see (Clio applies no date filter here), as appointments; with a
// range {startDate, endDate} (YYYY-MM-DD, UTC days) only those starting within it.
json::value Clio::listAppointments(Call& call, const json::object& in) {
  Api clio(call, in);
  json::value listed =
      clio.Get("calendar_entries.json?fields=" +
               sdk::url_encode("id,summary,start_at,end_at,description,attendees{id,name,type}"));
  return json::object{{"appointments", ListedAppointments(listed, sdk::field(in, "range"))}};
}

// A calendar entry on the user's own writeable calendar (else any writeable one), with the
// payload's contacts as attendees and no email notification.
json::value Clio::createAppointment(Call& call, const json::object& in) {
  Api clio(call, in);
  const json::value calendar = WriteableCalendarId(clio);
  if (calendar.is_null()) return Refusal("No writeable calendar found in Clio.");
  json::value created = clio.Send("POST", "calendar_entries.json?fields=" + EntryFields(),
                                  NewCalendarEntry(object_of(in, "payload"), calendar));
  json::object appointment = Appointment(Data(created));
  return json::object{{"appointmentId", appointment["id"]}, {"appointment", appointment}};
}

// Title, summary, time and attendees, each only if the patch names it; attendees not in the
// new list are removed (_destroy), the rest kept or added.
json::value Clio::updateAppointment(Call& call, const json::object& in) {
  Api clio(call, in);
  const json::object& patch = object_of(in, "patchBody");
  const bool other_fields =
      std::any_of(patch.begin(), patch.end(), [](const auto& kv) { return kv.key() != "status"; });
  if (patch.contains("status") && !other_fields)
    return Refusal("Clio does not support appointment status changes.");
  const std::string path = EntryPath(in);
  json::value existing = clio.Get(path + ".json?fields=" + EntryReadFields());
  if (!Data(existing) || !Data(existing)->is_object())
    return Refusal("Appointment not found in Clio.");
  json::value updated = clio.Send("PATCH", path + ".json?fields=" + EntryFields(),
                                  CalendarEntryPatch(patch, Data(existing)));
  return json::object{{"appointment", Appointment(Data(updated))}};
}

json::value Clio::refreshAppointment(Call& call, const json::object& in) {
  Api clio(call, in);
  json::value found = clio.Get(EntryPath(in) + ".json?fields=" + EntryReadFields());
  if (!Data(found) || !Data(found)->is_object()) return Refusal("Appointment not found in Clio.");
  return json::object{{"appointment", Appointment(Data(found))}};
}

json::value Clio::cancelAppointment(Call& call, const json::object& in) {
  Api clio(call, in);
  clio.Request("DELETE", EntryPath(in) + ".json");
  return json::object{
      {"successful", true},
      {"returnMessage", return_message("Appointment cancelled successfully.", "success", 5000)}};
}

}  // namespace clio
