/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/tracker/v2 (modules Backend.Main, Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes)
 * plus the root module(s) the Elm-fullstack host generates for it.  The tracker logic shared
 * by all versions is ElmPortLib.trackerApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.trackerApp({ priority: true, rename: 'displayName', roles: false });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState is the v1 state; issues labelled "urgent" get
  // priority Just Urgent, all others Nothing.
  L.defineMigration({
    decodePrevious: L.trackerCoders({ priority: false, roles: false }).decodeState,
    migrate: function (previous) {
      return {
        users: previous.users,
        issues: L.Dict.map(function (_, issue) {
          return {
            title: issue.title,
            description: issue.description,
            reporter: issue.reporter,
            assignee: issue.assignee,
            status: issue.status,
            priority: L.Set.member('urgent', issue.labels) ? L.tag('Urgent') : null,
            labels: issue.labels,
            comments: issue.comments,
            createdTimeMilli: issue.createdTimeMilli
          };
        }, previous.issues),
        nextIssueId: previous.nextIssueId
      };
    },
    encodeState: app.encodeState
  });
})(ElmPortLib);
