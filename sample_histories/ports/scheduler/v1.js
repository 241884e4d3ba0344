/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/scheduler/v1 (Backend.Main; Base64 from danfishgold/base64-bytes)
 * plus the root module the Elm-fullstack host of 2021-09 .. 2023-02 generated for it.
 * Evaluate after ports/lib/elm_port_lib.js and ports/lib/backend_main_2021.js.
 */
(function (L) {
  'use strict';
  var app = L.BackendMain.schedulerApp({});
  L.defineBackendMain(app);
})(ElmPortLib);
