// Results as you type; without JavaScript the form submits as usual.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var box = document.getElementById("id_q");
  var results = document.getElementById("results");
  if (!form || !box || !results || !window.fetch) { return; }
  var timer = null;
  var latest = 0;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams(new FormData(form));
      if (!box.value.trim()) { return; }
      var ticket = ++latest;
      params.set("partial", "1");
      fetch(form.action + "?" + params.toString(), { headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (ticket !== latest) { return; }  // an older answer arriving late
          results.innerHTML = html;
          params.delete("partial");
          history.replaceState(null, "", form.action + "?" + params.toString());
        })
        .catch(function () { /* the submit button still works */ });
    }, 250);
  });
})();
