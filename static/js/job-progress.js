// A job progress page: while the job runs, fetch the page again every two seconds
// and swap in its progress panel. Without JavaScript the page has a "Refresh"
// link instead (a timed <meta> refresh would fail WCAG 2.2.1).
(function () {
  "use strict";
  var panel = document.getElementById("job-panel");
  if (!panel || panel.dataset.finished === "true") {
    return;
  }
  var delay = 2000;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .getElementById("job-panel");
        if (!fresh) {
          return;
        }
        panel.innerHTML = fresh.innerHTML;
        panel.dataset.finished = fresh.dataset.finished;
        if (fresh.dataset.finished !== "true") {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        window.setTimeout(poll, delay * 5);
      });
  }
  window.setTimeout(poll, delay);
})();
