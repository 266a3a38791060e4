// Selecting words in a `.js-selectable` text fills the form next to it: which text (the
// `source` select), the words, and their start/end offsets in the text as typed. Without
// JavaScript the person pastes the words and the server finds them.
(function () {
  "use strict";

  function offsetWithin(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function onSelect() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    const container = range.commonAncestorContainer.nodeType === Node.ELEMENT_NODE
      ? range.commonAncestorContainer.closest(".js-selectable")
      : range.commonAncestorContainer.parentElement.closest(".js-selectable");
    if (!container) {
      return;
    }
    const start = offsetWithin(container, range.startContainer, range.startOffset);
    const end = offsetWithin(container, range.endContainer, range.endOffset);
    if (end <= start) {
      return;
    }
    const form = document.querySelector("form input[name=action][value=redact]")?.form
      || document.querySelector("form.js-selection-form");
    if (!form) {
      return;
    }
    form.querySelector("[name=source]").value = container.dataset.source;
    form.querySelector("[name=start]").value = String(start);
    form.querySelector("[name=end]").value = String(end);
    form.querySelector("[name=quoted]").value = container.textContent.slice(start, end);
  }

  document.addEventListener("mouseup", onSelect);
  document.addEventListener("keyup", onSelect);

  // Words typed or pasted by hand are found by the server: forget stale offsets.
  document.addEventListener("input", function (event) {
    if (event.target.name === "quoted") {
      const form = event.target.form;
      form.querySelector("[name=start]").value = "";
      form.querySelector("[name=end]").value = "";
    }
  });
}());
