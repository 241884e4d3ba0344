/*
 * HAND-WRITTEN JavaScript port (not compiler output) of the Elm app
 * sample_histories/apps/counter/v1 (modules Backend.Main, Backend.InterfaceToHost; Base64 from danfishgold/base64-bytes)
 * plus the root module the Elm-fullstack host generates for it.
 * Evaluate after ports/lib/elm_port_lib.js.
 */
(function (L) {
  'use strict';
  var D = L.D;

  var decodeCounterEvent = D.map(function (addition) { return { addition: addition }; }, D.field('addition', D.int));

  function processEvent(hostEvent, stateBefore) {
    if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, L.passiveAppEventResponse];
    var httpRequestEvent = hostEvent.a[0];
    var decoded = D.decodeString(decodeCounterEvent, L.requestBodyText(httpRequestEvent.request, 'Missing HTTP body'));
    var state = stateBefore;
    var statusCode = 400;
    var body;
    if (!decoded.ok) {
      body = 'Failed to deserialize counter event from HTTP Request content: ' + D.errorToString(decoded.error);
    } else {
      state = stateBefore + decoded.value.addition;
      statusCode = 200;
      body = '' + state;
    }
    return [state, L.httpResponse(httpRequestEvent.httpRequestId, statusCode, [], body)];
  }

  L.defineBackend({
    init: 0,
    decodeState: L.G.int,
    encodeState: L.GE.int,
    digestState: L.GD.int,
    processEvent: processEvent
  });
})(ElmPortLib);
