/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/notes/v1 (modules Backend.Main, Backend.InterfaceToHost, Api,
 * CompilationInterface.GenerateJsonCoders, CompilationInterface.SourceFiles; Base64 from
 * danfishgold/base64-bytes) plus the root module(s) the Elm-fullstack host generates for it.
 * The notes logic shared by all versions is ElmPortLib.notesApp in ports/lib/elm_port_lib.js.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  L.defineBackend(L.notesApp({ pin: false, tagSet: false, archived: false }));
})(ElmPortLib);
