/* hipext card sizer: fits every framed hipext exercise card to the height the card
   reports, on load and whenever it changes (narrower frame, larger font). No
   dependencies; include once per page, anywhere: <script src="…/embed/sizer.js" async>. */
(function () {
  if (window.hipextCardSizer) return;
  window.hipextCardSizer = true;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/", location.href).origin;
  function cards() {
    return Array.prototype.filter.call(document.getElementsByTagName("iframe"),
      function (frame) { return frame.src.indexOf(origin + "/embed/") === 0; });
  }
  addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "hipext:card-height") return;
    var height = Number(data.height);
    if (!(height > 0 && height < 100000)) return;
    cards().forEach(function (frame) {
      if (frame.contentWindow === event.source) frame.style.height = height + "px";
    });
  });
  // Cards that loaded before this script did: ask them again.
  cards().forEach(function (frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ type: "hipext:card-height?" }, origin);
    }
  });
})();
