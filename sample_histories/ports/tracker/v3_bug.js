/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/tracker/v3_bug (modules Backend.Main, Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes)
 * plus the root module(s) the Elm-fullstack host generates for it.  The tracker logic shared
 * by all versions is ElmPortLib.trackerApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  // rename: 'buggy' -- v3's rename clears the assignee of every issue not assigned to the
  // renamed user (see renameUserInIssue in the Elm source and in elm_port_lib.js).
  var app = L.trackerApp({ priority: true, rename: 'buggy', roles: false });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState = Backend.Main.State; migrate = identity
  L.defineMigration({
    decodePrevious: app.decodeState,
    migrate: function (previous) { return previous; },
    encodeState: app.encodeState
  });
})(ElmPortLib);
