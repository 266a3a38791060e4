// Live word count for long answers. Progressive enhancement: the server checks the limit
// anyway, and says by how much an answer is over, so the page works without this script.
(function () {
  "use strict";

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function describe(limit, words) {
    var left = limit - words;
    if (left >= 0) {
      return "You have " + left + (left === 1 ? " word" : " words") + " remaining";
    }
    var over = -left;
    return "You have " + over + (over === 1 ? " word" : " words") + " too many";
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
      counter.textContent = describe(limit, words);
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
