/* Review page: keyboard shortcuts, evidence highlighting, picking a value from the text.
   Everything here is an enhancement: the page's plain forms work without it. */
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".field-card"));
  if (!cards.length && !document.getElementById("next-document")) return;
  var current = cards.findIndex(function (c) { return c.classList.contains("current"); });
  if (current < 0) current = 0;

  function card() { return cards[current]; }

  function highlight(name) {
    document.querySelectorAll(".evidence-box, .review-text .evidence").forEach(function (el) {
      var names = (el.dataset.field || el.dataset.fields || "").split(" ");
      el.classList.toggle("active", names.indexOf(name) >= 0);
    });
  }

  function select(index, focus) {
    if (!cards.length) return;
    current = Math.max(0, Math.min(cards.length - 1, index));
    cards.forEach(function (c, i) { c.classList.toggle("current", i === current); });
    var c = card();
    highlight(c.dataset.field);
    if (focus !== false) {
      c.focus({ preventScroll: true });
      c.scrollIntoView({ block: "nearest" });
      var box = document.querySelector('.evidence-box[data-field="' + c.dataset.field + '"]');
      if (box) box.scrollIntoView({ block: "nearest" });
    }
  }

  function submit(action) {
    var c = card();
    var button = c && c.querySelector('button[data-action="' + action + '"]');
    if (button) button.form.requestSubmit ? button.form.requestSubmit(button) : button.click();
  }

  function editBox() { var c = card(); return c && c.querySelector("input[name=value]"); }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); select(current); }
      return;  // Enter in the value box submits its form: the first button, "Save correction"
    }
    var key = event.key;
    if (key === "j") { select(current + 1); }
    else if (key === "k") { select(current - 1); }
    else if (key === "a") { submit("accept"); }
    else if (key === "r") { submit("reject"); }
    else if (key === "e") { var box = editBox(); if (box) { box.focus(); box.select(); } }
    else if (key === "n") { var next = document.getElementById("next-document"); if (next) window.location.href = next.href; }
    else return;
    event.preventDefault();
  });

  cards.forEach(function (c, i) {
    c.addEventListener("focusin", function () { if (current !== i) select(i, false); });
    c.addEventListener("click", function () { if (current !== i) select(i, false); });
  });

  // Click in the text: the selected text, or the word (or placeholder) under the pointer,
  // becomes the current field's value.
  function wordAt(event) {
    var range = document.caretRangeFromPoint ? document.caretRangeFromPoint(event.clientX, event.clientY) : null;
    if (!range && document.caretPositionFromPoint) {
      var pos = document.caretPositionFromPoint(event.clientX, event.clientY);
      if (pos) { range = document.createRange(); range.setStart(pos.offsetNode, pos.offset); }
    }
    if (!range || range.startContainer.nodeType !== Node.TEXT_NODE) return "";
    var text = range.startContainer.textContent, at = range.startOffset;
    var start = at, end = at;
    while (start > 0 && /\S/.test(text[start - 1])) start--;
    while (end < text.length && /\S/.test(text[end])) end++;
    return text.slice(start, end).replace(/^[("'\[]+|[)"'\],;:.!?]+$/g, "");
  }

  document.querySelectorAll("[data-pickable]").forEach(function (pre) {
    pre.addEventListener("mouseup", function (event) {
      var box = editBox();
      if (!box) return;
      var selection = window.getSelection();
      var value = selection && !selection.isCollapsed ? selection.toString().trim() : "";
      if (!value) {
        var piece = event.target.closest(".piece.redacted");
        value = piece ? piece.textContent.trim() : wordAt(event);
      }
      if (!value) return;
      box.value = value.replace(/\s+/g, " ");
      box.focus();
    });
  });

  if (cards.length) select(current, !document.activeElement || document.activeElement === document.body);
})();
