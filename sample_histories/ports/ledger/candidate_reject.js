/* HAND-WRITTEN JavaScript port (not compiler output) of sample_histories/apps/ledger/candidate_reject
   as candidate_ok, but its Backend.MigrateState expects frozenAccounts in the v2 state (rejected). Runtime: elm_port_lib.js + webservice_2023.js + ledger_app.js + this file. */
LedgerPort.define({ fee: true, frozen: true, migrate: 'fromV2WithFrozen' });
