// The spreadsheet picker page (GET /googleSheets/filePicker and GET
// /admin/googleSheets/filePicker): it loads Google's Picker (apis.google.com/js/api.js), lets the
// user choose one of their spreadsheets, and posts the choice to the route "selectedSheet" next to
// the page's own path.
//
// Everything the server puts in is one JSON object (kConfigPlaceholder), escaped for a <script>
// element (see ScriptJson in routes.cpp); the page writes text with textContent only. The App
// Connect credentials for the post back (the JWT, and for the admin page the RingCentral token)
// are read by the page from its own address, so the server never copies them into the HTML; the
// page asks the browser not to send its address as a Referer to the scripts it loads.
#ifndef CRMHOST_PLUGINS_GOOGLESHEETS_PAGES_H
#define CRMHOST_PLUGINS_GOOGLESHEETS_PAGES_H

#include <string_view>

namespace googlesheets {

inline constexpr std::string_view kConfigPlaceholder = "/*CRMHOST_PICKER_CONFIG*/null";

// CONFIG: {pageTitle, pickerTitle, accessToken, developerKey, appId, admin, doneText,
// credentials: [[query name on this page, query name on the post], ...]}.
inline constexpr std::string_view kPickerPage = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Google Sheets Picker</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #202124;
         max-width: 36em; margin: 3em auto; padding: 0 1em; }
  button { font: inherit; padding: .6em 1.4em; border-radius: 4px; border: 1px solid #dadce0;
           background: #1a73e8; color: #fff; cursor: pointer; }
  button[disabled] { background: #9aa0a6; cursor: default; }
  #status { margin-top: 1em; min-height: 1.5em; }
  .failed { color: #c5221f; }
</style>
</head>
<body>
<h1 id="heading">Google Sheets Picker</h1>
<p id="intro"></p>
<p><button id="open" type="button" disabled>Choose a spreadsheet</button></p>
<p id="status" role="status" aria-live="polite"></p>
<script>
(function () {
  'use strict';
  var CONFIG = /*CRMHOST_PICKER_CONFIG*/null;
  var pickerReady = false;
  var button = document.getElementById('open');
  var statusLine = document.getElementById('status');

  document.title = CONFIG.pageTitle;
  document.getElementById('heading').textContent = CONFIG.pageTitle;
  document.getElementById('intro').textContent = CONFIG.pickerTitle + '.';

  function say(text, failed) {
    statusLine.textContent = text;
    statusLine.className = failed ? 'failed' : '';
  }

  // The App Connect credentials this page was opened with, renamed for the post back.
  function credentials() {
    var here = new URLSearchParams(window.location.search);
    var out = new URLSearchParams();
    CONFIG.credentials.forEach(function (pair) {
      var value = here.get(pair[0]);
      if (value && !out.has(pair[1])) out.set(pair[1], value);
    });
    return out.toString();
  }

  function showPicker() {
    if (!pickerReady) {
      alert('The Google Picker has not finished loading. Please try again in a moment.');
      return;
    }
    var view = new google.picker.View(google.picker.ViewId.SPREADSHEETS);
    view.setMimeTypes('application/vnd.google-apps.spreadsheet');
    var builder = new google.picker.PickerBuilder()
        .addView(view)
        .setOAuthToken(CONFIG.accessToken)
        .setAppId(CONFIG.appId)
        .setTitle(CONFIG.pickerTitle)
        .setCallback(picked);
    if (CONFIG.developerKey) builder = builder.setDeveloperKey(CONFIG.developerKey);
    builder.build().setVisible(true);
  }

  function picked(data) {
    if (data[google.picker.Response.ACTION] !== google.picker.Action.PICKED) return;
    var doc = data[google.picker.Response.DOCUMENTS][0];
    var sheet = { name: doc[google.picker.Document.NAME], url: doc[google.picker.Document.URL] };
    var body = { sheetData: sheet };
    if (CONFIG.admin) body.customizable = false;
    button.disabled = true;
    say('Saving your choice\u2026', false);
    fetch('selectedSheet?' + credentials(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) throw new Error(text || ('HTTP ' + response.status));
      });
    }).then(function () {
      var done = CONFIG.doneText.split('{name}').join(sheet.name);
      say(done, false);
      alert(done);
      window.close();
    }).catch(function (error) {
      button.disabled = false;
      say('The spreadsheet could not be saved: ' + error.message, true);
    });
  }

  // api.js calls this when it has loaded (its ?onload= parameter).
  window.crmhostLoadPicker = function () {
    gapi.load('picker', { callback: function () {
      pickerReady = true;
      button.disabled = false;
      showPicker();
    } });
  };
  button.addEventListener('click', showPicker);
})();
</script>
<script src="https://apis.google.com/js/api.js?onload=crmhostLoadPicker" async defer></script>
</body>
</html>
)PAGE";

}  // namespace googlesheets

#endif  // CRMHOST_PLUGINS_GOOGLESHEETS_PAGES_H
