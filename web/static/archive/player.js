// Keeps the transcript in step with the player: highlight the segment being spoken,
// click a segment to seek. The page works without it (the server marks ?t= already).
(function () {
  "use strict";
  var player = document.getElementById("player");
  var items = Array.prototype.slice.call(document.querySelectorAll(".segment[data-start]"));
  if (!player || !items.length) { return; }
  var current = document.querySelector(".segment.current");

  function mark(item) {
    if (item === current) { return; }
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = item;
    if (item) {
      item.classList.add("current");
      item.setAttribute("aria-current", "true");
      var box = item.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        item.scrollIntoView({ block: "nearest" });
      }
    }
  }

  function at(time) {
    for (var i = items.length - 1; i >= 0; i--) {
      if (parseFloat(items[i].dataset.start) <= time + 0.05) { return items[i]; }
    }
    return null;
  }

  player.addEventListener("timeupdate", function () { mark(at(player.currentTime)); });
  items.forEach(function (item) {
    var seek = item.querySelector(".seek");
    if (!seek) { return; }
    seek.addEventListener("click", function (event) {
      event.preventDefault();
      player.currentTime = parseFloat(item.dataset.start);
      mark(item);
      player.play().catch(function () { /* autoplay may be refused; the time is set */ });
    });
  });
  var start = parseFloat(player.dataset.start || "");
  if (!isNaN(start)) {
    var seekTo = function () { if (Math.abs(player.currentTime - start) > 0.5) { player.currentTime = start; } };
    if (player.readyState >= 1) { seekTo(); } else { player.addEventListener("loadedmetadata", seekTo, { once: true }); }
  }
})();
