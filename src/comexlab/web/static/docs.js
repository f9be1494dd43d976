// Start Swagger UI on /api/docs from same-origin files (the CSP allows no inline script, no CDN).
// Requests made with "Try it out" carry the session's CSRF token like the app's own pages do.
(function () {
  "use strict";
  var token = null;
  function csrf() {
    if (token) { return Promise.resolve(token); }
    return fetch("/api/auth/csrf", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) { token = body.csrf_token; return token; });
  }
  window.addEventListener("DOMContentLoaded", function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: function (req) {
        if (["GET", "HEAD", "OPTIONS"].indexOf((req.method || "GET").toUpperCase()) >= 0) {
          return req;
        }
        return csrf().then(function (t) { req.headers["X-CSRF-Token"] = t; return req; });
      }
    });
  });
})();
