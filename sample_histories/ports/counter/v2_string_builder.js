/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/counter/v2_string_builder (modules Backend.Main,
 * Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes) plus the root modules the
 * Elm-fullstack host generates for it (backend root and migration root).
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';

  function processEvent(hostEvent, stateBefore) {
    if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, L.passiveAppEventResponse];
    var httpRequestEvent = hostEvent.a[0];
    var request = httpRequestEvent.request;
    var method = request.method.toLowerCase();
    var state = method === 'post' ? stateBefore + L.requestBodyText(request, '') : stateBefore;
    return [state, L.httpResponse(httpRequestEvent.httpRequestId, 200, [], state)];
  }

  L.defineBackend({
    init: '',
    decodeState: L.G.string,
    encodeState: L.GE.string,
    digestState: L.GD.string,
    processEvent: processEvent
  });

  // MigrateBackendState: PreviousBackendState = Int; migrate = String.fromInt
  L.defineMigration({
    decodePrevious: L.G.int,
    migrate: function (previous) { return previous + ''; },
    encodeState: L.GE.string
  });
})(ElmPortLib);
