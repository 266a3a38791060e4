// Live word count for long answers. Progressive enhancement: the server checks the limit
// anyway, and says by how much an answer is over, so the page works without this script.
(function () {
  "use strict";

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function describe(area, limit, words) {
    var left = limit - words;
    var template = left >= 0
      ? area.getAttribute("data-words-left") || "You have {n} words remaining"
      : area.getAttribute("data-words-over") || "You have {n} words too many";
    return template.replace("{n}", String(Math.abs(left)));
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    if (!limit) {
      return;
    }
    var counter = document.createElement("p");
    counter.id = area.id + "-word-count";
    counter.className = "form-text word-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var timer = null;
    function update() {
      var words = countWords(area.value);
      counter.textContent = describe(area, limit, words);
      counter.classList.toggle("text-danger", words > limit);
      counter.classList.toggle("fw-bold", words > limit);
    }
    area.addEventListener("input", function () {
      // Screen readers hear the count once typing pauses, not on every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    update();
  });
})();
