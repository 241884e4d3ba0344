/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/counter/candidate_reject (modules Backend.Main,
 * Backend.InterfaceToHost, MigrateBackendState; Base64 from danfishgold/base64-bytes) plus the root modules the
 * Elm-fullstack host generates for it.  Its migration expects a record where the deployed
 * string builder has a String, so interface_migrate returns Err on the sample history.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var G = L.G, GE = L.GE;

  var stateFields = [['maybeString', G.maybe(G.string)], ['otherState', G.string]];
  var decodeState = G.record(stateFields);
  var encodeState = GE.record([['maybeString', GE.maybe(GE.string)], ['otherState', GE.string]]);

  function processEvent(hostEvent, stateBefore) {
    if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, L.passiveAppEventResponse];
    var httpRequestEvent = hostEvent.a[0];
    var request = httpRequestEvent.request;
    var state = stateBefore;
    if (request.method.toLowerCase() === 'post') {
      state = { maybeString: stateBefore.maybeString, otherState: stateBefore.otherState + L.requestBodyText(request, '') };
    }
    return [state, L.httpResponse(httpRequestEvent.httpRequestId, 200, [], state.otherState)];
  }

  L.defineBackend({
    init: { maybeString: null, otherState: '' },
    decodeState: decodeState,
    encodeState: encodeState,
    digestState: L.GD.record([['maybeString', L.GD.maybe(L.GD.string)], ['otherState', L.GD.string]]),
    processEvent: processEvent
  });

  // MigrateBackendState: PreviousBackendState = { maybeString : Maybe String, otherState : String }
  L.defineMigration({
    decodePrevious: G.record(stateFields),
    migrate: function (previous) { return previous; },
    encodeState: encodeState
  });
})(ElmPortLib);
