// Test app (not an Elm port): String builder with a migration from the Int counter (Int -> String).
var initState = { DeserializeSuccessful: "" };
var app_state;
function processEventAndUpdateState(eventJson) {
  if (app_state.DeserializeFailed !== undefined) return "[]";
  var body = testBody(eventJson);
  if (body !== null) app_state = { DeserializeSuccessful: app_state.DeserializeSuccessful + body };
  return testRespond(eventJson, app_state.DeserializeSuccessful);
}
function getSerializedState() {
  return app_state.DeserializeFailed !== undefined
    ? JSON.stringify({ Interface_DeserializeFailed: { error: app_state.DeserializeFailed } })
    : JSON.stringify(app_state.DeserializeSuccessful);
}
function setSerializedState(s) {
  try {
    var v = JSON.parse(s);
    if (typeof v === "string") { app_state = { DeserializeSuccessful: v }; return; }
    if (v && v.Interface_DeserializeFailed) { app_state = { DeserializeFailed: v.Interface_DeserializeFailed.error }; return; }
    app_state = { DeserializeFailed: "Expecting a STRING" };
  } catch (e) {
    app_state = { DeserializeFailed: "This is not valid JSON! " + e.message };
  }
}
function interface_migrate(previous) {
  var v;
  try { v = JSON.parse(previous); } catch (e) { return JSON.stringify({ Err: ["This is not valid JSON! " + e.message] }); }
  if (typeof v !== "number") return JSON.stringify({ Err: ["Problem with the given value:\n\n" + JSON.stringify(v, null, 4) + "\n\nExpecting an INT"] });
  return JSON.stringify({ Ok: [JSON.stringify(String(v))] });
}
