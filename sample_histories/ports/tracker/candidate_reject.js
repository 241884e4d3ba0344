/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/tracker/candidate_reject (modules Backend.Main, Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes)
 * plus the root module(s) the Elm-fullstack host generates for it.  The tracker logic shared
 * by all versions is ElmPortLib.trackerApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.trackerApp({ priority: true, rename: 'fixed', roles: true });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState = Backend.Main.State (the NEW type, with
  // User.role); migrate = identity.  On a deployed v4 state the decoder fails on `role`.
  L.defineMigration({
    decodePrevious: app.decodeState,
    migrate: function (previous) { return previous; },
    encodeState: app.encodeState
  });
})(ElmPortLib);
