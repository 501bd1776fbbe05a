// duban office pages: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // The comment form: how many characters are left of the limit.
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    var note = document.createElement("small");
    note.className = "muted counter";
    area.insertAdjacentElement("afterend", note);
    function update() { note.textContent = "还可输入 " + (limit - area.value.length) + " 字"; }
    area.addEventListener("input", update);
    update();
  });
  // Filter forms: a changed sort order applies at once.
  document.querySelectorAll("form.filters select[name=sort]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
