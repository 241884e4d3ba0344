// elmreplay's harness, evaluated in every V8 context before the app's runtime.
// It captures the builtins it needs before app code runs (so an app that overwrites JSON or
// Array cannot break the replay loop), collects console output per event, and runs batches of
// events inside V8 so that Python crosses into the engine once per batch, not once per event.
(function (global) {
  "use strict";
  var parse = JSON.parse, stringify = JSON.stringify, push = Array.prototype.push;
  // Captured too, for console output after an app replaced builtins (Reflect.apply needs no .call).
  var apply = Reflect.apply, join = Array.prototype.join, slice = String.prototype.slice, toText = String;
  var split = String.prototype.split, charCodeAt = String.prototype.charCodeAt;
  var MAX_LOG_LINES = 10000, MAX_LOG_CHARS = 2000;
  var logs = [];
  var current = -1;

  function describe(v) {
    try { return typeof v === "string" ? v : toText(v); } catch (e) { return "<unprintable>"; }
  }
  function log() {
    if (logs.length >= MAX_LOG_LINES) return;
    var parts = [];
    for (var i = 0; i < arguments.length; i++) apply(push, parts, [describe(arguments[i])]);
    var line = apply(join, parts, [" "]);
    if (line.length > MAX_LOG_CHARS) line = apply(slice, line, [0, MAX_LOG_CHARS]) + "…";
    apply(push, logs, [[current, line]]);
  }
  global.console = { log: log, info: log, warn: log, error: log, debug: log };

  function thrownInfo(e) {
    var info = { message: describe(e), type: typeof e, stack: null };
    if (e !== null && typeof e === "object") {
      try { info.message = describe(e.message !== undefined ? e.message : e); } catch (x) {}
      try { info.stack = e.stack ? describe(e.stack) : null; } catch (x) {}
      try { info.type = e.name ? describe(e.name) : "object"; } catch (x) {}
    }
    return info;
  }

  function expectString(value, what) {
    if (typeof value !== "string") {
      throw { name: "BadReturn", message: what + " returned " + (value === null ? "null" : typeof value) + ", not a string" };
    }
    return value;
  }

  // Python stores a call's big string argument here (a V8 string: no JavaScript to parse).
  // A sealed object without prototype: storing into it runs no code an app could have changed.
  var inbox = Object.create(null);
  inbox.arg = null;
  Object.seal(inbox);
  var inboxTaken = false;
  function takeInbox() {
    if (inboxTaken) return null;  // handed out once, before the app's code is evaluated
    inboxTaken = true;
    return inbox;
  }
  function received() {
    var value = inbox.arg;
    inbox.arg = null;
    return value;
  }

  // Live checkpoints: references to earlier values of app_state, under ids Python chooses.
  // Elm values are immutable, so a reference is an exact copy of the state the host had, for
  // free. No prototype: storing, reading and deleting run no code an app could have changed.
  var held = Object.create(null);
  var heldCount = 0;
  function hold(key) {
    if (!(key in held)) heldCount++;
    held[key] = global.app_state;
  }

  // Digests: 64 bits of hash (two 32-bit polynomial lanes over the UTF-16 code units) and
  // the length of a string, so that two timelines can be compared event by event without
  // carrying their states out of V8. A state is serialized only when app_state is another
  // object than at the last digest (Elm values are immutable, so the same object serializes
  // to the same text), and hashed only when asked: two states of different lengths differ.
  function hashInto(out, s) {
    var h1 = 0x811c9dc5 | 0, h2 = 0x2545f491 | 0, n = s.length;
    for (var i = 0; i < n; i++) {
      var c = s.charCodeAt(i);
      h1 = (h1 * 31 + c) | 0;
      h2 = (h2 * 1000003 + c) | 0;
    }
    push.call(out, h1 >>> 0, h2 >>> 0, n);
  }
  var digestOf = null, digestText = null, digestHash = null;
  // A runtime may define getStateDigest() (optional in the runtime contract): the same
  // [hash1, hash2, length] as hashing getSerializedState(), computed without the text (the
  // sample ports remember it per immutable node, so an update costs its changed path). Then
  // every state is hashed, whatever was asked: it costs no more than its length.
  function structuralDigest() {
    var d = global.getStateDigest();
    if (d === null || typeof d !== "object" || d.length !== 3) {
      throw { name: "BadReturn", message: "getStateDigest returned " + (d === null ? "null" : typeof d) + ", not [hash1, hash2, length]" };
    }
    for (var k = 0; k < 3; k++) {
      var x = d[k];
      if (typeof x !== "number" || x !== x >>> 0 || (k === 2 && x > 0x7fffffff)) {
        throw { name: "BadReturn", message: "getStateDigest returned a non-uint32 entry at " + k };
      }
    }
    return [d[0], d[1], d[2]];
  }
  // want: -2 hash, -4 length only, n >= 0 hash when the length is n, -3 nothing ([-1, -1, -1]).
  function pushStateDigest(out, want) {
    if (want === -3) { push.call(out, -1, -1, -1); return; }
    if (typeof global.getStateDigest === "function") {
      if (digestOf !== global.app_state || digestHash === null) {
        digestHash = structuralDigest();
        digestOf = global.app_state;
        digestText = null;
      }
      push.call(out, digestHash[0], digestHash[1], digestHash[2]);
      return;
    }
    if (digestOf !== global.app_state || digestText === null) {
      digestText = expectString(global.getSerializedState(), "getSerializedState");
      digestOf = global.app_state;
      digestHash = null;
    }
    if (want === -2 || want === digestText.length) {
      if (digestHash === null) { digestHash = []; hashInto(digestHash, digestText); }
      push.call(out, digestHash[0], digestHash[1], digestHash[2]);
    } else {
      push.call(out, -1, -1, digestText.length);
    }
  }

  // A batch's events, from the inbox: each preceded by the separator U+001E (a JSON text holds it
  // only escaped), or a JSON array of strings when an event holds one (engine.py batch_text).
  function batchEvents(text) {
    if (text.length > 0 && apply(charCodeAt, text, [0]) === 0x1e) return apply(split, apply(slice, text, [1]), ["\x1e"]);
    return parse(text);
  }

  // Run events[0..n) (a batch text in the inbox, see batchEvents): optionally collect responses,
  // the serialized state after chosen offsets, and hold app_state after others
  // (holdsJson: [[offset, key], ...] in ascending offsets). optionsJson (optional) is an object:
  // "query": {"key", "at"} evaluates a find condition (runtime/query.js) after each offset of
  // "at" (null: every one) into out.matches as [offset, [[path, value], ...]];
  // "digests": per event, what pushStateDigest wants (or true: hash every state), giving
  // [response hash1, hash2, length, state hash1, hash2, length] per event in out.digests.
  function runBatch(wantResponses, snapshotOffsetsJson, holdsJson, optionsJson) {
    var events = batchEvents(received()), snaps = parse(snapshotOffsetsJson);
    var holds = holdsJson === undefined || holdsJson === null ? [] : parse(holdsJson);
    var options = optionsJson === undefined || optionsJson === null ? {} : parse(optionsJson);
    var query = options.query === undefined ? null : options.query;
    var digestsSpec = options.digests === undefined ? null : options.digests;
    var wantDigests = digestsSpec !== null && digestsSpec !== false;
    var digestWant = wantDigests && digestsSpec !== true ? digestsSpec : null;
    var out = { done: 0, responses: wantResponses ? [] : null, states: {}, error: null, logs: null, matches: null, digests: wantDigests ? [] : null };
    var s = 0, h = 0, q = 0, runner = null;
    logs = [];
    try {
      if (query !== null) {
        runner = global.__elmreplay_query.runner(query.key);
        runner.begin();
        out.matches = [];
      }
      for (var i = 0; i < events.length; i++) {
        current = i;
        var r = expectString(global.processEventAndUpdateState(events[i]), "processEventAndUpdateState");
        if (wantResponses) push.call(out.responses, r);
        if (wantDigests) {
          hashInto(out.digests, r);
          pushStateDigest(out.digests, digestWant === null ? -2 : digestWant[i]);
        }
        out.done = i + 1;
        if (runner !== null) {
          while (query.at !== null && q < query.at.length && query.at[q] < i) q++;
          if (query.at === null || (q < query.at.length && query.at[q] === i)) {
            var m = runner.step(events[i], r);
            if (m !== null) push.call(out.matches, [i, m]);
          }
        }
        while (s < snaps.length && snaps[s] < i) s++;
        if (s < snaps.length && snaps[s] === i) {
          out.states[i] = expectString(global.getSerializedState(), "getSerializedState");
          s++;
        }
        while (h < holds.length && holds[h][0] < i) h++;
        for (; h < holds.length && holds[h][0] === i; h++) hold(holds[h][1]);
      }
    } catch (e) {
      out.error = thrownInfo(e);
      out.error.offset = current;
    }
    out.logs = logs.length ? logs : null;
    current = -1;
    return stringify(out);
  }

  // One contract operation with the same error capture (state get/set, migrate, init).
  // Returns "=" + value or "-" (no value) when nothing was logged and nothing thrown, else
  // the JSON of {value, error, logs}.
  function runOp(op) {
    var arg = received();
    var out = { value: null, error: null, logs: null };
    logs = [];
    current = 0;
    try {
      if (op === "get") out.value = expectString(global.getSerializedState(), "getSerializedState");
      else if (op === "set") global.setSerializedState(arg);
      else if (op === "init") global.app_state = global.initState;
      else if (op === "migrate") out.value = expectString(global.interface_migrate(arg), "interface_migrate");
      else if (op === "event") out.value = expectString(global.processEventAndUpdateState(arg), "processEventAndUpdateState");
      else if (op === "apply") {
        var call = parse(arg);
        out.value = expectString(global.applyFunction(call[0], call[1]), "applyFunction");
      } else if (op === "trySet") {
        // The 2023 interface: setSerializedState throws an Error with the shim's text when the
        // state does not decode, and keeps the state (the host got an Err, not an exception).
        try { global.setSerializedState(arg); out.value = ""; } catch (e) {
          if (!(e instanceof Error)) throw e;
          out.value = "!" + describe(e.message);
        }
      }
      else if (op === "hold") hold(arg);
      else if (op === "digest") { var sd = []; pushStateDigest(sd, -2); out.value = apply(join, sd, [","]); }
      else if (op === "resume") {
        if (!(arg in held)) throw { name: "HarnessError", message: "no held state " + arg };
        global.app_state = held[arg];
      } else if (op === "release") {
        var keys = parse(arg);
        for (var k = 0; k < keys.length; k++) {
          if (keys[k] in held) { delete held[keys[k]]; heldCount--; }
        }
      } else if (op === "held") out.value = toText(heldCount);
      else throw { name: "HarnessError", message: "unknown op " + op };
    } catch (e) {
      out.error = thrownInfo(e);
    }
    out.logs = logs.length ? logs : null;
    current = -1;
    if (out.error === null && out.logs === null) return out.value === null ? "-" : "=" + out.value;
    return stringify(out);
  }

  function lastIndex() { return current; }

  function contract() {
    return stringify({
      initState: typeof global.initState !== "undefined",
      processEventAndUpdateState: typeof global.processEventAndUpdateState === "function",
      getSerializedState: typeof global.getSerializedState === "function",
      setSerializedState: typeof global.setSerializedState === "function",
      interface_migrate: typeof global.interface_migrate === "function",
      applyFunction: typeof global.applyFunction === "function",
      // Set by compiled runtimes whose migration could not be prepared (the host's error text).
      interface_migrate_preparation_error:
        typeof global.interface_migrate_preparation_error === "string" ? global.interface_migrate_preparation_error : null
    });
  }

  var api = { runBatch: runBatch, runOp: runOp, lastIndex: lastIndex, contract: contract, takeInbox: takeInbox };
  Object.freeze(api);
  Object.defineProperty(global, "__elmreplay", { value: api, writable: false, configurable: false, enumerable: false });
})(globalThis);
