/*
 * ledger_app.js -- HAND-WRITTEN JavaScript, not compiler output.  Loaded after elm_port_lib.js
 * and webservice_2023.js; each ledger port (v1.js, v2.js, candidate_*.js) calls
 * LedgerPort.define(features) with the features of its version of
 * sample_histories/apps/ledger/<version>/src/Backend/Main.elm:
 *
 *   fee      (v2, candidates)  a transfer costs transferFee = 1, State.feesCollected, payOutFees
 *   frozen   (candidates)      State.frozenAccounts, no transfer leaves a frozen account, freeze
 *   migrate  null | 'fromV1' (v2) | 'fromV2' (candidate_ok) | 'fromV2WithFrozen' (candidate_reject:
 *            its previous-state type has frozenAccounts, which no stored state has)
 */
var LedgerPort = (function (L, W) {
  'use strict';
  var D = L.D, E = L.E, G = L.G, GE = L.GE, Dict = L.Dict, Base64 = L.Base64, G23 = W.G23;

  var SETTLEMENT_INTERVAL_MILLI = 3600000;
  var TRANSFER_FEE = 1;

  /** The state's fields of a version: [name, decoder, encoder], in declared order. */
  function stateFields(features) {
    var fields = [
      ['balances', G23.dict(D.string, D.int), GE.dict(GE.string, GE.int)],
      ['transferCount', D.int, GE.int],
      ['lastSettlementMilli', D.int, GE.int],
      ['settlementCount', D.int, GE.int]
    ];
    if (features.fee) fields.push(['feesCollected', D.int, GE.int]);
    if (features.frozen) fields.push(['frozenAccounts', D.list(D.string), GE.list(GE.string)]);
    return fields;
  }

  function decoderOf(fields) { return G23.record(fields.map(function (f) { return [f[0], f[1]]; })); }

  function balanceOf(account, state) {
    var balance = Dict.get(account, state.balances);
    return balance === null ? 0 : balance;
  }

  function withFields(record, fields) {
    var out = {};
    Object.keys(record).forEach(function (k) { out[k] = record[k]; });
    Object.keys(fields).forEach(function (k) { out[k] = fields[k]; });
    return out;
  }

  var operationDecoder = D.oneOf([
    D.field('deposit', D.map(function (account, amount) { return L.tag('Deposit', account, amount); },
      D.field('account', D.string), D.field('amount', D.int))),
    D.field('transfer', D.map(function (from, to, amount) { return L.tag('Transfer', from, to, amount); },
      D.field('from', D.string), D.field('to', D.string), D.field('amount', D.int)))
  ]);

  function define(features) {
    var fields = stateFields(features);
    var fee = features.fee ? TRANSFER_FEE : 0;

    function applyOperation(operation, state) {
      var a = operation.a;
      if (operation.$ === 'Deposit') {
        if (a[1] <= 0) return { ok: false, error: 'The amount must be positive.' };
        return { ok: true, value: withFields(state, { balances: Dict.insert(a[0], balanceOf(a[0], state) + a[1], state.balances) }) };
      }
      var from = a[0], to = a[1], amount = a[2];
      if (amount <= 0) return { ok: false, error: 'The amount must be positive.' };
      if (features.frozen && state.frozenAccounts.indexOf(from) >= 0) return { ok: false, error: 'Account ' + from + ' is frozen.' };
      if (balanceOf(from, state) < amount + fee) {
        return { ok: false, error: 'Insufficient funds in account ' + from +
          (features.fee ? ' (the fee is ' + TRANSFER_FEE + ').' : '.') };
      }
      var debited = Dict.insert(from, balanceOf(from, state) - amount - fee, state.balances);
      var toBefore = Dict.get(to, debited);
      var changes = { balances: Dict.insert(to, (toBefore === null ? 0 : toBefore) + amount, debited),
        transferCount: state.transferCount + 1 };
      if (features.fee) changes.feesCollected = state.feesCollected + fee;
      return { ok: true, value: withFields(state, changes) };
    }

    function encodeBalances(state) {
      return E.encode(0, E.object(Dict.toList(state.balances)));
    }

    function requestBody(request) {
      if (request.bodyAsBase64 === null) return '';
      var bytes = Base64.toBytes(request.bodyAsBase64);
      var text = bytes === null ? null : Base64.decodeUtf8(bytes);
      return text === null ? '' : text;
    }

    function updateForHttpRequest(event, stateBefore) {
      var state = stateBefore, statusCode = 200, body;
      if (event.request.method === 'GET') {
        body = encodeBalances(stateBefore);
      } else {
        var decoded = D.decodeString(operationDecoder, requestBody(event.request));
        if (!decoded.ok) {
          statusCode = 400;
          body = D.errorToString(decoded.error);
        } else {
          var applied = applyOperation(decoded.value, stateBefore);
          if (applied.ok) {
            state = applied.value;
            body = encodeBalances(state);
          } else {
            statusCode = 409;
            body = applied.error;
          }
        }
      }
      var respond = { httpRequestId: event.httpRequestId,
        response: { statusCode: statusCode, bodyAsBase64: Base64.fromString(body), headersToAdd: [] } };
      return [state, [L.tag('RespondToHttpRequest', respond)]];
    }

    function subscriptions(state) {
      return {
        httpRequest: updateForHttpRequest,
        posixTimeIsPast: {
          minimumPosixTimeMilli: state.lastSettlementMilli + SETTLEMENT_INTERVAL_MILLI,
          update: function (time, s) {
            return [withFields(s, { lastSettlementMilli: time.currentPosixTimeMilli, settlementCount: s.settlementCount + 1 }), []];
          }
        }
      };
    }

    var init = { balances: Dict.empty(), transferCount: 0, lastSettlementMilli: 0, settlementCount: 0 };
    if (features.fee) init.feesCollected = 0;
    if (features.frozen) init.frozenAccounts = [];

    var admin = {
      creditAll: { decodeArgument: D.int, apply: function (amount, state) {
        return withFields(state, { balances: Dict.map(function (_, balance) { return balance + amount; }, state.balances) });
      } },
      balanceReport: { decodeArgument: D.string, report: balanceOf, encodeReport: GE.int }
    };
    if (features.fee) {
      admin.payOutFees = { decodeArgument: D.string, apply: function (account, state) {
        return withFields(state, { balances: Dict.insert(account, balanceOf(account, state) + state.feesCollected, state.balances),
          feesCollected: 0 });
      } };
    }
    if (features.frozen) {
      admin.freeze = { decodeArgument: D.string, apply: function (account, state) {
        return withFields(state, { frozenAccounts: [account].concat(state.frozenAccounts.filter(function (x) { return x !== account; })) });
      } };
    }

    var migrate = null;
    if (features.migrate === 'fromV1') {
      migrate = { decodePrevious: decoderOf(stateFields({})), migrate: function (p) {
        return [withFields(p, { feesCollected: 0 }), []];
      } };
    } else if (features.migrate === 'fromV2' || features.migrate === 'fromV2WithFrozen') {
      var withFrozen = features.migrate === 'fromV2WithFrozen';
      migrate = { decodePrevious: decoderOf(stateFields({ fee: true, frozen: withFrozen })), migrate: function (p) {
        return [withFields(p, { frozenAccounts: withFrozen ? p.frozenAccounts : [] }), []];
      } };
    }

    W.defineWebService({
      init: [init, []],
      subscriptions: subscriptions,
      decodeState: decoderOf(fields),
      encodeState: GE.record(fields.map(function (f) { return [f[0], f[2]]; })),
      migrate: migrate,
      adminFunctions: admin
    });
  }

  return { define: define };
})(ElmPortLib, ElmPortLib2023);
