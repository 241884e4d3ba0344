/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/tracker/v4_fix (modules Backend.Main, Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes)
 * plus the root module(s) the Elm-fullstack host generates for it.  The tracker logic shared
 * by all versions is ElmPortLib.trackerApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.trackerApp({ priority: true, rename: 'fixed', roles: false });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState = Backend.Main.State; issues in progress
  // without an assignee get the label "assignee-lost".
  L.defineMigration({
    decodePrevious: app.decodeState,
    migrate: function (previous) {
      return app.withFields(previous, {
        issues: L.Dict.map(function (_, issue) {
          if (issue.status.$ === 'InProgress' && issue.assignee === null) {
            return app.withFields(issue, { labels: L.Set.insert('assignee-lost', issue.labels) });
          }
          return issue;
        }, previous.issues)
      });
    },
    encodeState: app.encodeState
  });
})(ElmPortLib);
