// Test helper for the hand-written test apps below: base64 -> UTF-8 text (V8 has no atob here).
function testDecodeBase64(s) {
  var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", bytes = [], b = 0, n = 0;
  for (var i = 0; i < s.length; i++) {
    var c = A.indexOf(s[i]);
    if (c < 0) continue;
    b = (b << 6) | c; n += 6;
    if (n >= 8) { n -= 8; bytes.push((b >> n) & 255); }
  }
  return decodeURIComponent(bytes.map(function (x) { return "%" + ("0" + x.toString(16)).slice(-2); }).join(""));
}
function testBody(eventJson) {
  var e = JSON.parse(eventJson);
  return e.HttpRequestEvent ? testDecodeBase64(e.HttpRequestEvent.request.bodyAsBase64) : null;
}
function testRespond(eventJson, text) {
  var e = JSON.parse(eventJson);
  var responses = e.HttpRequestEvent ? [{ httpRequestId: e.HttpRequestEvent.httpRequestId, response: { statusCode: 200, body: text } }] : [];
  return JSON.stringify({ DecodeEventSuccess: { completeHttpResponses: responses } });
}
