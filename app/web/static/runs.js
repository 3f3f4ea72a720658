// Keeps the status column of the runs list current while any listed run is still going.
(function () {
  "use strict";
  var table = document.getElementById("runs");
  if (!table) { return; }
  function active() {
    return Array.prototype.some.call(table.querySelectorAll("[data-field=status]"), function (el) {
      return el.textContent === "queued" || el.textContent === "running";
    });
  }
  function refresh() {
    if (!active()) { return; }
    fetch("/api/runs" + window.location.search, { credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.json() : { runs: [] }; })
      .then(function (body) {
        body.runs.forEach(function (run) {
          var row = table.querySelector("tr[data-run='" + run.id + "']");
          if (!row) { return; }
          var cell = row.querySelector("[data-field=status]");
          cell.textContent = run.status;
          cell.className = "status s-" + run.status;
        });
      })
      .finally(function () { window.setTimeout(refresh, 3000); });
  }
  window.setTimeout(refresh, 3000);
})();
