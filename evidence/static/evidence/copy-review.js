// The public copy's review page: a drag over a frame fills the "draw a region" form with the
// rectangle in the video's own pixels and the frame's time as the region's start.
document.querySelectorAll("img.frame").forEach((img) => {
  let from = null;
  const point = (event) => {
    const box = img.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top, box.width];
  };
  img.addEventListener("mousedown", (event) => {
    event.preventDefault();
    from = point(event);
  });
  img.addEventListener("mouseup", (event) => {
    if (!from) return;
    const to = point(event);
    const scale = Number(img.dataset.videoWidth || 0) / to[2] || 1;
    const set = (name, value) => {
      document.getElementById("id_" + name).value = Math.round(value * scale);
    };
    set("x0", Math.min(from[0], to[0]));
    set("y0", Math.min(from[1], to[1]));
    set("x1", Math.max(from[0], to[0]));
    set("y1", Math.max(from[1], to[1]));
    document.getElementById("id_start").value = img.dataset.t;
    from = null;
  });
});
