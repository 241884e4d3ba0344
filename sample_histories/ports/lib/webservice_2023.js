/*
 * webservice_2023.js -- HAND-WRITTEN JavaScript, not compiler output.  Loaded after
 * elm_port_lib.js (it uses ElmPortLib).
 *
 * The runtime contract of the 2023 Elm-Time web-service interface (README.md,
 * "Runtimes"; sample_histories/ports/README.md) for ports of apps declaring `webServerMain` / `webServiceMain` (or
 * `backendMain`) with a Platform.WebServer / Platform.WebService module, as the host's generated
 * code ran them from 2023-03 (CompileElmAppWithStateShim.elm and CompileBackendApp.elm @
 * ad129458, 0ae86d63; the `_2023_05` shim version):
 *
 *   - the state shim (Backend.Generated.StateShim): a process holds branches of app states; the
 *     host only uses "main".  A fresh process has no branch at all.
 *   - the web-service shim (Backend.Generated.WebServiceShim): the app state wrapped in the task
 *     framework {stateLessFramework, nextTaskIndex, posixTimeMilli, three task dicts}; only
 *     stateLessFramework is serialized, a deserialized state gets a fresh framework.
 *   - exposed functions: "init", "processEvent", "migrate" (with Backend.MigrateState) and
 *     "Backend.ExposeFunctionsToAdmin.<name>" for every function of that module.
 *   - the JSON coders the host's Elm generator (CompileElmApp.elm @ 0ae86d63) emitted: records
 *     `succeed f |> andMap (field ..)` (last field checked first), custom types `{"Tag":[args]}`
 *     with the tags tried in alphabetical order and `jsonDecodeSucceedWhenNotNull` for tags
 *     without arguments, Maybe `{"Nothing":[]}` / `{"Just":[x]}` (also `{"Just":x}` and null),
 *     Result `{"Err":[e]}` / `{"Ok":[v]}`, Dict a list of `[key, value]` pairs.
 *
 * Globals defined by ElmPortLib2023.defineWebService(spec):
 *   initState, processEventAndUpdateState(taggedEventJson), getSerializedState(),
 *   setSerializedState(json), applyFunction(functionName, argumentsJsonTexts), getStateJsonValue().
 * Shim errors: processEventAndUpdateState answers {"Err":"<text>"} and keeps the state (the
 * host's restore went on: it checked only the shim's outer result); applyFunction answers {"Err":"<text>"};
 * getSerializedState / setSerializedState throw an Error with the shim's text.
 */
var ElmPortLib2023 = (function (L) {
  'use strict';
  var D = L.D, E = L.E, G = L.G, GE = L.GE, G21 = L.G21, Dict = L.Dict;

  function ok(value) { return { ok: true, value: value }; }
  function err(error) { return { ok: false, error: error }; }

  // ------------------------------------------------------------------------------------
  // The generator's coders where they differ from the 2020 ones in elm_port_lib.js.

  var G23 = {};
  G23.custom = G21.custom;
  /** Dict: `Json.Decode.list (tuple2 key value) |> map Dict.fromList` (no key/value objects). */
  G23.dict = function (dk, dv) { return D.map(Dict.fromList, D.list(G.tuple2(dk, dv))); };
  G23.record = G.record;
  G23.maybe = G.maybe;
  G23.result = G.result;

  // ------------------------------------------------------------------------------------
  // Backend.Generated.WebServiceShimTypes: the tagged event decoder and the response encoder.

  var header = G.record([['name', D.string], ['values', D.list(D.string)]]);
  var decodeHttpRequestEvent = G.record([
    ['httpRequestId', D.string],
    ['posixTimeMilli', D.int],
    ['requestContext', G.record([['clientAddress', G.maybe(D.string)]])],
    ['request', G.record([['method', D.string], ['uri', D.string], ['bodyAsBase64', G.maybe(D.string)], ['headers', D.list(header)]])]
  ]);
  var decodeTaskResult = G23.custom([
    ['CreateVolatileProcessResponse', [G.result(
      G.record([['exceptionToString', D.string]]), G.record([['processId', D.string]]))]],
    ['RequestToVolatileProcessResponse', [G.result(
      G23.custom([['ProcessNotFound', []]]),
      G.record([['exceptionToString', G.maybe(D.string)], ['returnValueToString', G.maybe(D.string)],
        ['durationInMilliseconds', D.int]]))]],
    ['CompleteWithoutResult', []]
  ]);
  var decodeBackendEvent = G23.custom([
    ['HttpRequestEvent', [decodeHttpRequestEvent]],
    ['TaskCompleteEvent', [G.record([['taskId', D.string], ['taskResult', decodeTaskResult]])]],
    ['PosixTimeHasArrivedEvent', [G.record([['posixTimeMilli', D.int]])]]
  ]);

  var encodeHeader = GE.record([['name', GE.string], ['values', GE.list(GE.string)]]);
  var encodeBackendEventResponse = GE.record([
    ['startTasks', GE.list(GE.record([['taskId', GE.string], ['task', GE.custom({
      CreateVolatileProcess: [GE.record([['programCode', GE.string]])],
      RequestToVolatileProcess: [GE.record([['processId', GE.string], ['request', GE.string]])],
      TerminateVolatileProcess: [GE.record([['processId', GE.string]])]
    })]]))],
    ['notifyWhenPosixTimeHasArrived', GE.maybe(GE.record([['minimumPosixTimeMilli', GE.int]]))],
    ['completeHttpResponses', GE.list(GE.record([['httpRequestId', GE.string], ['response', GE.record([
      ['statusCode', GE.int], ['bodyAsBase64', GE.maybe(GE.string)], ['headersToAdd', GE.list(encodeHeader)]])]]))]
  ]);

  // ------------------------------------------------------------------------------------
  // Backend.Generated.WebServiceShim: the task framework around the app state.
  // Commands are {$: 'RespondToHttpRequest' | 'CreateVolatileProcess' | 'RequestToVolatileProcess'
  // | 'TerminateVolatileProcess', a: [struct]}; update callbacks take (result, state).

  function initShimState(appState) {
    return {
      stateLessFramework: appState, nextTaskIndex: 0, posixTimeMilli: 0,
      createVolatileProcessTasks: Dict.empty(), requestToVolatileProcessTasks: Dict.empty(),
      terminateVolatileProcessTasks: Dict.empty()
    };
  }

  function withFields(record, fields) {
    var out = {};
    for (var k in record) if (Object.prototype.hasOwnProperty.call(record, k)) out[k] = record[k];
    for (var f in fields) if (Object.prototype.hasOwnProperty.call(fields, f)) out[f] = fields[f];
    return out;
  }

  function passiveResponse() { return { startTasks: [], completeHttpResponses: [], notifyWhenPosixTimeHasArrived: null }; }

  function responseFromSubscriptions(subs) {
    var r = passiveResponse();
    r.notifyWhenPosixTimeHasArrived = subs.posixTimeIsPast === null ? null
      : { minimumPosixTimeMilli: subs.posixTimeIsPast.minimumPosixTimeMilli };
    return r;
  }

  var TASK_DICTS = { CreateVolatileProcess: 'createVolatileProcessTasks', RequestToVolatileProcess: 'requestToVolatileProcessTasks',
    TerminateVolatileProcess: 'terminateVolatileProcessTasks' };

  /** backendEventResponseFromRuntimeTask: [newShimState, response]. */
  function responseFromCommand(command, shim) {
    var s = command.a[0];
    var r = passiveResponse();
    if (command.$ === 'RespondToHttpRequest') {
      r.completeHttpResponses = [s];
      return [shim, r];
    }
    var taskId = shim.posixTimeMilli + '-' + shim.nextTaskIndex;
    var dictName = TASK_DICTS[command.$];
    var entry = command.$ === 'TerminateVolatileProcess' ? [] : s.update;
    var task = command.$ === 'CreateVolatileProcess' ? { $: command.$, a: [{ programCode: s.programCode }] }
      : command.$ === 'RequestToVolatileProcess' ? { $: command.$, a: [{ processId: s.processId, request: s.request }] }
      : { $: command.$, a: [s] };
    var fields = { nextTaskIndex: shim.nextTaskIndex + 1 };
    fields[dictName] = Dict.insert(taskId, entry, shim[dictName]);
    r.startTasks = [{ taskId: taskId, task: task }];
    return [withFields(shim, fields), r];
  }

  /** concatBackendEventResponse of [response_n, ..., response_1, subscriptions response]. */
  function concatResponses(responses) {
    var minimum = null, startTasks = [], complete = [];
    responses.forEach(function (r) {
      if (r.notifyWhenPosixTimeHasArrived !== null) {
        var t = r.notifyWhenPosixTimeHasArrived.minimumPosixTimeMilli;
        if (minimum === null || t < minimum) minimum = t;
      }
      startTasks = startTasks.concat(r.startTasks);
      complete = complete.concat(r.completeHttpResponses);
    });
    return { startTasks: startTasks, completeHttpResponses: complete,
      notifyWhenPosixTimeHasArrived: minimum === null ? null : { minimumPosixTimeMilli: minimum } };
  }

  /** backendEventResponseFromRuntimeTasksAndSubscriptions (commands folded left, responses prepended). */
  function responseFromCommands(subscriptions, commands, shim) {
    var responses = [responseFromSubscriptions(subscriptions(shim.stateLessFramework))];
    for (var i = 0; i < commands.length; i++) {
      var r = responseFromCommand(commands[i], shim);
      shim = r[0];
      responses.unshift(r[1]);
    }
    return [shim, concatResponses(responses)];
  }

  /** processWebServiceEvent: [newShimState, response] for a decoded BackendEvent. */
  function processWebServiceEvent(subscriptions, event, before) {
    var eventTime = event.$ === 'TaskCompleteEvent' ? null : event.a[0].posixTimeMilli;
    var shim = eventTime === null ? before : withFields(before, { posixTimeMilli: Math.max(before.posixTimeMilli, eventTime) });
    function discard() { return [shim, responseFromSubscriptions(subscriptions(shim.stateLessFramework))]; }
    function update(f, state) {
      var r = f(state.stateLessFramework);
      return responseFromCommands(subscriptions, r[1], withFields(state, { stateLessFramework: r[0] }));
    }
    var subs = subscriptions(shim.stateLessFramework);
    switch (event.$) {
      case 'HttpRequestEvent':
        return update(function (s) { return subs.httpRequest(event.a[0], s); }, shim);
      case 'PosixTimeHasArrivedEvent': {
        var t = event.a[0].posixTimeMilli;
        var sub = subs.posixTimeIsPast;
        if (sub === null || t < sub.minimumPosixTimeMilli) return discard();
        return update(function (s) { return sub.update({ currentPosixTimeMilli: t }, s); }, shim);
      }
      case 'TaskCompleteEvent': {
        var c = event.a[0], result = c.taskResult;
        if (result.$ === 'CompleteWithoutResult') {
          return [withFields(shim, { terminateVolatileProcessTasks: Dict.remove(c.taskId, shim.terminateVolatileProcessTasks) }),
            responseFromSubscriptions(subscriptions(shim.stateLessFramework))];
        }
        var dictName = result.$ === 'CreateVolatileProcessResponse' ? 'createVolatileProcessTasks' : 'requestToVolatileProcessTasks';
        var entry = Dict.get(c.taskId, shim[dictName]);
        if (entry === null) return discard();
        var fields = {};
        fields[dictName] = Dict.remove(c.taskId, shim[dictName]);
        return update(function (s) { return entry(result.a[0], s); }, withFields(shim, fields));
      }
    }
    throw new Error('unknown event ' + event.$);
  }

  // ------------------------------------------------------------------------------------
  // Backend.Generated.StateShim and the exposed functions.

  var ADMIN_MODULE = 'Backend.ExposeFunctionsToAdmin.';

  function singleArgument(args, decoder, f) {
    if (args.length !== 1) return err('Unexpected number of arguments: ' + args.length + ' instead of 1');
    var r = D.decodeString(decoder, args[0]);
    return r.ok ? f(r.value) : err('Failed to JSON decode argument: ' + D.errorToString(r.error));
  }

  /** Result ( Maybe shimState, Maybe responseValue ) of running the app's commands from a fresh framework. */
  function freshWithCommands(spec, appState, commands) {
    var r = responseFromCommands(spec.subscriptions, commands, initShimState(appState));
    return ok([r[0], encodeBackendEventResponse(r[1])]);
  }

  /** name -> {hasAppStateParam, handler(stateArgument, args) -> Result String [state|null, value|null]} */
  function exposedFunctions(spec) {
    var fns = {
      init: { hasAppStateParam: false, handler: function () {
        var init = spec.init;
        return freshWithCommands(spec, init[0], init[1]);
      } },
      processEvent: { hasAppStateParam: true, handler: function (shim, args) {
        if (shim === null) return err('Type mismatch: Missing state argument');
        return singleArgument(args, decodeBackendEvent, function (event) {
          var r = processWebServiceEvent(spec.subscriptions, event, shim);
          return ok([r[0], encodeBackendEventResponse(r[1])]);
        });
      } }
    };
    if (spec.migrate) {
      fns.migrate = { hasAppStateParam: false, handler: function (shim, args) {
        return singleArgument(args, D.value, function (previous) {
          var r = D.decodeValue(spec.migrate.decodePrevious, previous);
          if (!r.ok) return err(D.errorToString(r.error));
          var migrated = spec.migrate.migrate(r.value);
          return freshWithCommands(spec, migrated[0], migrated[1]);
        });
      } };
    }
    Object.keys(spec.adminFunctions || {}).forEach(function (name) {
      var f = spec.adminFunctions[name];
      fns[ADMIN_MODULE + name] = { hasAppStateParam: true, handler: function (shim, args) {
        if (shim === null) return err('Type mismatch: Missing state argument');
        return singleArgument(args, f.decodeArgument, function (arg) {
          if (f.apply) return ok([withFields(shim, { stateLessFramework: f.apply(arg, shim.stateLessFramework) }), null]);
          return ok([null, f.encodeReport(f.report(arg, shim.stateLessFramework))]);
        });
      } };
    });
    return fns;
  }

  function defineWebService(spec) {
    var fns = exposedFunctions(spec);
    var names = Object.keys(fns).sort();
    var g = globalThis;

    function mainBranch(state) {
      return state.main === null ? err("Branch named 'main' does not exist") : ok(state.main);
    }

    /** ApplyFunctionShimRequest with destination ["main"]: [newProcessState, Result String resultValue]. */
    function apply(state, name, args) {
      var fn = fns[name];
      if (fn === undefined) {
        return [state, err("None of the exposed functions matches name '" + name + "'. This app only exposes the following " +
          names.length + ' functions: ' + names.join(', '))];
      }
      var stateArgument = null;
      if (fn.hasAppStateParam) {
        var resolved = mainBranch(state);
        if (!resolved.ok) return [state, err('Failed to resolve state source: ' + resolved.error)];
        stateArgument = resolved.value;
      }
      var r = fn.handler(stateArgument, args);
      if (!r.ok) return [state, r];
      if (r.value[0] === null) return [state, err('Function did not return a new state')];
      return [{ main: r.value[0] }, ok(r.value[1])];
    }

    function decodeShimState(json) {
      var r = D.decodeString(spec.decodeState, json);
      if (!r.ok) throw new Error('Failed to resolve state source: Failed to decode: ' + D.errorToString(r.error));
      return initShimState(r.value);
    }

    function currentAppState() {
      var resolved = mainBranch(g.app_state);
      if (!resolved.ok) throw new Error('Failed to resolve state source: ' + resolved.error);
      return resolved.value.stateLessFramework;
    }

    g.initState = { main: null };
    g.processEventAndUpdateState = function (eventJson) {
      var r = apply(g.app_state, 'processEvent', [eventJson]);
      g.app_state = r[0];
      return r[1].ok ? E.encode(0, r[1].value) : E.encode(0, E.object([['Err', r[1].error]]));
    };
    g.applyFunction = function (functionName, argumentsJson) {
      var r = apply(g.app_state, functionName, Array.prototype.slice.call(argumentsJson));
      g.app_state = r[0];
      if (!r[1].ok) return E.encode(0, E.object([['Err', r[1].error]]));
      var value = r[1].value === null ? null : r[1].value;
      return E.encode(0, E.object([['Ok', E.object([['resultLessStateJson', value], ['committedState', true]])]]));
    };
    g.getSerializedState = function () { return E.encode(0, spec.encodeState(currentAppState())); };
    g.getStateJsonValue = function () { return (spec.viewState || spec.encodeState)(currentAppState()); };
    g.setSerializedState = function (json) { g.app_state = { main: decodeShimState(json) }; };
  }

  return {
    G23: G23,
    decodeBackendEvent: decodeBackendEvent,
    encodeBackendEventResponse: encodeBackendEventResponse,
    processWebServiceEvent: processWebServiceEvent,
    defineWebService: defineWebService
  };
})(ElmPortLib);
