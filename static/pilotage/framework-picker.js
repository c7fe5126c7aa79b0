// The framework picker of an objective filters as one types (templates/pilotage/widgets/
// framework_picker.html). Without this script its « Filtrer » button asks the server instead.
(function () {
  "use strict";

  // As pilotage.forms.framework_picker.searchable: lower case, no accents, hyphens as spaces.
  function searchable(text) {
    return text
      .toLocaleLowerCase("fr-BE")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/-/g, " ")
      .split(/\s+/)
      .filter(Boolean)
      .join(" ");
  }

  function setUp(picker) {
    var input = picker.querySelector("[data-picker-filter]");
    var button = picker.querySelector("[data-picker-button]");
    var status = picker.querySelector("[data-picker-status]");
    var others = picker.querySelector("[data-picker-others]");
    if (!input) {
      return;
    }
    var othersWereOpen = others ? others.open : false;

    function filter() {
      var words = searchable(input.value).split(" ").filter(Boolean);
      var shown = 0;
      var shownInOthers = 0;
      picker.querySelectorAll("[data-picker-group]").forEach(function (group) {
        var visible = 0;
        group.querySelectorAll("[data-picker-item]").forEach(function (item) {
          var checked = item.querySelector("input").checked;
          var text = item.getAttribute("data-search");
          var match = checked || words.every(function (word) { return text.indexOf(word) !== -1; });
          item.hidden = !match;
          if (match) {
            visible += 1;
          }
        });
        group.hidden = visible === 0;
        shown += visible;
        if (others && others.contains(group)) {
          shownInOthers += visible;
        }
      });
      if (others) {
        // Matches among the other frameworks show themselves; clearing the filter closes them again.
        others.open = words.length ? shownInOthers > 0 : othersWereOpen;
      }
      status.textContent = words.length
        ? shown + (shown > 1 ? " éléments" : " élément") + " pour « " + input.value.trim() + " » (les éléments cochés restent affichés)."
        : "";
    }

    input.addEventListener("input", filter);
    // Enter in the filter filters; it does not send the objective's form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        filter();
      }
    });
    if (button) {
      button.hidden = true;
    }
    if (others) {
      others.addEventListener("toggle", function () {
        if (!searchable(input.value)) {
          othersWereOpen = others.open;
        }
      });
    }
    if (input.value) {
      filter();
    }
  }

  document.querySelectorAll("[data-framework-picker]").forEach(setUp);
})();
