// Follows a live run through its event stream; reloads the page once the run has finished.
(function () {
  "use strict";
  var section = document.getElementById("run");
  if (!section || section.dataset.live !== "yes" || !window.EventSource) { return; }
  var source = new EventSource("/runs/" + section.dataset.run + "/events");
  source.addEventListener("run", function (message) {
    var run = JSON.parse(message.data);
    section.querySelectorAll("[data-field=status]").forEach(function (el) {
      el.textContent = run.status;
      el.className = "status s-" + run.status;
    });
    section.querySelectorAll("[data-field=updated]").forEach(function (el) {
      el.textContent = new Date(run.updated_at).toLocaleTimeString();
    });
  });
  source.addEventListener("progress", function (message) {
    // Rendered and escaped by the server's templates, like the rest of the page.
    var target = document.getElementById("progress");
    if (target) { target.innerHTML = message.data; }
  });
  source.addEventListener("done", function () {
    source.close();
    window.location.reload();
  });
})();
