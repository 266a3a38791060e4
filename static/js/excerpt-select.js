// Excerpts by selection: when the reviewer selects words inside one answer or one file's
// text, fill the excerpt form with where the selection starts and ends in that text (as
// offsets into the text), which answer it is from, and the words themselves. Without
// JavaScript the reviewer pastes the words and the server finds them.
(function () {
  "use strict";
  var form = document.getElementById("excerpt-form");
  if (!form) {
    return;
  }
  var source = form.querySelector("[name=source]");
  var start = form.querySelector("[name=start]");
  var end = form.querySelector("[name=end]");
  var quote = form.querySelector("[name=quote]");
  var status = document.createElement("p");
  status.className = "small text-body-secondary";
  status.setAttribute("role", "status");
  form.insertBefore(status, form.firstChild);

  function offsetIn(container, node, offset) {
    // Characters of `container`'s text before (node, offset).
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    var container = range.commonAncestorContainer;
    if (container.nodeType !== Node.ELEMENT_NODE) {
      container = container.parentElement;
    }
    var text = container && container.closest("[data-excerpt-source]");
    if (!text) {
      return;
    }
    var from = offsetIn(text, range.startContainer, range.startOffset);
    var to = offsetIn(text, range.endContainer, range.endOffset);
    if (to <= from) {
      return;
    }
    source.value = text.dataset.excerptSource;
    start.value = String(from);
    end.value = String(to);
    quote.value = range.toString();
    status.textContent = form.dataset.selectedMessage;
  }

  document.addEventListener("mouseup", onSelection);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") {
      onSelection();
    }
  });
  quote.addEventListener("input", function () {
    // Typed or pasted by hand: let the server find the words.
    start.value = "";
    end.value = "";
  });
})();
