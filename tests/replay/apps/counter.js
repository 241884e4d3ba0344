// Test app (not an Elm port): Int counter; body {"addition":N}; "crash"/"loop"/"grow" bodies misbehave on purpose.
var initState = { DeserializeSuccessful: 0 };
var app_state;
function processEventAndUpdateState(eventJson) {
  if (app_state.DeserializeFailed !== undefined) return "[]";
  var body = testBody(eventJson);
  if (body === "crash") throw new Error("counter crashed on purpose");
  if (body === "throw-string") throw "a plain string";
  if (body === "loop") { while (true) {} }
  if (body === "grow") { var a = []; while (true) a.push(new Array(100000).fill(1)); }
  if (body === "recurse") { var f = function (n) { return f(n + 1) + 1; }; f(0); }
  if (body === "number") return 42;
  if (body === "log") console.log("counter is", app_state.DeserializeSuccessful);
  if (body !== null && body[0] === "{") {
    app_state = { DeserializeSuccessful: app_state.DeserializeSuccessful + JSON.parse(body).addition };
  }
  return testRespond(eventJson, String(app_state.DeserializeSuccessful));
}
function getSerializedState() {
  return app_state.DeserializeFailed !== undefined
    ? JSON.stringify({ Interface_DeserializeFailed: { error: app_state.DeserializeFailed } })
    : JSON.stringify(app_state.DeserializeSuccessful);
}
function setSerializedState(s) {
  try {
    var v = JSON.parse(s);
    if (typeof v === "number" && Math.floor(v) === v) { app_state = { DeserializeSuccessful: v }; return; }
    if (v && v.Interface_DeserializeFailed) { app_state = { DeserializeFailed: v.Interface_DeserializeFailed.error }; return; }
    app_state = { DeserializeFailed: "Expecting an INT" };
  } catch (e) {
    app_state = { DeserializeFailed: "This is not valid JSON! " + e.message };
  }
}
