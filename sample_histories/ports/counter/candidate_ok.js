/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/counter/candidate_ok (modules Backend.Main, Backend.InterfaceToHost,
 * MigrateBackendState; Base64 from danfishgold/base64-bytes) plus the root modules the Elm-fullstack host generates for it.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var G = L.G, GE = L.GE;

  var decodeState = G.record([['text', G.string], ['length', G.int]]);
  var encodeState = GE.record([['text', GE.string], ['length', GE.int]]);

  function processEvent(hostEvent, stateBefore) {
    if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, L.passiveAppEventResponse];
    var httpRequestEvent = hostEvent.a[0];
    var request = httpRequestEvent.request;
    var state = stateBefore;
    if (request.method.toLowerCase() === 'post') {
      var text = stateBefore.text + L.requestBodyText(request, '');
      state = { text: text, length: text.length };
    }
    return [state, L.httpResponse(httpRequestEvent.httpRequestId, 200, [], state.text)];
  }

  L.defineBackend({
    init: { text: '', length: 0 },
    decodeState: decodeState,
    encodeState: encodeState,
    digestState: L.GD.record([['text', L.GD.string], ['length', L.GD.int]]),
    processEvent: processEvent
  });

  // MigrateBackendState: PreviousBackendState = String
  L.defineMigration({
    decodePrevious: G.string,
    migrate: function (previous) { return { text: previous, length: previous.length }; },
    encodeState: encodeState
  });
})(ElmPortLib);
