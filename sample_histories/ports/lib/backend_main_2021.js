/*
 * HAND-WRITTEN JavaScript (not compiler output): the root module `Backend.InterfaceToHost_Root`
 * that the Elm-fullstack host generated for `backendMain` apps from 2021-09-03 (ec1891b9,
 * `composeBackendRootElmModuleText` in CompileFullstackApp.elm; unchanged in its behaviour
 * through the 2023-02 builds), with its task framework. Evaluate after elm_port_lib.js and
 * before the app's port, which calls `ElmPortLib.defineBackendMain(spec)`.
 *
 * What it mirrors (docs/modern-eras-replay.md section 2.2, 2.3):
 *
 * * State = DeserializeFailed error | DeserializeSuccessful { stateLessFramework,
 *   nextTaskIndex, posixTimeMilli, createVolatileProcessTasks, requestToVolatileProcessTasks,
 *   terminateVolatileProcessTasks }. `interfaceToHost_initState` is `backendMain.init` without
 *   its commands in a fresh framework (counters 0, dicts empty); only `stateLessFramework` is
 *   serialized; a deserialized state gets a fresh framework.
 * * `posixTimeMilli` := max(itself, event time) for HTTP and time events, before handling.
 * * Commands are folded in order (List.foldl); every CreateVolatileProcess,
 *   RequestToVolatileProcess and TerminateVolatileProcess takes the task id
 *   "<posixTimeMilli>-<nextTaskIndex>" and increments the index; RespondToHttpRequest takes none.
 *   The partial responses are prepended, so startTasks and completeHttpResponses come out in
 *   REVERSE command order; notifyWhenPosixTimeHasArrived is the subscription of the new state.
 * * Time events reach `posixTimeIsPast.update` only when subscribed and not before the
 *   minimum (else discarded, the time still raised); task completions look their id up in the
 *   dict of their result kind (missing: discarded); CompleteWithoutResult only removes the id.
 * * InitStateEvent runs `backendMain.init` with its commands on the current framework;
 *   SetStateEvent decodes the state and replaces `stateLessFramework` (framework kept, no
 *   commands), migrateResult Just (Ok ()) / Just (Err text) (state kept); MigrateStateEvent
 *   decodes with the migration's input decoder, applies `migrate` and runs its commands;
 *   without a migration: Err "Did not find a migration function in the program code".
 * * The event decoder `decodeBackendEvent` with elm/json's error texts (a field present with
 *   null fails `decodeOptionalField`; `durationInMilliseconds` is required), and the response
 *   encoder (`Json.Encode.encode 0`).
 */
(function (L) {
  'use strict';
  var D = L.D, E = L.E, Dict = L.Dict;

  // --- app-side ElmFullstack commands (values are {$: tag, a: [struct]}) -------------------

  var Cmd = {
    respondToHttpRequest: function (httpRequestId, response) {
      return L.tag('RespondToHttpRequest', { httpRequestId: httpRequestId, response: response });
    },
    createVolatileProcess: function (programCode, update) {
      return L.tag('CreateVolatileProcess', { programCode: programCode, update: update });
    },
    requestToVolatileProcess: function (processId, request, update) {
      return L.tag('RequestToVolatileProcess', { processId: processId, request: request, update: update });
    },
    terminateVolatileProcess: function (processId) {
      return L.tag('TerminateVolatileProcess', { processId: processId });
    }
  };

  // --- decodeBackendEvent -------------------------------------------------------------------

  var notNull = L.G21.succeedWhenNotNull;
  function okTag(v) { return { $: 'Ok', a: [v] }; }
  function errTag(v) { return { $: 'Err', a: [v] }; }

  /** decodeResult: oneOf [ field "Err" e |> map Err, field "Ok" ok |> map Ok ] */
  function decodeResult(de, dok) {
    return D.oneOf([D.map(errTag, D.field('Err', de)), D.map(okTag, D.field('Ok', dok))]);
  }

  var decodeTaskResult = D.oneOf([
    D.map(function (r) { return L.tag('CreateVolatileProcessResponse', r); },
      D.field('CreateVolatileProcessResponse', decodeResult(
        D.map(function (e) { return { exceptionToString: e }; }, D.field('exceptionToString', D.string)),
        D.map(function (p) { return { processId: p }; }, D.field('processId', D.string))))),
    D.map(function (r) { return L.tag('RequestToVolatileProcessResponse', r); },
      D.field('RequestToVolatileProcessResponse', decodeResult(
        D.oneOf([D.field('ProcessNotFound', notNull(L.tag('ProcessNotFound')))]),
        D.map(function (e, r, d) { return { exceptionToString: e, returnValueToString: r, durationInMilliseconds: d }; },
          L.optionalField('exceptionToString', D.string),
          L.optionalField('returnValueToString', D.string),
          D.field('durationInMilliseconds', D.int))))),
    D.field('CompleteWithoutResult', notNull(L.tag('CompleteWithoutResult')))
  ]);

  /** decodeHttpRequestEventStruct: the same decoder as the 2020-06-20 interface's. */
  var decodeHttpRequestEventStruct = L.decodeHttpRequestEvent;

  function timeEvent(t) { return L.tag('PosixTimeHasArrivedEvent', { posixTimeMilli: t }); }

  var decodeBackendEvent = D.oneOf([
    D.map(timeEvent, D.field('ArrivedAtTimeEvent', D.field('posixTimeMilli', D.int))),
    D.map(timeEvent, D.field('PosixTimeHasArrivedEvent', D.field('posixTimeMilli', D.int))),
    D.map(function (t) { return L.tag('TaskCompleteEvent', t); },
      D.field('TaskCompleteEvent', D.map(function (taskId, taskResult) { return { taskId: taskId, taskResult: taskResult }; },
        D.field('taskId', D.string), D.field('taskResult', decodeTaskResult)))),
    D.map(function (e) { return L.tag('HttpRequestEvent', e); }, D.field('HttpRequestEvent', decodeHttpRequestEventStruct)),
    D.field('InitStateEvent', notNull(L.tag('InitStateEvent'))),
    D.map(function (s) { return L.tag('SetStateEvent', s); }, D.field('SetStateEvent', D.string)),
    D.map(function (s) { return L.tag('MigrateStateEvent', s); }, D.field('MigrateStateEvent', D.string))
  ]);

  // --- responses ------------------------------------------------------------------------------

  function response(startTasks, notify, completeHttpResponses) {
    return { startTasks: startTasks, notifyWhenPosixTimeHasArrived: notify, completeHttpResponses: completeHttpResponses, migrateResult: null };
  }
  var passive = response([], null, []);

  /** backendEventResponseFromSubscriptions */
  function fromSubscriptions(subs) {
    var sub = subs.posixTimeIsPast;
    return response([], sub === null ? null : { minimumPosixTimeMilli: sub.minimumPosixTimeMilli }, []);
  }

  /** concatBackendEventResponse: minimum of the notify times, lists concatenated. */
  function concat(responses) {
    var notify = null, startTasks = [], completeHttpResponses = [];
    responses.forEach(function (r) {
      var n = r.notifyWhenPosixTimeHasArrived;
      if (n !== null && (notify === null || n.minimumPosixTimeMilli < notify)) notify = n.minimumPosixTimeMilli;
      startTasks = startTasks.concat(r.startTasks);
      completeHttpResponses = completeHttpResponses.concat(r.completeHttpResponses);
    });
    return response(startTasks, notify === null ? null : { minimumPosixTimeMilli: notify }, completeHttpResponses);
  }

  function encodeHttpHeader(h) { return E.object([['name', h.name], ['values', h.values.slice()]]); }

  function encodeTask(task) {
    switch (task.$) {
      case 'CreateVolatileProcess':
        return E.object([['CreateVolatileProcess', E.object([['programCode', task.programCode]])]]);
      case 'RequestToVolatileProcess':
        return E.object([['RequestToVolatileProcess', E.object([['processId', task.processId], ['request', task.request]])]]);
      default:
        return E.object([['TerminateVolatileProcess', E.object([['processId', task.processId]])]]);
    }
  }

  /** jsonEncode__generic_Maybe (jsonEncode__generic_Result string (always (object []))) */
  function encodeMigrateResult(m) {
    if (m === null) return E.object([['Nothing', []]]);
    var inner = m.$ === 'Err' ? E.object([['Err', m.a[0]]]) : E.object([['Ok', E.object([])]]);
    return E.object([['Just', inner]]);
  }

  function encodeBackendEventResponse(r) {
    var notify = r.notifyWhenPosixTimeHasArrived;
    return E.object([
      ['notifyWhenPosixTimeHasArrived', notify === null ? null : E.object([['minimumPosixTimeMilli', notify.minimumPosixTimeMilli]])],
      ['startTasks', r.startTasks.map(function (t) { return E.object([['taskId', t.taskId], ['task', encodeTask(t.task)]]); })],
      ['completeHttpResponses', r.completeHttpResponses.map(function (c) {
        return E.object([['httpRequestId', c.httpRequestId], ['response', E.object([
          ['statusCode', c.response.statusCode],
          ['headersToAdd', c.response.headersToAdd.map(encodeHttpHeader)],
          ['bodyAsBase64', c.response.bodyAsBase64]
        ])]]);
      })],
      ['migrateResult', encodeMigrateResult(r.migrateResult)]
    ]);
  }

  // --- the task framework -----------------------------------------------------------------

  function framework(stateLessFramework) {
    return {
      stateLessFramework: stateLessFramework, nextTaskIndex: 0, posixTimeMilli: 0,
      createVolatileProcessTasks: Dict.empty(), requestToVolatileProcessTasks: Dict.empty(),
      terminateVolatileProcessTasks: Dict.empty()
    };
  }

  function withFields(record, changes) {
    var out = {};
    for (var k in record) out[k] = record[k];
    for (var c in changes) out[c] = changes[c];
    return out;
  }

  /** backendEventResponseFromRuntimeTask: [state, response] for one command. */
  function runCommand(cmd, state) {
    if (cmd.$ === 'RespondToHttpRequest') return [state, response([], null, [cmd.a[0]])];
    var taskId = state.posixTimeMilli + '-' + state.nextTaskIndex;
    var next = { nextTaskIndex: state.nextTaskIndex + 1 };
    var s = cmd.a[0];
    if (cmd.$ === 'CreateVolatileProcess') {
      next.createVolatileProcessTasks = Dict.insert(taskId, s.update, state.createVolatileProcessTasks);
      return [withFields(state, next), response([{ taskId: taskId, task: { $: cmd.$, programCode: s.programCode } }], null, [])];
    }
    if (cmd.$ === 'RequestToVolatileProcess') {
      next.requestToVolatileProcessTasks = Dict.insert(taskId, s.update, state.requestToVolatileProcessTasks);
      return [withFields(state, next),
        response([{ taskId: taskId, task: { $: cmd.$, processId: s.processId, request: s.request } }], null, [])];
    }
    next.terminateVolatileProcessTasks = Dict.insert(taskId, null, state.terminateVolatileProcessTasks);
    return [withFields(state, next), response([{ taskId: taskId, task: { $: cmd.$, processId: s.processId } }], null, [])];
  }

  function makeProcessEvent(spec) {
    function subscriptions(s) { return spec.subscriptions(s); }

    /** backendEventResponseFromRuntimeTasksAndSubscriptions */
    function withTasks(cmds, state) {
      var responses = [fromSubscriptions(subscriptions(state.stateLessFramework))];
      for (var i = 0; i < cmds.length; i++) {
        var r = runCommand(cmds[i], state);
        state = r[0];
        responses.unshift(r[1]);
      }
      return [state, concat(responses)];
    }

    function continueWithUpdate(update, stateBefore) {
      var r = update(stateBefore.stateLessFramework);
      return withTasks(r[1], withFields(stateBefore, { stateLessFramework: r[0] }));
    }

    function continueWithState(state) { return [state, fromSubscriptions(subscriptions(state.stateLessFramework))]; }

    function withMigrateResult(r, result) {
      return [r[0], withFields(r[1], { migrateResult: result })];
    }

    function lessRememberTime(ev, stateBefore) {
      var e = ev.a[0];
      switch (ev.$) {
        case 'HttpRequestEvent':
          return continueWithUpdate(function (s) { return subscriptions(stateBefore.stateLessFramework).httpRequest(e, s); }, stateBefore);
        case 'PosixTimeHasArrivedEvent': {
          var sub = subscriptions(stateBefore.stateLessFramework).posixTimeIsPast;
          if (sub === null || e.posixTimeMilli < sub.minimumPosixTimeMilli) return continueWithState(stateBefore);
          return continueWithUpdate(function (s) { return sub.update({ currentPosixTimeMilli: e.posixTimeMilli }, s); }, stateBefore);
        }
        case 'TaskCompleteEvent': {
          var result = e.taskResult, dictName;
          if (result.$ === 'CompleteWithoutResult') {
            return continueWithState(withFields(stateBefore,
              { terminateVolatileProcessTasks: Dict.remove(e.taskId, stateBefore.terminateVolatileProcessTasks) }));
          }
          dictName = result.$ === 'CreateVolatileProcessResponse' ? 'createVolatileProcessTasks' : 'requestToVolatileProcessTasks';
          var entry = Dict.get(e.taskId, stateBefore[dictName]);
          if (entry === null) return continueWithState(stateBefore);
          var changes = {};
          changes[dictName] = Dict.remove(e.taskId, stateBefore[dictName]);
          return continueWithUpdate(function (s) { return entry(result.a[0], s); }, withFields(stateBefore, changes));
        }
        case 'InitStateEvent':
          return continueWithUpdate(function () { return spec.init; }, stateBefore);
        case 'SetStateEvent': {
          var decoded = D.decodeString(spec.decodeState, e);
          if (!decoded.ok) return withMigrateResult(continueWithState(stateBefore), errTag(L.D.errorToString(decoded.error)));
          return withMigrateResult(continueWithUpdate(function () { return [decoded.value, []]; }, stateBefore), okTag(null));
        }
        default: { // MigrateStateEvent
          var migrated = migrateFromString(e);
          if (!migrated.ok) return withMigrateResult(continueWithState(stateBefore), errTag(migrated.error));
          return withMigrateResult(continueWithUpdate(function () { return migrated.value; }, stateBefore), okTag(null));
        }
      }
    }

    function migrateFromString(text) {
      if (!spec.migration) return { ok: false, error: 'Did not find a migration function in the program code' };
      var decoded = D.decodeString(spec.migration.decodePrevious, text);
      if (!decoded.ok) return { ok: false, error: L.D.errorToString(decoded.error) };
      return { ok: true, value: spec.migration.migrate(decoded.value) };
    }

    /** processEvent (remember the time first) */
    function processEvent(ev, stateBefore) {
      var t = ev.$ === 'HttpRequestEvent' || ev.$ === 'PosixTimeHasArrivedEvent' ? ev.a[0].posixTimeMilli : null;
      var state = t === null ? stateBefore : withFields(stateBefore, { posixTimeMilli: Math.max(stateBefore.posixTimeMilli, t) });
      return lessRememberTime(ev, state);
    }

    /** wrapForSerialInterface_processEvent: [state, response text] */
    return function (serializedEvent, stateBefore) {
      var decoded = D.decodeString(decodeBackendEvent, serializedEvent);
      if (!decoded.ok) {
        var message = 'Failed to deserialize event: ' + L.D.errorToString(decoded.error);
        return [stateBefore, E.encode(0, E.object([['DecodeEventError', message]]))];
      }
      var r = processEvent(decoded.value, stateBefore);
      return [r[0], E.encode(0, E.object([['DecodeEventSuccess', encodeBackendEventResponse(r[1])]]))];
    };
  }

  /**
   * Define the runtime-contract globals for one `backendMain` app version.
   * spec: {init: [state, cmds], subscriptions(state) -> {httpRequest(ev, state) -> [state, cmds],
   *   posixTimeIsPast: null | {minimumPosixTimeMilli, update({currentPosixTimeMilli}, state) -> [state, cmds]}},
   *   decodeState, encodeState, digestState?, viewState?,
   *   migration?: {decodePrevious, migrate(previous) -> [state, cmds]}}
   */
  function defineBackendMain(spec) {
    var processSerialized = makeProcessEvent(spec);
    L.defineBackend({
      init: framework(spec.init[0]),
      decodeState: D.map(framework, spec.decodeState),
      encodeState: function (s) { return spec.encodeState(s.stateLessFramework); },
      digestState: spec.digestState ? function (s) { return spec.digestState(s.stateLessFramework); } : undefined,
      viewState: spec.viewState ? function (s) { return spec.viewState(s.stateLessFramework); } : undefined,
      processSerialized: processSerialized
    });
  }

  // ------------------------------------------------------------------------------------
  // Sample app family "scheduler" (sample_histories/apps/scheduler/*/src/Backend/Main.elm).
  // Features of the versions:
  //   fired      (v2, candidates)  State.firedCount, counted when reminders fire; GET shows it
  //   lastFired  (candidates)      State.lastFiredMilli, the time reminders last fired

  /** elm/core String.toInt (an optional sign, then digits only). */
  function stringToInt(str) {
    var code0 = str.charCodeAt(0);
    var start = code0 === 0x2B || code0 === 0x2D ? 1 : 0, total = 0, i;
    for (i = start; i < str.length; ++i) {
      var code = str.charCodeAt(i);
      if (code < 0x30 || 0x39 < code) return null;
      total = 10 * total + code - 0x30;
    }
    return i === start ? null : code0 === 0x2D ? -total : total;
  }

  /**
   * State decoders of the root's generated coders @ ec1891b9 (`generalSupportingFunctionsTexts...`):
   * as ElmPortLib.G (records through andMap, Maybe with its legacy forms, Result, tuples),
   * except that a Dict is only a list of [key, value] pairs: the 2020 generator's
   * {"key":k,"value":v} elements are gone (so are their oneOf error texts).
   */
  var G = {};
  for (var name in L.G) G[name] = L.G[name];
  G.dict = function (dk, dv) { return D.map(Dict.fromList, D.list(L.G.tuple2(dk, dv))); };

  function schedulerCoders(features) {
    var GE = L.GE, GD = L.GD;
    var reminder = [['text', G.string, GE.string, GD.string], ['dueMilli', G.int, GE.int, GD.int]];
    function fieldsOf(list, k) { return list.map(function (f) { return [f[0], f[k]]; }); }
    var fields = [
      ['reminders', G.dict(G.int, G.record(fieldsOf(reminder, 1))), GE.dict(GE.int, GE.record(fieldsOf(reminder, 2))),
        GD.dict(GD.int, GD.record(fieldsOf(reminder, 3)))],
      ['nextId', G.int, GE.int, GD.int],
      ['volatileProcessId', G.maybe(G.string), GE.maybe(GE.string), GD.maybe(GD.string)],
      ['delivered', G.list(G.string), GE.list(GE.string), GD.list(GD.string)]
    ];
    if (features.fired) fields.push(['firedCount', G.int, GE.int, GD.int]);
    if (features.lastFired) fields.push(['lastFiredMilli', G.int, GE.int, GD.int]);
    return { decode: G.record(fieldsOf(fields, 1)), encode: GE.record(fieldsOf(fields, 2)), digest: GD.record(fieldsOf(fields, 3)) };
  }

  function schedulerApp(features) {
    var Cmd = L.BackendMain.Cmd;
    var coders = schedulerCoders(features);

    function withState(state, changes) { return withFields(state, changes); }

    function deliveryProcessCreated(result, state) {
      if (result.$ === 'Ok') return [withState(state, { volatileProcessId: result.a[0].processId }), []];
      return [withState(state, { delivered: ['no delivery process: ' + result.a[0].exceptionToString].concat(state.delivered) }), []];
    }
    var createDeliveryProcess = Cmd.createVolatileProcess('string Deliver(string text) => "delivered: " + text;', deliveryProcessCreated);

    function deliveryDone(id) {
      return function (result, state) {
        var line = result.$ === 'Ok'
          ? id + ' ' + (result.a[0].returnValueToString === null ? '' : result.a[0].returnValueToString)
          : id + ' lost: process not found';
        return [withState(state, { delivered: [line].concat(state.delivered) }), []];
      };
    }

    function fireDueReminders(time, state) {
      var now = time.currentPosixTimeMilli, cmds = [], later = Dict.empty(), dueCount = 0;
      Dict.toList(state.reminders).forEach(function (kv) {
        if (kv[1].dueMilli <= now) {
          dueCount += 1;
          if (state.volatileProcessId !== null) {
            cmds.push(Cmd.requestToVolatileProcess(state.volatileProcessId, kv[1].text, deliveryDone(kv[0])));
          }
        } else {
          later = Dict.insert(kv[0], kv[1], later);
        }
      });
      var changes = { reminders: later };
      if (features.fired) changes.firedCount = state.firedCount + dueCount;
      if (features.lastFired) changes.lastFiredMilli = now;
      return [withState(state, changes), cmds];
    }

    function listing(state) {
      var lines = Dict.toList(state.reminders).map(function (kv) { return kv[0] + ' ' + kv[1].dueMilli + ' ' + kv[1].text; });
      var text = lines.concat(state.delivered.slice().reverse()).join('\n');
      return features.fired ? text + '\nfired: ' + state.firedCount : text;
    }

    function parseReminder(text) {
      var words = text.split(' ');
      var due = stringToInt(words[0]);
      if (due === null || words.length < 2) return null;
      return { text: words.slice(1).join(' '), dueMilli: due };
    }

    function requestBodyText(bodyAsBase64) {
      if (bodyAsBase64 === null) return '';
      var bytes = L.Base64.toBytes(bodyAsBase64);
      if (bytes === null) return '';
      var text = L.Base64.decodeUtf8(bytes);
      return text === null ? '' : text;
    }

    function httpRequest(event, state) {
      var newState = state, status, body;
      if (event.request.method === 'GET') {
        status = 200; body = listing(state);
      } else if (event.request.method === 'POST') {
        var reminder = parseReminder(requestBodyText(event.request.bodyAsBase64));
        if (reminder === null) {
          status = 400; body = "expected '<due posix milli> <text>'";
        } else {
          newState = withState(state, { reminders: Dict.insert(state.nextId, reminder, state.reminders), nextId: state.nextId + 1 });
          status = 200; body = 'added ' + state.nextId;
        }
      } else {
        status = 405; body = 'method not allowed';
      }
      var response = { statusCode: status, bodyAsBase64: L.Base64.fromString(body), headersToAdd: [{ name: 'Content-Type', values: ['text/plain'] }] };
      return [newState, [Cmd.respondToHttpRequest(event.httpRequestId, response)]];
    }

    function subscriptions(state) {
      var due = null;
      Dict.values(state.reminders).forEach(function (r) { if (due === null || r.dueMilli < due) due = r.dueMilli; });
      return { httpRequest: httpRequest, posixTimeIsPast: due === null ? null : { minimumPosixTimeMilli: due, update: fireDueReminders } };
    }

    var initState = { reminders: Dict.empty(), nextId: 1, volatileProcessId: null, delivered: [] };
    if (features.fired) initState.firedCount = 0;
    if (features.lastFired) initState.lastFiredMilli = 0;
    return {
      init: [initState, [createDeliveryProcess]],
      subscriptions: subscriptions,
      decodeState: coders.decode,
      encodeState: coders.encode,
      digestState: coders.digest,
      createDeliveryProcess: createDeliveryProcess,
      coders: schedulerCoders
    };
  }

  L.BackendMain = {
    Cmd: Cmd,
    decodeBackendEvent: decodeBackendEvent,
    encodeBackendEventResponse: encodeBackendEventResponse,
    framework: framework,
    G: G,
    defineBackendMain: defineBackendMain,
    schedulerCoders: schedulerCoders,
    schedulerApp: schedulerApp
  };
  L.defineBackendMain = defineBackendMain;
})(ElmPortLib);
