/* The theme's helpers (scope, hash, local storage), formerly an inline script in the page head. */
(function () {
  "use strict";
  var script = document.currentScript;
  var scope = (script && script.getAttribute("data-scope")) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (value) {
    return Array.from(value).reduce(function (hash, char) {
      return (hash << 5) - hash + char.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (err) {
      /* storage full or disabled: the theme works without it */
    }
  };
})();
