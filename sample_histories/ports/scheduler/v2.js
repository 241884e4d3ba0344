/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/scheduler/v2 (Backend.Main, Backend.MigrateState; Base64 from danfishgold/base64-bytes)
 * plus the root module the Elm-fullstack host of 2021-09 .. 2023-02 generated for it.
 * Evaluate after ports/lib/elm_port_lib.js and ports/lib/backend_main_2021.js.
 */
(function (L) {
  'use strict';
  var app = L.BackendMain.schedulerApp({ fired: true });
  var previous = L.BackendMain.schedulerCoders({});
  app.migration = {
    decodePrevious: previous.decode,
    migrate: function (p) {
      return [{ reminders: p.reminders, nextId: p.nextId, volatileProcessId: null, delivered: p.delivered, firedCount: p.delivered.length },
        [app.createDeliveryProcess]];
    }
  };
  L.defineBackendMain(app);
})(ElmPortLib);
