// A search box above a long list of units: typing narrows the <select> to the names that contain
// the words typed (chosen units stay chosen and stay shown). Served by duban itself.
document.querySelectorAll("input[data-filters]").forEach(function (box) {
  var select = document.getElementById(box.dataset.filters);
  if (!select) return;
  box.addEventListener("input", function () {
    var words = box.value.trim();
    Array.prototype.forEach.call(select.options, function (o) {
      o.hidden = words !== "" && !o.selected && o.text.indexOf(words) < 0;
    });
  });
});
