/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/notes/candidate_ok (modules Backend.Main, Backend.InterfaceToHost, Api,
 * CompilationInterface.GenerateJsonCoders, CompilationInterface.SourceFiles, MigrateBackendState; Base64 from
 * danfishgold/base64-bytes) plus the root module(s) the Elm-fullstack host generates for it.
 * The notes logic shared by all versions is ElmPortLib.notesApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var app = L.notesApp({ pin: true, tagSet: true, archived: false });
  L.defineBackend(app);

  // MigrateBackendState: PreviousBackendState is the v2 state; tags become a Set.
  L.defineMigration({
    decodePrevious: L.notesCoders({ pin: true, tagSet: false, archived: false }).decodeState,
    migrate: function (previous) {
      return {
        notes: L.Dict.map(function (_, note) {
          return { title: note.title, body: note.body, tags: L.Set.fromList(note.tags),
            createdTimeMilli: note.createdTimeMilli, pinned: note.pinned };
        }, previous.notes),
        nextId: previous.nextId
      };
    },
    encodeState: app.encodeState
  });
})(ElmPortLib);
