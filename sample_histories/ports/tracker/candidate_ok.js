/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/tracker/candidate_ok (modules Backend.Main, Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes)
 * plus the root module(s) the Elm-fullstack host generates for it.  The tracker logic shared
 * by all versions is ElmPortLib.trackerApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.trackerApp({ priority: true, rename: 'fixed', roles: true });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState is the v4 state (users without role); users
  // who joined before the first issue was reported become maintainers, everyone else a member.
  L.defineMigration({
    decodePrevious: L.trackerCoders({ priority: true, roles: false }).decodeState,
    migrate: function (previous) {
      // List.minimum |> Maybe.withDefault 0
      var created = L.Dict.values(previous.issues).map(function (issue) { return issue.createdTimeMilli; });
      var firstIssueTimeMilli = created.length === 0 ? 0 : created.reduce(function (a, b) { return a < b ? a : b; });
      return {
        users: L.Dict.map(function (_, user) {
          return {
            displayName: user.displayName,
            email: user.email,
            joinedTimeMilli: user.joinedTimeMilli,
            role: L.tag(user.joinedTimeMilli < firstIssueTimeMilli ? 'Maintainer' : 'Member')
          };
        }, previous.users),
        issues: previous.issues,
        nextIssueId: previous.nextIssueId
      };
    },
    encodeState: app.encodeState
  });
})(ElmPortLib);
