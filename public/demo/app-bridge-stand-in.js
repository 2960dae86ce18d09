// Demo only: a local stand-in for App Bridge (whose CDN script cannot load offline). It gives pages
// the `shopify` global and, like App Bridge, authenticates the app's own fetches with a session token
// that Shopify admin (here: the Shopify test double, via /demo/session-token) signs.
(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("demo-shop") || "";
  var host = params.get("host") || sessionStorage.getItem("demo-host") || "";
  sessionStorage.setItem("demo-shop", shop);
  sessionStorage.setItem("demo-host", host);
  var cached = params.get("id_token");
  var expiresAt = function (t) { try { return JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp * 1000; } catch (e) { return 0; } };
  var realFetch = window.fetch.bind(window);
  function idToken(force) {
    if (!force && cached && expiresAt(cached) - Date.now() > 10000) return Promise.resolve(cached);
    return realFetch("/demo/session-token?shop=" + encodeURIComponent(shop), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("session token: HTTP " + r.status); return r.json(); })
      .then(function (b) { cached = b.token; return cached; });
  }
  function withToken(input, init, token) {
    var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
    return realFetch(input instanceof Request ? input.clone() : input, Object.assign({}, init, { headers: headers }));
  }
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin || url.pathname.indexOf("/demo/") === 0) return realFetch(input, init);
    return idToken(false).then(function (t) { return withToken(input, init, t); }).then(function (res) {
      if (res.status !== 401 || !res.headers.get("X-Shopify-Retry-Invalid-Session-Request")) return res;
      return idToken(true).then(function (t) { return withToken(input, init, t); });
    });
  };
  function toast(message, opts) {
    var el = document.createElement("div");
    el.setAttribute("role", "status");
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:1000;padding:10px 16px;border-radius:8px;color:#fff;font:14px system-ui;background:" + (opts && opts.isError ? "#8e1f0b" : "#303030");
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, (opts && opts.duration) || 3000);
  }
  var style = document.createElement("style");
  style.textContent = "ui-nav-menu{display:flex;gap:20px;padding:10px 20px;background:#1a1a1a;font:14px system-ui}ui-nav-menu a{color:#fff;text-decoration:none}ui-nav-menu a[rel=home]{font-weight:600}";
  document.head.appendChild(style);
  window.shopify = {
    config: { apiKey: script && script.getAttribute("data-api-key"), shop: shop, host: host, locale: navigator.language },
    idToken: function () { return idToken(false); },
    toast: { show: toast, hide: function () {} },
    loading: function (on) { document.documentElement.style.cursor = on ? "progress" : ""; },
  };
})();
