// Live updates: the server sends the changing part of the page whenever the class changes.
// EventSource reconnects by itself; while it is down the status says so.
"use strict";
(function () {
  var live = document.getElementById("live");
  var status = document.getElementById("status");
  var source = new EventSource(document.body.dataset.events);
  var shown = status.innerHTML;
  source.onmessage = function (event) {
    live.innerHTML = event.data;
    status.innerHTML = shown;
    status.classList.remove("offline");
  };
  source.onerror = function () {
    status.textContent = status.dataset.reconnecting;
    status.classList.add("offline");
  };
})();
