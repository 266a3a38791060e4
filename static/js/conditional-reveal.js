// Conditional reveal: a block of questions marked data-reveal-when="<radio name>" and
// data-reveal-value="<value>" shows only while that radio button is chosen. Progressive
// enhancement: without this script every question shows, and the server ignores the
// answers that do not apply.
(function () {
  "use strict";

  document.querySelectorAll("[data-reveal-when]").forEach(function (block) {
    var radios = document.querySelectorAll(
      'input[type="radio"][name="' + block.getAttribute("data-reveal-when") + '"]'
    );
    var wanted = block.getAttribute("data-reveal-value");

    function update() {
      var shown = false;
      radios.forEach(function (radio) {
        if (radio.checked && radio.value === wanted) {
          shown = true;
        }
      });
      block.hidden = !shown;
    }

    radios.forEach(function (radio) {
      if (block.id) {
        radio.setAttribute("aria-controls", block.id);
      }
      radio.addEventListener("change", update);
    });
    update();
  });
})();
