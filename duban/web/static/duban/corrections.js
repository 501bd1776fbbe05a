// The unit picker of the correction forms, served by duban itself: a plain text input of names
// separated by "、" becomes chips and a search box that suggests units as one types (without
// script the input stays and takes the names as typed). Also: a confirm before removing.
(function () {
  var data = document.getElementById("unit-names");
  var all = data ? JSON.parse(data.textContent) : [];

  function picker(input) {
    var chosen = input.value.split(/[、,,;;\n]+/).map(function (s) { return s.trim(); }).filter(Boolean);
    var box = document.createElement("div");
    box.className = "picker";
    var chips = document.createElement("ul");
    chips.className = "chips";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.placeholder = "输入单位名称查找,如:教育";
    var label = input.closest("label");
    search.setAttribute("aria-label", "查找并添加" + (label ? label.firstChild.textContent.trim() : "单位"));
    search.setAttribute("autocomplete", "off");
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    box.appendChild(chips); box.appendChild(search); box.appendChild(list);
    input.type = "hidden";
    input.parentNode.insertBefore(box, input.nextSibling);

    function sync() {
      input.value = chosen.join("、");
      chips.textContent = "";
      chosen.forEach(function (name, i) {
        var li = document.createElement("li");
        li.textContent = name;
        var x = document.createElement("button");
        x.type = "button"; x.className = "chip-remove"; x.textContent = "×";
        x.setAttribute("aria-label", "移除" + name);
        x.addEventListener("click", function () { chosen.splice(i, 1); sync(); search.focus(); });
        li.appendChild(x);
        chips.appendChild(li);
      });
    }
    function add(name) {
      if (name && chosen.indexOf(name) < 0) chosen.push(name);
      search.value = ""; list.textContent = ""; sync(); search.focus();
    }
    function suggest() {
      var words = search.value.trim();
      list.textContent = "";
      if (!words) return;
      all.filter(function (n) { return n.indexOf(words) >= 0 && chosen.indexOf(n) < 0; }).slice(0, 8)
        .forEach(function (n) {
          var li = document.createElement("li");
          li.setAttribute("role", "option"); li.textContent = n; li.tabIndex = 0;
          li.addEventListener("mousedown", function (e) { e.preventDefault(); add(n); });
          li.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); add(n); } });
          list.appendChild(li);
        });
    }
    search.addEventListener("input", suggest);
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();  // Enter picks the first match; it does not submit half a list
        var first = list.querySelector("li");
        if (first) add(first.textContent);
        else if (all.indexOf(search.value.trim()) >= 0) add(search.value.trim());
      } else if (e.key === "Backspace" && !search.value && chosen.length) {
        chosen.pop(); sync();
      } else if (e.key === "ArrowDown" && list.firstChild) {
        e.preventDefault(); list.firstChild.focus();
      }
    });
    input.form.addEventListener("submit", function () {
      var rest = search.value.trim();  // a whole name typed but not picked still counts
      if (rest && all.indexOf(rest) >= 0 && chosen.indexOf(rest) < 0) { chosen.push(rest); sync(); }
    });
    sync();
  }

  document.querySelectorAll("input[data-unit-picker]").forEach(picker);
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  });
})();
