// Suggest similar ideas while the title is typed. The form works without this script: its
// "Look for similar ideas" button asks the server for the same list.
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  if (!form || !window.fetch) { return; }
  var title = form.querySelector("#title");
  var target = document.getElementById("similar-ideas");
  if (!title || !target) { return; }
  var heading = target.querySelector("h2");
  var timer = null;
  var last = title.value.trim();

  function show(html) {
    // Keep the section's heading; replace only the list under it.
    Array.prototype.slice.call(target.children).forEach(function (child) {
      if (child !== heading) { target.removeChild(child); }
    });
    var holder = document.createElement("div");
    holder.innerHTML = html;
    target.appendChild(holder);
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var value = title.value.trim();
      if (value === last) { return; }
      last = value;
      if (value.length < 6) { show(""); return; }
      var url = form.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(value);
      fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(show)
        .catch(function () { /* suggestions help; the form does not need them */ });
    }, 400);
  });
}());
