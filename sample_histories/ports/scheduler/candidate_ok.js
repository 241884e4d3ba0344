/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/scheduler/candidate_ok (Backend.Main, Backend.MigrateState; Base64 from danfishgold/base64-bytes)
 * plus the root module the Elm-fullstack host of 2021-09 .. 2023-02 generated for it.
 * Evaluate after ports/lib/elm_port_lib.js and ports/lib/backend_main_2021.js.
 */
(function (L) {
  'use strict';
  var app = L.BackendMain.schedulerApp({ fired: true, lastFired: true });
  var previous = L.BackendMain.schedulerCoders({ fired: true });
  app.migration = {
    decodePrevious: previous.decode,
    migrate: function (p) {
      return [{ reminders: p.reminders, nextId: p.nextId, volatileProcessId: p.volatileProcessId, delivered: p.delivered,
        firedCount: p.firedCount, lastFiredMilli: 0 }, []];
    }
  };
  L.defineBackendMain(app);
})(ElmPortLib);
