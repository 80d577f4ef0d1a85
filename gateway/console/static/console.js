// The console's only script. Every page works without it; it adds live
// alerts (server-sent events), upload progress, and focus on the first
// invalid field. No inline handlers: the CSP allows this file only.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Live alerts: rows arrive as JSON and are added with textContent only.
  var live = document.getElementById("alert-rows");
  if (live && window.EventSource) {
    var status = document.getElementById("live-status");
    var es = new EventSource(live.getAttribute("data-stream"));
    es.addEventListener("open", function () { if (status) { status.textContent = status.getAttribute("data-on"); status.className = "on"; } });
    es.addEventListener("error", function () { if (status) { status.textContent = status.getAttribute("data-off"); status.className = "off"; } });
    es.addEventListener("alert", function (ev) {
      var a = JSON.parse(ev.data);
      var empty = document.getElementById("alerts-empty");
      if (empty) { empty.remove(); }
      var table = document.getElementById("alerts-table");
      if (table) { table.hidden = false; }
      var tr = document.createElement("tr");
      tr.className = "alert-row";
      [a.id, a.time, a.kind, a.subject, a.reporter, a.attestation].forEach(function (v) {
        var td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      });
      live.insertBefore(tr, live.firstChild);
    });
  }
  // Watchlist upload with progress; the server's redirect is followed.
  var form = document.getElementById("import-form");
  if (form && window.FormData) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var bar = document.getElementById("import-progress");
      bar.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (p) { if (p.lengthComputable) { bar.max = p.total; bar.value = p.loaded; } });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.send(new FormData(form));
    });
  }
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
});
