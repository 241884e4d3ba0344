/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/notes/candidate_reject (modules Backend.Main, Backend.InterfaceToHost, Api,
 * CompilationInterface.GenerateJsonCoders, CompilationInterface.SourceFiles, MigrateBackendState; Base64 from
 * danfishgold/base64-bytes) plus the root module(s) the Elm-fullstack host generates for it.
 * The notes logic shared by all versions is ElmPortLib.notesApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.notesApp({ pin: true, tagSet: false, archived: true });
  L.defineBackend(app);

  // MigrateBackendState: declares the new state type as its input (identity), so the v2
  // state, whose notes have no `archived`, does not decode.
  L.defineMigration({
    decodePrevious: app.decodeState,
    migrate: function (previous) { return previous; },
    encodeState: app.encodeState
  });
})(ElmPortLib);
