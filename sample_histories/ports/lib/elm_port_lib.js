/*
 * elm_port_lib.js -- HAND-WRITTEN JavaScript, not compiler output.
 *
 * Shared library for the hand-written JavaScript ports of the sample Elm apps under
 * sample_histories/apps/.  A port of app version X is evaluated in a bare V8 context as
 * this file followed by ports/<sample>/<version>.js, concatenated.  The ports mirror what
 * `elm make` output of the app (plus the Elm-fullstack host's generated root modules,
 * 2020-06-20 .. 2021-08 conventions) computes, byte for byte:
 *
 *   - Json.Decode (elm/json 1.1.3): the decoder interpreter, including oneOf error
 *     aggregation and `errorToString`, mirrored from the documented semantics.
 *   - the JSON coders the 2020 C# generator (CompileElmValueSerializer) emitted for state
 *     types, with their leniencies (Maybe from {"Just":v} and null, Result without array,
 *     one-argument tags from {"Tag":arg}, Dict elements from {"key":k,"value":v}) and the
 *     same decoder *structure*, because that structure decides the error texts.  Tags of a
 *     custom type are tried in declaration order.  (G; the counter sample's host, 2020.)
 *   - the decoders of the host's 2021 Elm generator (G21, further below), which the hosts
 *     that deployed the tracker and notes samples (2021-07/08) generated for their states and
 *     migration inputs.
 *   - Elm's Dict/Set ordering (`compare`: numbers numerically, strings by UTF-16 code units).
 *   - Base64 and UTF-8 as the apps use them (danfishgold/base64-bytes 1.0.3 over elm/bytes
 *     1.0.8) and Backend/InterfaceToHost.elm (event decoding, response encoding).
 *   - the generated root module (DeserializeFailed/DeserializeSuccessful wrapper) and the
 *     generated migration root (`interface_migrate`).
 *
 * Value representation inside the ports (Elm values are immutable; the ports never mutate
 * a value after building it, so any reference to an old state stays valid):
 *   Int/Float -> number, String -> string, Bool -> boolean, List -> Array,
 *   Maybe a -> null (Nothing) or the value (Just; never nested), Dict/Set -> persistent
 *   AVL trees (see Dict and ElmSet below; never a JS Map/Set, which is copied on every update),
 *   records -> plain objects, custom type values -> {$: "TagName", a: [args...]},
 *   tuples -> arrays, Result -> {$: "Ok"|"Err", a: [v]}.
 */
var ElmPortLib = (function () {
  'use strict';

  // ------------------------------------------------------------------------------------
  // elm/core arithmetic and string helpers (same JS operations as elm/core's kernel code,
  // so that even odd inputs -- NaN from lone surrogates -- behave identically).

  function idiv(a, b) { return (a / b) | 0; }

  function modBy(modulus, x) {
    var answer = x % modulus;
    return ((answer > 0 && modulus < 0) || (answer < 0 && modulus > 0)) ? answer + modulus : answer;
  }

  /** Elm `String.toList` as an array of chars (String.foldr scans from the end; a low
   * surrogate takes the unit before it, whatever that is). */
  function stringToChars(str) {
    var out = [];
    var i = str.length;
    while (i--) {
      var ch = str[i];
      var word = ch.charCodeAt(0);
      if (0xDC00 <= word && word <= 0xDFFF) {
        i--;
        ch = str[i] + ch;
      }
      out.push(ch);
    }
    out.reverse();
    return out;
  }

  /** Elm `Char.toCode`. */
  function charToCode(ch) {
    var code = ch.charCodeAt(0);
    if (0xD800 <= code && code <= 0xDBFF) {
      return (code - 0xD800) * 0x400 + ch.charCodeAt(1) - 0xDC00 + 0x10000;
    }
    return code;
  }

  /** Elm `Char.fromCode`. */
  function charFromCode(code) {
    if (code < 0 || 0x10FFFF < code) return '\uFFFD';
    if (code <= 0xFFFF) return String.fromCharCode(code);
    code -= 0x10000;
    return String.fromCharCode(Math.floor(code / 0x400) + 0xD800, code % 0x400 + 0xDC00);
  }

  /** Elm `compare` restricted to the key types the samples use (Int, String). */
  function compareKeys(a, b) {
    return a === b ? 0 : (a < b ? -1 : 1);
  }

  // ------------------------------------------------------------------------------------
  // Persistent ordered tree behind Dict and Set: an AVL tree ordered by compareKeys.  A node
  // is never changed after construction; an update copies the O(log n) nodes on its path
  // and shares all others, so every older Dict/Set (states kept as checkpoints) stays
  // valid, as with elm/core's red-black tree.  The empty tree is null.

  function Node(key, value, left, right) {
    this.key = key;
    this.value = value;
    this.left = left;
    this.right = right;
    var hl = left === null ? 0 : left.height, hr = right === null ? 0 : right.height;
    this.height = (hl > hr ? hl : hr) + 1;
    this.size = (left === null ? 0 : left.size) + (right === null ? 0 : right.size) + 1;
  }

  function height(t) { return t === null ? 0 : t.height; }

  /** A node for key/value over two subtrees whose heights differ by at most 2. */
  function balance(key, value, left, right) {
    var hl = height(left), hr = height(right);
    if (hl > hr + 1) {
      if (height(left.left) >= height(left.right)) {
        return new Node(left.key, left.value, left.left, new Node(key, value, left.right, right));
      }
      var lr = left.right;
      return new Node(lr.key, lr.value, new Node(left.key, left.value, left.left, lr.left),
        new Node(key, value, lr.right, right));
    }
    if (hr > hl + 1) {
      if (height(right.right) >= height(right.left)) {
        return new Node(right.key, right.value, new Node(key, value, left, right.left), right.right);
      }
      var rl = right.left;
      return new Node(rl.key, rl.value, new Node(key, value, left, rl.left),
        new Node(right.key, right.value, rl.right, right.right));
    }
    return new Node(key, value, left, right);
  }

  /** The node with a key equal to `key`, or null. */
  function treeFind(t, key) {
    while (t !== null) {
      var c = compareKeys(key, t.key);
      if (c === 0) return t;
      t = c < 0 ? t.left : t.right;
    }
    return null;
  }

  /** Insert or replace; like Elm's Dict.insert an equal key is replaced by the new one. */
  function treeInsert(t, key, value) {
    if (t === null) return new Node(key, value, null, null);
    var c = compareKeys(key, t.key);
    if (c < 0) return balance(t.key, t.value, treeInsert(t.left, key, value), t.right);
    if (c > 0) return balance(t.key, t.value, t.left, treeInsert(t.right, key, value));
    return new Node(key, value, t.left, t.right);
  }

  function treeMin(t) {
    while (t.left !== null) t = t.left;
    return t;
  }

  function treeRemoveMin(t) {
    if (t.left === null) return t.right;
    return balance(t.key, t.value, treeRemoveMin(t.left), t.right);
  }

  /** Remove `key`; the same tree when it is absent. */
  function treeRemove(t, key) {
    if (t === null) return null;
    var c = compareKeys(key, t.key);
    if (c < 0) {
      var left = treeRemove(t.left, key);
      return left === t.left ? t : balance(t.key, t.value, left, t.right);
    }
    if (c > 0) {
      var right = treeRemove(t.right, key);
      return right === t.right ? t : balance(t.key, t.value, t.left, right);
    }
    if (t.left === null) return t.right;
    if (t.right === null) return t.left;
    var successor = treeMin(t.right);
    return balance(successor.key, successor.value, t.left, treeRemoveMin(t.right));
  }

  /** Calls f(node) in ascending key order. */
  function treeForEach(t, f) {
    while (t !== null) {
      treeForEach(t.left, f);
      f(t);
      t = t.right;
    }
  }

  /** Same shape, values f(key, value), f called in ascending key order. */
  function treeMap(t, f) {
    if (t === null) return null;
    var left = treeMap(t.left, f);
    var value = f(t.key, t.value);
    return new Node(t.key, value, left, treeMap(t.right, f));
  }

  /** A balanced tree of keys[lo..hi) (strictly ascending), values[i] or null for sets. */
  function treeFromSorted(keys, values, lo, hi) {
    if (lo >= hi) return null;
    var mid = (lo + hi) >>> 1;
    return new Node(keys[mid], values === null ? null : values[mid],
      treeFromSorted(keys, values, lo, mid), treeFromSorted(keys, values, mid + 1, hi));
  }

  function isStrictlyAscending(keys) {
    for (var i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1], keys[i]) >= 0) return false;
    return true;
  }

  /** Fold insert over keys (later keys win); values null for sets.  Strictly ascending
   * input -- every encoded Dict/Set -- is built directly, with the same contents. */
  function treeFromList(keys, values) {
    if (isStrictlyAscending(keys)) return treeFromSorted(keys, values, 0, keys.length);
    var t = null;
    for (var i = 0; i < keys.length; i++) t = treeInsert(t, keys[i], values === null ? null : values[i]);
    return t;
  }

  // ------------------------------------------------------------------------------------
  // Dict and Set: immutable wrappers around a tree root.

  function ElmDict(root) { this.root = root; }
  function ElmSetValue(root) { this.root = root; }

  var emptyDict = new ElmDict(null);
  var emptySet = new ElmSetValue(null);

  function dictOf(root) { return root === null ? emptyDict : new ElmDict(root); }
  function setOf(root) { return root === null ? emptySet : new ElmSetValue(root); }

  var Dict = {
    empty: function () { return emptyDict; },
    /** Dict.fromList: later pairs win. */
    fromList: function (pairs) {
      var keys = new Array(pairs.length), values = new Array(pairs.length);
      for (var i = 0; i < pairs.length; i++) { keys[i] = pairs[i][0]; values[i] = pairs[i][1]; }
      return dictOf(treeFromList(keys, values));
    },
    /** Dict.get: the value, or null (Nothing). */
    get: function (key, dict) {
      var node = treeFind(dict.root, key);
      return node === null ? null : node.value;
    },
    member: function (key, dict) { return treeFind(dict.root, key) !== null; },
    insert: function (key, value, dict) { return new ElmDict(treeInsert(dict.root, key, value)); },
    remove: function (key, dict) {
      var root = treeRemove(dict.root, key);
      return root === dict.root ? dict : dictOf(root);
    },
    /** Dict.map: f(key, value), keys visited in ascending order. */
    map: function (f, dict) { return dictOf(treeMap(dict.root, f)); },
    keys: function (dict) {
      var out = [];
      treeForEach(dict.root, function (node) { out.push(node.key); });
      return out;
    },
    values: function (dict) {
      var out = [];
      treeForEach(dict.root, function (node) { out.push(node.value); });
      return out;
    },
    toList: function (dict) {
      var out = [];
      treeForEach(dict.root, function (node) { out.push([node.key, node.value]); });
      return out;
    },
    size: function (dict) { return dict.root === null ? 0 : dict.root.size; },
    /** Dict.foldl: f(key, value, acc), keys in ascending order. */
    foldl: function (f, acc, dict) {
      treeForEach(dict.root, function (node) { acc = f(node.key, node.value, acc); });
      return acc;
    }
  };

  var ElmSet = {
    fromList: function (items) { return setOf(treeFromList(items, null)); },
    toList: function (set) {
      var out = [];
      treeForEach(set.root, function (node) { out.push(node.key); });
      return out;
    },
    member: function (item, set) { return treeFind(set.root, item) !== null; },
    insert: function (item, set) { return new ElmSetValue(treeInsert(set.root, item, null)); },
    /** Set.union: the elements of a inserted into b. */
    union: function (a, b) {
      var root = b.root;
      treeForEach(a.root, function (node) { root = treeInsert(root, node.key, null); });
      return setOf(root);
    },
    /** Set.diff: the elements of a not in b. */
    diff: function (a, b) {
      var kept = [];
      treeForEach(a.root, function (node) { if (treeFind(b.root, node.key) === null) kept.push(node.key); });
      return setOf(treeFromSorted(kept, null, 0, kept.length));
    }
  };

  // ------------------------------------------------------------------------------------
  // Json.Decode (elm/json 1.1.3)

  function ok(value) { return { ok: true, value: value }; }
  function err(error) { return { ok: false, error: error }; }

  // Error values, as Json.Decode.Error
  function Field(name, error) { return { $: 'Field', name: name, error: error }; }
  function Index(index, error) { return { $: 'Index', index: index, error: error }; }
  function OneOf(errors) { return { $: 'OneOf', errors: errors }; }
  function Failure(message, json) { return { $: 'Failure', message: message, json: json }; }

  function expecting(type, value) { return err(Failure('Expecting ' + type, value)); }

  function prim(f) { return { $: 'prim', f: f }; }

  var D = {};

  D.int = prim(function (value) {
    if (typeof value !== 'number') return expecting('an INT', value);
    if (-2147483647 < value && value < 2147483647 && (value | 0) === value) return ok(value);
    if (isFinite(value) && !(value % 1)) return ok(value);
    return expecting('an INT', value);
  });
  D.float = prim(function (value) {
    return typeof value === 'number' ? ok(value) : expecting('a FLOAT', value);
  });
  D.bool = prim(function (value) {
    return typeof value === 'boolean' ? ok(value) : expecting('a BOOL', value);
  });
  D.string = prim(function (value) {
    if (typeof value === 'string') return ok(value);
    if (value instanceof String) return ok(value + '');
    return expecting('a STRING', value);
  });
  D.value = prim(function (value) { return ok(value); });
  D.null = function (v) { return { $: 'null', v: v }; };
  D.list = function (d) { return { $: 'list', d: d }; };
  D.field = function (name, d) { return { $: 'field', name: name, d: d }; };
  D.index = function (index, d) { return { $: 'index', index: index, d: d }; };
  D.keyValuePairs = function (d) { return { $: 'kv', d: d }; };
  /** D.map(f, d1, ..., dn) is Json.Decode.mapN with an n-argument f. */
  D.map = function (f) {
    return { $: 'map', f: f, ds: Array.prototype.slice.call(arguments, 1) };
  };
  D.andThen = function (callback, d) { return { $: 'andThen', d: d, callback: callback }; };
  D.oneOf = function (ds) { return { $: 'oneOf', ds: ds }; };
  D.fail = function (message) { return { $: 'fail', message: message }; };
  D.succeed = function (v) { return { $: 'succeed', v: v }; };
  /** Json.Decode.maybe = oneOf [ map Just d, succeed Nothing ] (Nothing is null here). */
  D.maybe = function (d) { return D.oneOf([d, D.succeed(null)]); };
  /** Json.Decode.nullable = oneOf [ null Nothing, map Just d ]. */
  D.nullable = function (d) { return D.oneOf([D.null(null), d]); };

  function isArray(value) { return Array.isArray(value); }

  function runArray(d, value) {
    var len = value.length;
    var array = new Array(len);
    for (var i = 0; i < len; i++) {
      var r = run(d, value[i]);
      if (!r.ok) return err(Index(i, r.error));
      array[i] = r.value;
    }
    return ok(array);
  }

  function run(decoder, value) {
    var r;
    switch (decoder.$) {
      case 'prim':
        return decoder.f(value);
      case 'null':
        return value === null ? ok(decoder.v) : expecting('null', value);
      case 'list':
        if (!isArray(value)) return expecting('a LIST', value);
        return runArray(decoder.d, value);
      case 'field':
        if (typeof value !== 'object' || value === null || !(decoder.name in value)) {
          return expecting('an OBJECT with a field named `' + decoder.name + '`', value);
        }
        r = run(decoder.d, value[decoder.name]);
        return r.ok ? r : err(Field(decoder.name, r.error));
      case 'index':
        if (!isArray(value)) return expecting('an ARRAY', value);
        if (decoder.index >= value.length) {
          return expecting('a LONGER array. Need index ' + decoder.index + ' but only see ' +
            value.length + ' entries', value);
        }
        r = run(decoder.d, value[decoder.index]);
        return r.ok ? r : err(Index(decoder.index, r.error));
      case 'kv':
        if (typeof value !== 'object' || value === null || isArray(value)) {
          return expecting('an OBJECT', value);
        }
        var pairs = [];
        for (var key in value) {
          if (Object.prototype.hasOwnProperty.call(value, key)) {
            r = run(decoder.d, value[key]);
            if (!r.ok) return err(Field(key, r.error));
            pairs.push([key, r.value]);
          }
        }
        return ok(pairs);
      case 'map':
        var args = [];
        for (var i = 0; i < decoder.ds.length; i++) {
          r = run(decoder.ds[i], value);
          if (!r.ok) return r;
          args.push(r.value);
        }
        return ok(decoder.f.apply(null, args));
      case 'andThen':
        r = run(decoder.d, value);
        return r.ok ? run(decoder.callback(r.value), value) : r;
      case 'oneOf':
        var errors = [];
        for (var j = 0; j < decoder.ds.length; j++) {
          r = run(decoder.ds[j], value);
          if (r.ok) return r;
          errors.push(r.error);
        }
        return err(OneOf(errors));
      case 'fail':
        return err(Failure(decoder.message, value));
      case 'succeed':
        return ok(decoder.v);
    }
    throw new Error('unknown decoder ' + decoder.$);
  }

  /** Json.Decode.decodeString: JSON.parse errors become a Failure on the whole string. */
  D.decodeString = function (decoder, string) {
    try {
      var value = JSON.parse(string);
      return run(decoder, value);
    } catch (e) {
      return err(Failure('This is not valid JSON! ' + e.message, string));
    }
  };
  D.decodeValue = run;

  // Json.Encode.encode 4 is JSON.stringify(v, null, 4) + '' (so `undefined` prints as text).
  function encodeIndented(json) { return JSON.stringify(json, null, 4) + ''; }

  function indent(str) { return str.split('\n').join('\n    '); }

  function isSimpleFieldName(name) { return /^[a-zA-Z][a-zA-Z0-9]*$/.test(name); }

  function errorToStringHelp(error, context) {
    for (;;) {
      switch (error.$) {
        case 'Field':
          context = context.concat([isSimpleFieldName(error.name) ? '.' + error.name : "['" + error.name + "']"]);
          error = error.error;
          continue;
        case 'Index':
          context = context.concat(['[' + error.index + ']']);
          error = error.error;
          continue;
        case 'OneOf':
          if (error.errors.length === 0) {
            return 'Ran into a Json.Decode.oneOf with no possibilities' +
              (context.length === 0 ? '!' : ' at json' + context.join(''));
          }
          if (error.errors.length === 1) {
            error = error.errors[0];
            continue;
          }
          var starter = context.length === 0 ? 'Json.Decode.oneOf'
            : 'The Json.Decode.oneOf at json' + context.join('');
          var parts = [starter + ' failed in the following ' + error.errors.length + ' ways:'];
          for (var i = 0; i < error.errors.length; i++) {
            parts.push('\n\n(' + (i + 1) + ') ' + indent(errorToString(error.errors[i])));
          }
          return parts.join('\n\n');
        case 'Failure':
          var introduction = context.length === 0 ? 'Problem with the given value:\n\n'
            : 'Problem with the value at json' + context.join('') + ':\n\n    ';
          return introduction + indent(encodeIndented(error.json)) + '\n\n' + error.message;
      }
      throw new Error('unknown decode error ' + error.$);
    }
  }

  function errorToString(error) { return errorToStringHelp(error, []); }
  D.errorToString = errorToString;

  // ------------------------------------------------------------------------------------
  // Json.Encode: values are plain JS values; objects are built by property assignment in
  // order, exactly like elm/json's kernel, and `encode` is JSON.stringify.

  var E = {};
  /** Json.Encode.object from [[key, value], ...]. */
  E.object = function (pairs) {
    var o = {};
    for (var i = 0; i < pairs.length; i++) o[pairs[i][0]] = pairs[i][1];
    return o;
  };
  E.encode = function (indentLevel, value) { return JSON.stringify(value, null, indentLevel) + ''; };

  // ------------------------------------------------------------------------------------
  // Coders with the shapes the host's 2020 C# generator emitted (see module comment).
  // G.* are decoders, GE.* encoders (GE.x(...) returns a function value -> JSON value).

  var G = {};
  var GE = {};

  G.maybe = function (d) {
    return D.oneOf([
      D.field('Nothing', D.succeed(null)),
      D.field('Just', D.index(0, d)),
      D.field('Just', d),
      D.null(null)
    ]);
  };
  GE.maybe = function (enc) {
    return function (v) {
      return v === null ? E.object([['Nothing', []]]) : E.object([['Just', [enc(v)]]]);
    };
  };

  G.list = D.list;
  GE.list = function (enc) { return function (v) { return v.map(function (x) { return enc(x); }); }; };

  G.set = function (d) { return D.map(ElmSet.fromList, D.list(d)); };
  GE.set = function (enc) {
    return function (s) { return ElmSet.toList(s).map(function (x) { return enc(x); }); };
  };

  G.tuple2 = function (da, db) {
    return D.map(function (a, b) { return [a, b]; }, D.index(0, da), D.index(1, db));
  };
  GE.tuple2 = function (ea, eb) { return function (t) { return [ea(t[0]), eb(t[1])]; }; };

  G.tuple3 = function (da, db, dc) {
    return D.map(function (a, b, c) { return [a, b, c]; }, D.index(0, da), D.index(1, db), D.index(2, dc));
  };
  GE.tuple3 = function (ea, eb, ec) {
    return function (t) { return [ea(t[0]), eb(t[1]), ec(t[2])]; };
  };

  G.dict = function (dk, dv) {
    var oldElementDecoder = D.map(function (k, v) { return [k, v]; }, D.field('key', dk), D.field('value', dv));
    return D.map(Dict.fromList, D.list(D.oneOf([G.tuple2(dk, dv), oldElementDecoder])));
  };
  GE.dict = function (ek, ev) {
    return function (dict) {
      return Dict.toList(dict).map(function (kv) { return [ek(kv[0]), ev(kv[1])]; });
    };
  };

  G.result = function (de, dok) {
    function errV(v) { return { $: 'Err', a: [v] }; }
    function okV(v) { return { $: 'Ok', a: [v] }; }
    return D.oneOf([
      D.map(errV, D.field('Err', D.index(0, de))),
      D.map(okV, D.field('Ok', D.index(0, dok))),
      D.map(errV, D.field('Err', de)),
      D.map(okV, D.field('Ok', dok))
    ]);
  };
  GE.result = function (ee, eok) {
    return function (r) {
      return r.$ === 'Err' ? E.object([['Err', [ee(r.a[0])]]]) : E.object([['Ok', [eok(r.a[0])]]]);
    };
  };

  /** `()`: the generated decoder accepts anything, the encoder writes []. */
  G.unit = D.succeed(null);
  GE.unit = function () { return []; };

  /**
   * Record: `succeed f |> andMap (field "a" da) |> andMap (field "b" db) ...` where
   * andMap = map2 (|>).  The outermost map2 runs its field first, so fields are checked
   * from the LAST declared to the first: that order decides which error is reported.
   * `fields` is [[name, decoder], ...] in declared order; the result is an object with the
   * fields in declared order.
   */
  G.record = function (fields) {
    var dec = D.succeed([]);
    fields.forEach(function (f) {
      dec = D.map(function (v, earlier) { return earlier.concat([v]); }, D.field(f[0], f[1]), dec);
    });
    return D.map(function (values) {
      var o = {};
      for (var i = 0; i < fields.length; i++) o[fields[i][0]] = values[i];
      return o;
    }, dec);
  };
  GE.record = function (fields) {
    return function (r) {
      return E.object(fields.map(function (f) { return [f[0], f[1](r[f[0]])]; }));
    };
  };

  /**
   * Custom type: oneOf over the tags (declaration order).  Zero arguments:
   * `field "Tag" (succeed Tag)`; one argument: `field "Tag" (map Tag (oneOf [ d, index 0 d ]))`
   * (the 2020 legacy form first); n arguments: `field "Tag" (mapN Tag (index 0 d0) ...)`.
   * `tags` is [[tagName, [argDecoders...]], ...]; values are {$: tagName, a: [args]}.
   */
  G.custom = function (tags) {
    return D.oneOf(tags.map(function (tag) {
      var name = tag[0];
      var argDecoders = tag[1];
      function construct() { return { $: name, a: Array.prototype.slice.call(arguments) }; }
      if (argDecoders.length === 0) return D.field(name, D.succeed({ $: name, a: [] }));
      if (argDecoders.length === 1) {
        return D.field(name, D.map(construct, D.oneOf([argDecoders[0], D.index(0, argDecoders[0])])));
      }
      var indexed = argDecoders.map(function (d, i) { return D.index(i, d); });
      return D.field(name, D.map.apply(null, [construct].concat(indexed)));
    }));
  };
  /** `tags` is {tagName: [argEncoders...]}. */
  GE.custom = function (tags) {
    return function (v) {
      var encoders = tags[v.$];
      return E.object([[v.$, v.a.map(function (x, i) { return encoders[i](x); })]]);
    };
  };

  G.string = D.string; G.int = D.int; G.float = D.float; G.bool = D.bool;
  GE.string = function (v) { return v; };
  GE.int = function (v) { return v; };
  GE.float = function (v) { return v; };
  GE.bool = function (v) { return v; };

  // ------------------------------------------------------------------------------------
  // GV.*: the encoders of GE.* for getStateJsonValue (the state as its JSON value, without a
  // string; design.md's runtime contract). Same shapes, but each encoder remembers its result
  // per immutable input object (record, custom-type value, list, tuple, Dict/Set and tree
  // node), so after an update only the changed path is encoded again and every unchanged part
  // keeps its identity. The results are shared between states and, like the values they
  // view, never mutated.
  var GV = viewEncoders();

  function viewEncoders() {
    var V = {};
    function memo(enc) {
      var seen = new WeakMap();
      return function (v) {
        if (v === null || typeof v !== 'object') return enc(v);
        var r = seen.get(v);
        if (r === undefined) { r = enc(v); seen.set(v, r); }
        return r;
      };
    }
    // A tree's elements in key order. Nodes whose height is a multiple of 3 remember their
    // subtree's array (so an update copies about n elements, and memory stays about n log n / 3
    // per distinct tree); below them the few nodes are walked.
    function treeArray(entry) {
      var seen = new WeakMap();
      function fill(t, out) {
        while (t !== null) {
          if (t.height % 3 === 0) {
            var a = subtree(t);
            for (var i = 0; i < a.length; i++) out.push(a[i]);
            return;
          }
          fill(t.left, out);
          out.push(entry(t));
          t = t.right;
        }
      }
      function subtree(t) {
        var a = seen.get(t);
        if (a === undefined) {
          a = [];
          fill(t.left, a);
          a.push(entry(t));
          fill(t.right, a);
          seen.set(t, a);
        }
        return a;
      }
      return memo(function (container) { var out = []; fill(container.root, out); return out; });
    }
    V.maybe = function (enc) {
      var nothing = E.object([['Nothing', []]]);
      return memo(function (v) { return v === null ? nothing : E.object([['Just', [enc(v)]]]); });
    };
    V.list = function (enc) { return memo(function (v) { return v.map(function (x) { return enc(x); }); }); };
    V.set = function (enc) { return treeArray(function (node) { return enc(node.key); }); };
    V.tuple2 = function (ea, eb) { return memo(GE.tuple2(ea, eb)); };
    V.tuple3 = function (ea, eb, ec) { return memo(GE.tuple3(ea, eb, ec)); };
    V.dict = function (ek, ev) {
      var pair = memo(function (node) { return [ek(node.key), ev(node.value)]; });
      return treeArray(pair);
    };
    V.result = function (ee, eok) { return memo(GE.result(ee, eok)); };
    V.unit = GE.unit;
    V.record = function (fields) { return memo(GE.record(fields)); };
    V.custom = function (tags) { return memo(GE.custom(tags)); };
    V.string = GE.string; V.int = GE.int; V.float = GE.float; V.bool = GE.bool;
    return V;
  }

  /** Tag helper for building custom type values in app code. */
  function tag(name) { return { $: name, a: Array.prototype.slice.call(arguments, 1) }; }

  // ------------------------------------------------------------------------------------
  // Base64 and UTF-8 as the apps use them: danfishgold/base64-bytes 1.0.3 (Base64.fromBytes,
  // Base64.toBytes) over elm/bytes 1.0.8 (Bytes.Encode.string, Bytes.Decode.string).  Bytes
  // are arrays of ints 0..255.  Mirrors the packages' code, quirks included.

  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  /** Base64.fromBytes (never Nothing): padded standard base64. */
  function base64FromBytes(bytes) {
    var parts = [];
    for (var i = 0; i < bytes.length; i += 3) {
      var rest = bytes.length - i;
      var bits = bytes[i] * 65536 + (rest > 1 ? bytes[i + 1] * 256 : 0) + (rest > 2 ? bytes[i + 2] : 0);
      parts.push(ALPHABET[bits >>> 18] + ALPHABET[(bits >>> 12) & 63] +
        (rest > 1 ? ALPHABET[(bits >>> 6) & 63] : '=') + (rest > 2 ? ALPHABET[bits & 63] : '='));
    }
    return parts.join('');
  }

  /** The package's isValidChar/unsafeConvertChar: ASCII letters, digits, + and /; else null. */
  function sextetValue(ch) {
    var code = ch === undefined ? -1 : ch.charCodeAt(0);
    if (65 <= code && code <= 90) return code - 65;
    if (97 <= code && code <= 122) return code - 71;
    if (48 <= code && code <= 57) return code + 4;
    if (code === 43) return 62;
    if (code === 47) return 63;
    return null;
  }

  /** Base64.toBytes (Encode.encodeChunks): chunks of 4; a final chunk of 2 or 3 characters
   * counts as padded; '=' is padding only in the last two places of a chunk, and a padded
   * chunk may stand anywhere (decoding goes on after it); leftover low bits are dropped.
   * Any character outside the alphabet (every non-ASCII one included) gives null. */
  function base64ToBytes(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i += 4) {
      var chunk = text.slice(i, i + 4);
      if (chunk.length === 1) return null;
      var c = chunk.length > 2 ? chunk[2] : '=', d = chunk.length > 3 ? chunk[3] : '=';
      var n1 = sextetValue(chunk[0]), n2 = sextetValue(chunk[1]);
      if (n1 === null || n2 === null) return null;
      if (d === '=' && c === '=') {
        bytes.push(((n1 << 18) | (n2 << 12)) >>> 16);
      } else if (d === '=') {
        var n3 = sextetValue(c);
        if (n3 === null) return null;
        var n = (n1 << 18) | (n2 << 12) | (n3 << 6);
        bytes.push((n >>> 16) & 255, (n >>> 8) & 255);
      } else {
        var m3 = sextetValue(c), m4 = sextetValue(d);
        if (m3 === null || m4 === null) return null;
        var m = (n1 << 18) | (n2 << 12) | (m3 << 6) | m4;
        bytes.push((m >>> 16) & 255, (m >>> 8) & 255, m & 255);
      }
    }
    return bytes;
  }

  /** Bytes.Decode.string over all the bytes (elm/bytes' _Bytes_read_string): no validation,
   * continuation bits are masked; null (Nothing) only when a lead byte's sequence runs past
   * the end.  Lead bytes 0x80-0xBF and 0xF8-0xFF take the four-byte branch, as there. */
  function decodeUtf8(bytes) {
    var out = '';
    var i = 0;
    function next() {
      if (i >= bytes.length) throw 0;
      return bytes[i++];
    }
    try {
      while (i < bytes.length) {
        var b = next();
        if (b < 128) {
          out += String.fromCharCode(b);
        } else if ((b & 0xE0) === 0xC0) {
          out += String.fromCharCode((b & 0x1F) << 6 | next() & 0x3F);
        } else if ((b & 0xF0) === 0xE0) {
          var b1 = next();
          out += String.fromCharCode((b & 0xF) << 12 | (b1 & 0x3F) << 6 | next() & 0x3F);
        } else {
          var c1 = next(), c2 = next(), c3 = next();
          var v = ((b & 0x7) << 18 | (c1 & 0x3F) << 12 | (c2 & 0x3F) << 6 | c3 & 0x3F) - 0x10000;
          out += String.fromCharCode(Math.floor(v / 0x400) + 0xD800, v % 0x400 + 0xDC00);
        }
      }
    } catch (e) {
      if (e === 0) return null;
      throw e;
    }
    return out;
  }

  /** Bytes.Encode.string (elm/bytes' _Bytes_write_string) over UTF-16 units: a high
   * surrogate always takes the next unit with it (NaN past the end gives F0 80 80 80). */
  function encodeUtf8(str) {
    var bytes = [];
    for (var i = 0; i < str.length; i++) {
      var code = str.charCodeAt(i);
      if (code < 0x80) {
        bytes.push(code);
      } else if (code < 0x800) {
        bytes.push(0xC0 | (code >>> 6 & 0x1F), 0x80 | (code & 0x3F));
      } else if (code < 0xD800 || 0xDBFF < code) {
        bytes.push(0xE0 | (code >>> 12 & 0xF), 0x80 | (code >>> 6 & 0x3F), 0x80 | (code & 0x3F));
      } else {
        code = (code - 0xD800) * 0x400 + str.charCodeAt(++i) - 0xDC00 + 0x10000;
        bytes.push(0xF0 | (code >>> 18 & 0x7), 0x80 | (code >>> 12 & 0x3F), 0x80 | (code >>> 6 & 0x3F),
          0x80 | (code & 0x3F));
      }
    }
    return bytes;
  }

  var Base64 = {
    fromBytes: base64FromBytes,
    toBytes: base64ToBytes,
    decodeUtf8: decodeUtf8,
    encodeUtf8: encodeUtf8,
    /** the apps' `base64FromString`: `Bytes.Encode.string >> Bytes.Encode.encode >> Base64.fromBytes` */
    fromString: function (text) { return base64FromBytes(encodeUtf8(text)); }
  };

  // ------------------------------------------------------------------------------------
  // Backend/InterfaceToHost.elm (2020-06-20 interface, "Host" task names)

  /** decodeOptionalField: Nothing when the field is absent (or the value is no object). */
  function optionalField(name, d) {
    return D.andThen(function (json) {
      if (typeof json === 'object' && json !== null && name in json) return D.field(name, d);
      return D.succeed(null);
    }, D.value);
  }

  function decodeResultPlain(de, dok) {
    return D.oneOf([
      D.map(function (e) { return { $: 'Err', a: [e] }; }, D.field('Err', de)),
      D.map(function (v) { return { $: 'Ok', a: [v] }; }, D.field('Ok', dok))
    ]);
  }

  var decodeTaskResult = D.oneOf([
    D.map(function (r) { return tag('CreateVolatileHostResponse', r); },
      D.field('CreateVolatileHostResponse', decodeResultPlain(
        D.map(function (e) { return { exceptionToString: e }; }, D.field('exceptionToString', D.string)),
        D.map(function (h) { return { hostId: h }; }, D.field('hostId', D.string))))),
    D.map(function (r) { return tag('RequestToVolatileHostResponse', r); },
      D.field('RequestToVolatileHostResponse', decodeResultPlain(
        D.oneOf([D.field('HostNotFound', D.succeed(tag('HostNotFound')))]),
        D.map(function (e, r, d) { return { exceptionToString: e, returnValueToString: r, durationInMilliseconds: d }; },
          optionalField('exceptionToString', D.string),
          optionalField('returnValueToString', D.string),
          D.field('durationInMilliseconds', D.int))))),
    D.field('CompleteWithoutResult', D.succeed(tag('CompleteWithoutResult')))
  ]);

  var decodeHttpHeader = D.map(function (name, values) { return { name: name, values: values }; },
    D.field('name', D.string), D.field('values', D.list(D.string)));

  var decodeHttpRequestEvent = D.map(
    function (httpRequestId, posixTimeMilli, requestContext, request) {
      return { httpRequestId: httpRequestId, posixTimeMilli: posixTimeMilli, requestContext: requestContext, request: request };
    },
    D.field('httpRequestId', D.string),
    D.field('posixTimeMilli', D.int),
    D.field('requestContext', D.map(function (a) { return { clientAddress: a }; }, optionalField('clientAddress', D.string))),
    D.field('request', D.map(function (method, uri, body, headers) {
      return { method: method, uri: uri, bodyAsBase64: body, headers: headers };
    }, D.field('method', D.string), D.field('uri', D.string), optionalField('bodyAsBase64', D.string),
      D.field('headers', D.list(decodeHttpHeader)))));

  var decodeAppEvent = D.oneOf([
    D.map(function (t) { return tag('ArrivedAtTimeEvent', { posixTimeMilli: t }); },
      D.field('ArrivedAtTimeEvent', D.field('posixTimeMilli', D.int))),
    D.map(function (t) { return tag('TaskCompleteEvent', t); },
      D.field('TaskCompleteEvent', D.map(function (taskId, taskResult) { return { taskId: taskId, taskResult: taskResult }; },
        D.field('taskId', D.string), D.field('taskResult', decodeTaskResult)))),
    D.map(function (e) { return tag('HttpRequestEvent', e); }, D.field('HttpRequestEvent', decodeHttpRequestEvent))
  ]);

  function encodeHttpHeader(h) {
    return E.object([['name', h.name], ['values', h.values.slice()]]);
  }

  function encodeAppEventResponse(response) {
    return E.object([
      ['notifyWhenArrivedAtTime', null],
      ['startTasks', []],
      ['completeHttpResponses', response.completeHttpResponses.map(function (r) {
        return E.object([
          ['httpRequestId', r.httpRequestId],
          ['response', E.object([
            ['statusCode', r.response.statusCode],
            ['headersToAdd', r.response.headersToAdd.map(encodeHttpHeader)],
            ['bodyAsBase64', r.response.bodyAsBase64]
          ])]
        ]);
      })]
    ]);
  }

  var passiveAppEventResponse = { completeHttpResponses: [] };

  /** One HTTP response as the apps build it: {statusCode, headersToAdd, body text}. */
  function httpResponse(httpRequestId, statusCode, headersToAdd, bodyText) {
    return {
      completeHttpResponses: [{
        httpRequestId: httpRequestId,
        response: { statusCode: statusCode, headersToAdd: headersToAdd, bodyAsBase64: Base64.fromString(bodyText) }
      }]
    };
  }

  /** The body text as the samples read it (same fallback strings as the host's examples);
   * `whenMissing` is the app's text for an absent body. */
  function requestBodyText(request, whenMissing) {
    if (request.bodyAsBase64 === null) return whenMissing;
    var bytes = Base64.toBytes(request.bodyAsBase64);
    if (bytes === null) return 'Failed to decode from base64';
    var text = Base64.decodeUtf8(bytes);
    return text === null ? 'Failed to decode bytes to string' : text;
  }

  /** InterfaceToHost.wrapForSerialInterface_processEvent update: string -> state -> [state, string]. */
  function wrapForSerialInterface(update) {
    return function (serializedEvent, stateBefore) {
      var decoded = D.decodeString(decodeAppEvent, serializedEvent);
      if (!decoded.ok) {
        var message = 'Failed to deserialize event: ' + errorToString(decoded.error);
        return [stateBefore, E.encode(0, E.object([['DecodeEventError', message]]))];
      }
      var result = update(decoded.value, stateBefore);
      return [result[0], E.encode(0, E.object([['DecodeEventSuccess', encodeAppEventResponse(result[1])]]))];
    };
  }

  // ------------------------------------------------------------------------------------
  // GD.*: the encoders of GE.* for getStateDigest (design.md's runtime contract): each gives
  // the harness's hash of the JSON text GE.* + E.encode(0, ...) would write, without writing
  // it. The hash is polynomial in the text's UTF-16 units (two 32-bit lanes, harness.js's
  // hashInto), so a fragment's hash composes: R(ab) = R(a) * B^|b| + R(b). Each encoder
  // remembers its fragment per immutable input object (record, custom-type value, list,
  // tuple, Dict/Set and tree node), so after an update only the changed path is hashed again
  // (O(log n) for one Dict entry). Equal texts give equal digests, always; unequal texts of
  // equal length collide only as the text hash itself does.
  var GD = digestEncoders();

  function digestEncoders() {
    var B1 = 31, B2 = 1000003, SEED1 = 0x811c9dc5 | 0, SEED2 = 0x2545f491 | 0;
    var imul = Math.imul;
    /** A text fragment: its two lanes started from 0, B^length in both lanes, its length. */
    function Frag(r1, r2, p1, p2, n) { this.r1 = r1; this.r2 = r2; this.p1 = p1; this.p2 = p2; this.n = n; }
    function text(s) {
      var r1 = 0, r2 = 0, p1 = 1, p2 = 1;
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        r1 = (imul(r1, B1) + c) | 0; r2 = (imul(r2, B2) + c) | 0;
        p1 = imul(p1, B1); p2 = imul(p2, B2);
      }
      return new Frag(r1, r2, p1, p2, s.length);
    }
    function cat(a, b) {
      return new Frag((imul(a.r1, b.p1) + b.r1) | 0, (imul(a.r2, b.p2) + b.r2) | 0,
        imul(a.p1, b.p1), imul(a.p2, b.p2), a.n + b.n);
    }
    var OPEN = text('['), CLOSE = text(']'), COMMA = text(','), BRACE = text('{'), UNBRACE = text('}');
    /** parts (fragments, null for nothing) joined by commas. */
    function joined(parts) {
      var out = null;
      for (var i = 0; i < parts.length; i++) {
        if (parts[i] === null) continue;
        out = out === null ? parts[i] : cat(cat(out, COMMA), parts[i]);
      }
      return out;
    }
    function wrap(open, inner, close) { return cat(inner === null ? open : cat(open, inner), close); }
    function memo(enc) {
      var seen = new WeakMap();
      return function (v) {
        if (v === null || typeof v !== 'object') return enc(v);
        var r = seen.get(v);
        if (r === undefined) { r = enc(v); seen.set(v, r); }
        return r;
      };
    }
    /** A JSON scalar as JSON.stringify writes it; undefined has no text (an object drops it). */
    function scalar(v) {
      var s = JSON.stringify(v);
      return s === undefined ? null : text(s);
    }
    /** An array element: undefined is written as null. */
    function element(f) { return f === null ? NULL : f; }
    var NULL = text('null');
    function array(frags) { return wrap(OPEN, joined(frags.map(element)), CLOSE); }
    /** An object from [[key, fragment], ...] (E.object: keys are Elm names, kept in order). */
    function object(pairs) {
      return wrap(BRACE, joined(pairs.map(function (kv) {
        return kv[1] === null ? null : cat(text(JSON.stringify(kv[0]) + ':'), kv[1]);
      })), UNBRACE);
    }
    // A tree's elements in key order joined by commas, remembered per node.
    function treeDigest(entry) {
      var seen = new WeakMap();
      function sub(t) {
        if (t === null) return null;
        var r = seen.get(t);
        if (r === undefined) { r = joined([sub(t.left), element(entry(t)), sub(t.right)]); seen.set(t, r); }
        return r;
      }
      return memo(function (container) { return wrap(OPEN, sub(container.root), CLOSE); });
    }
    var V = {};
    V.maybe = function (enc) {
      var nothing = object([['Nothing', array([])]]);
      return memo(function (v) { return v === null ? nothing : object([['Just', array([enc(v)])]]); });
    };
    V.list = function (enc) { return memo(function (v) { return array(v.map(function (x) { return enc(x); })); }); };
    V.set = function (enc) { return treeDigest(function (node) { return enc(node.key); }); };
    V.tuple2 = function (ea, eb) { return memo(function (t) { return array([ea(t[0]), eb(t[1])]); }); };
    V.tuple3 = function (ea, eb, ec) { return memo(function (t) { return array([ea(t[0]), eb(t[1]), ec(t[2])]); }); };
    V.dict = function (ek, ev) {
      return treeDigest(function (node) { return array([ek(node.key), ev(node.value)]); });
    };
    V.result = function (ee, eok) {
      return memo(function (r) { return r.$ === 'Err' ? object([['Err', array([ee(r.a[0])])]]) : object([['Ok', array([eok(r.a[0])])]]); });
    };
    V.unit = function () { return array([]); };
    V.record = function (fields) {
      return memo(function (r) { return object(fields.map(function (f) { return [f[0], f[1](r[f[0]])]; })); });
    };
    V.custom = function (tags) {
      return memo(function (v) {
        var encoders = tags[v.$];
        return object([[v.$, array(v.a.map(function (x, i) { return encoders[i](x); }))]]);
      });
    };
    V.string = scalar; V.int = scalar; V.float = scalar; V.bool = scalar;
    /** [hash lane 1, lane 2, length] of a whole text (hashInto's digest), from its fragment. */
    V.digest = function (f) {
      if (f === null) f = text('undefined');  // E.encode's `+ ''` of an undefined top level
      return [(imul(SEED1, f.p1) + f.r1) >>> 0, (imul(SEED2, f.p2) + f.r2) >>> 0, f.n];
    };
    V.text = text;
    return V;
  }

  // ------------------------------------------------------------------------------------
  // Generated root module (Backend.InterfaceToHost_Root) and migration root.

  function deserializeFailed(error) { return { $: 'DeserializeFailed', a: error }; }
  function deserializeSuccessful(state) { return { $: 'DeserializeSuccessful', a: state }; }

  /**
   * Define the runtime-contract globals for one app version.
   * spec: {init, decodeState, encodeState, processEvent(appEvent, state) -> [state, response]}
   * (2020-06-20 interface), or processSerialized(eventText, state) -> [state, responseText]
   * instead of processEvent (another root module, e.g. backend_main_2021.js).
   */
  function defineBackend(spec) {
    var processSerialized = spec.processSerialized || wrapForSerialInterface(spec.processEvent);
    var stateDecoder = D.oneOf([
      D.field('Interface_DeserializeFailed', D.map(deserializeFailed, D.field('error', D.string))),
      D.map(deserializeSuccessful, spec.decodeState)
    ]);

    function serializeState(state) {
      if (state.$ === 'DeserializeFailed') {
        return E.encode(0, E.object([['Interface_DeserializeFailed', E.object([['error', state.a]])]]));
      }
      return E.encode(0, spec.encodeState(state.a));
    }

    function deserializeState(serialized) {
      var r = D.decodeString(stateDecoder, serialized);
      return r.ok ? r.value : deserializeFailed(errorToString(r.error));
    }

    function serializedEvent(eventSerial, stateBefore) {
      if (stateBefore.$ === 'DeserializeFailed') return [stateBefore, '[]'];
      var r = processSerialized(eventSerial, stateBefore.a);
      return [deserializeSuccessful(r[0]), r[1]];
    }

    var g = globalThis;
    g.initState = deserializeSuccessful(spec.init);
    g.processEventAndUpdateState = function (eventSerial) {
      var r = serializedEvent(eventSerial, g.app_state);
      g.app_state = r[0];
      return r[1];
    };
    g.getSerializedState = function () { return serializeState(g.app_state); };
    // getSerializedState's digest without the text (spec.digestState: the GD encoders of the
    // state); not defined for ports without it (the harness then hashes the text).
    if (spec.digestState) {
      g.getStateDigest = function () {
        var state = g.app_state;
        if (state.$ === 'DeserializeFailed') return GD.digest(GD.text(serializeState(state)));
        return GD.digest(spec.digestState(state.a));
      };
    }
    // Exactly JSON.parse(getSerializedState()), built without the string (spec.viewState: the
    // GV encoders of the state; encodeState where the state holds no objects).
    var viewState = spec.viewState || spec.encodeState;
    g.getStateJsonValue = function () {
      var state = g.app_state;
      if (state.$ === 'DeserializeFailed') return { Interface_DeserializeFailed: { error: state.a } };
      return viewState(state.a);
    };
    g.setSerializedState = function (serialized) { g.app_state = deserializeState(serialized); };
  }

  /** MigrateBackendStateRoot.decodeMigrateAndEncodeAndSerializeResult as `interface_migrate`. */
  function defineMigration(spec) {
    globalThis.interface_migrate = function (previousStateJson) {
      var r = D.decodeString(spec.decodePrevious, previousStateJson);
      var result = r.ok
        ? E.object([['Ok', [E.encode(0, spec.encodeState(spec.migrate(r.value)))]]])
        : E.object([['Err', [errorToString(r.error)]]]);
      return E.encode(0, result);
    };
  }


  // ------------------------------------------------------------------------------------
  // Sample app family "tracker" (sample_histories/apps/tracker/*/src/Backend/Main.elm).
  // The versions differ in a few features, so one implementation serves all their ports:
  //   priority    (v2+)        Issue.priority : Maybe Priority, op setPriority
  //   rename      'displayName' (v1, v2) | 'buggy' (v3_bug) | 'fixed' (v4_fix, candidates)
  //   roles       (candidates)  User.role : Role, op setRole, close checks "by"

  /** JSON coders for the tracker state of the given features (the 2021 host's shapes). */
  function trackerCoders(features, encoders) {
    // Decoders of the host's 2021 generation (every tracker version was deployed in 2021-07),
    // encoders: GE, or GD for the state's digest, GV for its JSON value.
    var G_ = G21, GE_ = encoders || GE;
    var userFields = [['displayName', G_.string, GE_.string], ['email', G_.maybe(G_.string), GE_.maybe(GE_.string)],
      ['joinedTimeMilli', G_.int, GE_.int]];
    if (features.roles) {
      userFields.push(['role', G_.custom([['Member', []], ['Maintainer', []]]), GE_.custom({ Member: [], Maintainer: [] })]);
    }
    var resolution = [
      G_.custom([['Fixed', []], ['WontFix', []], ['Duplicate', [G_.int]]]),
      GE_.custom({ Fixed: [], WontFix: [], Duplicate: [GE_.int] })];
    var sinceRecord = [[['sinceTimeMilli', G_.int, GE_.int]]];
    var closedRecord = [[['resolution', resolution[0], resolution[1]], ['closedTimeMilli', G_.int, GE_.int]]];
    function rec(fields) {
      return [G_.record(fields.map(function (f) { return [f[0], f[1]]; })),
        GE_.record(fields.map(function (f) { return [f[0], f[2]]; }))];
    }
    var since = rec(sinceRecord[0]), closed = rec(closedRecord[0]);
    var status = [
      G_.custom([['Open', []], ['InProgress', [since[0]]], ['Closed', [closed[0]]]]),
      GE_.custom({ Open: [], InProgress: [since[1]], Closed: [closed[1]] })];
    var comment = rec([['author', G_.string, GE_.string], ['text', G_.string, GE_.string],
      ['postedTimeMilli', G_.int, GE_.int]]);
    var issueFields = [['title', G_.string, GE_.string], ['description', G_.string, GE_.string],
      ['reporter', G_.string, GE_.string], ['assignee', G_.maybe(G_.string), GE_.maybe(GE_.string)],
      ['status', status[0], status[1]]];
    if (features.priority) {
      var priorityTags = [['Low', []], ['Normal', []], ['High', []], ['Urgent', []]];
      issueFields.push(['priority', G_.maybe(G_.custom(priorityTags)),
        GE_.maybe(GE_.custom({ Low: [], Normal: [], High: [], Urgent: [] }))]);
    }
    issueFields.push(['labels', G_.set(G_.string), GE_.set(GE_.string)],
      ['comments', G_.list(comment[0]), GE_.list(comment[1])], ['createdTimeMilli', G_.int, GE_.int]);
    var user = rec(userFields), issue = rec(issueFields);
    var state = rec([['users', G_.dict(G_.string, user[0]), GE_.dict(GE_.string, user[1])],
      ['issues', G_.dict(G_.int, issue[0]), GE_.dict(GE_.int, issue[1])], ['nextIssueId', G_.int, GE_.int]]);
    return { decodeState: state[0], encodeState: state[1] };
  }

  function trackerApp(features) {
    function Ok(v) { return { ok: true, value: v }; }
    function Err(code, message) { return { ok: false, error: [code, message] }; }
    function andThen(r, f) { return r.ok ? f(r.value) : r; }
    function mapR(r, f) { return r.ok ? Ok(f(r.value)) : r; }
    function obj(pairs) { return E.object(pairs); }
    function withFields(record, changes) {
      var o = {};
      for (var k in record) o[k] = record[k];
      for (var c in changes) o[c] = changes[c];
      return o;
    }

    // --- request decoding (decodeRequest / decodeRequestForOp) ---
    function optional(name, d, dflt) {
      return D.map(function (m) { return m === null ? dflt : m; }, D.maybe(D.field(name, d)));
    }
    function enumDecoder(kind, names) {
      return D.andThen(function (text) {
        return Object.prototype.hasOwnProperty.call(names, text) ? D.succeed(tag(names[text]))
          : D.fail('Unknown ' + kind + " '" + text + "'");
      }, D.string);
    }
    var decodePriority = enumDecoder('priority', { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' });
    var decodeRole = enumDecoder('role', { member: 'Member', maintainer: 'Maintainer' });
    var decodeResolution = D.andThen(function (resolution) {
      switch (resolution) {
        case 'fixed': return D.succeed(tag('Fixed'));
        case 'wontfix': return D.succeed(tag('WontFix'));
        case 'duplicate': return D.map(function (id) { return tag('Duplicate', id); }, D.field('duplicateOf', D.int));
      }
      return D.fail("Unknown resolution '" + resolution + "'");
    }, D.field('resolution', D.string));
    var issueIdField = D.field('issueId', D.int);
    var stringList = D.list(D.string);

    function decodeRequestForOp(op) {
      switch (op) {
        case 'addUser':
          return D.map(function (userId, displayName, email) {
            return { op: op, userId: userId, displayName: displayName, email: email };
          }, D.field('userId', D.string), D.field('displayName', D.string), D.maybe(D.field('email', D.string)));
        case 'rename':
          if (features.rename === 'displayName') {
            return D.map(function (userId, displayName) {
              return { op: op, userId: userId, displayName: displayName, newUserId: null };
            }, D.field('userId', D.string), D.field('displayName', D.string));
          }
          return D.map(function (userId, displayName, newUserId) {
            return { op: op, userId: userId, displayName: displayName, newUserId: newUserId };
          }, D.field('userId', D.string), D.field('displayName', D.string), optional('newUserId', D.string, null));
        case 'createIssue':
          var createFields = [D.field('reporter', D.string), D.field('title', D.string),
            optional('description', D.string, ''), optional('labels', stringList, [])];
          if (features.priority) createFields.push(optional('priority', decodePriority, null));
          return D.map.apply(null, [function (reporter, title, description, labels, priority) {
            return { op: op, reporter: reporter, title: title, description: description, labels: labels,
              priority: priority === undefined ? null : priority };
          }].concat(createFields));
        case 'assign':
          return D.map(function (issueId, assignee) { return { op: op, issueId: issueId, assignee: assignee }; },
            issueIdField, D.field('assignee', D.nullable(D.string)));
        case 'comment':
          return D.map(function (issueId, author, text) { return { op: op, issueId: issueId, author: author, text: text }; },
            issueIdField, D.field('author', D.string), D.field('text', D.string));
        case 'close':
          if (features.roles) {
            return D.map(function (issueId, resolution, by) {
              return { op: op, issueId: issueId, resolution: resolution, by: by };
            }, issueIdField, decodeResolution, optional('by', D.string, null));
          }
          return D.map(function (issueId, resolution) { return { op: op, issueId: issueId, resolution: resolution, by: null }; },
            issueIdField, decodeResolution);
        case 'reopen':
          return D.map(function (issueId) { return { op: op, issueId: issueId }; }, issueIdField);
        case 'label':
          return D.map(function (issueId, add, remove) { return { op: op, issueId: issueId, add: add, remove: remove }; },
            issueIdField, optional('add', stringList, []), optional('remove', stringList, []));
        case 'setPriority':
          if (!features.priority) break;
          return D.map(function (issueId, priority) { return { op: op, issueId: issueId, priority: priority }; },
            issueIdField, D.field('priority', D.nullable(decodePriority)));
        case 'setRole':
          if (!features.roles) break;
          return D.map(function (userId, role) { return { op: op, userId: userId, role: role }; },
            D.field('userId', D.string), D.field('role', decodeRole));
        case 'getIssue':
          return D.map(function (issueId) { return { op: op, issueId: issueId }; }, issueIdField);
        case 'stats':
          return D.succeed({ op: op });
      }
      return D.fail("Unknown op '" + op + "'");
    }
    var decodeRequest = D.andThen(decodeRequestForOp, D.field('op', D.string));

    // --- helpers ---
    function requireUser(userId, state) {
      var user = Dict.get(userId, state.users);
      return user !== null ? Ok(user) : Err(404, "No user with id '" + userId + "'");
    }
    function requireIssue(issueId, state) {
      var issue = Dict.get(issueId, state.issues);
      return issue !== null ? Ok(issue) : Err(404, 'No issue #' + issueId);
    }
    function withIssue(issueId, issue, state) {
      return withFields(state, { issues: Dict.insert(issueId, issue, state.issues) });
    }
    function statusName(status) {
      return status.$ === 'Open' ? 'open' : (status.$ === 'InProgress' ? 'inProgress' : 'closed');
    }
    var priorityNames = { Low: 'low', Normal: 'normal', High: 'high', Urgent: 'urgent' };
    function encodePriority(priority) { return priority === null ? null : priorityNames[priority.$]; }
    function roleName(role) { return role.$ === 'Member' ? 'member' : 'maintainer'; }
    function encodeError(message) { return obj([['error', message]]); }
    function isEmptyAfterTrim(text) { return text.trim() === ''; }

    /** The Elm code lists the issues once per count; one fold gives the same numbers. */
    function encodeStats(state) {
      var counts = Dict.foldl(function (_, issue, c) {
        var name = statusName(issue.status);
        c[name] += 1;
        if (features.priority && issue.priority !== null && issue.priority.$ === 'Urgent' && name !== 'closed') c.urgentOpen += 1;
        return c;
      }, { open: 0, inProgress: 0, closed: 0, urgentOpen: 0 }, state.issues);
      var pairs = [['users', Dict.size(state.users)], ['issues', Dict.size(state.issues)], ['open', counts.open],
        ['inProgress', counts.inProgress], ['closed', counts.closed]];
      if (features.priority) pairs.push(['urgentOpen', counts.urgentOpen]);
      return obj(pairs);
    }

    function encodeIssue(issueId, issue) {
      var pairs = [['issueId', issueId], ['title', issue.title], ['description', issue.description],
        ['reporter', issue.reporter], ['assignee', issue.assignee], ['status', statusName(issue.status)]];
      if (features.priority) pairs.push(['priority', encodePriority(issue.priority)]);
      pairs.push(['labels', ElmSet.toList(issue.labels)],
        ['comments', issue.comments.map(function (c) { return obj([['author', c.author], ['text', c.text]]); })]);
      return obj(pairs);
    }

    function renameUserInIssue(fromUserId, toUserId, issue) {
      function replace(userId) { return userId === fromUserId ? toUserId : userId; }
      var assignee;
      if (features.rename === 'buggy') {
        // v3_bug: every issue not assigned to the renamed user loses its assignee.
        assignee = issue.assignee === fromUserId ? toUserId : null;
      } else {
        assignee = issue.assignee === null ? null : replace(issue.assignee);
      }
      return withFields(issue, {
        reporter: replace(issue.reporter),
        assignee: assignee,
        comments: issue.comments.map(function (c) { return withFields(c, { author: replace(c.author) }); })
      });
    }

    // --- applyRequest ---
    function applyRequest(now, request, state) {
      switch (request.op) {
        case 'addUser':
          if (isEmptyAfterTrim(request.userId)) return Err(400, 'userId must not be empty');
          if (Dict.member(request.userId, state.users)) return Err(409, "User '" + request.userId + "' already exists");
          var newUser = { displayName: request.displayName, email: request.email, joinedTimeMilli: now };
          if (features.roles) newUser.role = tag('Member');
          return Ok([withFields(state, { users: Dict.insert(request.userId, newUser, state.users) }),
            obj([['userId', request.userId]])]);

        case 'rename':
          if (features.rename === 'displayName') {
            return mapR(requireUser(request.userId, state), function (user) {
              return [withFields(state, { users: Dict.insert(request.userId, withFields(user, { displayName: request.displayName }), state.users) }),
                obj([['userId', request.userId], ['displayName', request.displayName]])];
            });
          }
          return andThen(requireUser(request.userId, state), function (user) {
            var target = request.newUserId === null ? request.userId : request.newUserId;
            if (isEmptyAfterTrim(target)) return Err(400, 'userId must not be empty');
            if (target !== request.userId && Dict.member(target, state.users)) return Err(409, "User '" + target + "' already exists");
            var users = Dict.insert(target, withFields(user, { displayName: request.displayName }), Dict.remove(request.userId, state.users));
            var issues = Dict.map(function (_, issue) { return renameUserInIssue(request.userId, target, issue); }, state.issues);
            return Ok([withFields(state, { users: users, issues: issues }),
              obj([['userId', target], ['displayName', request.displayName]])]);
          });

        case 'createIssue':
          return andThen(requireUser(request.reporter, state), function () {
            if (isEmptyAfterTrim(request.title)) return Err(400, 'Title must not be empty');
            var issueId = state.nextIssueId;
            var issue = { title: request.title.trim(), description: request.description, reporter: request.reporter,
              assignee: null, status: tag('Open') };
            if (features.priority) issue.priority = request.priority;
            issue.labels = ElmSet.fromList(request.labels);
            issue.comments = [];
            issue.createdTimeMilli = now;
            return Ok([withFields(state, { issues: Dict.insert(issueId, issue, state.issues), nextIssueId: issueId + 1 }),
              obj([['issueId', issueId]])]);
          });

        case 'assign':
          return andThen(requireIssue(request.issueId, state), function (issue) {
            var check = request.assignee === null ? Ok(null) : requireUser(request.assignee, state);
            return mapR(check, function () {
              var status = issue.status;
              if (issue.status.$ === 'Open' && request.assignee !== null) status = tag('InProgress', { sinceTimeMilli: now });
              else if (issue.status.$ === 'InProgress' && request.assignee === null) status = tag('Open');
              return [withIssue(request.issueId, withFields(issue, { assignee: request.assignee, status: status }), state),
                obj([['issueId', request.issueId], ['assignee', request.assignee], ['status', statusName(status)]])];
            });
          });

        case 'comment':
          return andThen(requireIssue(request.issueId, state), function (issue) {
            return andThen(requireUser(request.author, state), function () {
              if (isEmptyAfterTrim(request.text)) return Err(400, 'Comment must not be empty');
              var comments = issue.comments.concat([{ author: request.author, text: request.text, postedTimeMilli: now }]);
              return Ok([withIssue(request.issueId, withFields(issue, { comments: comments }), state),
                obj([['issueId', request.issueId], ['commentCount', comments.length]])]);
            });
          });

        case 'close':
          return andThen(requireIssue(request.issueId, state), function (issue) {
            if (issue.status.$ === 'Closed') return Err(409, 'Issue #' + request.issueId + ' is already closed');
            var byCheck = request.by === null ? Ok(null) : andThen(requireUser(request.by, state), function (closer) {
              return (closer.role.$ === 'Maintainer' || request.by === issue.reporter) ? Ok(null)
                : Err(403, 'Only maintainers may close issues reported by others');
            });
            var duplicateCheck = andThen(byCheck, function () {
              if (request.resolution.$ !== 'Duplicate') return Ok(null);
              var originalId = request.resolution.a[0];
              if (originalId === request.issueId) return Err(400, 'Issue #' + request.issueId + ' cannot duplicate itself');
              return requireIssue(originalId, state);
            });
            return mapR(duplicateCheck, function () {
              var status = tag('Closed', { resolution: request.resolution, closedTimeMilli: now });
              return [withIssue(request.issueId, withFields(issue, { status: status }), state),
                obj([['issueId', request.issueId], ['status', 'closed']])];
            });
          });

        case 'reopen':
          return andThen(requireIssue(request.issueId, state), function (issue) {
            if (issue.status.$ !== 'Closed') return Err(409, 'Issue #' + request.issueId + ' is not closed');
            var status = issue.assignee !== null ? tag('InProgress', { sinceTimeMilli: now }) : tag('Open');
            return Ok([withIssue(request.issueId, withFields(issue, { status: status }), state),
              obj([['issueId', request.issueId], ['status', statusName(status)]])]);
          });

        case 'label':
          return mapR(requireIssue(request.issueId, state), function (issue) {
            var labels = ElmSet.diff(ElmSet.union(ElmSet.fromList(request.add), issue.labels), ElmSet.fromList(request.remove));
            return [withIssue(request.issueId, withFields(issue, { labels: labels }), state),
              obj([['issueId', request.issueId], ['labels', ElmSet.toList(labels)]])];
          });

        case 'setPriority':
          return mapR(requireIssue(request.issueId, state), function (issue) {
            return [withIssue(request.issueId, withFields(issue, { priority: request.priority }), state),
              obj([['issueId', request.issueId], ['priority', encodePriority(request.priority)]])];
          });

        case 'setRole':
          return mapR(requireUser(request.userId, state), function (user) {
            return [withFields(state, { users: Dict.insert(request.userId, withFields(user, { role: request.role }), state.users) }),
              obj([['userId', request.userId], ['role', roleName(request.role)]])];
          });

        case 'getIssue':
          return mapR(requireIssue(request.issueId, state), function (issue) {
            return [state, encodeIssue(request.issueId, issue)];
          });

        case 'stats':
          return Ok([state, encodeStats(state)]);
      }
      throw new Error('unknown request ' + request.op);
    }

    function processHttpRequest(httpRequestEvent, stateBefore) {
      var request = httpRequestEvent.request;
      switch (request.method.toUpperCase()) {
        case 'GET':
          return [stateBefore, 200, encodeStats(stateBefore)];
        case 'POST':
          var decoded = D.decodeString(decodeRequest, requestBodyText(request, ''));
          if (!decoded.ok) return [stateBefore, 400, encodeError('Bad request: ' + errorToString(decoded.error))];
          var applied = applyRequest(httpRequestEvent.posixTimeMilli, decoded.value, stateBefore);
          if (!applied.ok) return [stateBefore, applied.error[0], encodeError(applied.error[1])];
          return [applied.value[0], 200, applied.value[1]];
      }
      return [stateBefore, 405, encodeError('Method not allowed: ' + request.method)];
    }

    var jsonContentType = [{ name: 'Content-Type', values: ['application/json'] }];

    function processEvent(hostEvent, stateBefore) {
      if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, passiveAppEventResponse];
      var httpRequestEvent = hostEvent.a[0];
      var r = processHttpRequest(httpRequestEvent, stateBefore);
      return [r[0], httpResponse(httpRequestEvent.httpRequestId, r[1], jsonContentType, E.encode(0, r[2]))];
    }

    var coders = trackerCoders(features);
    return {
      init: { users: Dict.empty(), issues: Dict.empty(), nextIssueId: 1 },
      decodeState: coders.decodeState,
      encodeState: coders.encodeState,
      digestState: trackerCoders(features, GD).encodeState,
      viewState: trackerCoders(features, GV).encodeState,
      processEvent: processEvent,
      withFields: withFields
    };
  }


  // ------------------------------------------------------------------------------------
  // Decoders of the host's 2021 Elm generator (52a2ecb0 on; docs/compilation-interfaces.md):
  // CompilationInterface.GenerateJsonCoders, and from 2021-05-15/18 (70bab634, da027786) also
  // the backend state and the migration input.  Records, Maybe, Result, List, Set and tuples
  // are as in G; custom types differ: tags tried in alphabetical order, one argument only as
  // {"Tag":[a]}, a tag without arguments from any value under its key except null; a Dict only
  // from [[k,v],...].

  var G21 = Object.create(G);

  /** Dict: elements only as [k,v] (the 2020 {"key":k,"value":v} form is refused). */
  G21.dict = function (dk, dv) { return D.map(Dict.fromList, D.list(G.tuple2(dk, dv))); };

  /** jsonDecodeSucceedWhenNotNull */
  G21.succeedWhenNotNull = function (v) {
    return D.andThen(function (json) { return json === null ? D.fail('Is null.') : D.succeed(v); }, D.value);
  };

  /** `tags` is [[tagName, [argDecoders...]], ...] in any order; values are {$: tagName, a: [args]}. */
  G21.custom = function (tags) {
    var sorted = tags.slice().sort(function (x, y) { return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0; });
    return D.oneOf(sorted.map(function (t) {
      var name = t[0];
      var argDecoders = t[1];
      function construct() { return { $: name, a: Array.prototype.slice.call(arguments) }; }
      if (argDecoders.length === 0) return D.field(name, G21.succeedWhenNotNull({ $: name, a: [] }));
      var indexed = argDecoders.map(function (d, i) { return D.index(i, d); });
      return D.field(name, D.map.apply(null, [construct].concat(indexed)));
    }));
  };

  // ------------------------------------------------------------------------------------
  // Sample app family "notes" (sample_histories/apps/notes/*): an HTTP API through
  // CompilationInterface.GenerateJsonCoders (2021 generation) and a static page through
  // CompilationInterface.SourceFiles.  Features of the versions:
  //   pin       (v2, candidates)  StoredNote.pinned, Api.Note.pinned, PinNote / NoteUpdated
  //   tagSet    (candidate_ok)    StoredNote.tags : Set String (listed sorted)
  //   archived  (candidate_reject) StoredNote.archived

  /** static/index.html of every notes version, as `file__base64____static_index_html`. */
  var NOTES_INDEX_HTML_BASE64 = 'PCFET0NUWVBFIGh0bWw+CjxodG1sIGxhbmc9ImVuIj4KPGhlYWQ+PG1ldGEgY2hhcnNldD0idXRmLTgiPjx0aXRsZT5Ob3RlczwvdGl0bGU+PC9oZWFkPgo8Ym9keT4KPGgxPk5vdGVzPC9oMT4KPHA+UE9TVCBhIHJlcXVlc3QgdG8gPGNvZGU+L2FwaTwvY29kZT4sIGZvciBleGFtcGxlIDxjb2RlPnsiQWRkTm90ZSI6W3sidGl0bGUiOiJCdXkgbWlsayIsImJvZHkiOnsiTm90aGluZyI6W119LCJ0YWdzIjpbImhvbWUiXX1dfTwvY29kZT4uPC9wPgo8cD5HcsO8w59lIOKAlCBzZXJ2ZWQgZnJvbSA8Y29kZT5zdGF0aWMvaW5kZXguaHRtbDwvY29kZT4gdGhyb3VnaCA8Y29kZT5Db21waWxhdGlvbkludGVyZmFjZS5Tb3VyY2VGaWxlczwvY29kZT4uPC9wPgo8L2JvZHk+CjwvaHRtbD4K';

  /** The notes state coders (root module of the host's 2021 generation, as deployed in 2021-08). */
  function notesCoders(features) {
    var G = G21;
    var fields = [['title', G.string, GE.string], ['body', G.maybe(G.string), GE.maybe(GE.string)],
      features.tagSet ? ['tags', G.set(G.string), GE.set(GE.string)] : ['tags', G.list(G.string), GE.list(GE.string)],
      ['createdTimeMilli', G.int, GE.int]];
    if (features.pin) fields.push(['pinned', G.bool, GE.bool]);
    if (features.archived) fields.push(['archived', G.bool, GE.bool]);
    var noteD = G.record(fields.map(function (f) { return [f[0], f[1]]; }));
    var noteE = GE.record(fields.map(function (f) { return [f[0], f[2]]; }));
    return {
      decodeState: G.record([['notes', G.dict(G.int, noteD)], ['nextId', G.int]]),
      encodeState: GE.record([['notes', GE.dict(GE.int, noteE)], ['nextId', GE.int]])
    };
  }

  function notesApp(features) {
    var coders = notesCoders(features);
    var maybeString = G.maybe(G.string);
    var draft = G.record([['title', G.string], ['body', maybeString], ['tags', D.list(G.string)]]);
    var requestTags = [
      ['AddNote', [draft]],
      ['ListNotes', [G.record([['tag', maybeString]])]],
      ['RemoveNote', [G.record([['id', G.int]])]]
    ];
    if (features.pin) requestTags.push(['PinNote', [G.record([['id', G.int], ['pinned', G.bool]])]]);
    var decodeRequest = G21.custom(requestTags);

    var noteFields = [['id', GE.int], ['title', GE.string], ['body', GE.maybe(GE.string)], ['tags', GE.list(GE.string)]];
    if (features.pin) noteFields.push(['pinned', GE.bool]);
    var encodeProblem = GE.custom({ NoteNotFound: [GE.int], EmptyTitle: [] });
    var encodeResponse = GE.custom({
      NoteAdded: [GE.record([['id', GE.int]])],
      NoteList: [GE.list(GE.record(noteFields))],
      NoteRemoved: [GE.int],
      NoteUpdated: [GE.record([['id', GE.int], ['pinned', GE.bool]])],
      Failed: [encodeProblem]
    });

    function response(httpRequestId, statusCode, headersToAdd, bodyAsBase64) {
      return { completeHttpResponses: [{ httpRequestId: httpRequestId,
        response: { statusCode: statusCode, headersToAdd: headersToAdd, bodyAsBase64: bodyAsBase64 } }] };
    }

    function processRequest(posixTimeMilli, request, s) {
      var r = request.a[0];
      switch (request.$) {
        case 'AddNote': {
          if (r.title.trim() === '') return [s, tag('Failed', tag('EmptyTitle'))];
          var note = { title: r.title, body: r.body, tags: features.tagSet ? ElmSet.fromList(r.tags) : r.tags,
            createdTimeMilli: posixTimeMilli };
          if (features.pin) note.pinned = false;
          if (features.archived) note.archived = false;
          return [{ notes: Dict.insert(s.nextId, note, s.notes), nextId: s.nextId + 1 },
            tag('NoteAdded', { id: s.nextId })];
        }
        case 'ListNotes': {
          var listed = Dict.toList(s.notes).filter(function (kv) {
            if (r.tag === null) return true;
            return features.tagSet ? ElmSet.member(r.tag, kv[1].tags) : kv[1].tags.indexOf(r.tag) >= 0;
          }).map(function (kv) {
            var n = kv[1];
            var o = { id: kv[0], title: n.title, body: n.body, tags: features.tagSet ? ElmSet.toList(n.tags) : n.tags };
            if (features.pin) o.pinned = n.pinned;
            return o;
          });
          return [s, tag('NoteList', listed)];
        }
        case 'RemoveNote':
          if (Dict.member(r.id, s.notes)) return [{ notes: Dict.remove(r.id, s.notes), nextId: s.nextId }, tag('NoteRemoved', r.id)];
          return [s, tag('Failed', tag('NoteNotFound', r.id))];
        case 'PinNote': {
          var found = Dict.get(r.id, s.notes);
          if (found === null) return [s, tag('Failed', tag('NoteNotFound', r.id))];
          var pinnedNote = {};
          for (var k in found) pinnedNote[k] = found[k];
          pinnedNote.pinned = r.pinned;
          return [{ notes: Dict.insert(r.id, pinnedNote, s.notes), nextId: s.nextId },
            tag('NoteUpdated', { id: r.id, pinned: r.pinned })];
        }
      }
      throw new Error('notes: unexpected request ' + request.$);
    }

    function processEvent(hostEvent, stateBefore) {
      if (hostEvent.$ !== 'HttpRequestEvent') return [stateBefore, passiveAppEventResponse];
      var ev = hostEvent.a[0];
      if (ev.request.method.toLowerCase() === 'get') {
        return [stateBefore, response(ev.httpRequestId, 200,
          [{ name: 'Content-Type', values: ['text/html; charset=utf-8'] }], NOTES_INDEX_HTML_BASE64)];
      }
      var decoded = D.decodeString(decodeRequest, requestBodyText(ev.request, 'Missing HTTP body'));
      if (!decoded.ok) {
        return [stateBefore, response(ev.httpRequestId, 400, [], Base64.fromString('Bad request: expected an Api.Request'))];
      }
      var r = processRequest(ev.posixTimeMilli, decoded.value, stateBefore);
      return [r[0], response(ev.httpRequestId, 200, [{ name: 'Content-Type', values: ['application/json'] }],
        Base64.fromString(E.encode(0, encodeResponse(r[1]))))];
    }

    return { init: { notes: Dict.empty(), nextId: 1 }, decodeState: coders.decodeState,
      encodeState: coders.encodeState, processEvent: processEvent };
  }

  return {
    idiv: idiv,
    modBy: modBy,
    stringToChars: stringToChars,
    charToCode: charToCode,
    charFromCode: charFromCode,
    Dict: Dict,
    Set: ElmSet,
    D: D,
    E: E,
    G: G,
    GE: GE,
    GD: GD,
    GV: GV,
    tag: tag,
    Base64: Base64,
    optionalField: optionalField,
    decodeHttpRequestEvent: decodeHttpRequestEvent,
    passiveAppEventResponse: passiveAppEventResponse,
    httpResponse: httpResponse,
    requestBodyText: requestBodyText,
    wrapForSerialInterface: wrapForSerialInterface,
    defineBackend: defineBackend,
    defineMigration: defineMigration,
    trackerCoders: trackerCoders,
    trackerApp: trackerApp,
    G21: G21,
    NOTES_INDEX_HTML_BASE64: NOTES_INDEX_HTML_BASE64,
    notesCoders: notesCoders,
    notesApp: notesApp
  };
})();
