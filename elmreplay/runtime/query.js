// elmreplay's find conditions inside V8: the helpers that elmreplay/inspect/query.py's to_js()
// output calls, and the per-step runner the harness's runBatch drives. Evaluated right after the
// harness, before the app's code, so the builtins captured here are the engine's own. The
// semantics mirror the Python evaluator in query.py exactly (the tests compare the two).
//
// The state is read as its JSON: the in-V8 value's representation is the app's own business
// (compiled Elm, a hand-written port...), the JSON is the one form every runtime shares. A
// runtime may hand it over as a value (the optional getStateJsonValue; see stateValue), else it
// is serialized (getSerializedState) and parsed. It is read only when a leaf needs it and the
// state changed: Elm values are immutable, so an unchanged reference means an unchanged state,
// and each leaf on the state keeps its last result per state reference; any(p[*], cond) keeps
// each element's result too (see eachElement), so with a runtime whose value shares unchanged
// parts between states, a step costs in proportion to what changed.
(function (global) {
  "use strict";
  var parse = JSON.parse, stringify = JSON.stringify, isArray = Array.isArray, objectKeys = Object.keys;
  var apply = Reflect.apply, hasOwn = Object.prototype.hasOwnProperty, indexOf = String.prototype.indexOf;
  var isInteger = Number.isInteger, charCodeAt = String.prototype.charCodeAt;
  var getPrototypeOf = Object.getPrototypeOf, objectProto = Object.prototype, arrayProto = Array.prototype;
  var WeakSet_ = WeakSet, weakHas = WeakSet.prototype.has, weakAdd = WeakSet.prototype.add;
  var MISSING = Object.freeze(Object.create(null));

  function isObject(v) { return v !== null && typeof v === "object" && !isArray(v); }

  function eq(a, b) {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    var aa = isArray(a);
    if (aa !== isArray(b)) return false;
    var i;
    if (aa) {
      if (a.length !== b.length) return false;
      for (i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
      return true;
    }
    var ka = objectKeys(a), kb = objectKeys(b);
    if (ka.length !== kb.length) return false;
    for (i = 0; i < ka.length; i++) {
      if (!apply(hasOwn, b, [ka[i]]) || !eq(a[ka[i]], b[ka[i]])) return false;
    }
    return true;
  }

  // Elm's compare on comparable JSON; null when the two are not comparable with each other.
  function compareKeys(a, b) {
    var ta = typeof a;
    if ((ta === "number" || ta === "string") && typeof b === ta) return a < b ? -1 : a > b ? 1 : 0;
    if (isArray(a) && isArray(b)) {
      var n = a.length < b.length ? a.length : b.length;
      for (var i = 0; i < n; i++) {
        var c = compareKeys(a[i], b[i]);
        if (c !== 0) return c;
      }
      return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
    }
    return null;
  }

  function isDict(a) {
    if (!isArray(a) || a.length === 0) return false;
    for (var i = 0; i < a.length; i++) {
      if (!isArray(a[i]) || a[i].length !== 2) return false;
      if (i > 0 && compareKeys(a[i - 1][0], a[i][0]) !== -1) return false;
    }
    return true;
  }

  function isTagName(k) {
    if (k.length === 0) return false;
    for (var i = 0; i < k.length; i++) {
      var u = apply(charCodeAt, k, [i]);
      var upper = u >= 65 && u <= 90;
      if (i === 0 ? !upper : !(upper || (u >= 97 && u <= 122) || (u >= 48 && u <= 57) || u === 95)) return false;
    }
    return true;
  }

  // The tag of a custom-type value {"Tag":[args]}, else null.
  function tagOf(v) {
    if (!isObject(v)) return null;
    var ks = objectKeys(v);
    return ks.length === 1 && isArray(v[ks[0]]) && isTagName(ks[0]) ? ks[0] : null;
  }

  // One path segment ([kind, value, rendered]) applied to (concrete path, value) pairs.
  function stepSegment(pairs, seg) {
    var out = [], kind = seg[0], j;
    for (var i = 0; i < pairs.length; i++) {
      var here = pairs[i][0], v = pairs[i][1];
      if (kind === "f") {
        if (isObject(v) && apply(hasOwn, v, [seg[1]]) && tagOf(v) === null) out[out.length] = [here + seg[2], v[seg[1]]];
      } else if (kind === "k") {
        if (!isArray(v)) continue;
        if (isDict(v)) {
          for (j = 0; j < v.length; j++) {
            if (eq(v[j][0], seg[1])) { out[out.length] = [here + seg[2], v[j][1]]; break; }
          }
        } else if (typeof seg[1] === "number" && isInteger(seg[1]) && seg[1] >= 0 && seg[1] < v.length) {
          out[out.length] = [here + "[" + seg[1] + "]", v[seg[1]]];
        }
      } else if (kind === "m") {
        if (!isArray(v)) continue;
        for (j = 0; j < v.length; j++) {
          if (eq(v[j], seg[1])) { out[out.length] = [here + seg[2], seg[1]]; break; }
        }
      } else if (kind === "t") {
        if (tagOf(v) === seg[1]) out[out.length] = [here + seg[2], v[seg[1]]];
      } else if (isArray(v)) {  // "*"
        if (isDict(v)) {
          for (j = 0; j < v.length; j++) out[out.length] = [here + "[" + stringify(v[j][0]) + "]", v[j][1]];
        } else {
          for (j = 0; j < v.length; j++) out[out.length] = [here + "[" + j + "]", v[j]];
        }
      }
    }
    return out;
  }

  // {"Kind": payload} -> [Kind, payload]; anything else -> [MISSING, value].
  function peeled(v) {
    if (isObject(v)) {
      var ks = objectKeys(v);
      if (ks.length === 1) return [ks[0], v[ks[0]]];
    }
    return [MISSING, v];
  }

  function statusCodes(payload) {
    var out = [], i, r;
    if (isObject(payload) && isArray(payload.completeHttpResponses)) {
      var list = payload.completeHttpResponses;
      for (i = 0; i < list.length; i++) {
        r = list[i];
        if (isObject(r) && isObject(r.response) && apply(hasOwn, r.response, ["statusCode"])) {
          out[out.length] = ["response.completeHttpResponses[" + i + "].response.statusCode", r.response.statusCode];
        }
      }
    } else if (isArray(payload)) {
      for (i = 0; i < payload.length; i++) {
        r = isObject(payload[i]) ? payload[i].CompleteHttpResponse : undefined;
        if (isObject(r) && isObject(r.response) && apply(hasOwn, r.response, ["statusCode"])) {
          out[out.length] = ["response[" + i + "].CompleteHttpResponse.response.statusCode", r.response.statusCode];
        }
      }
    }
    return out;
  }

  function resolve(c, root, segs, prev) {
    var pairs, i;
    if (root === "state") {
      var s = prev ? c.prevState() : c.state();
      pairs = s === MISSING ? [] : [[c.prefix, s]];
    } else {
      var whole = root === "response" || root === "status" || root === "response_type" ? c.response() : c.event();
      if (whole === MISSING) return [];
      var kp = peeled(whole);
      if (root === "event_type" || root === "response_type") return kp[0] === MISSING ? [] : [[root, kp[0]]];
      pairs = root === "status" ? statusCodes(kp[1]) : [[root, kp[1]]];
    }
    for (i = 0; i < segs.length; i++) pairs = stepSegment(pairs, segs[i]);
    if (root === "state") {  // as StateDiff writes them: "." for the root, ".[3]" for its elements
      for (i = 0; i < pairs.length; i++) if (pairs[i][0] === "" || pairs[i][0][0] !== ".") pairs[i][0] = "." + pairs[i][0];
    }
    return pairs;
  }

  // How many elements old and arr share at their start and, after that, at their end: the same
  // objects (identity; never null or a primitive, so a hole never counts) at the same distance
  // from the start or from the end. An update that inserted, removed or replaced elements in one
  // place leaves only the middle arr[p, arr.length - s) new.
  function sharedEnds(old, arr) {
    var n = arr.length, o = old.length, lim = n < o ? n : o, p = 0, s = 0, e;
    while (p < lim && (e = arr[p]) === old[p] && e !== null && typeof e === "object") p++;
    while (s < lim - p && (e = arr[n - 1 - s]) === old[o - 1 - s] && e !== null && typeof e === "object") s++;
    return [p, s];
  }

  // Two [key, value] pairs of Dicts with the same key and the same value object (a runtime may
  // build a new pair for an unchanged entry, e.g. per rebuilt tree node): the same result.
  function samePair(a, b) {
    return a === b || (a[0] === b[0] && a[1] === b[1]);
  }

  // isDict(arr) knowing that old (an array of pairs in key order) shares arr's first p and last
  // s elements: two neighbours both among those were neighbours in old too, so only the
  // middle's elements and the orders next to them are checked.
  function isDictAfter(arr, p, s) {
    var n = arr.length, i;
    if (n === 0) return false;
    for (i = p; i < n - s; i++) if (!isArray(arr[i]) || arr[i].length !== 2) return false;
    var end = n - s < n - 1 ? n - s : n - 1;
    for (i = p > 1 ? p : 1; i <= end; i++) if (compareKeys(arr[i - 1][0], arr[i][0]) !== -1) return false;
    return true;
  }

  // any()'s condition on each element of the container at path (the step [*] of resolve),
  // its matches appended to m. An element of prev (the same container path one step earlier)
  // that is the same value at the same place (a list) or with the same key (a Dict: the same
  // [key, value] pair, or one with the same key and value objects, which may have moved by an
  // insert or removal) has the same result: a pure function of the value and its path, and
  // values are never mutated once built. So an update that replaced one element evaluates only
  // that one; and a Dict that shares its start and end with the last one (sharedEnds) has its
  // order checked and its pairs matched with the last ones only in the middle.
  function eachElement(path, arr, inner, prev, m) {
    var out = { path: path, arr: null, dict: false, res: [] };
    if (!isArray(arr)) return out;
    var old = prev !== null && prev.arr !== null ? prev.arr : [], ends = sharedEnds(old, arr);
    var p = ends[0], s = ends[1], n = arr.length, d = old.length - n;
    var dict = prev !== null && prev.dict && old.length > 0 ? isDictAfter(arr, p, s) : isDict(arr);
    var res = out.res, j, e, r, k = p;
    if (prev === null || prev.dict !== dict) old = [];
    out.arr = arr;
    out.dict = dict;
    for (j = 0; j < n; j++) {
      e = arr[j];
      r = undefined;
      if (!dict) {  // a list element's path is its place
        if (j < old.length && old[j] === e) r = prev.res[j];
      } else if (old.length === 0) {
        // nothing to reuse
      } else if (j < p) {
        r = prev.res[j];
      } else if (j >= n - s) {  // the same pair, d places further in old
        r = prev.res[j + d];
      } else if (k < old.length && samePair(old[k], e)) {
        r = prev.res[k++];
      } else if (k + 1 < old.length && samePair(old[k + 1], e)) {  // old[k] was removed
        r = prev.res[k + 1];
        k += 2;
      }
      if (r === undefined) {
        var sub = new Scope(dict ? e[1] : e, path + "[" + (dict ? stringify(e[0]) : j) + "]");
        r = inner(sub) ? sub.m : false;
        // old[k] replaced by e (rather than e inserted before it): move past it
        if (dict && k < old.length && (j + 1 >= n || !samePair(arr[j + 1], old[k]))) k++;
      }
      res[j] = r;
      if (r !== false) pushAll(m, r);
    }
    return out;
  }

  function lengthOf(v) {
    return typeof v === "string" || isArray(v) ? v.length : MISSING;
  }

  function ordered(op, a, b) {
    var t = typeof a;
    if (!((t === "number" || t === "string") && typeof b === t)) return false;
    return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
  }

  function pushAll(target, items) {
    for (var i = 0; i < items.length; i++) target[target.length] = items[i];
  }

  var h = {
    op: function (op, lit) {
      if (op === "==") return function (v) { return eq(v, lit); };
      if (op === "!=") return function (v) { return !eq(v, lit); };
      return function (v) { return ordered(op, v, lit); };
    },
    contains: function (lit) {
      return function (v) {
        if (typeof v === "string") return typeof lit === "string" && apply(indexOf, v, [lit]) !== -1;
        if (!isArray(v)) return false;
        for (var i = 0; i < v.length; i++) if (eq(v[i], lit)) return true;
        return false;
      };
    },
    isTag: function (tag) { return function (v) { return tagOf(v) === tag; }; },
    exists: function () { return true; },
    // One leaf: true when its test holds for at least one value of the path; the values that
    // pass go to c.m. Leaves on the state keep their result per state reference.
    leaf: function (c, id, root, segs, len, test, cached, values) {
      var memo = cached ? c.memo[id] : undefined;
      if (memo !== undefined && memo.ref === c.ref) {
        if (memo.ok) pushAll(c.m, memo.m);
        return memo.ok;
      }
      var pairs = resolve(c, root, segs, false), m = [];
      for (var i = 0; i < pairs.length; i++) {
        var p = pairs[i][0], v = pairs[i][1];
        if (len) {
          v = lengthOf(v);
          if (v === MISSING) continue;
          p = "len(" + p + ")";
        }
        if (test(v)) m[m.length] = [p, values ? v : null];
      }
      if (cached) c.memo[id] = { ref: c.ref, ok: m.length > 0, m: m };
      pushAll(c.m, m);
      return m.length > 0;
    },
    changed: function (c, id, segs) {
      if (c.ref === c.prevRef) return false;  // the same immutable value: nothing changed
      var now = resolve(c, "state", segs, false), before = resolve(c, "state", segs, true);
      var old = Object.create(null), seen = Object.create(null), m = [], i;
      for (i = 0; i < before.length; i++) old[before[i][0]] = before[i];
      for (i = 0; i < now.length; i++) {
        seen[now[i][0]] = true;
        var b = old[now[i][0]];
        if (b === undefined || !eq(b[1], now[i][1])) m[m.length] = [now[i][0], null];
      }
      for (i = 0; i < before.length; i++) if (seen[before[i][0]] !== true) m[m.length] = [before[i][0], null];
      pushAll(c.m, m);
      return m.length > 0;
    },
    // any(path, cond): cond (compiled with the value as its state) holds for one value of path.
    anyOf: function (c, id, segs, inner, cached) {
      var memo = cached ? c.memo[id] : undefined;
      if (memo !== undefined && memo.ref === c.ref) {
        if (memo.ok) pushAll(c.m, memo.m);
        return memo.ok;
      }
      var m = [], i, last = segs.length - 1, holders = null;
      if (cached && last >= 0 && segs[last][0] === "*") {
        // any(p[*], cond): per container of p, each element's result is kept for the next step
        var containers = resolve(c, "state", segs.slice(0, last), false), kept = memo === undefined ? [] : memo.holders;
        holders = [];
        for (i = 0; i < containers.length; i++) {
          var prev = i < kept.length && kept[i].path === containers[i][0] ? kept[i] : null;
          holders[i] = eachElement(containers[i][0], containers[i][1], inner, prev, m);
        }
      } else {
        var pairs = resolve(c, "state", segs, false);
        for (i = 0; i < pairs.length; i++) {
          var sub = new Scope(pairs[i][1], pairs[i][0] === "." ? "" : pairs[i][0]);
          if (inner(sub)) pushAll(m, sub.m);
        }
      }
      if (cached) c.memo[id] = { ref: c.ref, ok: m.length > 0, m: m, holders: holders };
      pushAll(c.m, m);
      return m.length > 0;
    },
    and: function (c, mark, ok) { if (!ok) c.m.length = mark; return ok; },
    not: function (c, mark, ok) { c.m.length = mark; return !ok; },
    any: function (oks) {
      for (var i = 0; i < oks.length; i++) if (oks[i]) return true;
      return false;
    }
  };

  // fn() with app_state set to ref (the state a condition is evaluated on).
  function withState(ref, fn) {
    var saved = global.app_state;
    global.app_state = ref;
    try {
      return fn();
    } finally {
      global.app_state = saved;
    }
  }

  function serialize(ref) {
    var s = withState(ref, global.getSerializedState);
    if (typeof s !== "string") {
      throw { name: "BadReturn", message: "getSerializedState returned " + (s === null ? "null" : typeof s) + ", not a string" };
    }
    return s;
  }

  // Objects found to be plain JSON (see isJson); runtimes never mutate a value once built, so
  // the answer holds for as long as the object lives. Worth it only for a runtime whose values
  // share unchanged parts between states: one that builds every value afresh (compiled Elm's
  // encoders) would fill the set with short-lived objects, a burden on the garbage collector.
  // So the set is used while it saves more than it costs (checked on each value), and tried
  // again every REMEMBER_RETRY values after it was not; with or without it the answer is the same.
  var verified = new WeakSet_(), remember = true, sinceForgot = 0, hits = 0, misses = 0;
  var REMEMBER_RETRY = 64;
  // Arrays of at least BIG elements met while checking the last value (that passed) and the
  // current one, in the order of the walk: most elements of a long list or Dict are the same
  // objects from one state to the next, and comparing references is cheaper than the set.
  var BIG = 16, lastBig = [], nowBig = [], bigAt = 0;

  // True when v is what JSON.parse(JSON.stringify(v)) gives back unchanged: strings, booleans,
  // null, finite numbers other than -0, and plain arrays (no holes) and objects of those.
  function isJson(v) {
    var t = typeof v;
    if (t === "string" || t === "boolean" || v === null) return true;
    if (t === "number") return v - v === 0 && (v !== 0 || 1 / v > 0);
    if (t !== "object") return false;
    if (remember) {
      if (apply(weakHas, verified, [v])) { hits++; return true; }
      misses++;
    }
    var i, proto = getPrototypeOf(v);
    if (isArray(v)) {
      if (proto !== arrayProto) return false;
      var n = v.length, before;
      if (n >= BIG) {  // the long arrays of the last value, in the same order of the walk
        before = bigAt < lastBig.length ? lastBig[bigAt] : undefined;
        nowBig[bigAt++] = v;
        if (before === v) return true;
      }
      // the objects v shares with a verified array of the last value at its start and end
      // (see sharedEnds) were verified then and are never mutated: only the middle is checked
      var ends = before !== undefined ? sharedEnds(before, v) : [0, 0];
      for (i = ends[0]; i < n - ends[1]; i++) {
        var e = v[i];
        // in the middle: an object found in that array at this place or next to it (one
        // element inserted or removed) was verified then too
        if (before !== undefined && e !== null && typeof e === "object" &&
            (before[i] === e || (i > 0 && before[i - 1] === e) || before[i + 1] === e)) continue;
        if (!(i in v) || !isJson(e)) return false;
      }
    } else {
      if (proto !== objectProto && proto !== null) return false;
      var ks = objectKeys(v);
      for (i = 0; i < ks.length; i++) if (!isJson(v[ks[i]])) return false;
    }
    if (remember) apply(weakAdd, verified, [v]);
    return true;
  }

  // isJson of one state's value, deciding whether to remember objects for the next one.
  function isJsonState(v) {
    if (!remember && ++sinceForgot >= REMEMBER_RETRY) remember = true;
    hits = 0;
    misses = 0;
    nowBig = [];
    bigAt = 0;
    var ok = isJson(v);
    lastBig = ok ? nowBig : [];
    nowBig = [];
    if (remember && misses > 8 * (hits + 1)) {  // mostly new objects: remembering does not pay
      remember = false;
      sinceForgot = 0;
    }
    return ok;
  }

  // The state ref as JSON.parse(getSerializedState()) gives it. A runtime that defines the
  // optional getStateJsonValue() hands over that value without the string (the sample ports
  // share the unchanged parts between states, so this costs what changed); it is used only
  // when it is plain JSON and no toJSON could make the serialized text differ from it.
  function stateValue(ref) {
    if (typeof global.getStateJsonValue === "function" && objectProto.toJSON === undefined && arrayProto.toJSON === undefined) {
      var v = withState(ref, global.getStateJsonValue);
      if (isJsonState(v)) return v;
    }
    return parse(serialize(ref));
  }

  // The context of a condition inside any(): one value of the path as its state.
  function Scope(value, prefix) {
    this.value = value;
    this.prefix = prefix;
    this.m = [];
    this.memo = null;
    this.ref = undefined;
  }
  Scope.prototype.state = function () { return this.value; };
  Scope.prototype.mark = function () { return this.m.length; };

  // A condition compiled by to_js(), with what it remembers between steps of one process.
  function Runner(fn) {
    this.fn = fn;
    this.memo = [];
    this.cache = [];  // the parsed JSON of the last two states serialized: [ref, value]
    this.ref = undefined;
    this.prevRef = undefined;
    this.eventText = null;
    this.responseText = null;
    this.eventValue = MISSING;
    this.responseValue = MISSING;
    this.m = null;
    this.prefix = "";
  }
  Runner.prototype.stateOf = function (ref) {
    for (var i = 0; i < this.cache.length; i++) if (this.cache[i][0] === ref) return this.cache[i][1];
    var value = ref === undefined ? MISSING : stateValue(ref);
    this.cache = this.cache.length ? [[ref, value], this.cache[0]] : [[ref, value]];
    return value;
  };
  Runner.prototype.state = function () { return this.stateOf(this.ref); };
  Runner.prototype.prevState = function () { return this.stateOf(this.prevRef); };
  Runner.prototype.event = function () {
    if (this.eventValue === MISSING && this.eventText !== null) this.eventValue = parse(this.eventText);
    return this.eventValue;
  };
  Runner.prototype.response = function () {
    if (this.responseValue === MISSING && this.responseText !== null) this.responseValue = parse(this.responseText);
    return this.responseValue;
  };
  Runner.prototype.mark = function () { return this.m.length; };
  // Before a batch: the state before its first step is the "previous" one.
  Runner.prototype.begin = function () { this.prevRef = global.app_state; };
  // After one step: its matched [path, value] pairs when the condition holds, else null.
  Runner.prototype.step = function (eventText, responseText) {
    this.ref = global.app_state;
    this.eventText = eventText;
    this.responseText = responseText;
    this.eventValue = MISSING;
    this.responseValue = MISSING;
    this.m = [];
    var ok = this.fn(this);
    this.prevRef = this.ref;
    var m = this.m;
    this.m = null;
    return ok ? m : null;
  };

  var runners = Object.create(null);
  var api = {
    // source: to_js() output (a function expression over h), evaluated here once per process.
    define: function (key, factory) { runners[key] = new Runner(factory(h)); },
    runner: function (key) {
      if (!(key in runners)) throw { name: "HarnessError", message: "no condition " + key };
      return runners[key];
    },
    drop: function (key) { delete runners[key]; }
  };
  Object.freeze(api);
  Object.defineProperty(global, "__elmreplay_query", { value: api, writable: false, configurable: false, enumerable: false });
})(globalThis);
