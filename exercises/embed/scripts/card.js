(function () {
  // Tells the page framing this card how tall the card is, so the frame can fit it
  // (the host script /embed/sizer.js applies it): at first layout, on every resize or
  // font change, and whenever the host asks.
  var root = document.documentElement;
  var last = 0;
  function post(always) {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (window.parent === window || (height === last && !always)) return;
    last = height;
    window.parent.postMessage({ type: "hipext:card-height", height: height }, "*");
  }
  new ResizeObserver(function () { post(false); }).observe(root);
  addEventListener("load", function () { post(true); });
  addEventListener("message", function (event) {
    var data = event.data;
    if (event.source === window.parent && data && data.type === "hipext:card-height?") {
      post(true);
    }
  });
})();
